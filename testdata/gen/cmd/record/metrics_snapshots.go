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

// The metrics-snapshots set: one process's runtime/metrics seen four ways at
// one instant — a canonical JSON snapshot (BEFORE), a client_golang scrape,
// expvar's /debug/vars, and a second snapshot (AFTER) — so that a value read
// from a scrape or from expvar can be checked against the two snapshots
// around it. The programs are testdata/gen/programs-metrics/client_golang-*,
// one module per client_golang version (their go.mod files need different
// toolchains), sharing the workload and the snapshot writer of
// testdata/gen/programs-metrics/metricsnap.

// metricsClient is a client_golang version with its fixture program.
type metricsClient struct {
	version string // client_golang module version
	minGo   string // oldest toolchain that builds it (its go.mod's go line, or Go 1.16 for runtime/metrics)
}

// dir is the program's module directory under programs-metrics.
func (c metricsClient) dir() string { return "client_golang-" + c.version }

// metricsMemStatsClient is the last client_golang before runtime/metrics: its
// Go collector reads runtime.ReadMemStats. Recorded under every toolchain.
var metricsMemStatsClient = metricsClient{"v1.11.1", "go1.16"}

// metricsV112Client is the first client_golang reading runtime/metrics (on Go
// 1.17 and newer), with its own names for them. Recorded from Go 1.17 on.
var metricsV112Client = metricsClient{"v1.12.2", "go1.16"}

// metricsCurrentClients are, oldest first, the newest client_golang release
// for each go line: a toolchain records the newest one it can build, with
// every runtime/metrics metric enabled (collectors.MetricsAll).
var metricsCurrentClients = []metricsClient{
	metricsV112Client,
	{"v1.16.0", "go1.17"},
	{"v1.18.0", "go1.19"},
	{"v1.20.5", "go1.20"},
	{"v1.21.1", "go1.21"},
	{"v1.22.0", "go1.22"},
	{"v1.23.2", "go1.23"},
	{"v1.24.1", "go1.25"},
	{"v1.25.0", "go1.26"},
}

// metricsSnapshotPrograms are the manifest programs of the set.
func metricsSnapshotPrograms() []string {
	programs := []string{metricsMemStatsClient.dir()}
	for _, c := range metricsCurrentClients {
		programs = append(programs, c.dir())
	}
	return programs
}

// metricsVariant is one run of the set: a variant name (part of the file
// names) and its client.
type metricsVariant struct {
	name   string
	client metricsClient
}

// metricsVariants lists the runs of a toolchain: "memstats" (v1.11.1),
// "current" (the newest client it builds) and, from Go 1.17 on unless current
// is that release, "v1.12" (v1.12.2).
func metricsVariants(ver string) []metricsVariant {
	if version.Compare(ver, metricsMinGo) < 0 {
		return nil
	}
	var current metricsClient
	for _, c := range metricsCurrentClients {
		if version.Compare(ver, c.minGo) >= 0 {
			current = c
		}
	}
	vs := []metricsVariant{{"memstats", metricsMemStatsClient}, {"current", current}}
	if version.Compare(ver, "go1.17") >= 0 && current != metricsV112Client {
		vs = append(vs, metricsVariant{"v1.12", metricsV112Client})
	}
	return vs
}

// metricsSnapshotOutputs are the files a run writes, with the fixture name
// suffix, storage and manifest format of each. Snapshots (30–50 KB: the
// histograms' buckets, twice) and scrapes (5–55 KB) are stored
// gzip-compressed whatever their size, so that a fixture has the same name
// under every toolchain.
var metricsSnapshotOutputs = []struct{ file, suffix, storage, format string }{
	{"snapshots.json", ".snapshots.json.gz", "gzip", "metrics-snapshots"},
	{"scrape.prom", ".prom.gz", "gzip", "prometheus-text"},
	{"expvar.json", ".expvar.json", "raw", "expvar"},
}

// recordMetricsSnapshots records the set for one toolchain.
func (r *recorder) recordMetricsSnapshots(ver, tmp string, host target, add addFunc) error {
	variants := metricsVariants(ver)
	if variants == nil {
		r.log("%s: no metrics-snapshots set (runtime/metrics needs %s or newer)", ver, metricsMinGo)
		return nil
	}
	for _, v := range variants {
		dir := filepath.Join(r.metricsPrograms, v.client.dir())
		exe := filepath.Join(tmp, "metrics-"+v.name)
		flags := append(r.commonBuildFlags(ver), "-ldflags="+ldflags)
		args := append(append([]string{"build"}, flags...), "-o", exe, ".")
		env := []string{"GOOS=" + host.goos, "GOARCH=" + host.goarch, "GOFLAGS=-p=1 -mod=mod"}
		if _, err := r.goRunIn(dir, env, args...); err != nil {
			return fmt.Errorf("client_golang %s: %v", v.client.version, err)
		}
		out := filepath.Join(tmp, "metrics-"+v.name+"-out")
		if err := os.MkdirAll(out, 0o755); err != nil {
			return err
		}
		if err := runMetricsProgram(exe, out); err != nil {
			return fmt.Errorf("client_golang %s: %v", v.client.version, err)
		}
		cmdline := fmt.Sprintf("cd testdata/gen/programs-metrics/%s && %sGOWORK=off CGO_ENABLED=0 GOFLAGS='-p=1 -mod=mod' go build %s -o metrics . && metrics -o DIR",
			v.client.dir(), r.envDesc, strings.Join(flags, " "))
		for _, o := range metricsSnapshotOutputs {
			data, err := os.ReadFile(filepath.Join(out, o.file))
			if err != nil {
				return err
			}
			kind := "client_golang " + v.client.version
			if err := add("metrics-"+v.name+o.suffix, data, o.storage, o.format, host, v.client.dir(), kind, cmdline); err != nil {
				return err
			}
		}
	}
	return nil
}

// runMetricsProgram runs a fixture program with argv[0] "metrics" in its
// output directory, so that expvar's "cmdline" is the same at every run
// (["metrics","-o","."]), and checks what it wrote.
func runMetricsProgram(exe, out string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "-o", ".")
	cmd.Args[0] = "metrics"
	cmd.Dir = out
	var output bytes.Buffer
	cmd.Stdout = &output
	cmd.Stderr = &output
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%v: %s", err, lastLines(output.Bytes(), 3))
	}
	if output.Len() != 0 {
		return fmt.Errorf("unexpected output: %s", lastLines(output.Bytes(), 3))
	}
	snaps, err := os.ReadFile(filepath.Join(out, "snapshots.json"))
	if err != nil {
		return err
	}
	lines := bytes.Split(bytes.TrimSuffix(snaps, []byte("\n")), []byte("\n"))
	if len(lines) != 2 || !bytes.HasSuffix(snaps, []byte("\n")) {
		return fmt.Errorf("snapshots.json: want 2 lines, got %d", len(lines))
	}
	for _, l := range lines {
		if !bytes.HasPrefix(l, []byte(`{"goVersion":"go`)) || !bytes.HasSuffix(l, []byte(`"}`)) {
			return fmt.Errorf("snapshots.json: not a snapshot: %.80s", l)
		}
	}
	vars, err := os.ReadFile(filepath.Join(out, "expvar.json"))
	if err != nil {
		return err
	}
	if !bytes.Contains(vars, []byte(`"cmdline": ["metrics","-o","."]`)) {
		return fmt.Errorf("expvar.json: unexpected cmdline: %.120s", vars)
	}
	return nil
}
