//go:build !go1.17
// +build !go1.17

package main

import "github.com/prometheus/client_golang/prometheus"

func goCollector() prometheus.Collector {
	return prometheus.NewGoCollector()
}
