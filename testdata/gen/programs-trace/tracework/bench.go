package main

import (
	"io"
	"runtime/trace"
	"sync"
	"sync/atomic"
	"time"
)

// benchTrace writes a long, dense trace for benchmarks (not a fixture):
// pairs of goroutines hand a token back and forth over unbuffered channels,
// so every handoff is a block, an unblock and a start, and short-lived
// goroutines are created and destroyed. With the default generation period
// of one second the generations have the same size, however long it runs.
func benchTrace(w io.Writer, d time.Duration) error {
	if err := trace.Start(w); err != nil {
		return err
	}
	defer trace.Stop()
	var stop atomic.Bool
	var wg sync.WaitGroup
	for range 4 {
		ping, pong := make(chan int), make(chan int)
		wg.Add(2)
		go func() {
			defer wg.Done()
			for v := range ping {
				pong <- v + 1
			}
			close(pong)
		}()
		go func() {
			defer wg.Done()
			v := 0
			for !stop.Load() {
				ping <- v
				v = <-pong
				if v%1024 == 0 {
					done := make(chan struct{})
					go func() { close(done) }()
					<-done
				}
			}
			close(ping)
			for range pong {
			}
		}()
	}
	time.Sleep(d)
	stop.Store(true)
	wg.Wait()
	return nil
}
