//go:build !go1.23

package main

// pull does nothing before Go 1.23, which has no iter package.
func pull(int) {}
