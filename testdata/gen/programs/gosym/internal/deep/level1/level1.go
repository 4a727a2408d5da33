// Package level1 is the top of a chain of packages with a long import path;
// its functions are inlined across package boundaries.
package level1

import "godiag.dev/testdata/gen/programs/gosym/internal/deep/level1/level2"

// Enter is inlined into its caller in another package.
func Enter(n int) []uintptr {
	if n < 0 {
		return nil
	}
	return level2.Walk(n)
}
