package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"godiag.dev/testdata/gen/internal/canon"
)

// The oracle on a recorded core executable (built with DWARF): every listed
// name prints one line, in order, and runtime.g has its goid at a plausible
// offset.
func TestDwarfLayoutsOfCorework(t *testing.T) {
	data, err := readInput("../../../fixtures/go1.26.8/linux-amd64/corework.gz")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	w := canon.NewWriter(&out)
	if err := dwarfLayouts(data, w); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	names := dwarfLayoutNames()
	if len(lines) != len(names) {
		t.Fatalf("%d lines for %d names", len(lines), len(names))
	}
	for i, line := range lines {
		var l struct {
			Name   string
			Absent bool
			Size   *int64
			Fields *[]dwarfLayoutField
		}
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatal(err)
		}
		if l.Name != names[i] {
			t.Errorf("line %d is %s, want %s", i, l.Name, names[i])
		}
		if l.Absent != (l.Size == nil) || l.Absent != (l.Fields == nil) {
			t.Errorf("%s: absent %v but size %v fields %v", l.Name, l.Absent, l.Size, l.Fields)
		}
		if l.Name == "runtime.g" {
			if l.Absent {
				t.Fatal("runtime.g absent")
			}
			found := false
			for _, f := range *l.Fields {
				if f.Name == "goid" && f.Size == 8 && f.Offset > 0 && f.Offset < *l.Size {
					found = true
				}
			}
			if !found {
				t.Errorf("runtime.g has no 8-byte goid inside it: %s", line)
			}
		}
	}
}
