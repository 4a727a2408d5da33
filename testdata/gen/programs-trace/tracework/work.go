package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"runtime/trace"
	"sync"
	"syscall"
	"time"
)

// Sinks keep results alive so the compiler keeps the work.
var (
	sinkMu    sync.Mutex
	sinkBytes [][]byte
	sinkSum   [32]byte
)

// run repeats rounds of the workload until d has passed. Each round is a
// task; each part of a round is a region, so annotations span goroutines,
// regions nest and tasks end in later generations than they began.
func run(d time.Duration) error {
	echo, err := startEcho()
	if err != nil {
		return err
	}
	defer echo.Close()

	// A GOMAXPROCS change is an event of its own (ProcsChange). More Ps than
	// the workload keeps busy also keep the background sweeper from yielding
	// after every batch of spans (it yields only when no P is idle), tens of
	// thousands of events on a small machine.
	prev := runtime.GOMAXPROCS(0)
	runtime.GOMAXPROCS(max(4, prev+1))
	defer runtime.GOMAXPROCS(prev)

	ctx, outer := trace.NewTask(context.Background(), "tracework ワークロード")
	defer outer.End()
	trace.Log(ctx, "start", "démarrage — 開始 ✓")
	// A log value that is not valid UTF-8: the text forms must quote it exactly.
	trace.Log(ctx, "bytes", "ok\xff\xfe\x80end")

	deadline := time.Now().Add(d)
	for i := 0; time.Now().Before(deadline); i++ {
		if err := round(ctx, i, echo.Addr().String()); err != nil {
			return err
		}
	}
	trace.Logf(ctx, "done", "%d µs", d.Microseconds())
	return nil
}

func round(parent context.Context, i int, addr string) error {
	ctx, task := trace.NewTask(parent, fmt.Sprintf("round %d — 回", i))
	defer task.End()
	trace.Logf(ctx, "round", "début %d", i)

	trace.WithRegion(ctx, "churn", func() { churn(ctx, 40) })
	trace.WithRegion(ctx, "channels", func() { pipeline(60) })
	trace.WithRegion(ctx, "mutex", func() { contend(4, 50) })
	trace.WithRegion(ctx, "select", func() { selects(20) })
	trace.WithRegion(ctx, "timers", timers)
	trace.WithRegion(ctx, "syscalls", syscalls)
	var netErr error
	trace.WithRegion(ctx, "réseau", func() { netErr = network(addr, 8) })
	if netErr != nil {
		return netErr
	}
	trace.WithRegion(ctx, "garbage", garbage)
	trace.WithRegion(ctx, "cpu", func() { burn(2, 4*time.Millisecond) })
	trace.WithRegion(ctx, "pull", func() { pull(12) })
	return nil
}

// churn starts n short-lived goroutines, some of which log into the task.
func churn(ctx context.Context, n int) {
	var wg sync.WaitGroup
	for j := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := make([]byte, 64+j*8)
			if j%10 == 0 {
				trace.Logf(ctx, "goroutine", "№%d", j)
			}
			sinkMu.Lock()
			sinkSum = sha256.Sum256(b)
			sinkMu.Unlock()
		}()
	}
	wg.Wait()
}

// pipeline passes n values through an unbuffered and a buffered channel.
func pipeline(n int) {
	a := make(chan int)
	b := make(chan int, 4)
	done := make(chan int)
	go func() {
		for v := range n {
			a <- v
		}
		close(a)
	}()
	go func() {
		for v := range a {
			b <- v * 2
		}
		close(b)
	}()
	go func() {
		s := 0
		for v := range b {
			s += v
		}
		done <- s
	}()
	<-done
}

// contend has g goroutines take a mutex, an RWMutex and signal a condition
// variable n times each.
func contend(g, n int) {
	var mu sync.Mutex
	var rw sync.RWMutex
	cond := sync.NewCond(&mu)
	var wg sync.WaitGroup
	turns := 0
	for k := range g {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range n {
				mu.Lock()
				turns++
				cond.Broadcast()
				mu.Unlock()
				if k%2 == 0 {
					rw.Lock()
					turns++
					rw.Unlock()
				} else {
					rw.RLock()
					_ = turns
					rw.RUnlock()
				}
				runtime.Gosched()
			}
		}()
	}
	// A waiter on the condition variable until all turns are taken.
	mu.Lock()
	for turns < g*n {
		cond.Wait()
	}
	mu.Unlock()
	wg.Wait()
}

// selects waits in select statements over ready, empty and timer channels.
func selects(n int) {
	in := make(chan int)
	quit := make(chan struct{})
	go func() {
		for v := range n {
			if v%4 == 3 {
				time.Sleep(200 * time.Microsecond)
			}
			in <- v
		}
		close(quit)
	}()
	var never chan int
	for {
		select {
		case <-in:
		case <-never:
		case <-time.After(5 * time.Millisecond):
		case <-quit:
			return
		}
	}
}

// timers sleeps, ticks, resets and stops timers, and waits on AfterFunc.
func timers() {
	time.Sleep(300 * time.Microsecond)
	t := time.NewTicker(100 * time.Microsecond)
	for range 3 {
		<-t.C
	}
	t.Stop()
	fired := make(chan struct{})
	time.AfterFunc(150*time.Microsecond, func() { close(fired) })
	<-fired
	stop := time.NewTimer(time.Hour)
	stop.Reset(50 * time.Microsecond)
	<-stop.C
	stop.Reset(time.Hour)
	stop.Stop()
}

// syscalls writes through a pipe, writes to /dev/null and sleeps in a
// blocking system call long enough for the runtime to take its P away.
func syscalls() {
	r, w, err := os.Pipe()
	if err != nil {
		panic(err)
	}
	go func() {
		for range 4 {
			w.Write([]byte("ping"))
		}
		w.Close()
	}()
	io.Copy(io.Discard, r)
	r.Close()
	if f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0); err == nil {
		f.Write(make([]byte, 512))
		f.Close()
	}
	ts := syscall.NsecToTimespec(int64(2 * time.Millisecond))
	syscall.Nanosleep(&ts, nil)
	syscall.Getpid()
}

// startEcho listens on loopback TCP and echoes every connection.
func startEcho() (net.Listener, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				io.Copy(c, c)
				c.Close()
			}()
		}
	}()
	return l, nil
}

// network makes n request/response round trips with the echo server.
func network(addr string, n int) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	buf := make([]byte, 32)
	msg := []byte("ping — ピン 0123456789abcdef")[:32]
	for range n {
		if _, err := c.Write(msg); err != nil {
			return err
		}
		if _, err := io.ReadFull(c, buf); err != nil {
			return err
		}
	}
	return nil
}

// garbage allocates short-lived memory, enough for a GC cycle every few
// rounds of the small heap: GC cycles, sweeps, heap changes. (Neither
// runtime.GC nor a low GC percent: a forced GC sweeps every span before
// returning and yields after each one, and frequent cycles make the
// background sweeper spin on yields while others sweep; both add tens of
// thousands of events.)
func garbage() {
	var keep [][]byte
	for j := range 300 {
		b := make([]byte, 1024+(j%7)*512)
		if j%30 == 0 {
			keep = append(keep, b)
		}
	}
	sinkMu.Lock()
	sinkBytes = append(sinkBytes[:0], keep...)
	sinkMu.Unlock()
}

// burn keeps g goroutines on the CPU for about d, so the CPU profiler's
// samples land in the trace.
func burn(g int, d time.Duration) {
	var wg sync.WaitGroup
	for range g {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var sum [32]byte
			for end := time.Now().Add(d); time.Now().Before(end); {
				sum = sha256.Sum256(sum[:])
			}
			sinkMu.Lock()
			sinkSum = sum
			sinkMu.Unlock()
		}()
	}
	wg.Wait()
}
