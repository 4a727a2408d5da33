package main

import "runtime"

// captureBuf receives the pcs of capture; runScenarios copies them out.
var captureBuf [100]uintptr

// capture returns the pcs of its callers, its own frame first (valid until
// the next capture). It is not inlined, so that the chains of small
// functions above it can be: inlining costs a function the budget of what
// it calls, and a call that is not inlined is the largest item. The pc of its
// caller is then a return address inside several inlined frames.
//
//go:noinline
func capture() []uintptr {
	return captureBuf[:runtime.Callers(1, captureBuf[:])]
}
