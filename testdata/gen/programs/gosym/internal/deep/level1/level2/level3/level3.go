// Package level3 is the bottom of the deep package chain.
package level3

import "runtime"

var (
	buf   [100]uintptr
	depth int
)

// Capture is inlined into its caller in another package.
func Capture(n int) []uintptr {
	depth = n
	return grab()
}

// grab returns the pcs of its callers, its own frame first.
//
//go:noinline
func grab() []uintptr {
	return buf[:runtime.Callers(1, buf[:])]
}
