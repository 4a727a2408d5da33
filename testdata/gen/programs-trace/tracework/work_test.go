package main

import (
	"testing"
	"time"
)

// TestWorkload runs a short workload, so that `go test -trace=FILE` writes a
// trace as the testing package records it.
func TestWorkload(t *testing.T) {
	if err := run(150 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
}
