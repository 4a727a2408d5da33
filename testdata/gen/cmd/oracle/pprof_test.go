package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/pprof/profile"

	"godiag.dev/testdata/gen/internal/canon"
)

func runPprof(t *testing.T, data []byte) (string, error) {
	t.Helper()
	var buf bytes.Buffer
	w := canon.NewWriter(&buf)
	if err := dumpPprof(data, w); err != nil {
		return "", err
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.String(), nil
}

// TestPprofShape checks the exact output for a small profile that uses every
// field, 64-bit values and a location without mapping. (A line without a
// function does not pass CheckValid, so ParseData never returns one.)
func TestPprofShape(t *testing.T) {
	fn := &profile.Function{ID: 1, Name: "main.f", SystemName: "main.f·", Filename: "f.go", StartLine: 10}
	m := &profile.Mapping{ID: 1, Start: 0x400000, Limit: 0xffffffffffffffff, Offset: 0x1000, File: "/bin/x", BuildID: "abc",
		HasFunctions: true, HasLineNumbers: true}
	loc1 := &profile.Location{ID: 1, Mapping: m, Address: 0x401000, Line: []profile.Line{{Function: fn, Line: 12, Column: 3}}}
	loc2 := &profile.Location{ID: 2, Address: 0x10, Line: []profile.Line{{Function: fn, Line: 7}}, IsFolded: true}
	p := &profile.Profile{
		SampleType:        []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}},
		DefaultSampleType: "cpu",
		Sample: []*profile.Sample{
			{Location: []*profile.Location{loc1, loc2}, Value: []int64{1, -9007199254740993},
				Label:    map[string][]string{"名前": {"値"}, "a": {"x", "y"}},
				NumLabel: map[string][]int64{"bytes": {1 << 60}}, NumUnit: map[string][]string{"bytes": {"bytes"}}},
			{Location: []*profile.Location{loc2}, Value: []int64{2, 3}},
		},
		Mapping:       []*profile.Mapping{m},
		Location:      []*profile.Location{loc1, loc2},
		Function:      []*profile.Function{fn},
		Comments:      []string{"c1", "c\"2"},
		DocURL:        "https://example.com/doc",
		DropFrames:    "drop.*",
		KeepFrames:    "keep",
		TimeNanos:     1 << 62,
		DurationNanos: 5,
		PeriodType:    &profile.ValueType{Type: "cpu", Unit: "nanoseconds"},
		Period:        10000000,
	}
	var enc bytes.Buffer
	if err := p.Write(&enc); err != nil {
		t.Fatal(err)
	}
	got, err := runPprof(t, enc.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"comments":["c1","c\"2"],"defaultSampleType":"cpu","docUrl":"https://example.com/doc","dropFrames":"drop.*",` +
		`"durationNanos":"5","function":[{"filename":"f.go","id":"1","name":"main.f","startLine":10,"systemName":"main.f·"}],` +
		`"keepFrames":"keep","location":[{"address":"4198400","id":"1","isFolded":false,"line":[{"column":3,"function":"1","line":12}],"mapping":"1"},` +
		`{"address":"16","id":"2","isFolded":true,"line":[{"column":0,"function":"1","line":7}]}],` +
		`"mapping":[{"buildId":"abc","file":"/bin/x","hasFilenames":false,"hasFunctions":true,"hasInlineFrames":false,"hasLineNumbers":true,` +
		`"id":"1","limit":"18446744073709551615","offset":"4096","start":"4194304"}],` +
		`"period":"10000000","periodType":{"type":"cpu","unit":"nanoseconds"},` +
		`"sample":[{"label":{"a":["x","y"],"名前":["値"]},"location":["1","2"],"numLabel":{"bytes":["1152921504606846976"]},"numUnit":{"bytes":["bytes"]},"value":["1","-9007199254740993"]},` +
		`{"location":["2"],"value":["2","3"]}],` +
		`"sampleType":[{"type":"samples","unit":"count"},{"type":"cpu","unit":"nanoseconds"}],"timeNanos":"4611686018427387904"}` + "\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}

	// The same profile uncompressed gives the same dump.
	var raw bytes.Buffer
	if err := p.WriteUncompressed(&raw); err != nil {
		t.Fatal(err)
	}
	if got2, err := runPprof(t, raw.Bytes()); err != nil || got2 != want {
		t.Errorf("uncompressed: err %v, got\n%s", err, got2)
	}
}

func TestPprofLegacyAndErrors(t *testing.T) {
	legacy := "heap profile: 1: 2048 [3: 4096] @ heap/1048576\n" +
		"1: 2048 [3: 4096] @ 0x1000 0x2000\n"
	got, err := runPprof(t, []byte(legacy))
	if err != nil {
		t.Fatalf("legacy heap: %v", err)
	}
	var d map[string]any
	if err := json.Unmarshal([]byte(got), &d); err != nil {
		t.Fatal(err)
	}
	if n := len(d["sample"].([]any)); n != 1 {
		t.Errorf("legacy heap: %d samples, want 1", n)
	}
	for name, data := range map[string][]byte{
		"empty":   nil,
		"text":    []byte("hello, world\n"),
		"garbage": {0x0a, 0xff, 0xff, 0xff},
	} {
		if _, err := runPprof(t, data); err == nil {
			t.Errorf("%s: want error", name)
		}
	}
}

// emptyStack matches a legacy count-profile record without addresses ("6 @"),
// which go1.19-go1.22 write for threads created by the runtime and which
// google/pprof's legacy parser rejects as malformed.
var emptyStack = regexp.MustCompile(`(?m)^\d+ @$`)

var pprofKeys = []string{"comments", "defaultSampleType", "docUrl", "dropFrames", "durationNanos", "function",
	"keepFrames", "location", "mapping", "period", "periodType", "sample", "sampleType", "timeNanos"}

// TestPprofFixtures dumps every pprof and pprof-text fixture and checks the
// shape and the references between samples, locations, mappings and functions.
func TestPprofFixtures(t *testing.T) {
	root := filepath.Join("..", "..", "..", "fixtures")
	data, err := os.ReadFile(filepath.Join(root, "manifest.json"))
	if os.IsNotExist(err) {
		t.Skip("no fixtures recorded")
	}
	if err != nil {
		t.Fatal(err)
	}
	var man struct {
		Fixtures []struct{ Path, Format, Kind string }
	}
	if err := json.Unmarshal(data, &man); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, fx := range man.Fixtures {
		if fx.Format != "pprof" && fx.Format != "pprof-text" {
			continue
		}
		n++
		in, err := readInput(filepath.Join(root, filepath.FromSlash(fx.Path)))
		if err != nil {
			t.Fatal(err)
		}
		out, err := runPprof(t, in)
		if err != nil {
			if fx.Format == "pprof-text" && fx.Kind == "threadcreate" && emptyStack.Match(in) &&
				strings.Contains(err.Error(), "malformed profile format") {
				continue // a known rejection, see emptyStack
			}
			t.Errorf("%s: %v", fx.Path, err)
			continue
		}
		if strings.Count(out, "\n") != 1 || !strings.HasSuffix(out, "\n") {
			t.Errorf("%s: want exactly one line", fx.Path)
			continue
		}
		var d struct {
			SampleType []json.RawMessage
			Sample     []struct {
				Location []string
				Value    []string
			}
			Mapping  []struct{ ID string }
			Location []struct {
				ID      string
				Mapping *string
				Line    []struct{ Function *string }
			}
			Function []struct{ ID string }
		}
		if err := json.Unmarshal([]byte(out), &d); err != nil {
			t.Fatalf("%s: %v", fx.Path, err)
		}
		var keys map[string]json.RawMessage
		json.Unmarshal([]byte(out), &keys)
		var names []string
		for k := range keys {
			names = append(names, k)
		}
		sort.Strings(names)
		if strings.Join(names, ",") != strings.Join(pprofKeys, ",") {
			t.Errorf("%s: keys %v", fx.Path, names)
		}
		ids := func(kind string, list []string) map[string]bool {
			m := map[string]bool{}
			for _, id := range list {
				if m[id] {
					t.Errorf("%s: duplicate %s id %s", fx.Path, kind, id)
				}
				m[id] = true
			}
			return m
		}
		var mids, lids, fids []string
		for _, m := range d.Mapping {
			mids = append(mids, m.ID)
		}
		for _, l := range d.Location {
			lids = append(lids, l.ID)
		}
		for _, f := range d.Function {
			fids = append(fids, f.ID)
		}
		mset, lset, fset := ids("mapping", mids), ids("location", lids), ids("function", fids)
		if len(d.Sample) == 0 && fx.Kind != "mutex" && fx.Kind != "block" {
			t.Errorf("%s: no samples", fx.Path)
		}
		for _, s := range d.Sample {
			if len(s.Value) != len(d.SampleType) {
				t.Errorf("%s: sample with %d values, %d sample types", fx.Path, len(s.Value), len(d.SampleType))
			}
			for _, id := range s.Location {
				if !lset[id] {
					t.Errorf("%s: sample refers to missing location %s", fx.Path, id)
				}
			}
		}
		for _, l := range d.Location {
			if l.Mapping != nil && !mset[*l.Mapping] {
				t.Errorf("%s: location %s refers to missing mapping %s", fx.Path, l.ID, *l.Mapping)
			}
			for _, ln := range l.Line {
				if ln.Function != nil && !fset[*ln.Function] {
					t.Errorf("%s: location %s refers to missing function %s", fx.Path, l.ID, *ln.Function)
				}
			}
		}
	}
	if n == 0 {
		t.Skip("no pprof fixtures")
	}
}
