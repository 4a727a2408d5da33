// Package metricsnap is the shared part of the metrics-snapshots fixture
// programs (testdata/gen/programs-metrics/client_golang-*): a short workload,
// then, captured back to back, a canonical JSON snapshot of runtime/metrics
// (WriteSnapshot), a client_golang scrape, expvar's /debug/vars and a second
// snapshot. Each client_golang version has its own module, as their go.mod
// files need different toolchains; they differ only in how the Go collector
// is built.
package metricsnap

import (
	"bytes"
	"expvar"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"sync"
)

// Main runs the workload and writes, into the directory of -o: snapshots.json
// (JSON Lines: BEFORE, AFTER), scrape.prom (the text exposition of scrape),
// and expvar.json (expvar.Handler's response).
func Main(scrape http.Handler) {
	out := flag.String("o", ".", "output directory")
	flag.Parse()
	if err := run(scrape, *out); err != nil {
		fmt.Fprintln(os.Stderr, "metrics fixture:", err)
		os.Exit(1)
	}
}

func run(scrape http.Handler, dir string) error {
	if err := work(); err != nil {
		return err
	}
	// Everything is captured into memory first, so no file write falls
	// between BEFORE and AFTER.
	var snaps bytes.Buffer
	if err := WriteSnapshot(&snaps); err != nil {
		return err
	}
	prom, err := get(scrape, "/metrics")
	if err != nil {
		return err
	}
	vars, err := get(expvar.Handler(), "/debug/vars")
	if err != nil {
		return err
	}
	if err := WriteSnapshot(&snaps); err != nil {
		return err
	}
	for name, data := range map[string][]byte{"snapshots.json": snaps.Bytes(), "scrape.prom": prom, "expvar.json": vars} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// get serves one GET request (no Accept header: the Prometheus text format
// 0.0.4, uncompressed) and returns the body.
func get(h http.Handler, path string) ([]byte, error) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	if rec.Code != http.StatusOK {
		return nil, fmt.Errorf("GET %s: status %d: %s", path, rec.Code, rec.Body.String())
	}
	return rec.Body.Bytes(), nil
}

// sink keeps some allocations alive across GC cycles.
var sink [][]byte

// work allocates objects of many size classes and a few large ones, runs
// goroutines that contend for a mutex and pass values over channels, makes
// a few cgo-free syscalls (a pipe), and forces three GC cycles.
func work() error {
	for i := 0; i < 20000; i++ {
		b := make([]byte, 8+(i*37)%4000)
		if i%10 == 0 {
			sink = append(sink, b)
		}
	}
	for i := 0; i < 4; i++ {
		sink = append(sink, make([]byte, 1<<20))
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	ch := make(chan int)
	total := 0
	for g := 0; g < 32; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				mu.Lock()
				total += i
				mu.Unlock()
				if i%50 == 0 {
					ch <- g
				}
			}
		}(g)
	}
	go func() { wg.Wait(); close(ch) }()
	for range ch {
		runtime.Gosched()
	}
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	buf := make([]byte, 64)
	for i := 0; i < 16; i++ {
		if _, err := w.Write(buf); err != nil {
			return err
		}
		if _, err := r.Read(buf); err != nil {
			return err
		}
	}
	r.Close()
	w.Close()
	for i := 0; i < 3; i++ {
		runtime.GC()
	}
	sink = sink[:len(sink)/2]
	return nil
}
