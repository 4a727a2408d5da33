// Command profiles is a fixture program: it writes every profile kind of
// runtime/pprof, in profile.proto (debug=0) and text (debug=1) form, and
// goroutine dumps, from a workload chosen to exercise readers: pprof labels
// (some non-ASCII), deep stacks (mutual recursion ~60 deep, one goroutine
// ~120 deep), inlined frames (small functions in hot loops), and goroutines
// parked on channels, select, mutexes, a condition variable, a wait group,
// a pipe and sleep.
//
// Usage:
//
//	profiles -out DIR   write the profiles and dumps into DIR (names below)
//	profiles -crash     park the same goroutines, then panic (run it with
//	                    GOTRACEBACK=all or system and keep stderr; exit status 2)
//
// Files written by -out: profiles-<kind>.pprof for kind in cpu, heap, allocs,
// goroutine, threadcreate, block, mutex; profiles-<kind>.txt (debug=1) for
// every kind but cpu; profiles-goroutine-debug2.txt (debug=2) and
// profiles-runtime-stack.txt (runtime.Stack(buf, true)).
//
// It must build with every Go toolchain from go1.19 on: use no newer APIs.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

// Sinks keep results and allocations alive so the compiler keeps the work.
var (
	sinkU64   uint64
	sinkMu    sync.Mutex
	liveHeap  [][]byte
	sinkBytes []byte
)

func main() {
	out := flag.String("out", "", "output directory")
	crash := flag.Bool("crash", false, "park goroutines, then panic")
	flag.Parse()
	if (*out == "") == !*crash {
		log.Fatal("usage: profiles -out DIR | profiles -crash")
	}

	runtime.MemProfileRate = 8192
	runtime.SetBlockProfileRate(1)
	runtime.SetMutexProfileFraction(1)

	parkGoroutines()
	if *crash {
		crashNow()
		return
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	contention(150 * time.Millisecond)
	if err := writeCPU(filepath.Join(*out, "profiles-cpu.pprof")); err != nil {
		log.Fatal(err)
	}
	allocate()
	runtime.GC()
	runtime.GC()
	for _, kind := range []string{"heap", "allocs", "goroutine", "threadcreate", "block", "mutex"} {
		if err := writeProfile(filepath.Join(*out, "profiles-"+kind+".pprof"), kind, 0); err != nil {
			log.Fatal(err)
		}
		if err := writeProfile(filepath.Join(*out, "profiles-"+kind+".txt"), kind, 1); err != nil {
			log.Fatal(err)
		}
	}
	if err := writeProfile(filepath.Join(*out, "profiles-goroutine-debug2.txt"), "goroutine", 2); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*out, "profiles-runtime-stack.txt"), allStacks(), 0o644); err != nil {
		log.Fatal(err)
	}
}

func writeProfile(name, kind string, debug int) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := pprof.Lookup(kind).WriteTo(f, debug); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func allStacks() []byte {
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return buf[:n]
		}
		buf = make([]byte, 2*len(buf))
	}
}

// --- parked goroutines -----------------------------------------------------

var (
	never      = make(chan int) // nobody ever sends or receives
	neverSend  = make(chan int) // nobody ever receives
	heldMu     sync.Mutex       // locked by main, never unlocked
	heldRW     sync.RWMutex     // write-locked by main, never unlocked
	cond       = sync.NewCond(&sync.Mutex{})
	waitGroup  sync.WaitGroup // never reaches zero
	pipeReader *os.File       // read end of a pipe nobody writes
	pipeWriter *os.File       // kept open so the read blocks
	parked     sync.WaitGroup // counts goroutines about to park
	nilChan    chan int       // nil: receiving blocks forever
)

// parkGoroutines starts goroutines that block forever in different ways, with
// pprof labels on some, and returns once they are (almost certainly) parked.
func parkGoroutines() {
	heldMu.Lock()
	heldRW.Lock()
	waitGroup.Add(1)
	var err error
	if pipeReader, pipeWriter, err = os.Pipe(); err != nil {
		log.Fatal(err)
	}

	start := func(f func()) {
		parked.Add(1)
		go func() {
			parked.Done()
			f()
		}()
	}
	labelled := func(labels pprof.LabelSet, f func()) {
		pprof.Do(context.Background(), labels, func(context.Context) { start(f) })
	}

	labelled(pprof.Labels("role", "waiter", "depth", "60", "名前", "チャネル"), func() {
		recurseEven(60, func() { <-never })
	})
	start(func() { recurseEven(120, func() { <-never }) })
	labelled(pprof.Labels("role", "sender", "région", "Île-de-France"), func() { neverSend <- 1 })
	labelled(pprof.Labels("role", "selector"), func() {
		select {
		case <-never:
		case neverSend <- 2:
		case <-nilChan:
		}
	})
	start(func() { select {} })
	start(func() { <-nilChan })
	start(func() { heldMu.Lock() })
	start(func() { heldRW.RLock() })
	start(func() { heldRW.Lock() })
	start(func() {
		cond.L.Lock()
		for {
			cond.Wait()
		}
	})
	start(func() { waitGroup.Wait() })
	start(func() { time.Sleep(24 * time.Hour) })
	start(func() {
		var b [1]byte
		pipeReader.Read(b[:])
	})
	start(func() {
		runtime.LockOSThread()
		<-never
	})
	parked.Wait()
	time.Sleep(30 * time.Millisecond)
}

// recurseEven and recurseOdd call each other n times, then run f.
//
//go:noinline
func recurseEven(n int, f func()) {
	if n == 0 {
		f()
		return
	}
	recurseOdd(n-1, f)
	sinkU64++
}

//go:noinline
func recurseOdd(n int, f func()) {
	if n == 0 {
		f()
		return
	}
	recurseEven(n-1, f)
	sinkU64++
}

// --- contention (block and mutex profiles) ----------------------------------

// contention makes goroutines wait on a mutex, channels, select, a condition
// variable and a wait group until d has passed.
func contention(d time.Duration) {
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup

	// A contended mutex, unlocked from three different stacks (one deep), and
	// a contended RWMutex.
	var mu sync.Mutex
	var rw sync.RWMutex
	counter := uint64(0)
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for time.Now().Before(deadline) {
				switch w % 3 {
				case 0:
					mu.Lock()
					counter += spin(200 + uint64(w))
					mu.Unlock()
				case 1:
					lockedAdd(&mu, &counter, uint64(w))
				case 2:
					recurseOdd(20, func() { lockedAdd(&mu, &counter, uint64(w)) })
				}
			}
		}(w)
	}
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for time.Now().Before(deadline) {
				if w == 0 {
					rw.Lock()
					spin(300)
					rw.Unlock()
				} else {
					rw.RLock()
					spin(100)
					rw.RUnlock()
				}
			}
		}(w)
	}

	// Unbuffered ping-pong.
	ping, pong := make(chan int), make(chan int)
	wg.Add(2)
	go func() {
		defer wg.Done()
		defer close(ping)
		for i := 0; time.Now().Before(deadline); i++ {
			ping <- i
			<-pong
		}
	}()
	go func() {
		defer wg.Done()
		for v := range ping {
			spin(100)
			pong <- v
		}
	}()

	// Select over two producers.
	a, b, stop := make(chan int), make(chan int), make(chan struct{})
	for _, c := range []chan int{a, b} {
		wg.Add(1)
		go func(c chan int) {
			defer wg.Done()
			for {
				select {
				case c <- 1:
				case <-stop:
					return
				}
			}
		}(c)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for time.Now().Before(deadline) {
			select {
			case <-a:
			case <-b:
			}
			time.Sleep(100 * time.Microsecond)
		}
		close(stop)
	}()

	// A condition variable and a wait group.
	var cmu sync.Mutex
	c := sync.NewCond(&cmu)
	ready := false
	var inner sync.WaitGroup
	for i := 0; i < 3; i++ {
		inner.Add(1)
		go func() {
			defer inner.Done()
			cmu.Lock()
			for !ready {
				c.Wait()
			}
			cmu.Unlock()
		}()
	}
	time.Sleep(5 * time.Millisecond)
	cmu.Lock()
	ready = true
	c.Broadcast()
	cmu.Unlock()
	inner.Wait()

	wg.Wait()
	sinkU64 += counter
}

//go:noinline
func lockedAdd(mu *sync.Mutex, counter *uint64, w uint64) {
	mu.Lock()
	*counter += spin(200 + w)
	mu.Unlock()
}

// --- CPU profile -----------------------------------------------------------

func writeCPU(name string) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return err
	}
	cpuWork(800 * time.Millisecond)
	pprof.StopCPUProfile()
	return f.Close()
}

// cpuWork runs three labelled CPU-bound goroutines until d has passed: a hot
// loop of inlined functions, the same loop at the bottom of a deep recursion,
// and allocation-heavy work.
func cpuWork(d time.Duration) {
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	run := func(labels pprof.LabelSet, f func()) {
		wg.Add(1)
		go pprof.Do(context.Background(), labels, func(context.Context) {
			defer wg.Done()
			for time.Now().Before(deadline) {
				f()
			}
		})
	}
	run(pprof.Labels("worker", "inline", "phase", "hot"), func() { sinkU64 += spin(20000) })
	run(pprof.Labels("worker", "deep", "名前", "再帰"), func() {
		recurseEven(60, func() { sinkU64 += spin(20000) })
	})
	run(pprof.Labels("worker", "alloc", "emoji", "🔥"), func() { churn(200) })
	wg.Wait()
}

// mix, mix2 and spin are small enough to be inlined (mix and mix2 into spin,
// and spin into its callers), so CPU samples have inlined frames.
func mix(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	return x
}

func mix2(x uint64) uint64 { return mix(x) ^ mix(x+0x9e3779b97f4a7c15) }

func spin(n uint64) uint64 {
	s := uint64(0)
	for i := uint64(0); i < n; i++ {
		s += mix2(i ^ s)
	}
	return s
}

// churn allocates short-lived objects of several sizes.
func churn(n int) {
	var keep [][]byte
	for i := 0; i < n; i++ {
		keep = append(keep, make([]byte, 16<<(i%8)))
	}
	sinkMu.Lock()
	sinkU64 += uint64(len(keep))
	sinkMu.Unlock()
}

// --- heap ------------------------------------------------------------------

type node struct {
	next  *node
	label string
	data  [48]byte
}

// allocate leaves live objects of several sizes and from several stacks
// (among them a deep recursion) for the heap profile, and frees others.
func allocate() {
	for i := 0; i < 64; i++ {
		liveHeap = append(liveHeap, make([]byte, 1024*(i%16+1)))
	}
	liveHeap = append(liveHeap, make([]byte, 256<<10), make([]byte, 1<<20))
	var list *node
	for i := 0; i < 2000; i++ {
		list = &node{next: list, label: fmt.Sprint("node ", i)}
	}
	recurseEven(60, func() {
		for i := 0; i < 32; i++ {
			liveHeap = append(liveHeap, make([]byte, 4096))
		}
	})
	recurseOdd(40, func() {
		for i := 0; i < 200; i++ {
			sinkBytes = make([]byte, 512)
		}
	})
	sinkMu.Lock()
	sinkU64 += uint64(len(list.label))
	sinkMu.Unlock()
}

// --- crash -----------------------------------------------------------------

// crashNow panics from a few frames down; a deferred function panics again
// while the first panic unwinds, so the output shows both.
func crashNow() {
	pprof.Do(context.Background(), pprof.Labels("role", "crasher"), func(context.Context) {
		crashOuter(3)
	})
}

//go:noinline
func crashOuter(n int) {
	if n > 0 {
		crashOuter(n - 1)
		return
	}
	defer func() {
		panic(fmt.Errorf("second panic while unwinding: état=%d", n))
	}()
	var m map[string]int
	m["boom"]++ // assignment to entry in nil map
}
