// Package level2 is the middle of the deep package chain.
package level2

import "godiag.dev/testdata/gen/programs/gosym/internal/deep/level1/level2/level3"

// Walk goes one physical frame deeper, then inlines level3.
//
//go:noinline
func Walk(n int) []uintptr {
	return level3.Capture(n)
}
