//go:build go1.23

package main

import "iter"

// pull drains a sequence through iter.Pull, which runs it as a coroutine:
// the trace shows goroutine switches (GoSwitch, GoSwitchDestroy) and a
// goroutine created blocked (GoCreateBlocked).
func pull(n int) {
	seq := func(yield func(int) bool) {
		for i := range n {
			if !yield(i) {
				return
			}
		}
	}
	next, stop := iter.Pull(iter.Seq[int](seq))
	defer stop()
	s := 0
	for {
		v, ok := next()
		if !ok {
			break
		}
		s += v
	}
	_ = s
}
