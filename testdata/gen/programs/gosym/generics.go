//go:build go1.18
// +build go1.18

package main

// Generic functions and methods (Go 1.18+): shape-instantiated names such as
// main.genericOuter[go.shape.int] in the symbol table.

func init() {
	scenarios = append(scenarios,
		scenario{"generic-inlined", genericInlined},
		scenario{"generic-physical", genericPhysical},
		scenario{"generic-method", genericMethod},
	)
}

func genericLeaf[T comparable](x, zero T) []uintptr {
	if x == zero {
		return nil
	}
	return capture()
}

//go:noinline
func genericInlined() []uintptr {
	return genericLeaf(5, 0)
}

//go:noinline
func genericOuter[T comparable](x, zero T) []uintptr {
	return genericLeaf(x, zero)
}

//go:noinline
func genericPhysical() []uintptr {
	a := genericOuter("s", "")
	b := genericOuter(1.5, 0.0)
	if len(a) > len(b) {
		return a
	}
	return b
}

type box[T any] struct{ v T }

func (b *box[T]) get() []uintptr {
	return capture()
}

//go:noinline
func (b *box[T]) outer() []uintptr {
	return b.get()
}

//go:noinline
func genericMethod() []uintptr {
	b := &box[[]byte]{v: nil}
	return b.outer()
}
