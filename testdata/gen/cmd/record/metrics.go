package main

import (
	"bytes"
	"context"
	"fmt"
	"go/version"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// The metrics-catalog set: the runtime/metrics catalogue (metrics.All()) of
// every Go release from 1.16, printed by the metricscat program
// (testdata/gen/programs/metricscat) and stored as
// testdata/fixtures/<goversion>/metrics-catalog.json (canonical JSON Lines,
// one metric per line). src/metrics/catalog-data.ts is generated from these
// files by scripts/make-metrics-catalog.ts.

// metricsMinGo is the oldest toolchain of the set: runtime/metrics appeared
// in Go 1.16.
const metricsMinGo = "go1.16"

// metricsExtraToolchains are recorded for this set only, after the default
// matrix, when no -toolchains are given: the newest patch release of a minor
// whose default toolchain is an older patch (Debian's go1.19.8). Patch
// releases add /godebug/non-default-behavior/ metrics, so both patches are
// kept. The newest 1.26 patch (go1.26.11 on 2026-11-22) is not here yet: a
// toolchain newer than the default matrix's newest would become the newest
// fixture version, whose files `godiag demo` shows.
var metricsExtraToolchains = []string{"go1.19.13"}

// metricsCatalogFile is the fixture's path inside its version directory.
const metricsCatalogFile = "metrics-catalog.json"

// recordMetricsCatalog records the set for one toolchain.
func (r *recorder) recordMetricsCatalog(ver, tmp string, host target, add addFunc) error {
	if version.Compare(ver, metricsMinGo) < 0 {
		r.log("%s: no metrics-catalog set (runtime/metrics needs %s or newer)", ver, metricsMinGo)
		return nil
	}
	exe := filepath.Join(tmp, "metricscat")
	args := append(append([]string{"build"}, r.commonBuildFlags(ver)...), "-o", exe, "./metricscat")
	if _, err := r.goRun([]string{"GOOS=" + host.goos, "GOARCH=" + host.goarch}, args...); err != nil {
		return err
	}
	out, err := runMetricsCat(exe)
	if err != nil {
		return err
	}
	cmdline := fmt.Sprintf("%sGOWORK=off CGO_ENABLED=0 go %s -o metricscat ./metricscat && metricscat >FILE",
		r.envDesc, strings.Join(args[:len(args)-3], " "))
	return add(metricsCatalogFile, out, "raw", "metrics-catalog", host, "metricscat", "", cmdline)
}

// runMetricsCat runs metricscat and returns its output, checking that every
// line is a metric object.
func runMetricsCat(exe string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("metricscat: %v: %s", err, lastLines(stderr.Bytes(), 3))
	}
	out := stdout.Bytes()
	if len(out) == 0 || out[len(out)-1] != '\n' || stderr.Len() != 0 {
		return nil, fmt.Errorf("metricscat: unexpected output: %s", lastLines(append(out, stderr.Bytes()...), 3))
	}
	for _, l := range bytes.Split(out[:len(out)-1], []byte("\n")) {
		if !bytes.HasPrefix(l, []byte(`{"cumulative":`)) || !bytes.HasSuffix(l, []byte(`"}`)) {
			return nil, fmt.Errorf("metricscat: not a metric line: %.80s", l)
		}
	}
	return out, nil
}
