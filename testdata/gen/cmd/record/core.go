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
//   - core-gcore.core.gz: gdb's gcore of "corework -mode wait" (attached with
//     ptrace once the program says "ready"). gdb counts NT_FILE offsets in
//     bytes (page size 1) and writes read-only file mappings in full.
//   - corework-*.goroutines.txt: what the program printed (runtime.Stack of
//     every goroutine) before it crashed or waited.
//   - core-*.gdb.txt: gdb's "info threads" and every thread's "info
//     registers" on the recorded core, a second reference for threads and
//     registers.
//
// Only the Go 1.26 toolchain records the set (coreLang): cores are a few
// hundred kilobytes to a megabyte compressed each.
const (
	coreMinGo = "go1.22"
	coreLang  = "go1.26"
)

// coreProgram is the fixture program of the set.
const coreProgram = "corework"

// recordCore records the core set for one toolchain.
func (r *recorder) recordCore(ver, tmp string, host target, add addFunc) error {
	if version.Compare(ver, coreMinGo) < 0 || version.Lang(ver) != coreLang {
		r.log("%s: no core set (recorded with %s toolchains only)", ver, coreLang)
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
	cmd := exec.Command(exe, "-mode", "crash")
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "GOTRACEBACK=crash")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err == nil {
		return errors.New("corework -mode crash exited without crashing")
	}
	kernelCore, err := findCore(work)
	if err != nil {
		return fmt.Errorf("%v (RLIMIT_CORE %d, stderr: %s)", err, unlimited.Cur, lastLines(stderr.Bytes(), 2))
	}
	if err := r.addCore(add, host, rel, "core-kernel", exe, kernelCore, "GOTRACEBACK=crash corework -mode crash (kernel core, RLIMIT_CORE unlimited)", stdout.Bytes(), "GOTRACEBACK=crash corework -mode crash >FILE", gdb); err != nil {
		return err
	}

	// gdb's core of the waiting program.
	gcore := filepath.Join(tmp, "core", "gcore.core")
	dump, err := runGcore(exe, gdb, gcore)
	if err != nil {
		return err
	}
	return r.addCore(add, host, rel, "core-gcore", exe, gcore, "corework -mode wait; gdb -nx -batch -p PID -ex 'gcore FILE'", dump, "corework -mode wait >FILE", gdb)
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

// runGcore starts "corework -mode wait", waits for its "ready" line, writes
// its core with gdb's gcore into out, ends it, and returns what it printed
// before "ready".
func runGcore(exe, gdb, out string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "-mode", "wait")
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
