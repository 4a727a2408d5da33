package main

import (
	"godiag.dev/testdata/gen/programs/gosym/internal/deep/level1"
)

//go:noinline
func deepPackage() []uintptr {
	return level1.Enter(3)
}

// deferred captures inside a deferred closure, run as deferred returns.
//
//go:noinline
func deferred() (pcs []uintptr) {
	defer func() {
		pcs = capture()
	}()
	return nil
}

// inGoroutine captures on a new goroutine: the stack ends in runtime.goexit
// without main.main.
//
//go:noinline
func inGoroutine() []uintptr {
	ch := make(chan []uintptr)
	go goroutineBody(ch)
	return <-ch
}

//go:noinline
func goroutineBody(ch chan []uintptr) {
	ch <- chainC(1)
}

// recovered captures in a deferred function while a panic from a nil
// pointer dereference (a fault, so a sigpanic frame) unwinds.
//
//go:noinline
func recovered() (pcs []uintptr) {
	defer func() {
		recover()
		pcs = capture()
	}()
	var p *counter
	faultingRead(p)
	return nil
}

var sinkInt int

//go:noinline
func faultingRead(p *counter) {
	sinkInt = p.n
}

// recursion captures at the bottom of a recursion whose step has an inlined
// helper.
//
//go:noinline
func recursion() []uintptr {
	return recurse(4)
}

//go:noinline
func recurse(n int) []uintptr {
	if n == 0 {
		return chainC(0)
	}
	return step(n)
}

func step(n int) []uintptr {
	return recurse(n - 1)
}
