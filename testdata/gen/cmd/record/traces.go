package main

import (
	"fmt"
	"go/version"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// maxTraceFixtureSize is the stored size a trace of the tracework program
// should stay below. The size of a run varies a lot: after a GC cycle the
// runtime's background sweeper sometimes spins, yielding tens of thousands of
// times while another goroutine finishes sweeping, and each yield is a pair
// of events. A run whose trace is larger is run again, up to traceAttempts
// times, and the smallest trace is kept (with a warning if it is still too
// large). The wire-dump golden of a trace, gzip-compressed, is about 1.4
// times its stored size.
const maxTraceFixtureSize = 200 << 10

// traceAttempts bounds the runs per trace fixture.
const traceAttempts = 6

// traceAdvance is GODEBUG=traceadvanceperiod (nanoseconds) for runs that
// should span several generations: the runtime starts a new generation every
// 100 ms instead of every second, so a short run yields several small ones.
const traceAdvance = "traceadvanceperiod=100000000"

// traceRuns are the runs of tracework, each writing one trace. minGo is the
// oldest toolchain that has what the run needs.
var traceRuns = []struct {
	workload, kind, godebug, minGo string
}{
	// The whole workload with CPU profiling on, over about five generations.
	{"mixed", "mixed", traceAdvance, "go1.22"},
	// Experimental AllocFree batches (types and info sub-batches) and events.
	{"allocfree", "allocfree", "traceallocfree=1", "go1.23"},
	// A runtime/trace.FlightRecorder snapshot: whole generations only.
	{"flight", "flight-recorder", traceAdvance, "go1.25"},
}

// recordTraces records the trace set: tracework's runs and a trace written by
// `go test -trace`. Toolchains older than Go 1.22, which write the old trace
// format, record nothing here (basic.trace covers them).
func (r *recorder) recordTraces(ver, tmp string, host target, add addFunc) error {
	if version.Compare(ver, "go1.22") < 0 {
		r.log("%s: no trace set (the tracework program needs Go 1.22 or newer)", ver)
		return nil
	}
	dir := "linux-amd64/"
	exe := filepath.Join(tmp, "tracework")
	if _, err := r.buildIn(r.tracePrograms, "tracework", host, exe); err != nil {
		return err
	}
	for _, run := range traceRuns {
		if version.Compare(ver, run.minGo) < 0 {
			continue
		}
		out := filepath.Join(tmp, "tracework-"+run.workload+".trace")
		data, err := smallestTrace(func() ([]byte, error) {
			cmd := exec.Command(exe, "-workload", run.workload, "-o", out)
			cmd.Env = append(os.Environ(), "GODEBUG="+run.godebug)
			if b, err := cmd.CombinedOutput(); err != nil {
				return nil, fmt.Errorf("running tracework -workload %s: %v: %s", run.workload, err, lastLines(b, 3))
			}
			return os.ReadFile(out)
		})
		if err != nil {
			return err
		}
		cmdline := fmt.Sprintf("GODEBUG=%s tracework -workload %s -o FILE", run.godebug, run.workload)
		if err := add(dir+"tracework-"+run.workload+".trace.gz", data, "gzip", "trace", host, "tracework", run.kind, cmdline); err != nil {
			return err
		}
	}

	// go test -trace: the testing package starts and stops the trace around
	// the tests (TestWorkload runs the workload for 150 ms).
	out := filepath.Join(tmp, "tracework-test.trace")
	args := []string{"test", "-trimpath", "-buildvcs=false", "-count=1", "-run=^TestWorkload$", "-trace=" + out, "./tracework"}
	data, err := smallestTrace(func() ([]byte, error) {
		if _, err := r.goRunIn(r.tracePrograms, nil, args...); err != nil {
			return nil, err
		}
		return os.ReadFile(out)
	})
	if err != nil {
		return err
	}
	cmdline := r.envDesc + "GOWORK=off CGO_ENABLED=0 go " + strings.Join(args[:len(args)-2], " ") + " -trace=FILE ./tracework"
	return add(dir+"tracework-test.trace.gz", data, "gzip", "trace", host, "tracework", "go-test", cmdline)
}

// smallestTrace calls run until its trace, gzip-compressed, is below
// maxTraceFixtureSize or traceAttempts runs are done, and returns the
// smallest trace.
func smallestTrace(run func() ([]byte, error)) ([]byte, error) {
	var best []byte
	bestSize := 0
	for range traceAttempts {
		data, err := run()
		if err != nil {
			return nil, err
		}
		z, err := gzipBest(data)
		if err != nil {
			return nil, err
		}
		if best == nil || len(z) < bestSize {
			best, bestSize = data, len(z)
		}
		if bestSize < maxTraceFixtureSize {
			break
		}
	}
	return best, nil
}
