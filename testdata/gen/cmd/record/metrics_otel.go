package main

import (
	"bytes"
	"context"
	"fmt"
	"go/version"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// The metrics-otel set: the OpenTelemetry Go runtime instrumentation
// (go.opentelemetry.io/contrib/instrumentation/runtime) read once through an
// SDK ManualReader between canonical runtime/metrics snapshots, in one
// process — testdata/gen/programs-metrics-otel. Its dependencies need the
// newest Go, so the set is recorded with Go 1.26 toolchains only.

// metricsOtelLang is the Go language version whose toolchains record the set.
const metricsOtelLang = "go1.26"

// metricsOtelProgram is the set's program (the manifest's program field).
const metricsOtelProgram = "metrics-otel"

// recordMetricsOtel records the set for one toolchain.
func (r *recorder) recordMetricsOtel(ver, tmp string, host target, add addFunc) error {
	if version.Lang(ver) != metricsOtelLang {
		r.log("%s: no metrics-otel set (recorded with %s toolchains only)", ver, metricsOtelLang)
		return nil
	}
	dir := filepath.Join(filepath.Dir(r.programs), "programs-metrics-otel")
	exe := filepath.Join(tmp, metricsOtelProgram)
	flags := append(r.commonBuildFlags(ver), "-ldflags="+ldflags)
	args := append(append([]string{"build"}, flags...), "-o", exe, ".")
	env := []string{"GOOS=" + host.goos, "GOARCH=" + host.goarch, "GOFLAGS=-p=1 -mod=mod"}
	if _, err := r.goRunIn(dir, env, args...); err != nil {
		return err
	}
	out := filepath.Join(tmp, metricsOtelProgram+"-out")
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "-o", out)
	var output bytes.Buffer
	cmd.Stdout = &output
	cmd.Stderr = &output
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %v: %s", metricsOtelProgram, err, lastLines(output.Bytes(), 3))
	}
	cmdline := fmt.Sprintf("cd testdata/gen/programs-metrics-otel && %sGOWORK=off CGO_ENABLED=0 GOFLAGS='-p=1 -mod=mod' go build %s -o metrics-otel . && metrics-otel -o DIR",
		r.envDesc, strings.Join(flags, " "))
	files := []struct{ name, format string }{
		{"metrics-otel.points.json", "otel-points"},
		{"metrics-otel.snapshots.json", "metrics-otel-snapshots"},
	}
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(out, f.name))
		if err != nil {
			return err
		}
		if len(data) == 0 || data[len(data)-1] != '\n' {
			return fmt.Errorf("%s: not a complete JSON file", f.name)
		}
		if err := add(f.name, data, "raw", f.format, host, metricsOtelProgram, "", cmdline); err != nil {
			return err
		}
	}
	return nil
}
