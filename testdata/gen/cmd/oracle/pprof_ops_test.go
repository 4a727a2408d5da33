package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/pprof/profile"

	"godiag.dev/testdata/gen/internal/canon"
)

func opsProfile() *profile.Profile {
	fn := &profile.Function{ID: 1, Name: "main.f", Filename: "f.go"}
	rt := &profile.Function{ID: 2, Name: "runtime.main", Filename: "proc.go"}
	m := &profile.Mapping{ID: 1, Start: 0x400000, Limit: 0x500000, File: "/bin/x", BuildID: "abc"}
	l1 := &profile.Location{ID: 1, Mapping: m, Address: 0x401000, Line: []profile.Line{{Function: fn, Line: 3}}}
	l2 := &profile.Location{ID: 2, Mapping: m, Address: 0x402000, Line: []profile.Line{{Function: rt, Line: 9}}}
	return &profile.Profile{
		SampleType: []*profile.ValueType{{Type: "samples", Unit: "count"}},
		PeriodType: &profile.ValueType{Type: "cpu", Unit: "nanoseconds"},
		Period:     1,
		Sample: []*profile.Sample{
			{Location: []*profile.Location{l1, l2}, Value: []int64{3}, NumLabel: map[string][]int64{"bytes": {512}}},
			{Location: []*profile.Location{l2}, Value: []int64{2}},
		},
		Mapping:  []*profile.Mapping{m},
		Location: []*profile.Location{l1, l2},
		Function: []*profile.Function{fn, rt},
	}
}

func encodeOps(t *testing.T, p *profile.Profile) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := p.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func runOps(t *testing.T, run func([]byte, *canon.Writer) error, data []byte) string {
	t.Helper()
	var buf bytes.Buffer
	w := canon.NewWriter(&buf)
	if err := run(data, w); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// Merge gives samples with numeric labels empty unit lists; opsDump drops them.
func TestOpsDumpDropsEmptyUnits(t *testing.T) {
	m, err := profile.Merge([]*profile.Profile{opsProfile()})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Sample[0].NumUnit) == 0 {
		t.Fatal("expected google/pprof's merge to create an empty unit list")
	}
	if d := opsDump(m); d.Sample[0].NumUnit != nil {
		t.Fatalf("numUnit kept: %v", d.Sample[0].NumUnit)
	}
}

// Merging a profile with its relocated and half-scaled copies finds every
// location again: the merged profile has the original's two locations, and
// values 3 + 3 + 2 (rounded 1.5) and 2 + 2 + 1.
func TestPprofMergeRecipe(t *testing.T) {
	out := runOps(t, pprofMerge, encodeOps(t, opsProfile()))
	for _, want := range []string{`"value":["8"]`, `"value":["5"]`, `"comments":["relocated"]`} {
		if !strings.Contains(out, want) {
			t.Errorf("merge output lacks %s:\n%s", want, out)
		}
	}
	if n := strings.Count(out, `"isFolded"`); n != 2 {
		t.Errorf("merge kept %d locations, want 2:\n%s", n, out)
	}
}

// p − p is empty; the recipes run on a profile without errors.
func TestPprofOpsRecipesRun(t *testing.T) {
	data := encodeOps(t, opsProfile())
	if out := runOps(t, pprofDiff, data); !strings.Contains(out, `"self":{`) || !strings.Contains(out, `"sample":[]`) {
		t.Errorf("diff output: %s", out)
	}
	for name, run := range map[string]func([]byte, *canon.Writer) error{
		"scale": pprofScale, "compact": pprofCompact, "focus": pprofFocus, "prune": pprofPrune, "aggregate": pprofAggregate,
	} {
		if out := runOps(t, run, data); !strings.HasSuffix(out, "}\n") {
			t.Errorf("%s: %q", name, out)
		}
	}
}
