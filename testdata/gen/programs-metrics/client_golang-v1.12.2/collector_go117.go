//go:build go1.17
// +build go1.17

package main

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

func goCollector() prometheus.Collector {
	return collectors.NewGoCollector(collectors.WithGoCollections(
		collectors.GoRuntimeMemStatsCollection | collectors.GoRuntimeMetricsCollection))
}
