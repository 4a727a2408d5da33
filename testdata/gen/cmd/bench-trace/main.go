// Command bench-trace times golang.org/x/exp/trace's Reader on one execution
// trace, for comparison with godiag's readTrace in the same run on the same
// machine. Each run reads every event and touches it as a tool would: kind,
// time, goroutine, proc and thread, the view of its kind (StateTransition,
// Range, Metric, Log, …) and the frames of its stack. The file is read into
// memory first, so only parsing is timed.
//
// Usage: bench-trace FILE [-repeat N]
//
// It prints one JSON object:
//
//	{"seconds":S,"events":N,"bytes":N}
//
// where seconds is the best of N runs (default 5), events the number of
// events a run reads and bytes the file's size. FILE is the trace itself,
// not gzip-compressed.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"golang.org/x/exp/trace"
)

type result struct {
	Seconds float64 `json:"seconds"`
	Events  int     `json:"events"`
	Bytes   int     `json:"bytes"`
}

// sink keeps the checksum alive: a store to a package variable is never
// optimized away, so neither is the work that feeds it.
var sink uint64

// light: see -light.
var light bool

// stream: see -stream.
var stream bool

func main() {
	name, repeat, err := parseArgs(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench-trace:", err)
		fmt.Fprintln(os.Stderr, "usage: bench-trace FILE [-repeat N] [-light] [-stream]")
		os.Exit(2)
	}
	if err := run(name, repeat); err != nil {
		fmt.Fprintln(os.Stderr, "bench-trace:", err)
		os.Exit(1)
	}
}

// parseArgs accepts the file and -repeat N in either order (the flag package
// stops at the first positional argument).
func parseArgs(args []string) (name string, repeat int, err error) {
	repeat = 5
	for i := 0; i < len(args); i++ {
		switch a := args[i]; a {
		case "-light", "--light":
			// Read each event's kind and time only: the reader's own cost, without a tool's work per event.
			light = true
		case "-stream", "--stream":
			// Read the file through a buffered reader while parsing (as godiag's readTrace streams it),
			// instead of parsing bytes already in memory.
			stream = true
		case "-repeat", "--repeat":
			if i+1 >= len(args) {
				return "", 0, errors.New("-repeat needs a value")
			}
			i++
			if repeat, err = strconv.Atoi(args[i]); err != nil || repeat < 1 {
				return "", 0, fmt.Errorf("-repeat %q: want a positive integer", args[i])
			}
		default:
			if name != "" {
				return "", 0, fmt.Errorf("unexpected argument %q", a)
			}
			name = a
		}
	}
	if name == "" {
		return "", 0, errors.New("no file")
	}
	return name, repeat, nil
}

func run(name string, repeat int) error {
	data, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
		return fmt.Errorf("%s is gzip-compressed; gunzip it first (only parsing is timed)", name)
	}
	r := result{Bytes: len(data)}
	least := time.Duration(1<<63 - 1)
	for i := 0; i < repeat; i++ {
		start := time.Now()
		var n int
		var sum uint64
		if stream {
			n, sum, err = readFile(name)
		} else {
			n, sum, err = readAll(bytes.NewReader(data))
		}
		d := time.Since(start)
		if err != nil {
			return err
		}
		if i > 0 && n != r.Events {
			return fmt.Errorf("run %d read %d events, run 1 read %d", i+1, n, r.Events)
		}
		r.Events = n
		sink += sum
		least = min(least, d)
	}
	r.Seconds = least.Seconds()
	out, err := json.Marshal(r)
	if err != nil {
		return err
	}
	fmt.Println(string(out))
	return nil
}

// readFile is readAll over the file, read through a 1 MiB buffered reader.
func readFile(name string) (int, uint64, error) {
	f, err := os.Open(name)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	return readAll(bufio.NewReaderSize(f, 1<<20))
}

// readAll reads every event of the trace, returning the count and a checksum
// of what it touched.
func readAll(in io.Reader) (int, uint64, error) {
	rd, err := trace.NewReader(in)
	if err != nil {
		return 0, 0, err
	}
	n := 0
	var sum uint64
	for {
		ev, err := rd.ReadEvent()
		if errors.Is(err, io.EOF) {
			return n, sum, nil
		}
		if err != nil {
			return n, sum, err
		}
		n++
		if light {
			sum += uint64(ev.Kind()) + uint64(ev.Time())
		} else {
			sum += touch(ev)
		}
	}
}

// touch reads what a trace tool reads of an event and folds it into a number.
func touch(ev trace.Event) uint64 {
	sum := uint64(ev.Kind()) + uint64(ev.Time()) + uint64(ev.Goroutine()) + uint64(ev.Proc()) + uint64(ev.Thread())
	sum += stack(ev.Stack())
	switch ev.Kind() {
	case trace.EventSync:
		s := ev.Sync()
		sum += uint64(s.N)
		if c := s.ClockSnapshot; c != nil {
			sum += uint64(c.Trace) + c.Mono + uint64(c.Wall.UnixNano())
		}
		for name, batches := range s.ExperimentalBatches {
			sum += uint64(len(name))
			for _, b := range batches {
				sum += uint64(b.Thread) + uint64(len(b.Data))
			}
		}
	case trace.EventMetric:
		m := ev.Metric()
		sum += uint64(len(m.Name)) + value(m.Value)
	case trace.EventLabel:
		l := ev.Label()
		sum += uint64(len(l.Label)) + uint64(l.Resource.Kind)
	case trace.EventRangeBegin, trace.EventRangeActive, trace.EventRangeEnd:
		r := ev.Range()
		sum += uint64(len(r.Name)) + uint64(r.Scope.Kind)
		if ev.Kind() == trace.EventRangeEnd {
			for _, a := range ev.RangeAttributes() {
				sum += uint64(len(a.Name)) + value(a.Value)
			}
		}
	case trace.EventTaskBegin, trace.EventTaskEnd:
		t := ev.Task()
		sum += uint64(t.ID) + uint64(t.Parent) + uint64(len(t.Type))
	case trace.EventRegionBegin, trace.EventRegionEnd:
		r := ev.Region()
		sum += uint64(r.Task) + uint64(len(r.Type))
	case trace.EventLog:
		l := ev.Log()
		sum += uint64(l.Task) + uint64(len(l.Category)) + uint64(len(l.Message))
	case trace.EventStateTransition:
		st := ev.StateTransition()
		sum += uint64(st.Resource.Kind) + uint64(len(st.Reason)) + stack(st.Stack)
		switch st.Resource.Kind {
		case trace.ResourceGoroutine:
			from, to := st.Goroutine()
			sum += uint64(from) + uint64(to) + uint64(st.Resource.Goroutine())
		case trace.ResourceProc:
			from, to := st.Proc()
			sum += uint64(from) + uint64(to) + uint64(st.Resource.Proc())
		}
	case trace.EventExperimental:
		x := ev.Experimental()
		sum += uint64(len(x.Name)) + uint64(len(x.Experiment))
		for i := range x.Args {
			sum += value(x.ArgValue(i))
		}
	}
	return sum
}

func stack(s trace.Stack) uint64 {
	var sum uint64
	for f := range s.Frames() {
		sum += f.PC + f.Line + uint64(len(f.Func)) + uint64(len(f.File))
	}
	return sum
}

func value(v trace.Value) uint64 {
	switch v.Kind() {
	case trace.ValueUint64:
		return v.Uint64()
	case trace.ValueString:
		return uint64(len(v.String()))
	}
	return 0
}
