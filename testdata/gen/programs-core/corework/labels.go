// Labelled goroutines and the GC's numbers: corework's additions for the
// goroutine labels and the process summary of the core readers (kept out of
// main.go so that the lines of its functions, which tests name, stay put).
//
// After main.go's goroutines, corework starts goroutines with runtime/pprof
// labels, each blocked in a channel receive inside pprof.Do: one label; three given out of order; ten; twenty-seven
// (Go 1.22 and 1.23 keep a goroutine's labels in a map: ten fill two buckets,
// and the twenty-seventh insertion starts a growth that the last insertion
// leaves unfinished, so the map still has old buckets); an empty set; labels
// merged by a pprof.Do nested in another (a key overridden); and a child
// started inside pprof.Do, which inherits its creator's labels. Each of them
// records its own goroutine id and its labels (as its context holds them,
// sorted by key) before it blocks. Run with GODEBUG=tracebacklabels=1
// (Go 1.26+), the goroutine dump prints the labels too.
//
// Before the dump the program runs two garbage collections (runtime.GC) and
// turns the collector off (debug.SetGCPercent(-1)), so that what a GC records
// cannot change until the core is written: runtime.MemStats' NumGC,
// NumForcedGC, PauseTotalNs and LastGC (each changed only at the end of a GC
// cycle), runtime/metrics' /gc/gogc:percent, /gc/gomemlimit:bytes,
// /gc/heap/live:bytes (the bytes the last GC marked) and
// /sched/gomaxprocs:threads, and runtime.NumCPU().
//
// With -oracle FILE the program writes both there, before its dump, as one
// JSON object: {"gc":{NAME:"decimal",…},"labels":[{"goroutine":"ID",
// "labels":[["key","value"],…]},…]} (the labelled goroutines in the order of
// their ids, one a line).

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// What the labelled goroutines record of themselves.
var (
	labelMu      sync.Mutex
	labelRecords []labelRecord
	labelled     sync.WaitGroup
)

type labelRecord struct {
	id     uint64
	labels [][2]string
}

// goid is the calling goroutine's id, from the header of its own stack
// ("goroutine 18 [running]:").
func goid() uint64 {
	var b [64]byte
	n := runtime.Stack(b[:], false)
	f := strings.Fields(string(b[:n]))
	if len(f) < 2 {
		panic("corework: no goroutine header")
	}
	id, err := strconv.ParseUint(f[1], 10, 64)
	if err != nil {
		panic(err)
	}
	return id
}

// recordLabels records the calling goroutine's id and the labels of ctx.
func recordLabels(ctx context.Context) {
	kv := [][2]string{}
	pprof.ForLabels(ctx, func(k, v string) bool {
		kv = append(kv, [2]string{k, v})
		return true
	})
	sort.Slice(kv, func(i, j int) bool { return kv[i][0] < kv[j][0] })
	labelMu.Lock()
	labelRecords = append(labelRecords, labelRecord{goid(), kv})
	labelMu.Unlock()
	labelled.Done()
}

//go:noinline
func labelledRecv(ctx context.Context) {
	recordLabels(ctx)
	<-neverRcv
}

// labelParent starts labelChild inside its pprof.Do: the child inherits
// the parent's labels (the runtime copies them at the go statement).
//
//go:noinline
func labelParent(ctx context.Context) {
	labelled.Add(1)
	go labelChild(ctx)
	labelledRecv(ctx)
}

//go:noinline
func labelChild(ctx context.Context) { labelledRecv(ctx) }

// labelPairs is key, value, … for n labels with keys in descending order.
func labelPairs(prefix string, n int) []string {
	var out []string
	for i := n - 1; i >= 0; i-- {
		out = append(out, fmt.Sprintf("%s%02d", prefix, i), fmt.Sprintf("v%d", i*7))
	}
	return out
}

// startLabelled starts the labelled goroutines and waits until each has
// recorded its labels.
func startLabelled() {
	bg := context.Background()
	do := func(labels ...string) func() {
		return func() { pprof.Do(bg, pprof.Labels(labels...), labelledRecv) }
	}
	gs := []func(){
		do("worker", "one"),
		do("zeta", "3", "alpha", "1 2", "Mid", "caf\u00e9"),
		do(labelPairs("k", 10)...),
		do(labelPairs("g", 27)...),
		do(),
		func() {
			pprof.Do(bg, pprof.Labels("a", "1", "b", "2"), func(ctx context.Context) {
				pprof.Do(ctx, pprof.Labels("c", "3", "b", "override"), labelledRecv)
			})
		},
		func() { pprof.Do(bg, pprof.Labels("role", "parent"), labelParent) },
	}
	for _, f := range gs {
		labelled.Add(1)
		go f()
	}
	labelled.Wait()
}

// labelLines are the records, in the order of the goroutine ids.
func labelLines() []json.RawMessage {
	labelMu.Lock()
	defer labelMu.Unlock()
	sort.Slice(labelRecords, func(i, j int) bool { return labelRecords[i].id < labelRecords[j].id })
	var out []json.RawMessage
	for _, r := range labelRecords {
		line, err := json.Marshal(struct {
			Goroutine string      `json:"goroutine"`
			Labels    [][2]string `json:"labels"`
		}{strconv.FormatUint(r.id, 10), r.labels})
		if err != nil {
			panic(err)
		}
		out = append(out, line)
	}
	return out
}

// collectAndFreeze runs two GC cycles, turns the collector off and returns
// the numbers only a GC cycle changes (see the package comment), as decimal
// strings.
func collectAndFreeze() map[string]string {
	runtime.GC()
	runtime.GC()
	debug.SetGCPercent(-1)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	samples := []metrics.Sample{
		{Name: "/gc/gogc:percent"},
		{Name: "/gc/gomemlimit:bytes"},
		{Name: "/gc/heap/live:bytes"},
		{Name: "/sched/gomaxprocs:threads"},
	}
	metrics.Read(samples)
	out := map[string]string{
		"NumGC":        strconv.FormatUint(uint64(ms.NumGC), 10),
		"NumForcedGC":  strconv.FormatUint(uint64(ms.NumForcedGC), 10),
		"PauseTotalNs": strconv.FormatUint(ms.PauseTotalNs, 10),
		"LastGC":       strconv.FormatUint(ms.LastGC, 10),
		"numCPU":       strconv.Itoa(runtime.NumCPU()),
	}
	for _, s := range samples {
		if s.Value.Kind() != metrics.KindUint64 {
			panic("corework: metric " + s.Name + " is not a Uint64")
		}
		v := s.Value.Uint64()
		if s.Name == "/gc/gogc:percent" {
			// The runtime stores GOGC as a signed number; off is -1.
			out[s.Name] = strconv.FormatInt(int64(v), 10)
		} else {
			out[s.Name] = strconv.FormatUint(v, 10)
		}
	}
	return out
}

// writeOracle writes the -oracle file: the GC's numbers, then one line per
// labelled goroutine.
func writeOracle(path string, gcNumbers map[string]string) error {
	gc, err := json.Marshal(gcNumbers)
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("{\"gc\":")
	b.Write(gc)
	b.WriteString(",\"labels\":[\n")
	for i, l := range labelLines() {
		if i > 0 {
			b.WriteString(",\n")
		}
		b.Write(l)
	}
	b.WriteString("\n]}\n")
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
