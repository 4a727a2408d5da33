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

// gosymFixture is a manifest entry of the gosym set.
type gosymFixture struct {
	Path, Format, GOOS, GOARCH, GoVersion, Kind string
}

const fixturesRoot = "../../../fixtures"

func gosymFixtures(t *testing.T) []gosymFixture {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixturesRoot, "manifest.json"))
	if os.IsNotExist(err) {
		t.Skip("no fixtures recorded")
	}
	if err != nil {
		t.Fatal(err)
	}
	var man struct {
		Fixtures []struct {
			Path, Format, GOOS, GOARCH, GoVersion, Kind, Program string
		}
	}
	if err := json.Unmarshal(data, &man); err != nil {
		t.Fatal(err)
	}
	var out []gosymFixture
	for _, f := range man.Fixtures {
		if f.Program == "gosym" && f.Format != "gosym-callers" {
			out = append(out, gosymFixture{f.Path, f.Format, f.GOOS, f.GOARCH, f.GoVersion, f.Kind})
		}
	}
	if len(out) == 0 {
		t.Skip("no gosym fixtures recorded")
	}
	return out
}

// runOracle runs a format on a fixture and returns its lines, parsed.
func runOracle(t *testing.T, run func([]byte, *canon.Writer) error, path string) []map[string]any {
	t.Helper()
	inputPath = path
	defer func() { inputPath = "" }()
	data, err := readInput(path)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w := canon.NewWriter(&buf)
	if err := run(data, w); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
		var v map[string]any
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("%s: %v in %q", path, err, l)
		}
		lines = append(lines, v)
	}
	return lines
}

// TestGosymFixtures dumps every executable of the gosym set and checks the
// dump against the manifest and the program: the target, the layout of the
// toolchain, the program's functions with lines in its own files, and the
// build info.
func TestGosymFixtures(t *testing.T) {
	for _, fx := range gosymFixtures(t) {
		lines := runOracle(t, gosymDump, filepath.Join(fixturesRoot, fx.Path))
		bin := lines[0]
		if bin["kind"] != "Binary" || bin["format"] != fx.Format || bin["goos"] != fx.GOOS || bin["goarch"] != fx.GOARCH {
			t.Errorf("%s: Binary line %v does not match the manifest", fx.Path, bin)
		}
		wantLayout := "1.20"
		switch v := fx.GoVersion; {
		case strings.HasPrefix(v, "go1.13."):
			wantLayout = "1.2"
		case strings.HasPrefix(v, "go1.16."), strings.HasPrefix(v, "go1.17."):
			wantLayout = "1.16"
		case strings.HasPrefix(v, "go1.18."), strings.HasPrefix(v, "go1.19."):
			wantLayout = "1.18"
		}
		if bin["layout"] != wantLayout {
			t.Errorf("%s: layout %v, want %s", fx.Path, bin["layout"], wantLayout)
		}
		_, hasText := bin["textStart"]
		if hasText != (wantLayout == "1.18" || wantLayout == "1.20") {
			t.Errorf("%s: textStart present: %v for layout %s", fx.Path, hasText, wantLayout)
		}
		funcs := 0
		var mainMain map[string]any
		for _, l := range lines[1:] {
			if l["kind"] == "Func" {
				funcs++
				if l["name"] == "main.main" {
					mainMain = l
				}
			}
		}
		if float64(funcs) != bin["funcs"] || funcs < 1000 {
			t.Errorf("%s: %d Func lines, Binary says %v", fx.Path, funcs, bin["funcs"])
		}
		if mainMain == nil {
			t.Errorf("%s: no main.main", fx.Path)
		} else {
			first := mainMain["lines"].([]any)[0].([]any)
			if first[0] != mainMain["entry"] || !strings.HasSuffix(first[1].(string), "/gosym/main.go") {
				t.Errorf("%s: main.main starts at %v", fx.Path, first)
			}
		}
		last := lines[len(lines)-1]
		if last["kind"] != "BuildInfo" || last["goVersion"] != fx.GoVersion || last["path"] != "godiag.dev/testdata/gen/programs/gosym" {
			t.Errorf("%s: last line %v is not the program's build info", fx.Path, last)
		}
	}
}

// TestGosymStrippedPE checks the pclntab scan: the PE without symbols reads
// exactly as the one with them, where the symbols say where the table is.
func TestGosymStrippedPE(t *testing.T) {
	var plain, stripped string
	for _, fx := range gosymFixtures(t) {
		if fx.Format == "pe" && fx.Kind == "default" {
			plain = filepath.Join(fixturesRoot, fx.Path)
		}
		if fx.Format == "pe" && fx.Kind == "stripped" {
			stripped = filepath.Join(fixturesRoot, fx.Path)
		}
	}
	if plain == "" || stripped == "" {
		t.Skip("no default and stripped PE fixtures")
	}
	a, err := readInput(plain)
	if err != nil {
		t.Fatal(err)
	}
	b, err := readInput(stripped)
	if err != nil {
		t.Fatal(err)
	}
	xa, err := openGoExe(a)
	if err != nil {
		t.Fatal(err)
	}
	xb, err := openGoExe(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(xb.symbols) != 0 {
		t.Fatalf("stripped PE has %d symbols", len(xb.symbols))
	}
	if !bytes.HasPrefix(xb.pclntab, xa.pclntab) {
		t.Errorf("the scan found another table than the symbols (%d and %d bytes)", len(xb.pclntab), len(xa.pclntab))
	}
	if xa.textStart != xb.textStart {
		t.Errorf("text start %#x with symbols, %#x without", xa.textStart, xb.textStart)
	}
}

// TestGosymInlineFixtures runs gosym-inline on every executable whose output
// was recorded: every physical frame of the chain scenario's stack is found,
// and the one of chainOuter holds its three inlined calls.
func TestGosymInlineFixtures(t *testing.T) {
	n := 0
	for _, fx := range gosymFixtures(t) {
		path := filepath.Join(fixturesRoot, fx.Path)
		if _, err := os.Stat(callersPathOf(path)); err != nil {
			continue
		}
		n++
		found := false
		for _, l := range runOracle(t, gosymInline, path) {
			frames := l["frames"].([]any)
			outer := frames[len(frames)-1].(map[string]any)
			if l["scenario"] == "chain" && outer["function"] == "main.chainOuter" {
				found = true
				var names []string
				for _, f := range frames {
					names = append(names, f.(map[string]any)["function"].(string))
				}
				if strings.Join(names, " ") != "main.chainC main.chainB main.chainA main.chainOuter" {
					t.Errorf("%s: chainOuter's frames are %v", fx.Path, names)
				}
			}
		}
		if !found {
			t.Errorf("%s: no chainOuter frame in the chain scenario", fx.Path)
		}
	}
	if n == 0 {
		t.Skip("no recorded program output")
	}
}

func TestPrintName(t *testing.T) {
	for in, want := range map[string]string{
		"main.main":                                  "main.main",
		"main.genericLeaf[go.shape.int]":             "main.genericLeaf[...]",
		"main.(*box[go.shape.[]uint8]).get":          "main.(*box[...]).get",
		"main.f[go.shape.struct { a [2]int }].func1": "main.f[...].func1",
		"weird]name[":                                "weird]name[",
	} {
		if got := printName(in); got != want {
			t.Errorf("printName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCallersPathOf(t *testing.T) {
	for in, want := range map[string]string{
		"a/gosym.gz":     "a/gosym.callers.json",
		"a/gosym-pie.gz": "a/gosym-pie.callers.json",
		"a/gosym":        "a/gosym.callers.json",
	} {
		if got := callersPathOf(in); got != want {
			t.Errorf("callersPathOf(%q) = %q, want %q", in, got, want)
		}
	}
}
