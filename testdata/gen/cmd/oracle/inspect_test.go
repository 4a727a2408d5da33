package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"godiag.dev/testdata/gen/internal/canon"
)

// TestInspectFixtures runs inspect on every recorded fixture and checks that
// the detected format matches the manifest.
func TestInspectFixtures(t *testing.T) {
	root := filepath.Join("..", "..", "..", "fixtures")
	data, err := os.ReadFile(filepath.Join(root, "manifest.json"))
	if os.IsNotExist(err) {
		t.Skip("no fixtures recorded")
	}
	if err != nil {
		t.Fatal(err)
	}
	var man struct {
		Fixtures []struct {
			Path, Format, GOARCH string
		}
	}
	if err := json.Unmarshal(data, &man); err != nil {
		t.Fatal(err)
	}
	for _, fx := range man.Fixtures {
		switch fx.Format {
		case "trace", "pprof", "elf", "macho", "pe":
		default:
			continue // text formats: inspect does not identify them
		}
		in, err := readInput(filepath.Join(root, filepath.FromSlash(fx.Path)))
		if err != nil {
			t.Errorf("%s: %v", fx.Path, err)
			continue
		}
		var buf bytes.Buffer
		w := canon.NewWriter(&buf)
		if err := inspect(in, w); err != nil {
			t.Errorf("%s: %v", fx.Path, err)
			continue
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if strings.Count(out, "\n") != 1 || !strings.HasSuffix(out, "\n") {
			t.Errorf("%s: want exactly one line, got %q", fx.Path, out)
		}
		var got map[string]any
		if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
			t.Fatalf("%s: %v", fx.Path, err)
		}
		if got["format"] != fx.Format {
			t.Errorf("%s: format %v, manifest says %s", fx.Path, got["format"], fx.Format)
		}
		if a, ok := got["arch"]; ok && a != fx.GOARCH {
			t.Errorf("%s: arch %v, manifest says %s", fx.Path, a, fx.GOARCH)
		}
	}
}

func TestInspectRejects(t *testing.T) {
	for name, data := range map[string][]byte{
		"empty":        nil,
		"legacy heap":  []byte("heap profile: 1: 2 [3: 4] @ heap/1048576\n"),
		"text":         []byte("hello, world\n"),
		"short header": []byte("go 1.22 trace"),
	} {
		var buf bytes.Buffer
		if err := inspect(data, canon.NewWriter(&buf)); err == nil {
			t.Errorf("%s: want error", name)
		}
	}
}
