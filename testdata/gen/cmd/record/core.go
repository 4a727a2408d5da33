package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/version"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// The core set: core files of the corework program
// (testdata/gen/programs-core/corework) for the core readers, with the
// executable that wrote them (built with DWARF: the Go layer of the core
// reader reads runtime layouts from it) and the program's own goroutine dump.
//
//   - core-kernel.core.gz: the kernel's core of "GOTRACEBACK=crash corework
//     -mode crash" (a nil dereference the runtime ends with SIGABRT), written
//     with RLIMIT_CORE unlimited into the working directory. The kernel counts
//     NT_FILE offsets in pages. Needs /proc/sys/kernel/core_pattern to be a
//     file name, not a pipe to a crash collector; otherwise the set fails.
//   - core-kernel-pie.core.gz (Go 1.26 only): the same of a -buildmode=pie build
//     (corework-pie.gz), loaded at a random base.
//   - core-gcore.core.gz: gdb's gcore of "corework -mode wait" (attached with
//     ptrace once the program says "ready"). gdb counts NT_FILE offsets in
//     bytes (page size 1) and writes read-only file mappings in full.
//   - core-*.goroutines.txt: what the program printed (runtime.Stack of
//     every goroutine) before it crashed or waited; from Go 1.26 on, run
//     with GODEBUG=tracebacklabels=1, so the dump prints goroutine labels.
//   - core-*.oracle.json: what the program wrote with -oracle before its
//     dump: the numbers only a GC cycle changes (NumGC, …), read after two
//     forced cycles and with the collector turned off, so the core holds
//     them; and the id and labels of each goroutine it gave labels
//     (runtime/pprof), as each of them saw its own.
//   - core-*.gdb.txt: gdb's "info threads" and every thread's "info
//     registers" on the recorded core, a second reference for threads and
//     registers.
//   - linux-arm64/core-qemu.core.gz: the guest core qemu-user writes for the
//     arm64 build crashing like the kernel core's (see recordCoreQemu); qemu
//     writes no NT_FILE and no NT_SIGINFO.
//
// Every toolchain from Go 1.22 on (coreMinGo) records the set, the PIE only
// with Go 1.26 (corePIELang: one load bias to find is enough, and the PIE's
// executable is the biggest file of the set): cores are a hundred kilobytes
// to half a megabyte compressed each, the executables about 1.5 MB.
const (
	coreMinGo   = "go1.22"
	corePIELang = "go1.26"
)

// coreProgram is the fixture program of the set.
const coreProgram = "corework"

// coreLabelsLang is the first release whose goroutine dump can print labels
// (GODEBUG=tracebacklabels=1).
const coreLabelsLang = "go1.26"

// coreEnv is the environment of a corework run: GOTRACEBACK=crash for a
// crash, and the labels in the dump where the release prints them.
func coreEnv(ver string, crash bool) []string {
	env := os.Environ()
	if crash {
		env = append(env, "GOTRACEBACK=crash")
	}
	if version.Compare(ver, coreLabelsLang) >= 0 {
		env = append(env, "GODEBUG=tracebacklabels=1")
	}
	return env
}

// coreEnvDesc is coreEnv's additions as the manifest's commands show them.
func coreEnvDesc(ver string, crash bool) string {
	s := ""
	if crash {
		s += "GOTRACEBACK=crash "
	}
	if version.Compare(ver, coreLabelsLang) >= 0 {
		s += "GODEBUG=tracebacklabels=1 "
	}
	return s
}

// sidecarArgs is corework's -oracle flag writing into dir (an absolute
// path: gcore's run has no working directory of its own).
func sidecarArgs(dir string) []string {
	return []string{"-oracle", filepath.Join(dir, "oracle.json")}
}

// addSidecars adds what corework wrote into dir with sidecarArgs, beside
// the core named name.
func addSidecars(add addFunc, t target, rel, name, dir, runDesc string) error {
	data, err := os.ReadFile(filepath.Join(dir, "oracle.json"))
	if err != nil {
		return fmt.Errorf("corework wrote no -oracle file: %v", err)
	}
	return add(rel+name+".oracle.json", data, "raw", "core-oracle", t, coreProgram, name, runDesc+" (its -oracle FILE)")
}

// recordCore records the core set for one toolchain.
func (r *recorder) recordCore(ver, tmp string, host target, add addFunc) error {
	if version.Compare(ver, coreMinGo) < 0 {
		r.log("%s: no core set (recorded from %s on)", ver, coreMinGo)
		return nil
	}
	gdb, err := exec.LookPath("gdb")
	if err != nil {
		return errors.New("the core set needs gdb (apt-get install gdb)")
	}
	dir := filepath.Join(filepath.Dir(r.programs), "programs-core")
	exe := filepath.Join(tmp, "core", coreProgram)
	if err := os.MkdirAll(filepath.Dir(exe), 0o755); err != nil {
		return err
	}
	// Keep DWARF (no -w): the Go layer reads the runtime's types from it.
	args := []string{"build", "-trimpath", "-buildvcs=false", "-o", exe, "./" + coreProgram}
	if _, err := r.goRunIn(dir, []string{"GOOS=linux", "GOARCH=amd64"}, args...); err != nil {
		return err
	}
	buildCmd := r.envDesc + "GOWORK=off CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -trimpath -buildvcs=false -o " + coreProgram + " ./" + coreProgram
	exeData, err := os.ReadFile(exe)
	if err != nil {
		return err
	}
	rel := host.goos + "-" + host.goarch + "/"
	if err := add(rel+coreProgram+".gz", exeData, "gzip", "core-exe", host, coreProgram, "", buildCmd); err != nil {
		return err
	}

	// The kernel's core.
	pattern, err := os.ReadFile("/proc/sys/kernel/core_pattern")
	if err != nil {
		return fmt.Errorf("reading the core pattern: %v", err)
	}
	if p := strings.TrimSpace(string(pattern)); strings.HasPrefix(p, "|") || strings.Contains(p, "/") {
		return fmt.Errorf("the kernel's core pattern %q does not write cores into the working directory", p)
	}
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_CORE, &old); err != nil {
		return err
	}
	unlimited := syscall.Rlimit{Cur: old.Max, Max: old.Max}
	if err := syscall.Setrlimit(syscall.RLIMIT_CORE, &unlimited); err != nil {
		return fmt.Errorf("raising RLIMIT_CORE: %v", err)
	}
	defer syscall.Setrlimit(syscall.RLIMIT_CORE, &old)
	work := filepath.Join(tmp, "core", "kernel")
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	cmd := exec.Command(exe, append([]string{"-mode", "crash"}, sidecarArgs(work)...)...)
	cmd.Dir = work
	cmd.Env = coreEnv(ver, true)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err == nil {
		return errors.New("corework -mode crash exited without crashing")
	}
	kernelCore, err := findCore(work)
	if err != nil {
		return fmt.Errorf("%v (RLIMIT_CORE %d, stderr: %s)", err, unlimited.Cur, lastLines(stderr.Bytes(), 2))
	}
	crashDesc := coreEnvDesc(ver, true) + "corework -mode crash -oracle FILE"
	if err := r.addCore(add, host, rel, "core-kernel", exe, kernelCore, crashDesc+" (kernel core, RLIMIT_CORE unlimited)", stdout.Bytes(), crashDesc+" >FILE", gdb); err != nil {
		return err
	}
	if err := addSidecars(add, host, rel, "core-kernel", work, crashDesc); err != nil {
		return err
	}

	if version.Lang(ver) == corePIELang {
		if err := r.recordCorePIE(ver, tmp, dir, host, rel, add, gdb); err != nil {
			return err
		}
	}

	// gdb's core of the waiting program.
	gcoreDir := filepath.Join(tmp, "core", "gcore")
	if err := os.MkdirAll(gcoreDir, 0o755); err != nil {
		return err
	}
	gcore := filepath.Join(gcoreDir, "gcore.core")
	dump, err := runGcore(ver, exe, gdb, gcore, gcoreDir)
	if err != nil {
		return err
	}
	waitDesc := coreEnvDesc(ver, false) + "corework -mode wait -oracle FILE"
	if err := r.addCore(add, host, rel, "core-gcore", exe, gcore, waitDesc+"; gdb -nx -batch -p PID -ex 'gcore FILE'", dump, waitDesc+" >FILE", gdb); err != nil {
		return err
	}
	if err := addSidecars(add, host, rel, "core-gcore", gcoreDir, waitDesc); err != nil {
		return err
	}
	return r.recordCoreQemu(ver, tmp, dir, add)
}

// recordCorePIE records the crash of a position-independent build: the
// kernel loads it at a random base, so the reader must find the load bias
// (AT_ENTRY minus the entry point) to line the executable up with the core.
// RLIMIT_CORE is already raised.
func (r *recorder) recordCorePIE(ver, tmp, dir string, host target, rel string, add addFunc, gdb string) error {
	pie := filepath.Join(tmp, "core", coreProgram+"-pie")
	pieArgs := []string{"build", "-trimpath", "-buildvcs=false", "-buildmode=pie", "-o", pie, "./" + coreProgram}
	if _, err := r.goRunIn(dir, []string{"GOOS=linux", "GOARCH=amd64"}, pieArgs...); err != nil {
		return err
	}
	pieData, err := os.ReadFile(pie)
	if err != nil {
		return err
	}
	pieCmd := r.envDesc + "GOWORK=off CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -trimpath -buildvcs=false -buildmode=pie -o " + coreProgram + "-pie ./" + coreProgram
	if err := add(rel+coreProgram+"-pie.gz", pieData, "gzip", "core-exe", host, coreProgram, "core-kernel-pie", pieCmd); err != nil {
		return err
	}
	pieWork := filepath.Join(tmp, "core", "kernel-pie")
	if err := os.MkdirAll(pieWork, 0o755); err != nil {
		return err
	}
	cmd := exec.Command(pie, append([]string{"-mode", "crash"}, sidecarArgs(pieWork)...)...)
	cmd.Dir = pieWork
	cmd.Env = coreEnv(ver, true)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err == nil {
		return errors.New("corework-pie -mode crash exited without crashing")
	}
	pieCore, err := findCore(pieWork)
	if err != nil {
		return fmt.Errorf("%v (stderr: %s)", err, lastLines(stderr.Bytes(), 2))
	}
	desc := coreEnvDesc(ver, true) + "corework-pie -mode crash -oracle FILE"
	if err := r.addCore(add, host, rel, "core-kernel-pie", pie, pieCore, desc+" (kernel core, RLIMIT_CORE unlimited)", stdout.Bytes(), desc+" >FILE", gdb); err != nil {
		return err
	}
	return addSidecars(add, host, rel, "core-kernel-pie", pieWork, desc)
}

// recordCoreQemu records linux/arm64: corework cross-compiled and crashed
// under qemu-user, which writes the guest's core itself
// (qemu_<program>_<time>_<pid>.core) when RLIMIT_CORE allows; the kernel then
// also writes qemu's own core, which is not kept. There is no gdb for arm64
// here, so the set has no gdb text for it. Skipped, saying so, without
// qemu-aarch64.
func (r *recorder) recordCoreQemu(ver, tmp, dir string, add addFunc) error {
	qemu, err := exec.LookPath("qemu-aarch64")
	if err != nil {
		r.log("no linux/arm64 core: qemu-aarch64 is not installed (apt-get install qemu-user)")
		return nil
	}
	t := target{"linux", "arm64"}
	work := filepath.Join(tmp, "core", "qemu")
	exe := filepath.Join(work, coreProgram)
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	args := []string{"build", "-trimpath", "-buildvcs=false", "-o", exe, "./" + coreProgram}
	if _, err := r.goRunIn(dir, []string{"GOOS=linux", "GOARCH=arm64"}, args...); err != nil {
		return err
	}
	buildCmd := r.envDesc + "GOWORK=off CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build -trimpath -buildvcs=false -o " + coreProgram + " ./" + coreProgram
	exeData, err := os.ReadFile(exe)
	if err != nil {
		return err
	}
	rel := t.goos + "-" + t.goarch + "/"
	if err := add(rel+coreProgram+".gz", exeData, "gzip", "core-exe", t, coreProgram, "", buildCmd); err != nil {
		return err
	}
	cmd := exec.Command(qemu, append([]string{exe, "-mode", "crash"}, sidecarArgs(work)...)...)
	cmd.Dir = work
	cmd.Env = coreEnv(ver, true)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Run(); err == nil {
		return errors.New("corework -mode crash under qemu-aarch64 exited without crashing")
	}
	matches, err := filepath.Glob(filepath.Join(work, "qemu_"+coreProgram+"_*.core"))
	if err != nil || len(matches) != 1 {
		return fmt.Errorf("qemu-aarch64 wrote %d guest cores, expected 1", len(matches))
	}
	data, err := os.ReadFile(matches[0])
	if err != nil {
		return err
	}
	desc := coreEnvDesc(ver, true) + "qemu-aarch64 corework -mode crash -oracle FILE"
	if err := add(rel+"core-qemu.core.gz", data, "gzip", "core", t, coreProgram, "core-qemu", desc+" (qemu-user's guest core, RLIMIT_CORE unlimited)"); err != nil {
		return err
	}
	if err := add(rel+"core-qemu.goroutines.txt", stdout.Bytes(), "raw", "core-goroutines", t, coreProgram, "core-qemu", desc+" >FILE"); err != nil {
		return err
	}
	return addSidecars(add, t, rel, "core-qemu", work, desc)
}

// addCore adds a core, the goroutine dump printed by its process and gdb's
// view of its threads.
func (r *recorder) addCore(add addFunc, host target, rel, name, exe, corePath, coreCmd string, dump []byte, dumpCmd, gdb string) error {
	data, err := os.ReadFile(corePath)
	if err != nil {
		return err
	}
	if err := add(rel+name+".core.gz", data, "gzip", "core", host, coreProgram, name, coreCmd); err != nil {
		return err
	}
	if err := add(rel+name+".goroutines.txt", dump, "raw", "core-goroutines", host, coreProgram, name, dumpCmd); err != nil {
		return err
	}
	gdbArgs := []string{"-nx", "-batch", "-ex", "set pagination off", "-ex", "info threads", "-ex", "thread apply all info registers", exe, corePath}
	out, err := exec.Command(gdb, gdbArgs...).Output()
	if err != nil {
		return fmt.Errorf("gdb on %s: %v", name, err)
	}
	// The paths of this recording's temporary directory are not part of the reference.
	out = bytes.ReplaceAll(out, []byte(filepath.Dir(exe)+"/"), nil)
	return add(rel+name+".gdb.txt", out, "raw", "core-gdb", host, coreProgram, name, "gdb -nx -batch -ex 'info threads' -ex 'thread apply all info registers' corework CORE")
}

// findCore returns the core file the kernel wrote into dir ("core" or
// "core.PID").
func findCore(dir string) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		if e.Name() == "core" || strings.HasPrefix(e.Name(), "core.") {
			return filepath.Join(dir, e.Name()), nil
		}
	}
	return "", errors.New("the kernel wrote no core file")
}

// runGcore starts "corework -mode wait" (its -oracle file in sidecars), waits for its "ready" line, writes its core with gdb's gcore
// into out, ends it, and returns what it printed before "ready".
func runGcore(ver, exe, gdb, out, sidecars string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, append([]string{"-mode", "wait"}, sidecarArgs(sidecars)...)...)
	cmd.Env = coreEnv(ver, false)
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	var dump bytes.Buffer
	sc := bufio.NewScanner(pipe)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	ready := false
	for sc.Scan() {
		if sc.Text() == "ready" {
			ready = true
			break
		}
		dump.Write(sc.Bytes())
		dump.WriteByte('\n')
	}
	if !ready {
		return nil, errors.New("corework -mode wait ended before saying ready")
	}
	g := exec.CommandContext(ctx, gdb, "-nx", "-batch", "-p", fmt.Sprint(cmd.Process.Pid), "-ex", "gcore "+out)
	if b, err := g.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("gdb gcore: %v: %s", err, lastLines(b, 3))
	}
	if _, err := os.Stat(out); err != nil {
		return nil, fmt.Errorf("gdb gcore wrote no core: %v", err)
	}
	return dump.Bytes(), nil
}
