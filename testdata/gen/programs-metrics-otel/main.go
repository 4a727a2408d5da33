// Command programs-metrics-otel records the metrics-otel fixture: the
// OpenTelemetry Go runtime instrumentation (go.opentelemetry.io/contrib/
// instrumentation/runtime: Start for the go.memory.*, go.goroutine.count, …
// instruments, NewProducer for go.schedule.duration) read once through an SDK
// ManualReader, between two canonical JSON snapshots of runtime/metrics, all
// in one process. It writes, into the directory of -o:
//
//   - metrics-otel.snapshots.json: JSON Lines of four snapshots (docs/oracle.md
//     canonical JSON: u64 as strings, floats 'g' -1, ±Inf/NaN as strings, keys
//     sorted): before the collection; in a callback registered before
//     runtime.Start's and in one registered after it (the SDK runs a meter's
//     callbacks in registration order, so the instrumentation's own
//     metrics.Read falls between these two); after the collection (the
//     producer's go.schedule.duration falls between the first and the last);
//   - metrics-otel.points.json: one JSON object {"points":[…]} in the shape
//     godiag's fromOtel reads — {"name", "attributes"?, "value"} for an int64
//     sum or gauge (value as a decimal string), {"name", "attributes"?,
//     "histogram": {"bounds": [floats], "bucketCounts": [u64 strings]}} for an
//     explicit-bucket histogram — sorted by name, then attributes.
//
// Run: cd testdata/gen/programs-metrics-otel && GOFLAGS=-mod=mod go run . -o ../../fixtures/go1.26.8
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	goruntime "runtime"
	"runtime/metrics"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/runtime"
	"go.opentelemetry.io/otel/attribute"
	otelmetric "go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

func main() {
	out := flag.String("o", ".", "output directory")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "metrics-otel:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	reader := sdkmetric.NewManualReader(sdkmetric.WithProducer(runtime.NewProducer()))
	provider := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	// Everything is captured in memory first, so no file write falls between
	// snapshots.
	var snaps strings.Builder
	if err := snapshotInCallback(provider, &snaps); err != nil {
		return err
	}
	if err := runtime.Start(runtime.WithMeterProvider(provider)); err != nil {
		return err
	}
	if err := snapshotInCallback(provider, &snaps); err != nil {
		return err
	}
	work()
	snaps.WriteString(snapshot())
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		return err
	}
	snaps.WriteString(snapshot())
	points, err := pointsJSON(&rm)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "metrics-otel.snapshots.json"), []byte(snaps.String()), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "metrics-otel.points.json"), []byte(points), 0o644)
}

// snapshotInCallback registers, on the instrumentation's meter, a callback
// (with an instrument of its own, which the SDK requires) that appends a
// snapshot at each collection.
func snapshotInCallback(provider *sdkmetric.MeterProvider, out *strings.Builder) error {
	meter := provider.Meter(runtime.ScopeName)
	inst, err := meter.Int64ObservableGauge("godiag.fixture.snapshot")
	if err != nil {
		return err
	}
	_, err = meter.RegisterCallback(func(_ context.Context, o otelmetric.Observer) error {
		out.WriteString(snapshot())
		o.ObserveInt64(inst, 1)
		return nil
	}, inst)
	return err
}

var sink [][]byte

// work allocates objects of many sizes, runs goroutines that contend for a
// mutex, and forces a few GC cycles, so every value has moved.
func work() {
	for i := 0; i < 20000; i++ {
		b := make([]byte, 8+(i*37)%4000)
		if i%10 == 0 {
			sink = append(sink, b)
		}
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	total := 0
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				mu.Lock()
				total += i
				mu.Unlock()
				goruntime.Gosched()
			}
		}()
	}
	wg.Wait()
	for i := 0; i < 3; i++ {
		goruntime.GC()
	}
	sink = sink[:len(sink)/2]
}

// float writes a float64 as canonical JSON does.
func float(x float64) string {
	switch {
	case math.IsNaN(x):
		return `"NaN"`
	case math.IsInf(x, 1):
		return `"+Inf"`
	case math.IsInf(x, -1):
		return `"-Inf"`
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// snapshot reads every metric at once and returns one canonical JSON line.
func snapshot() string {
	descs := metrics.All() // sorted by name
	samples := make([]metrics.Sample, len(descs))
	for i := range descs {
		samples[i].Name = descs[i].Name
	}
	now := time.Now().UnixNano()
	metrics.Read(samples)
	var b strings.Builder
	b.WriteString(`{"goVersion":` + strconv.Quote(goruntime.Version()) + `,"metrics":{`)
	for i, s := range samples {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Quote(s.Name) + ":")
		switch s.Value.Kind() {
		case metrics.KindUint64:
			b.WriteString(`{"kind":"Uint64","value":"` + strconv.FormatUint(s.Value.Uint64(), 10) + `"}`)
		case metrics.KindFloat64:
			b.WriteString(`{"kind":"Float64","value":` + float(s.Value.Float64()) + `}`)
		case metrics.KindFloat64Histogram:
			h := s.Value.Float64Histogram()
			bs := make([]string, len(h.Buckets))
			for j, x := range h.Buckets {
				bs[j] = float(x)
			}
			cs := make([]string, len(h.Counts))
			for j, c := range h.Counts {
				cs[j] = `"` + strconv.FormatUint(c, 10) + `"`
			}
			b.WriteString(`{"buckets":[` + strings.Join(bs, ",") + `],"counts":[` + strings.Join(cs, ",") + `],"kind":"Float64Histogram"}`)
		default:
			b.WriteString(`{"kind":"Bad"}`)
		}
	}
	b.WriteString(`},"time":"` + strconv.FormatInt(now, 10) + `"}` + "\n")
	return b.String()
}

// attrs writes an attribute set as a JSON object with sorted keys, or "" when empty.
func attrs(set attribute.Set) string {
	if set.Len() == 0 {
		return ""
	}
	var parts []string
	for _, kv := range set.ToSlice() { // sorted by key
		parts = append(parts, strconv.Quote(string(kv.Key))+":"+strconv.Quote(kv.Value.Emit()))
	}
	return `"attributes":{` + strings.Join(parts, ",") + `},`
}

type point struct{ name, attrs, body string }

// pointsJSON lists every data point of the runtime instrumentation's scope.
func pointsJSON(rm *metricdata.ResourceMetrics) (string, error) {
	var ps []point
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != runtime.ScopeName {
			continue
		}
		for _, m := range sm.Metrics {
			if m.Name == "godiag.fixture.snapshot" {
				continue
			}
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, dp := range d.DataPoints {
					ps = append(ps, point{m.Name, attrs(dp.Attributes), `"value":"` + strconv.FormatInt(dp.Value, 10) + `"`})
				}
			case metricdata.Gauge[int64]:
				for _, dp := range d.DataPoints {
					ps = append(ps, point{m.Name, attrs(dp.Attributes), `"value":"` + strconv.FormatInt(dp.Value, 10) + `"`})
				}
			case metricdata.Histogram[float64]:
				for _, dp := range d.DataPoints {
					bs := make([]string, len(dp.Bounds))
					for j, x := range dp.Bounds {
						bs[j] = float(x)
					}
					cs := make([]string, len(dp.BucketCounts))
					for j, c := range dp.BucketCounts {
						cs[j] = `"` + strconv.FormatUint(c, 10) + `"`
					}
					ps = append(ps, point{m.Name, attrs(dp.Attributes), `"histogram":{"bounds":[` + strings.Join(bs, ",") + `],"bucketCounts":[` + strings.Join(cs, ",") + `]}`})
				}
			default:
				return "", fmt.Errorf("%s: unexpected data %T", m.Name, m.Data)
			}
		}
	}
	sort.Slice(ps, func(i, j int) bool {
		if ps[i].name != ps[j].name {
			return ps[i].name < ps[j].name
		}
		return ps[i].attrs < ps[j].attrs
	})
	var b strings.Builder
	b.WriteString(`{"points":[`)
	for i, p := range ps {
		if i > 0 {
			b.WriteByte(',')
		}
		// Keys in sorted order: attributes, histogram | name … value.
		if strings.HasPrefix(p.body, `"histogram"`) {
			b.WriteString(`{` + p.attrs + p.body + `,"name":` + strconv.Quote(p.name) + `}`)
		} else {
			b.WriteString(`{` + p.attrs + `"name":` + strconv.Quote(p.name) + `,` + p.body + `}`)
		}
	}
	b.WriteString("]}\n")
	return b.String(), nil
}
