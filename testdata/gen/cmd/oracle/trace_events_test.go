package main

import (
	"bytes"
	"encoding/json"
	"math"
	"path/filepath"
	"testing"

	"godiag.dev/testdata/gen/internal/canon"
)

// TestJSONIntegers checks the number/string boundary of the integer helpers:
// exact in a JavaScript number up to 2^53-1, a decimal string beyond.
func TestJSONIntegers(t *testing.T) {
	for _, c := range []struct {
		v    any
		want string
	}{
		{jsonInt(canon.MaxSafeInt), "9007199254740991"},
		{jsonInt(-canon.MaxSafeInt), "-9007199254740991"},
		{jsonInt(canon.MaxSafeInt + 1), `"9007199254740992"`},
		{jsonInt(-canon.MaxSafeInt - 1), `"-9007199254740992"`},
		{jsonInt(-1), "-1"},
		{jsonInt(math.MinInt64), `"-9223372036854775808"`},
		{jsonUint(canon.MaxSafeInt), "9007199254740991"},
		{jsonUint(canon.MaxSafeInt + 1), `"9007199254740992"`},
		{jsonUint(math.MaxUint64), `"18446744073709551615"`},
		{jsonTask(math.MaxUint64), "-1"},
	} {
		got, err := canon.Marshal(c.v)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != c.want {
			t.Errorf("got %s, want %s", got, c.want)
		}
	}
}

// TestTraceEventsStacks reads a recorded trace and checks the stack
// interning contract: ids 1, 2, 3… in order, each defined once with a
// distinct frame list, before any event refers to it.
func TestTraceEventsStacks(t *testing.T) {
	data, err := readInput(filepath.Join("..", "..", "..", "fixtures", "go1.26.8", "linux-amd64", "tracework-mixed.trace.gz"))
	if err != nil {
		t.Skip("fixture not recorded:", err)
	}
	var buf bytes.Buffer
	w := canon.NewWriter(&buf)
	if err := traceEvents(data, w); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	defined := map[float64]bool{}
	contents := map[string]bool{}
	events, refs := 0, 0
	for _, line := range bytes.Split(bytes.TrimSuffix(buf.Bytes(), []byte("\n")), []byte("\n")) {
		var ev map[string]any
		if err := json.Unmarshal(line, &ev); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		if ev["kind"] == "Stack" {
			id := ev["id"].(float64)
			if id != float64(len(defined)+1) {
				t.Fatalf("stack id %v after %d stacks", id, len(defined))
			}
			frames, _ := json.Marshal(ev["frames"])
			if contents[string(frames)] || len(ev["frames"].([]any)) == 0 {
				t.Fatalf("stack %v repeats a frame list or is empty", id)
			}
			defined[id], contents[string(frames)] = true, true
			continue
		}
		events++
		for _, k := range []string{"stack", "transitionStack"} {
			if id, ok := ev[k]; ok {
				refs++
				if !defined[id.(float64)] {
					t.Fatalf("%s %v referenced before its definition: %s", k, id, line)
				}
			}
		}
	}
	if events == 0 || refs == 0 || len(defined) == 0 {
		t.Fatalf("%d events, %d stack references, %d stacks: want some of each", events, refs, len(defined))
	}
}
