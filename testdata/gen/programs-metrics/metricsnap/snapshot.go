package metricsnap

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"runtime"
	"runtime/metrics"
	"strconv"
	"time"
)

// WriteSnapshot reads every metric of metrics.All() at once and writes one
// line of canonical JSON (docs/oracle.md): compact, keys sorted, uint64 as
// decimal strings, float64 as strconv 'g' -1 with NaN/±Inf as strings.
func WriteSnapshot(w io.Writer) error {
	descs := metrics.All() // sorted by name, so "metrics" keys come out sorted
	samples := make([]metrics.Sample, len(descs))
	for i := range descs {
		samples[i].Name = descs[i].Name
	}
	now := time.Now().UnixNano()
	metrics.Read(samples)
	b := append([]byte(`{"goVersion":`), str(runtime.Version())...)
	b = append(b, `,"metrics":{`...)
	for i, s := range samples {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(append(b, str(s.Name)...), ':')
		switch s.Value.Kind() {
		case metrics.KindUint64:
			b = append(b, `{"kind":"Uint64","value":"`...)
			b = append(strconv.AppendUint(b, s.Value.Uint64(), 10), `"}`...)
		case metrics.KindFloat64:
			b = append(b, `{"kind":"Float64","value":`...)
			b = append(float(b, s.Value.Float64()), '}')
		case metrics.KindFloat64Histogram:
			h := s.Value.Float64Histogram()
			b = append(b, `{"buckets":[`...)
			for j, x := range h.Buckets {
				if j > 0 {
					b = append(b, ',')
				}
				b = float(b, x)
			}
			b = append(b, `],"counts":[`...)
			for j, c := range h.Counts {
				if j > 0 {
					b = append(b, ',')
				}
				b = append(strconv.AppendUint(append(b, '"'), c, 10), '"')
			}
			b = append(b, `],"kind":"Float64Histogram"}`...)
		default: // KindBad: metrics.All() lists only supported metrics
			return fmt.Errorf("%s: unsupported metric kind", s.Name)
		}
	}
	b = append(b, `},"time":"`...)
	b = append(strconv.AppendInt(b, now, 10), "\"}\n"...)
	_, err := w.Write(b)
	return err
}

// float appends x as Go's strconv 'g' -1, NaN and ±Inf as JSON strings.
func float(b []byte, x float64) []byte {
	switch {
	case math.IsNaN(x):
		return append(b, `"NaN"`...)
	case math.IsInf(x, 1):
		return append(b, `"+Inf"`...)
	case math.IsInf(x, -1):
		return append(b, `"-Inf"`...)
	}
	return strconv.AppendFloat(b, x, 'g', -1, 64)
}

// str quotes s as encoding/json does (metric names and versions are ASCII,
// with no characters HTML escaping would change).
func str(s string) []byte {
	q, _ := json.Marshal(s)
	return q
}
