package main

// A chain of small functions, each inlined into its caller: chainOuter's
// code holds three levels of inlined frames around the call of capture.

//go:noinline
func chainOuter() []uintptr {
	return chainA(1)
}

func chainA(x int) []uintptr {
	return chainB(x + 1)
}

func chainB(x int) []uintptr {
	return chainC(x * 2)
}

func chainC(x int) []uintptr {
	sinkInt = x
	return capture()
}

// chainTwice inlines the same function at two call sites; the second one is
// the one that captures.
//
//go:noinline
func chainTwice() []uintptr {
	a := twiceLeaf(false)
	b := twiceLeaf(true)
	if a != nil {
		return a
	}
	return b
}

func twiceLeaf(now bool) []uintptr {
	if !now {
		return nil
	}
	return capture()
}
