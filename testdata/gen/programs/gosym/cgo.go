//go:build cgo
// +build cgo

package main

/*
extern void gosymCallback(int);

static void gosym_call_back(int n) {
	gosymCallback(n + 1);
}
*/
import "C"

// With cgo (linux/amd64 only, where a C compiler exists), a Go function
// called back from C captures its stack: the runtime unwinds through the
// cgo call frames back to the Go caller.

func init() {
	scenarios = append(scenarios, scenario{"cgo-callback", cgoCallback})
}

var cgoPCs []uintptr

//export gosymCallback
func gosymCallback(n C.int) {
	if n > 0 {
		cgoPCs = capture()
	}
}

//go:noinline
func cgoCallback() []uintptr {
	C.gosym_call_back(1)
	return cgoPCs
}
