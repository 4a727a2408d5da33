package main

// closureDirect calls a function literal at once (inlined where the
// compiler can: Go 1.16+ inlines such calls).
//
//go:noinline
func closureDirect() []uintptr {
	k := 2
	return func(x int) []uintptr {
		if x == k {
			return capture()
		}
		return nil
	}(2)
}

// closurePassed hands a closure to a function that is not inlined, so the
// closure is a physical frame called through a func value.
//
//go:noinline
func closurePassed() []uintptr {
	prefix := 7
	return apply(func() []uintptr {
		if prefix == 0 {
			return nil
		}
		return capture()
	})
}

//go:noinline
func apply(f func() []uintptr) []uintptr {
	return f()
}
