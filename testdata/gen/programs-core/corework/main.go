// Command corework sets up goroutines and threads in known states, prints its
// own goroutine dump (runtime.Stack of all goroutines) to standard output, and
// then ends in a way that leaves a core file for the core readers:
//
//	corework -mode crash   dereferences nil on the main goroutine; run with
//	                       GOTRACEBACK=crash the runtime then aborts with
//	                       SIGABRT and the kernel writes a core (ulimit -c)
//	corework -mode wait    prints "ready" after the dump and sleeps, so that
//	                       a debugger can attach and write a core (gdb's gcore)
//
// In wait mode the program first marks its inaccessible anonymous mappings
// (the runtime's PROT_NONE address-space reservations, over a gigabyte)
// MADV_DONTDUMP: the kernel never writes them, but gdb's gcore writes them
// as zeros unless told they are excluded, which would make the fixture a
// 1.2 GB file of zeros.
//
// The states: goroutines blocked on a channel receive, a channel send, a
// mutex, a select, a sleep, a WaitGroup; one in a blocking read(2) of a pipe
// (a goroutine in a system call, holding its thread); two waiting on the
// network poller (a TCP accept and a read of a connection nobody writes to);
// one yielding in a loop and one in a loop that never yields (running on a
// thread when the core is written, unless preempted); two locked to their own
// OS threads (one blocked in a channel receive, one sleeping), so the core
// has several threads; a recursion 20 calls deep; and a receive reached
// through two inlined calls (inlined frames in the dump).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

var (
	sink     int
	sink2    int
	mu       sync.Mutex
	stop     = make(chan struct{})
	started  sync.WaitGroup
	neverRcv = make(chan int)
	neverSnd = make(chan int)
)

//go:noinline
func blockedRecv() { <-neverRcv }

//go:noinline
func blockedSend() { neverSnd <- 1 }

//go:noinline
func blockedMutex() {
	mu.Lock() // main holds mu
	sink++
	mu.Unlock()
}

//go:noinline
func blockedSelect() {
	select {
	case <-neverRcv:
	case <-stop:
	}
}

//go:noinline
func sleeping() { time.Sleep(time.Hour) }

//go:noinline
func waitGroup(wg *sync.WaitGroup) { wg.Wait() }

//go:noinline
func spin() {
	for {
		sink++
		runtime.Gosched()
	}
}

//go:noinline
func lockedRecv() {
	runtime.LockOSThread()
	<-neverRcv
}

//go:noinline
func lockedSleep() {
	runtime.LockOSThread()
	time.Sleep(time.Hour)
}

// inSyscall blocks in read(2) on a pipe nobody writes to: the goroutine stays
// in the system call, not in the network poller (the pipe is left blocking).
//
//go:noinline
func inSyscall(fd int) {
	var b [1]byte
	syscall.Read(fd, b[:])
}

//go:noinline
func netAccept(l net.Listener) {
	if c, err := l.Accept(); err == nil {
		c.Close()
	}
}

//go:noinline
func netRead(c net.Conn) {
	var b [1]byte
	c.Read(b[:])
}

// busy never yields: only asynchronous preemption stops it.
//
//go:noinline
func busy() {
	for {
		sink2++
	}
}

// inlinedLeaf and inlinedMid are small enough to be inlined into
// inlinedOuter: the dump shows them as frames of their own all the same.
func inlinedLeaf() { <-neverRcv }

func inlinedMid() { inlinedLeaf() }

//go:noinline
func inlinedOuter() {
	inlinedMid()
	sink++
}

//go:noinline
func recurse(n int) {
	if n == 0 {
		<-neverRcv
		return
	}
	recurse(n - 1)
	sink++
}

// crash dereferences a nil pointer: the runtime turns the fault into a panic,
// which GOTRACEBACK=crash ends with SIGABRT.
//
//go:noinline
func crash(p *int) int { return *p }

func main() {
	mode := flag.String("mode", "crash", "crash or wait")
	oracle := flag.String("oracle", "", "write the GC's numbers and the labelled goroutines to this `file` (labels.go)")
	flag.Parse()

	mu.Lock()
	var wg sync.WaitGroup
	wg.Add(1)
	var pipe [2]int
	if err := syscall.Pipe(pipe[:]); err != nil {
		fmt.Fprintln(os.Stderr, "corework:", err)
		os.Exit(1)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "corework:", err)
		os.Exit(1)
	}
	// A connection of our own to the listener; its accepted end is read by
	// netRead, and the listener is then accepted again by netAccept.
	client, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		fmt.Fprintln(os.Stderr, "corework:", err)
		os.Exit(1)
	}
	defer client.Close()
	server, err := l.Accept()
	if err != nil {
		fmt.Fprintln(os.Stderr, "corework:", err)
		os.Exit(1)
	}
	goroutines := []func(){
		blockedRecv, blockedSend, blockedMutex, blockedSelect, sleeping, spin, busy, lockedRecv, lockedSleep,
		func() { recurse(20) }, func() { waitGroup(&wg) }, func() { inSyscall(pipe[0]) },
		func() { netAccept(l) }, func() { netRead(server) }, inlinedOuter,
	}
	for _, f := range goroutines {
		started.Add(1)
		go func() {
			started.Done()
			f()
		}()
	}
	started.Wait()
	startLabelled()
	// Let every goroutine reach its blocking point.
	time.Sleep(200 * time.Millisecond)

	// Two GC cycles, then the collector off: see labels.go.
	gcNumbers := collectAndFreeze()
	if *oracle != "" {
		if err := writeOracle(*oracle, gcNumbers); err != nil {
			fmt.Fprintln(os.Stderr, "corework:", err)
			os.Exit(1)
		}
	}

	buf := make([]byte, 1<<20)
	n := runtime.Stack(buf, true)
	os.Stdout.Write(buf[:n])

	switch *mode {
	case "crash":
		sink = crash(nil)
	case "wait":
		if err := excludeReservations(); err != nil {
			fmt.Fprintln(os.Stderr, "corework:", err)
			os.Exit(1)
		}
		fmt.Println("ready")
		time.Sleep(time.Hour)
	default:
		fmt.Fprintln(os.Stderr, "corework: unknown -mode", *mode)
		os.Exit(2)
	}
}

// excludeReservations marks every private anonymous mapping without access
// rights ("---p", no file) MADV_DONTDUMP.
func excludeReservations() error {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return err
	}
	defer f.Close()
	type span struct{ lo, hi uintptr }
	var spans []span
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 || fields[1] != "---p" || len(fields) > 5 {
			continue // not inaccessible, or backed by a file or named ([stack]…)
		}
		lo, hi, ok := strings.Cut(fields[0], "-")
		if !ok {
			continue
		}
		a, err1 := strconv.ParseUint(lo, 16, 64)
		b, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 != nil || err2 != nil {
			continue
		}
		spans = append(spans, span{uintptr(a), uintptr(b)})
	}
	if err := sc.Err(); err != nil {
		return err
	}
	for _, s := range spans {
		if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, s.lo, s.hi-s.lo, 16 /* MADV_DONTDUMP */); errno != 0 {
			return fmt.Errorf("madvise(%#x, %#x, MADV_DONTDUMP): %v", s.lo, s.hi-s.lo, errno)
		}
	}
	return nil
}
