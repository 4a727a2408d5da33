package main

// counter has methods on the value and on the pointer, both inlined.
type counter struct{ n int }

func (c counter) snapshot() []uintptr {
	if c.n < 0 {
		return nil
	}
	return capture()
}

func (c *counter) bump() []uintptr {
	c.n++
	return c.snapshot()
}

//go:noinline
func methodValue() []uintptr {
	c := counter{n: 3}
	return c.snapshot()
}

//go:noinline
func methodPointer() []uintptr {
	c := &counter{}
	return c.bump()
}
