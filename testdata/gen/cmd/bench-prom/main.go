// Command bench-prom times prometheus/common's expfmt TextParser on one text
// exposition (format 0.0.4), for comparison with godiag's Prometheus parser in
// the same run on the same machine (bench/metrics.ts).
//
// Usage:
//
//	bench-prom -generate FILE [-size BYTES]   write a synthetic exposition
//	bench-prom [-repeat N] FILE               time the parser on FILE
//
// The synthetic exposition is written by expfmt's own text encoder from
// metric families shaped like a large service's scrape: labelled counters,
// gauges with escaped label values, classic histograms, summaries, untyped
// series and a few timestamps. It is deterministic (fixed seed), so every
// run of the benchmark parses the same bytes.
//
// Timing mode parses the whole file from memory with TextToMetricFamilies,
// best of N runs, and prints one JSON object:
//
//	{"seconds":S,"firstSeconds":S,"bytes":N,"families":N,"samples":N}
//
// where samples counts what a reader sees: one per counter, gauge and untyped
// metric, and for histograms and summaries one per bucket or quantile plus
// the sum and count (the lines of the exposition that carry a value).
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand"
	"os"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"google.golang.org/protobuf/proto"
)

type result struct {
	Seconds      float64 `json:"seconds"`
	FirstSeconds float64 `json:"firstSeconds"`
	Bytes        int     `json:"bytes"`
	Families     int     `json:"families"`
	Samples      int     `json:"samples"`
}

func main() {
	generate := flag.String("generate", "", "write a synthetic exposition to this file")
	size := flag.Int("size", 10<<20, "with -generate: stop after this many bytes")
	repeat := flag.Int("repeat", 3, "timed parses (best is reported)")
	flag.Parse()
	if *generate != "" {
		if err := writeExposition(*generate, *size); err != nil {
			fmt.Fprintln(os.Stderr, "bench-prom:", err)
			os.Exit(1)
		}
		return
	}
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: bench-prom [-repeat N] FILE | bench-prom -generate FILE [-size BYTES]")
		os.Exit(2)
	}
	data, err := os.ReadFile(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench-prom:", err)
		os.Exit(1)
	}
	res := result{Bytes: len(data), Seconds: math.Inf(1)}
	for i := 0; i < *repeat; i++ {
		start := time.Now()
		p := expfmt.NewTextParser(model.UTF8Validation)
		families, err := p.TextToMetricFamilies(bytes.NewReader(data))
		elapsed := time.Since(start).Seconds()
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench-prom:", err)
			os.Exit(1)
		}
		if i == 0 {
			res.FirstSeconds = elapsed
			res.Families = len(families)
			res.Samples = countSamples(families)
		}
		res.Seconds = math.Min(res.Seconds, elapsed)
	}
	out, _ := json.Marshal(res)
	fmt.Println(string(out))
}

func countSamples(families map[string]*dto.MetricFamily) int {
	n := 0
	for _, f := range families {
		for _, m := range f.Metric {
			switch {
			case m.Histogram != nil:
				n += len(m.Histogram.Bucket) + 2
			case m.Summary != nil:
				n += len(m.Summary.Quantile) + 2
			default:
				n++
			}
		}
	}
	return n
}

var (
	methods  = []string{"GET", "POST", "PUT", "DELETE", "PATCH"}
	codes    = []string{"200", "201", "204", "301", "400", "403", "404", "429", "500", "503"}
	regions  = []string{"us-east-1", "eu-west-1", "ap-south-1"}
	services = []string{"checkout", "cart", "search", "accounts", "inventory", "billing"}
	buckets  = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}
)

func label(name, value string) *dto.LabelPair {
	return &dto.LabelPair{Name: proto.String(name), Value: proto.String(value)}
}

// writeExposition writes families until the text reaches size bytes. Each
// round adds one "instance": a block of families with its own label values,
// as a federation endpoint or a large service with many series shows.
func writeExposition(path string, size int) error {
	rng := rand.New(rand.NewSource(1))
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	written := 0
	for round := 0; written < size; round++ {
		for _, fam := range familiesFor(round, rng) {
			n, err := expfmt.MetricFamilyToText(w, fam)
			if err != nil {
				return err
			}
			written += n
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

func familiesFor(round int, rng *rand.Rand) []*dto.MetricFamily {
	inst := fmt.Sprintf("10.%d.%d.%d:9090", round/65536%256, round/256%256, round%256)
	prefix := fmt.Sprintf("app%d_", round)
	typ := func(t dto.MetricType) *dto.MetricType { return &t }

	requests := &dto.MetricFamily{Name: proto.String(prefix + "http_requests_total"), Help: proto.String("Total number of HTTP requests by method, status code and handler."), Type: typ(dto.MetricType_COUNTER)}
	durations := &dto.MetricFamily{Name: proto.String(prefix + "http_request_duration_seconds"), Help: proto.String("Latency of HTTP requests.\nBuckets in seconds."), Type: typ(dto.MetricType_HISTOGRAM)}
	for _, m := range methods {
		for _, c := range codes {
			handler := fmt.Sprintf("/api/v%d/%s", 1+rng.Intn(3), services[rng.Intn(len(services))])
			labels := []*dto.LabelPair{label("code", c), label("handler", handler), label("instance", inst), label("method", m)}
			requests.Metric = append(requests.Metric, &dto.Metric{Label: labels, Counter: &dto.Counter{Value: proto.Float64(float64(rng.Int63n(1 << 40)))}})
			h := &dto.Histogram{SampleCount: proto.Uint64(0), SampleSum: proto.Float64(0)}
			var cum uint64
			for _, b := range buckets {
				cum += uint64(rng.Intn(5000))
				h.Bucket = append(h.Bucket, &dto.Bucket{UpperBound: proto.Float64(b), CumulativeCount: proto.Uint64(cum)})
			}
			h.SampleCount = proto.Uint64(cum + uint64(rng.Intn(10)))
			h.SampleSum = proto.Float64(rng.Float64() * float64(cum))
			durations.Metric = append(durations.Metric, &dto.Metric{Label: labels, Histogram: h})
		}
	}

	latency := &dto.MetricFamily{Name: proto.String(prefix + "rpc_latency_seconds"), Help: proto.String("RPC latency quantiles over the last 10 minutes."), Type: typ(dto.MetricType_SUMMARY)}
	for _, s := range services {
		q := &dto.Summary{SampleCount: proto.Uint64(uint64(rng.Int63n(1 << 30))), SampleSum: proto.Float64(rng.Float64() * 1e6)}
		v := 0.0
		for _, qq := range []float64{0.5, 0.9, 0.99, 0.999} {
			v += rng.Float64() / 10
			q.Quantile = append(q.Quantile, &dto.Quantile{Quantile: proto.Float64(qq), Value: proto.Float64(v)})
		}
		latency.Metric = append(latency.Metric, &dto.Metric{Label: []*dto.LabelPair{label("instance", inst), label("service", s)}, Summary: q})
	}

	queue := &dto.MetricFamily{Name: proto.String(prefix + "queue_depth"), Help: proto.String(`Items waiting per queue (label values may hold "quotes", back\slashes and newlines).`), Type: typ(dto.MetricType_GAUGE)}
	for i, r := range regions {
		name := fmt.Sprintf("jobs \"%s\"\\tier-%d\nbatch", r, i)
		queue.Metric = append(queue.Metric, &dto.Metric{Label: []*dto.LabelPair{label("queue", name), label("region", r)}, Gauge: &dto.Gauge{Value: proto.Float64(float64(rng.Intn(1000)) - 0.5)}})
	}
	queue.Metric = append(queue.Metric, &dto.Metric{Label: []*dto.LabelPair{label("queue", "overflow"), label("region", "none")}, Gauge: &dto.Gauge{Value: proto.Float64(math.NaN())}})

	temps := &dto.MetricFamily{Name: proto.String(prefix + "sensor_reading"), Help: proto.String("Untyped readings with timestamps."), Type: typ(dto.MetricType_UNTYPED)}
	for i := 0; i < 8; i++ {
		temps.Metric = append(temps.Metric, &dto.Metric{Label: []*dto.LabelPair{label("sensor", fmt.Sprintf("s%02d", i))}, Untyped: &dto.Untyped{Value: proto.Float64(rng.NormFloat64() * 20)}, TimestampMs: proto.Int64(1763784000000 + int64(round*1000+i))})
	}
	temps.Metric = append(temps.Metric, &dto.Metric{Label: []*dto.LabelPair{label("sensor", "max")}, Untyped: &dto.Untyped{Value: proto.Float64(math.Inf(1))}})

	return []*dto.MetricFamily{requests, durations, latency, queue, temps}
}
