package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"godiag.dev/testdata/gen/internal/canon"
)

// The execution-trace oracles print what Go's own trace tool prints in its
// debug modes: `go tool trace -d=wire FILE` (every event of the wire format
// as text, one per line, stacks and string data on indented lines) and
// `go tool trace -d=footprint FILE` (bytes and counts per event type). The
// tool is that of a pinned toolchain, so a newer Go on PATH cannot change
// the goldens: referenceToolchain reads every trace format from Go 1.22 on.
func init() {
	register("trace-wire", "the text of `go tool trace -d=wire FILE` (Go 1.26; see trace.go), as {\"wire\": …}", traceWire)
	register("trace-footprint", "the text of `go tool trace -d=footprint FILE` (Go 1.26), as {\"footprint\": …}", traceFootprint)
}

// referenceToolchain is the toolchain whose trace tool is the reference.
const referenceToolchain = "go1.26.8"

// wireFallback names, per trace header version, an older toolchain whose
// trace tool reads what referenceToolchain's cannot. From Go 1.25 on, the
// raw reader's per-version event tables cut the experimental event types
// (AllocFree: spans, heap objects, goroutine stacks, types 128 and up) out
// of the older versions: Go 1.26 rejects them in "go 1.23" and "go 1.25"
// traces with "invalid event type", although the runtimes of Go 1.23–1.25
// write them under GODEBUG=traceallocfree=1 and the full trace parser reads
// them. Go 1.24's tool still reads them in 1.23 traces and Go 1.25's in 1.25
// traces; where the reference reads a trace, these tools print the same text.
var wireFallback = map[string]string{
	"go 1.23 trace": "go1.24.13",
	"go 1.25 trace": "go1.25.14",
}

// traceWire prints the wire dump of the reference tool, or, for a trace it
// rejects, that of the fallback toolchain of the trace's version if there is
// one and it reads the trace. A trace every tool rejects is an error (its
// golden is then the rejection).
func traceWire(data []byte, w *canon.Writer) error {
	out, err := runTraceTool(referenceToolchain, data, "-d=wire")
	if err != nil {
		header, _, _ := bytes.Cut(data, []byte{0})
		if tc, ok := wireFallback[string(header)]; ok {
			if out2, err2 := runTraceTool(tc, data, "-d=wire"); err2 == nil {
				out, err = out2, nil
			}
		}
	}
	if err != nil {
		return err
	}
	return w.Line(map[string]any{"wire": out})
}

// traceFootprint prints the footprint table of the reference tool. It has no
// fallback: its rows name every event type of the tool's table for the
// trace's version (others as "<unknown (N)>"), so the text depends on the
// tool. The tool sorts rows by bytes with an unstable sort, which leaves rows
// of equal bytes in an order that is an accident of the sort algorithm; the
// oracle puts those in a canonical order (by name, then by line), and the
// TypeScript side sorts the same way. Everything else is the tool's text.
func traceFootprint(data []byte, w *canon.Writer) error {
	out, err := runTraceTool(referenceToolchain, data, "-d=footprint")
	if err != nil {
		return err
	}
	canonical, err := canonicalFootprint(out)
	if err != nil {
		return err
	}
	return w.Line(map[string]any{"footprint": canonical})
}

// canonicalFootprint reorders the rows of a footprint table (after its two
// header lines) by bytes, largest first, then by name, then by the whole
// line. Column widths do not depend on row order, so the lines are kept as
// the tool aligned them.
func canonicalFootprint(out string) (string, error) {
	lines := strings.SplitAfter(out, "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) < 2 {
		return "", fmt.Errorf("footprint: expected a table, got %q", out)
	}
	type row struct {
		line, name string
		bytes      int64
	}
	rows := make([]row, 0, len(lines)-2)
	for _, l := range lines[2:] {
		f := strings.Fields(l)
		if len(f) < 4 {
			return "", fmt.Errorf("footprint: unexpected row %q", l)
		}
		n, err := strconv.ParseInt(f[len(f)-4], 10, 64)
		if err != nil {
			return "", fmt.Errorf("footprint: bytes of row %q: %v", l, err)
		}
		rows = append(rows, row{line: l, name: strings.Join(f[:len(f)-4], " "), bytes: n})
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.bytes != b.bytes {
			return a.bytes > b.bytes
		}
		if a.name != b.name {
			return a.name < b.name
		}
		return a.line < b.line
	})
	var sb strings.Builder
	sb.WriteString(lines[0])
	sb.WriteString(lines[1])
	for _, r := range rows {
		sb.WriteString(r.line)
	}
	return sb.String(), nil
}

// traceToolPaths caches, per toolchain, the executable `go tool trace` runs
// (found with `go tool -n trace`, which builds it into the build cache if
// needed and downloads the toolchain through the module proxy if missing).
var (
	traceToolMu    sync.Mutex
	traceToolPaths = map[string]string{}
)

func traceTool(toolchain string) (string, error) {
	traceToolMu.Lock()
	defer traceToolMu.Unlock()
	if p, ok := traceToolPaths[toolchain]; ok {
		return p, nil
	}
	cmd := exec.Command("go", "tool", "-n", "trace")
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN="+toolchain, "GOWORK=off", "GOFLAGS=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("GOTOOLCHAIN=%s go tool -n trace: %v: %s", toolchain, err, strings.TrimSpace(stderr.String()))
	}
	p := strings.TrimSpace(string(out))
	traceToolPaths[toolchain] = p
	return p, nil
}

// runTraceTool runs toolchain's trace tool with flag on the trace (written to
// a temporary file, since the oracle sees the original bytes) and returns its
// standard output. The tool prints its error and exits 1 on a trace it
// cannot read, after printing what it read before: that is an error here.
// env is added to the tool's environment (TZ=UTC for -d=parsed).
func runTraceTool(toolchain string, data []byte, flag string, env ...string) (string, error) {
	tool, err := traceTool(toolchain)
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "oracle-trace-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "trace")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		return "", err
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(tool, flag, file)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if len(env) > 0 {
		cmd.Env = append(os.Environ(), env...)
	}
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s go tool trace %s: %v: %s", toolchain, flag, err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}
