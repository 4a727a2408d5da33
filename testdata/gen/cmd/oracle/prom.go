package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"google.golang.org/protobuf/types/known/timestamppb"

	"godiag.dev/testdata/gen/internal/canon"
)

func init() {
	register("prom-text", "read a Prometheus text exposition (0.0.4) with expfmt's TextParser (UTF-8 names)", promText)
}

// OpenMetrics has no oracle here: expfmt's OpenMetrics decoder (v0.73+)
// needs github.com/pandatix/go-abnf, which the module proxy does not serve.
// The releases before it (v0.72.1, pinned) only encode OpenMetrics.

// promText prints one line per metric family. TextParser returns a map, so
// families are printed sorted by name.
func promText(data []byte, w *canon.Writer) error {
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(data))
	if err != nil {
		return err
	}
	names := make([]string, 0, len(fams))
	for n := range fams {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := w.Line(promFamily(fams[n])); err != nil {
			return err
		}
	}
	return nil
}

// promTimestampMs is a protobuf timestamp in whole milliseconds (rounded half
// away from zero). The text format has no created or exemplar timestamps; this
// is here so the dump's shape covers every field of the model.
func promTimestampMs(ts *timestamppb.Timestamp) int64 {
	return ts.GetSeconds()*1000 + int64(math.Round(float64(ts.GetNanos())/1e6))
}

func promLabels(pairs []*dto.LabelPair) [][2]string {
	out := make([][2]string, 0, len(pairs))
	for _, l := range pairs {
		out = append(out, [2]string{l.GetName(), l.GetValue()})
	}
	return out
}

func promExemplar(e *dto.Exemplar) map[string]any {
	if e == nil {
		return nil
	}
	m := map[string]any{"labels": promLabels(e.GetLabel()), "value": e.GetValue()}
	if e.Timestamp != nil {
		m["timestampMs"] = promTimestampMs(e.Timestamp)
	}
	return m
}

func promFamily(mf *dto.MetricFamily) map[string]any {
	out := map[string]any{"name": mf.GetName(), "type": mf.GetType().String()}
	if mf.Help != nil {
		out["help"] = mf.GetHelp()
	}
	if mf.Unit != nil {
		out["unit"] = mf.GetUnit()
	}
	metrics := make([]map[string]any, 0, len(mf.GetMetric()))
	for _, m := range mf.GetMetric() {
		j := map[string]any{"labels": promLabels(m.GetLabel())}
		if m.TimestampMs != nil {
			j["timestampMs"] = m.GetTimestampMs()
		}
		switch {
		case m.Counter != nil:
			c := m.Counter
			if c.Value != nil {
				j["value"] = c.GetValue()
			}
			if c.CreatedTimestamp != nil {
				j["createdMs"] = promTimestampMs(c.CreatedTimestamp)
			}
			if c.Exemplar != nil {
				j["exemplar"] = promExemplar(c.Exemplar)
			}
		case m.Gauge != nil:
			j["value"] = m.Gauge.GetValue()
		case m.Untyped != nil:
			j["value"] = m.Untyped.GetValue()
		case m.Summary != nil:
			s := m.Summary
			qs := make([][2]float64, 0, len(s.GetQuantile()))
			for _, q := range s.GetQuantile() {
				qs = append(qs, [2]float64{q.GetQuantile(), q.GetValue()})
			}
			sj := map[string]any{"quantiles": qs}
			if s.SampleCount != nil {
				sj["count"] = float64(s.GetSampleCount())
			}
			if s.SampleSum != nil {
				sj["sum"] = s.GetSampleSum()
			}
			if s.CreatedTimestamp != nil {
				j["createdMs"] = promTimestampMs(s.CreatedTimestamp)
			}
			j["summary"] = sj
		case m.Histogram != nil:
			h := m.Histogram
			buckets := make([]map[string]any, 0, len(h.GetBucket()))
			for _, b := range h.GetBucket() {
				bj := map[string]any{"le": b.GetUpperBound()}
				if b.CumulativeCountFloat != nil {
					bj["count"] = b.GetCumulativeCountFloat()
				} else {
					bj["count"] = float64(b.GetCumulativeCount())
				}
				if b.Exemplar != nil {
					bj["exemplar"] = promExemplar(b.Exemplar)
				}
				buckets = append(buckets, bj)
			}
			hj := map[string]any{"buckets": buckets}
			if h.SampleCountFloat != nil {
				hj["count"] = h.GetSampleCountFloat()
			} else if h.SampleCount != nil {
				hj["count"] = float64(h.GetSampleCount())
			}
			if h.SampleSum != nil {
				hj["sum"] = h.GetSampleSum()
			}
			if h.CreatedTimestamp != nil {
				j["createdMs"] = promTimestampMs(h.CreatedTimestamp)
			}
			j["histogram"] = hj
		default:
			return map[string]any{"error": fmt.Sprintf("metric of family %q has no value", mf.GetName())}
		}
		metrics = append(metrics, j)
	}
	out["metrics"] = metrics
	return out
}

func init() {
	register("prom-text-cases", "read each exposition of a JSON list with expfmt's TextParser; print whether it parses, and the error's line", promTextCases)
}

// promTextCases reads a JSON array of expositions (strings) and prints one
// line per case: {"ok":true,"families":N} or {"ok":false,"line":L}, L being
// the line number of expfmt's ParseError. Messages differ between the two
// sides; acceptance and the line are compared.
func promTextCases(data []byte, w *canon.Writer) error {
	var cases []string
	if err := json.Unmarshal(data, &cases); err != nil {
		return fmt.Errorf("prom-text-cases: %w", err)
	}
	for i, c := range cases {
		p := expfmt.NewTextParser(model.UTF8Validation)
		fams, err := p.TextToMetricFamilies(strings.NewReader(c))
		if err == nil {
			if err := w.Line(map[string]any{"ok": true, "families": len(fams)}); err != nil {
				return err
			}
			continue
		}
		var pe expfmt.ParseError
		if !errors.As(err, &pe) {
			return fmt.Errorf("case %d: not a ParseError: %v", i, err)
		}
		if err := w.Line(map[string]any{"ok": false, "line": pe.Line}); err != nil {
			return err
		}
	}
	return nil
}
