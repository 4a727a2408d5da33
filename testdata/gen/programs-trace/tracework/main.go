// Command tracework is a fixture program: it writes Go execution traces of a
// varied workload, for the trace readers (Go 1.22 trace format and newer).
//
// Usage:
//
//	tracework -workload mixed -o FILE      the whole workload with CPU profiling on
//	tracework -workload allocfree -o FILE  a short run; run with GODEBUG=traceallocfree=1 (Go 1.23+)
//	tracework -workload flight -o FILE     a flight-recorder snapshot (Go 1.25+)
//	tracework -workload bench -d 10s -o FILE   a long, dense trace for benchmarks
//
// The workload (work.go) runs rounds of goroutine churn, channels, mutexes,
// select, timers, syscalls, loopback TCP, garbage with forced GCs, CPU burn
// and (Go 1.23+) iter.Pull, each round inside a task with regions and logs
// whose text is partly non-ASCII. Several generations in a short run come
// from GODEBUG=traceadvanceperiod=<ns> (the recorder sets it), which every
// Go 1.22+ runtime honours.
//
// The module says go 1.22 so that every toolchain with the new trace format
// builds it; newer APIs live in build-tagged files.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"runtime/pprof"
	"runtime/trace"
	"time"
)

func main() {
	out := flag.String("o", "", "output trace file")
	workload := flag.String("workload", "mixed", "mixed, allocfree, flight or bench")
	dur := flag.Duration("d", 0, "how long to run the workload (0: the workload's default)")
	flag.Parse()
	if *out == "" || flag.NArg() != 0 {
		log.Fatal("usage: tracework -workload mixed|allocfree|flight|bench [-d DURATION] -o FILE")
	}
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	switch *workload {
	case "mixed":
		err = traced(w, true, orDefault(*dur, 450*time.Millisecond))
	case "allocfree":
		// Every allocation is an event under traceallocfree: keep it short.
		err = traced(w, false, orDefault(*dur, 40*time.Millisecond))
	case "flight":
		err = flight(w, orDefault(*dur, 800*time.Millisecond))
	case "bench":
		err = benchTrace(w, orDefault(*dur, 10*time.Second))
	default:
		err = fmt.Errorf("unknown workload %q", *workload)
	}
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		log.Fatal(err)
	}
}

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

// traced runs the workload for d under runtime/trace, with the CPU profiler
// on when cpu is set (its samples then appear in the trace).
func traced(w io.Writer, cpu bool, d time.Duration) error {
	if cpu {
		if err := pprof.StartCPUProfile(io.Discard); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if err := trace.Start(w); err != nil {
		return err
	}
	defer trace.Stop()
	return run(d)
}
