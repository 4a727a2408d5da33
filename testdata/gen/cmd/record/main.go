// Command record builds and runs the fixture programs (testdata/gen/programs
// and testdata/gen/programs-trace) with a matrix of Go toolchains and stores
// their outputs under testdata/fixtures/<goversion>/<goos>-<goarch>/, updating
// testdata/fixtures/manifest.json.
//
// Run it from the repository root (scripts/fixtures.sh does):
//
//	go run ./testdata/gen/cmd/record [-toolchains go1.19,go1.22.12,...] [-sets base,trace,gosym,metrics-catalog]
//
// Fixtures come in sets, recorded separately so that adding one set does not
// re-record (and change) the files of another: "base" is the basic and
// profiles programs of the programs module (below), "trace" the tracework
// program of the programs-trace module (see recordTraces), "gosym" the gosym
// program's executables (see recordGosym), "metrics-catalog" the
// runtime/metrics catalogue printed by metricscat (see recordMetricsCatalog;
// without -toolchains it also records metricsExtraToolchains),
// "metrics-snapshots" runtime/metrics snapshots with a client_golang scrape
// and expvar of the programs-metrics modules (see recordMetricsSnapshots),
// "metrics-otel" the OpenTelemetry runtime instrumentation's points between
// snapshots (see recordMetricsOtel; Go 1.26 only), "core" core files of a
// crashing program (see recordCore; not recorded unless asked for).
// Recording a
// set replaces that set's files and manifest entries for the toolchain and
// keeps the others. A
// set has an oldest toolchain (base Go 1.19, trace Go 1.22, gosym Go 1.13,
// metrics-catalog and metrics-snapshots Go 1.16);
// an older one records nothing for it, and a toolchain that records only
// some sets has the status "ok (gosym set only)" (say) in the manifest.
//
// Programs: basic (a trace, two profiles, its executable; the newest toolchain
// also cross-compiles it) and profiles (every runtime/pprof profile kind as
// proto and debug=1 text, goroutine dumps, and the output of a crash with
// GOTRACEBACK=all and =system). Manifest entries of profiles carry a "kind".
//
// Toolchain "go1.19" means the Debian package golang-1.19-go
// (/usr/lib/go-1.19/bin/go), installed with apt-get when missing and running
// as root. Every other entry is fetched through the module proxy with
// GOTOOLCHAIN=<version> (the proxy has every release from go1.12 on). Go
// commands run with GOENV=off, so that settings of the user's go env file
// (a GOFLAGS=-buildvcs=false, which toolchains before Go 1.18 reject) stay
// out. A toolchain that fails is reported and skipped; its previous manifest
// entries and files are kept.
package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/version"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
)

// defaultToolchains is the recording matrix, oldest first. The last entry is
// "newest": it also cross-compiles basic for the crossTargets. The ones
// before go1.19 record only the gosym set: one per pclntab layout and
// build-info form (1.13: Go 1.2 layout, build info behind pointers; 1.16:
// Go 1.16 layout; 1.17: register ABI; 1.18: Go 1.18 layout, inline build
// info), and go1.20.14 the first Go 1.20 layout.
var defaultToolchains = []string{
	"go1.13.15",
	"go1.16.15",
	"go1.17.13",
	"go1.18.10",
	"go1.19",
	"go1.20.14",
	"go1.21.13",
	"go1.22.12",
	"go1.23.12",
	"go1.24.13",
	"go1.25.14",
	"go1.26.8",
}

// debianGo119 is where Debian's golang-1.19-go package installs its go command.
const (
	debianGo119    = "/usr/lib/go-1.19/bin/go"
	debianGo119Pkg = "golang-1.19-go"
)

// ldflags keeps executables small by dropping DWARF (-w), which halves the
// compressed size. The symbol table is kept (no -s): it costs only ~45 KB
// compressed per binary and lets symbol/pclntab readers be tested on it (on
// PE, runtime.pclntab is found through the symbol table).
const ldflags = "-w"

type target struct{ goos, goarch string }

// crossTargets are built (not run) with the newest toolchain only.
var crossTargets = []target{{"darwin", "arm64"}, {"windows", "amd64"}}

type entry struct {
	Path         string `json:"path"`
	Format       string `json:"format"`
	GoVersion    string `json:"goVersion"`
	GOOS         string `json:"goos"`
	GOARCH       string `json:"goarch"`
	Program      string `json:"program"`
	Command      string `json:"command"`
	Storage      string `json:"storage"`
	SHA256       string `json:"sha256"`
	Size         int    `json:"size"`
	OriginalSize int    `json:"originalSize"`
	// Kind says what a file holds within its format, e.g. "heap" for a heap
	// profile or "crash-all" for the output of a crash with GOTRACEBACK=all.
	Kind string `json:"kind,omitempty"`
}

type toolchainStatus struct {
	Version string `json:"version"`
	Status  string `json:"status"`
}

type manifest struct {
	Toolchains []toolchainStatus `json:"toolchains"`
	Fixtures   []entry           `json:"fixtures"`
}

var (
	flagToolchains    = flag.String("toolchains", strings.Join(defaultToolchains, ","), "comma-separated toolchains to record, oldest first; the last one also cross-compiles")
	flagOut           = flag.String("out", filepath.Join("testdata", "fixtures"), "fixtures directory")
	flagPrograms      = flag.String("programs", filepath.Join("testdata", "gen", "programs"), "fixture programs module directory")
	flagTracePrograms = flag.String("trace-programs", filepath.Join("testdata", "gen", "programs-trace"), "trace fixture programs module directory")
	flagMetrics       = flag.String("metrics-programs", filepath.Join("testdata", "gen", "programs-metrics"), "directory of the metrics-snapshots program modules")
	flagSets          = flag.String("sets", "base,trace,gosym,metrics-catalog,metrics-snapshots,metrics-otel", "comma-separated fixture sets to record: base, trace, gosym, metrics-catalog, metrics-snapshots, metrics-otel, core")
)

// setPrograms names the programs of each fixture set: a manifest entry
// belongs to the set of its program.
var setPrograms = map[string][]string{
	"base":            {"basic", "profiles"},
	"trace":           {"tracework"},
	"gosym":           {"gosym"},
	"metrics-catalog": {"metricscat"},
	// One program per client_golang version (see metrics_snapshots.go).
	"metrics-snapshots": metricsSnapshotPrograms(),
	"core":              {coreProgram},
	"metrics-otel":      {metricsOtelProgram},
}

// baseMinGo is the oldest toolchain of the base set: its programs use Go
// 1.19 APIs.
const baseMinGo = "go1.19"

// setOrder lists the sets in the order statuses name them.
var setOrder = []string{"base", "trace", "gosym", "metrics-catalog", "metrics-snapshots", "metrics-otel", "core"}

func main() {
	log := func(format string, args ...any) { fmt.Fprintf(os.Stderr, "record: "+format+"\n", args...) }
	flag.Parse()
	if flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: record [-toolchains list] [-sets base,trace,gosym,metrics-catalog,metrics-snapshots,metrics-otel,core] [-out dir] [-programs dir] [-trace-programs dir] [-metrics-programs dir]")
		os.Exit(2)
	}
	sets := map[string]bool{}
	for _, s := range strings.Split(*flagSets, ",") {
		s = strings.TrimSpace(s)
		if _, ok := setPrograms[s]; !ok {
			log("unknown fixture set %q (want base, trace, gosym, metrics-catalog, metrics-snapshots, metrics-otel, core)", s)
			os.Exit(2)
		}
		sets[s] = true
	}
	programs, err := moduleDir(*flagPrograms)
	if err != nil {
		log("fixture programs module not found (run from the repository root): %v", err)
		os.Exit(1)
	}
	tracePrograms, err := moduleDir(*flagTracePrograms)
	if err != nil {
		log("trace fixture programs module not found (run from the repository root): %v", err)
		os.Exit(1)
	}
	metricsPrograms, err := filepath.Abs(*flagMetrics)
	if err != nil {
		log("%v", err)
		os.Exit(1)
	}
	outDir, err := filepath.Abs(*flagOut)
	if err != nil {
		log("%v", err)
		os.Exit(1)
	}
	man, err := readManifest(filepath.Join(outDir, "manifest.json"))
	if err != nil {
		log("%v", err)
		os.Exit(1)
	}
	type job struct {
		toolchain string
		sets      map[string]bool
		newest    bool
	}
	var jobs []job
	list := strings.Split(*flagToolchains, ",")
	for i, tc := range list {
		if tc = strings.TrimSpace(tc); tc != "" {
			jobs = append(jobs, job{tc, sets, i == len(list)-1})
		}
	}
	toolchainsGiven := false
	flag.Visit(func(f *flag.Flag) { toolchainsGiven = toolchainsGiven || f.Name == "toolchains" })
	if !toolchainsGiven && sets["metrics-catalog"] {
		for _, tc := range metricsExtraToolchains {
			jobs = append(jobs, job{tc, map[string]bool{"metrics-catalog": true}, false})
		}
	}
	var statuses []toolchainStatus
	for _, j := range jobs {
		tc, sets, newest := j.toolchain, j.sets, j.newest
		r := &recorder{toolchain: tc, programs: programs, tracePrograms: tracePrograms, metricsPrograms: metricsPrograms, outDir: outDir, sets: sets, log: log}
		ver, entries, err := r.record(newest, man)
		if err != nil {
			log("%s: skipped: %v", tc, err)
			name := tc
			if ver != "" {
				name = ver
			}
			statuses = append(statuses, toolchainStatus{name, "failed: " + oneLine(err.Error())})
			continue
		}
		log("%s: ok (%d files)", ver, len(entries))
		statuses = append(statuses, toolchainStatus{ver, "ok"})
		// Replace this version's entries of the recorded sets.
		kept := man.Fixtures[:0]
		for _, e := range man.Fixtures {
			if e.GoVersion != ver || !inSets(sets, e.Program) {
				kept = append(kept, e)
			}
		}
		man.Fixtures = append(kept, entries...)
	}
	for i, s := range statuses {
		if s.Status == "ok" {
			statuses[i].Status = okStatus(man, s.Version)
			s = statuses[i]
		}
		replaced := false
		for i := range man.Toolchains {
			if man.Toolchains[i].Version == s.Version {
				man.Toolchains[i] = s
				replaced = true
			}
		}
		if !replaced {
			man.Toolchains = append(man.Toolchains, s)
		}
	}
	if err := writeManifest(filepath.Join(outDir, "manifest.json"), man); err != nil {
		log("%v", err)
		os.Exit(1)
	}
	total := 0
	for _, e := range man.Fixtures {
		total += e.Size
	}
	log("manifest: %d fixtures, %d bytes stored", len(man.Fixtures), total)
}

type recorder struct {
	toolchain       string // as listed: "go1.19" or a GOTOOLCHAIN value
	programs        string // absolute path of the programs module
	tracePrograms   string // absolute path of the programs-trace module
	metricsPrograms string // absolute path of programs-metrics (one module per client_golang version)
	outDir          string // absolute path of testdata/fixtures
	sets            map[string]bool
	log             func(string, ...any)

	goCmd   string   // go command to run
	env     []string // extra environment for every go command
	envDesc string   // the part of env shown in manifest commands
}

// setup chooses the go command and environment for r.toolchain and returns
// the exact version it reports (e.g. "go1.19.8").
func (r *recorder) setup() (string, error) {
	r.env = []string{"GOENV=off", "GO111MODULE=on", "GOWORK=off", "GOFLAGS=", "CGO_ENABLED=0"}
	if r.toolchain == "go1.19" {
		if _, err := os.Stat(debianGo119); err != nil {
			if os.Geteuid() != 0 {
				return "", fmt.Errorf("%s not installed (apt-get install %s) and not root", debianGo119, debianGo119Pkg)
			}
			r.log("installing %s with apt-get", debianGo119Pkg)
			cmd := exec.Command("apt-get", "install", "-y", debianGo119Pkg)
			cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
			if out, err := cmd.CombinedOutput(); err != nil {
				return "", fmt.Errorf("apt-get install %s: %v: %s", debianGo119Pkg, err, lastLines(out, 3))
			}
		}
		r.goCmd = debianGo119
		r.env = append(r.env, "GOTOOLCHAIN=local")
		r.envDesc = ""
	} else {
		r.goCmd = "go"
		r.env = append(r.env, "GOTOOLCHAIN="+r.toolchain)
		r.envDesc = "GOTOOLCHAIN=" + r.toolchain + " "
	}
	out, err := r.goRun(nil, "env", "GOVERSION")
	if err != nil {
		return "", err
	}
	ver := strings.TrimSpace(string(out))
	if ver == "" {
		// "go env" knows GOVERSION from Go 1.16 on; older ones print an
		// empty line. "go version" prints "go version go1.13.15 linux/amd64".
		out, err := r.goRun(nil, "version")
		if err != nil {
			return "", err
		}
		if f := strings.Fields(string(out)); len(f) >= 3 && f[0] == "go" && f[1] == "version" {
			ver = f[2]
		}
	}
	if ver == "" {
		return "", errors.New("neither go env GOVERSION nor go version says the version")
	}
	if r.toolchain != "go1.19" && ver != r.toolchain {
		return ver, fmt.Errorf("GOTOOLCHAIN=%s runs %s", r.toolchain, ver)
	}
	if r.toolchain == "go1.19" && !strings.HasPrefix(ver, "go1.19") {
		return ver, fmt.Errorf("%s is %s", debianGo119, ver)
	}
	return ver, nil
}

// goRun runs the go command in the programs module with extra env.
func (r *recorder) goRun(extraEnv []string, args ...string) ([]byte, error) {
	return r.goRunIn(r.programs, extraEnv, args...)
}

// goRunIn runs the go command in dir with extra env.
func (r *recorder) goRunIn(dir string, extraEnv []string, args ...string) ([]byte, error) {
	cmd := exec.Command(r.goCmd, args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), r.env...), extraEnv...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("%s %s: %v: %s", r.goCmd, strings.Join(args, " "), err, lastLines(stderr.Bytes(), 3))
	}
	return out, nil
}

// build compiles program for t into exe and returns the command line to record.
func (r *recorder) build(program string, t target, exe string) (string, error) {
	return r.buildIn(r.programs, program, t, exe)
}

// buildIn compiles program of the module in dir for t into exe and returns
// the command line to record.
func (r *recorder) buildIn(dir, program string, t target, exe string) (string, error) {
	args := []string{"build", "-trimpath", "-buildvcs=false", "-ldflags=" + ldflags, "-o", exe, "./" + program}
	if _, err := r.goRunIn(dir, []string{"GOOS=" + t.goos, "GOARCH=" + t.goarch}, args...); err != nil {
		return "", err
	}
	out := filepath.Base(exe)
	cmdline := fmt.Sprintf("%sGOWORK=off CGO_ENABLED=0 GOOS=%s GOARCH=%s go build -trimpath -buildvcs=false '-ldflags=%s' -o %s ./%s",
		r.envDesc, t.goos, t.goarch, ldflags, out, program)
	return cmdline, nil
}

// record records the fixtures of r.sets for one toolchain. It writes into a
// temporary directory and only replaces the sets' files in
// testdata/fixtures/<ver> once all succeeded; man lists the files to replace.
func (r *recorder) record(newest bool, man *manifest) (string, []entry, error) {
	ver, err := r.setup()
	if err != nil {
		return ver, nil, err
	}
	r.log("%s: recording with %s", ver, r.goCmd)
	tmp, err := os.MkdirTemp("", "godiag-record-")
	if err != nil {
		return ver, nil, err
	}
	defer os.RemoveAll(tmp)
	stage := filepath.Join(tmp, "stage")
	var entries []entry
	add := func(rel string, data []byte, storage, format string, t target, program, kind, command string) error {
		stored := data
		if storage == "gzip" {
			if stored, err = gzipBest(data); err != nil {
				return err
			}
		}
		dst := filepath.Join(stage, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, stored, 0o644); err != nil {
			return err
		}
		sum := sha256.Sum256(stored)
		entries = append(entries, entry{
			Path:         ver + "/" + rel,
			Format:       format,
			GoVersion:    ver,
			GOOS:         t.goos,
			GOARCH:       t.goarch,
			Program:      program,
			Command:      command,
			Storage:      storage,
			SHA256:       hex.EncodeToString(sum[:]),
			Size:         len(stored),
			OriginalSize: len(data),
			Kind:         kind,
		})
		if program == "profiles" && len(stored) >= maxFixtureSize {
			r.log("%s: warning: %s is %d bytes stored (limit %d)", ver, rel, len(stored), maxFixtureSize)
		}
		if program == "tracework" && len(stored) >= maxTraceFixtureSize {
			r.log("%s: warning: %s is %d bytes stored (limit %d)", ver, rel, len(stored), maxTraceFixtureSize)
		}
		return nil
	}

	host := target{"linux", "amd64"}
	if runtime.GOOS != host.goos || runtime.GOARCH != host.goarch {
		return ver, nil, fmt.Errorf("recording must run on linux/amd64, not %s/%s", runtime.GOOS, runtime.GOARCH)
	}
	if r.sets["base"] {
		if version.Compare(ver, baseMinGo) < 0 {
			r.log("%s: no base set (its programs need %s or newer)", ver, baseMinGo)
		} else if err := r.recordBase(tmp, host, newest, add); err != nil {
			return ver, nil, err
		}
	}
	if r.sets["trace"] {
		if err := r.recordTraces(ver, tmp, host, add); err != nil {
			return ver, nil, err
		}
	}
	if r.sets["gosym"] {
		if err := r.recordGosym(ver, tmp, add); err != nil {
			return ver, nil, err
		}
	}
	if r.sets["metrics-catalog"] {
		if err := r.recordMetricsCatalog(ver, tmp, host, add); err != nil {
			return ver, nil, err
		}
	}
	if r.sets["metrics-snapshots"] {
		if err := r.recordMetricsSnapshots(ver, tmp, host, add); err != nil {
			return ver, nil, err
		}
	}
	if r.sets["metrics-otel"] {
		if err := r.recordMetricsOtel(ver, tmp, host, add); err != nil {
			return ver, nil, err
		}
	}
	if r.sets["core"] {
		if err := r.recordCore(ver, tmp, host, add); err != nil {
			return ver, nil, err
		}
	}

	// Replace the sets' files: the whole version directory when every set
	// was recorded, else the files the manifest lists for the recorded sets.
	final := filepath.Join(r.outDir, ver)
	if len(r.sets) == len(setPrograms) {
		if err := os.RemoveAll(final); err != nil {
			return ver, nil, err
		}
	} else {
		for _, e := range man.Fixtures {
			if e.GoVersion == ver && inSets(r.sets, e.Program) {
				if err := os.Remove(filepath.Join(r.outDir, filepath.FromSlash(e.Path))); err != nil && !errors.Is(err, os.ErrNotExist) {
					return ver, nil, err
				}
			}
		}
	}
	if err := os.MkdirAll(r.outDir, 0o755); err != nil {
		return ver, nil, err
	}
	if len(entries) == 0 {
		return ver, entries, nil
	}
	if err := copyTree(stage, final); err != nil {
		return ver, nil, err
	}
	return ver, entries, nil
}

// recordBase records the base set: the basic and profiles programs, run
// natively, and with the newest toolchain basic cross-compiled.
func (r *recorder) recordBase(tmp string, host target, newest bool, add addFunc) error {
	// Native linux/amd64: build, run, store outputs.
	exe := filepath.Join(tmp, "basic")
	buildCmd, err := r.build("basic", host, exe)
	if err != nil {
		return err
	}
	runOut := filepath.Join(tmp, "out")
	run := exec.Command(exe, "-out", runOut)
	if out, err := run.CombinedOutput(); err != nil {
		return fmt.Errorf("running basic: %v: %s", err, lastLines(out, 3))
	}
	runCmd := "basic -out DIR"
	dir := "linux-amd64/"
	outputs := []struct{ file, rel, storage, format, kind string }{
		{"basic.trace", "basic.trace.gz", "gzip", "trace", ""},
		{"basic-heap.pprof", "basic-heap.pprof", "raw", "pprof", "allocs"},
		{"basic-cpu.pprof", "basic-cpu.pprof", "raw", "pprof", "cpu"},
	}
	for _, o := range outputs {
		data, err := os.ReadFile(filepath.Join(runOut, o.file))
		if err != nil {
			return err
		}
		if err := add(dir+o.rel, data, o.storage, o.format, host, "basic", o.kind, runCmd); err != nil {
			return err
		}
	}
	data, err := os.ReadFile(exe)
	if err != nil {
		return err
	}
	if err := add(dir+"basic.gz", data, "gzip", "elf", host, "basic", "", buildCmd); err != nil {
		return err
	}

	// The profiles program: every profile kind, as proto and as text, and
	// goroutine dumps, including the output of crashes.
	profExe := filepath.Join(tmp, "profiles")
	if _, err := r.build("profiles", host, profExe); err != nil {
		return err
	}
	profOut := filepath.Join(tmp, "profiles-out")
	run = exec.Command(profExe, "-out", profOut)
	if out, err := run.CombinedOutput(); err != nil {
		return fmt.Errorf("running profiles: %v: %s", err, lastLines(out, 3))
	}
	for _, o := range profileOutputs {
		data, err := os.ReadFile(filepath.Join(profOut, o.file))
		if err != nil {
			return err
		}
		if err := addText(add, dir+o.file, data, o.format, host, o.kind, "profiles -out DIR"); err != nil {
			return err
		}
	}
	for _, level := range []string{"all", "system"} {
		data, err := runCrash(profExe, level)
		if err != nil {
			return err
		}
		name := "profiles-crash-" + level + ".txt"
		cmdline := "GOTRACEBACK=" + level + " profiles -crash 2>" + name + " (exit status 2)"
		if err := addText(add, dir+name, data, "goroutine-dump", host, "crash-"+level, cmdline); err != nil {
			return err
		}
	}

	if newest {
		for _, t := range crossTargets {
			name, format := "basic", "macho"
			if t.goos == "windows" {
				name, format = "basic.exe", "pe"
			}
			exe := filepath.Join(tmp, t.goos+"-"+t.goarch, name)
			cmdline, err := r.build("basic", t, exe)
			if err != nil {
				return err
			}
			data, err := os.ReadFile(exe)
			if err != nil {
				return err
			}
			if err := add(t.goos+"-"+t.goarch+"/"+name+".gz", data, "gzip", format, t, "basic", "", cmdline); err != nil {
				return err
			}
		}
	}

	return nil
}

// maxFixtureSize is the stored size a file of the profiles program should
// stay below; the recorder warns about a larger one.
const maxFixtureSize = 200 << 10

// textGzipThreshold: text fixtures larger than this are stored gzip-compressed
// (name + ".gz"); smaller ones, and every .pprof file, are stored as written.
const textGzipThreshold = 20 << 10

// profileOutputs are the files "profiles -out DIR" writes, with their
// manifest format and kind.
var profileOutputs = []struct{ file, format, kind string }{
	{"profiles-cpu.pprof", "pprof", "cpu"},
	{"profiles-heap.pprof", "pprof", "heap"},
	{"profiles-allocs.pprof", "pprof", "allocs"},
	{"profiles-goroutine.pprof", "pprof", "goroutine"},
	{"profiles-threadcreate.pprof", "pprof", "threadcreate"},
	{"profiles-block.pprof", "pprof", "block"},
	{"profiles-mutex.pprof", "pprof", "mutex"},
	{"profiles-heap.txt", "pprof-text", "heap"},
	{"profiles-allocs.txt", "pprof-text", "allocs"},
	{"profiles-goroutine.txt", "pprof-text", "goroutine"},
	{"profiles-threadcreate.txt", "pprof-text", "threadcreate"},
	{"profiles-block.txt", "pprof-text", "block"},
	{"profiles-mutex.txt", "pprof-text", "mutex"},
	{"profiles-goroutine-debug2.txt", "goroutine-dump", "goroutine-debug2"},
	{"profiles-runtime-stack.txt", "goroutine-dump", "runtime-stack"},
}

type addFunc func(rel string, data []byte, storage, format string, t target, program, kind, command string) error

// addText adds a file of the profiles program, gzip-storing a text file
// larger than textGzipThreshold.
func addText(add addFunc, rel string, data []byte, format string, t target, kind, command string) error {
	storage := "raw"
	if strings.HasSuffix(rel, ".txt") && len(data) > textGzipThreshold {
		storage = "gzip"
		rel += ".gz"
	}
	return add(rel, data, storage, format, t, "profiles", kind, command)
}

// runCrash runs "profiles -crash" with GOTRACEBACK=level and returns its
// standard error, the crash output. The program must exit with status 2, as
// an unrecovered panic does.
func runCrash(exe, level string) ([]byte, error) {
	cmd := exec.Command(exe, "-crash")
	cmd.Env = append(os.Environ(), "GOTRACEBACK="+level)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 {
		return nil, fmt.Errorf("profiles -crash with GOTRACEBACK=%s: want exit status 2, got %v: %s", level, err, lastLines(stderr.Bytes(), 3))
	}
	if stdout.Len() != 0 || !bytes.HasPrefix(stderr.Bytes(), []byte("panic: ")) {
		return nil, fmt.Errorf("profiles -crash with GOTRACEBACK=%s: unexpected output: %s", level, lastLines(stderr.Bytes(), 3))
	}
	return stderr.Bytes(), nil
}

func gzipBest(data []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(data); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func copyTree(src, dst string) error {
	return filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}

func readManifest(name string) (*manifest, error) {
	data, err := os.ReadFile(name)
	if errors.Is(err, os.ErrNotExist) {
		return &manifest{}, nil
	}
	if err != nil {
		return nil, err
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return &m, nil
}

func writeManifest(name string, m *manifest) error {
	sort.Slice(m.Fixtures, func(i, j int) bool { return m.Fixtures[i].Path < m.Fixtures[j].Path })
	sort.SliceStable(m.Toolchains, func(i, j int) bool {
		return version.Compare(m.Toolchains[i].Version, m.Toolchains[j].Version) < 0
	})
	if m.Toolchains == nil {
		m.Toolchains = []toolchainStatus{}
	}
	if m.Fixtures == nil {
		m.Fixtures = []entry{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	return os.WriteFile(name, buf.Bytes(), 0o644)
}

var urlPattern = regexp.MustCompile(`[a-z]+://[^\s:]+`)

// oneLine flattens an error message for the manifest, replacing URLs (e.g.
// the download location of a missing toolchain) with "<url>".
func oneLine(s string) string {
	return urlPattern.ReplaceAllString(strings.Join(strings.Fields(s), " "), "<url>")
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

// moduleDir returns the absolute path of a Go module directory, checking that
// it has a go.mod.
func moduleDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(abs, "go.mod")); err != nil {
		return "", err
	}
	return abs, nil
}

// inSets reports whether program belongs to one of the sets.
func inSets(sets map[string]bool, program string) bool {
	for s := range sets {
		for _, p := range setPrograms[s] {
			if p == program {
				return true
			}
		}
	}
	return false
}

// okStatus is the manifest status of a toolchain recorded without error:
// "ok" when it has fixtures of the base set (a trace, profiles, an
// executable), else which sets it has, e.g. "ok (gosym set only)".
func okStatus(man *manifest, ver string) string {
	has := map[string]bool{}
	for _, e := range man.Fixtures {
		if e.GoVersion != ver {
			continue
		}
		for set, programs := range setPrograms {
			for _, p := range programs {
				if p == e.Program {
					has[set] = true
				}
			}
		}
	}
	if has["base"] {
		return "ok"
	}
	var sets []string
	for _, s := range setOrder {
		if has[s] {
			sets = append(sets, s)
		}
	}
	if len(sets) == 0 {
		return "ok (nothing to record)"
	}
	if len(sets) == 1 {
		return "ok (" + sets[0] + " set only)"
	}
	return "ok (" + strings.Join(sets, ", ") + " sets only)"
}
