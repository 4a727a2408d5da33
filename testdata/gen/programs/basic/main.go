// Command basic is a fixture program: it records an execution trace, a heap
// (allocs) profile and a CPU profile of a little varied work.
//
// Usage: basic -out DIR
//
// It writes DIR/basic.trace, DIR/basic-heap.pprof and DIR/basic-cpu.pprof.
// It must build with every Go toolchain from go1.19 on: use no newer APIs.
package main

import (
	"context"
	"crypto/sha256"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"sort"
	"strings"
	"sync"
	"time"
)

var sink []byte

func main() {
	// Sample roughly every 4 KiB allocated so the heap profile has some content.
	runtime.MemProfileRate = 4096

	out := flag.String("out", "", "output directory")
	flag.Parse()
	if *out == "" {
		log.Fatal("usage: basic -out DIR")
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	if err := writeTrace(filepath.Join(*out, "basic.trace")); err != nil {
		log.Fatal(err)
	}
	if err := writeHeap(filepath.Join(*out, "basic-heap.pprof")); err != nil {
		log.Fatal(err)
	}
	if err := writeCPU(filepath.Join(*out, "basic-cpu.pprof")); err != nil {
		log.Fatal(err)
	}
}

func writeTrace(name string) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := trace.Start(f); err != nil {
		f.Close()
		return err
	}
	tracedWork(300 * time.Millisecond)
	trace.Stop()
	return f.Close()
}

func writeHeap(name string) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	runtime.GC()
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func writeCPU(name string) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return err
	}
	busyWork(500 * time.Millisecond)
	pprof.StopCPUProfile()
	return f.Close()
}

// tracedWork runs a pipeline of goroutines connected by channels, a few
// workers contending on a mutex, timers, allocation, a GC and user
// annotations (task, regions, logs) until d has passed.
func tracedWork(d time.Duration) {
	ctx, task := trace.NewTask(context.Background(), "basic")
	defer task.End()
	deadline := time.Now().Add(d)

	// Pipeline: producer -> squarer -> consumer.
	nums := make(chan int, 4)
	squares := make(chan int)
	done := make(chan int)
	go func() {
		defer close(nums)
		for i := 0; time.Now().Before(deadline); i++ {
			nums <- i
			if i%64 == 0 {
				time.Sleep(2 * time.Millisecond)
			}
		}
	}()
	go func() {
		defer close(squares)
		for n := range nums {
			squares <- n * n
		}
	}()
	go func() {
		total := 0
		for s := range squares {
			total += s % 7
		}
		done <- total
	}()

	// Mutex contention.
	var mu sync.Mutex
	var wg sync.WaitGroup
	shared := map[int]int{}
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline); i++ {
				trace.WithRegion(ctx, "locked", func() {
					mu.Lock()
					shared[i%16] += w
					mu.Unlock()
				})
				if i%32 == 0 {
					time.Sleep(3 * time.Millisecond)
				}
			}
		}(w)
	}

	// Timers and allocation.
	wg.Add(1)
	go func() {
		defer wg.Done()
		timer := time.NewTimer(5 * time.Millisecond)
		ticks := 0
		for time.Now().Before(deadline) {
			select {
			case <-timer.C:
				ticks++
				trace.Logf(ctx, "timer", "tick %d", ticks)
				for i := 0; i < 32; i++ {
					sink = make([]byte, 1024*(i%8+1))
				}
				timer.Reset(5 * time.Millisecond)
			case <-time.After(20 * time.Millisecond):
			}
		}
		timer.Stop()
	}()

	// A garbage collection and a syscall in the middle.
	time.Sleep(d / 2)
	trace.WithRegion(ctx, "gc", runtime.GC)
	fmt.Fprintf(os.Stderr, "basic: traced work half done\n")

	wg.Wait()
	trace.Log(ctx, "result", fmt.Sprint(<-done, len(shared)))
}

// busyWork keeps two goroutines busy with different CPU-bound functions.
func busyWork(d time.Duration) {
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for time.Now().Before(deadline) {
			hashLoop(2000)
		}
	}()
	go func() {
		defer wg.Done()
		for time.Now().Before(deadline) {
			sortStrings(2000)
			_ = fib(20)
		}
	}()
	wg.Wait()
}

func hashLoop(n int) {
	sum := sha256.Sum256([]byte("godiag"))
	for i := 0; i < n; i++ {
		sum = sha256.Sum256(sum[:])
	}
	sink = sum[:1]
}

func sortStrings(n int) {
	s := make([]string, n)
	for i := range s {
		s[i] = strings.Repeat(string(rune('a'+(i*7919)%26)), i%5+1)
	}
	sort.Strings(s)
}

func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}
