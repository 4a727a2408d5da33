package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/version"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// The gosym set: executables of the gosym program (testdata/gen/programs/gosym)
// for symbol-table readers, and, for those that can run here, what the
// program's own runtime says of its inlined frames (its output, recorded as
// <executable>.callers.json).

// gosymMinGo is the oldest toolchain of the gosym set: the first with
// -trimpath (Go 1.13), which keeps build paths out of the executables.
const gosymMinGo = "go1.13"

// A gosymBuild is one executable of the set.
type gosymBuild struct {
	// lang is the language version ("go1.26") of the toolchains that build
	// it; "" means every toolchain.
	lang    string
	target  target
	variant string // see gosymVariants
}

// gosymBuilds is the matrix, chosen to keep the committed size reasonable
// (docs/fixtures.md): linux/amd64 with every toolchain; the other targets
// and the variants with one toolchain, the newest; and one PIE of Go 1.19,
// whose pclntab section is .data.rel.ro.gopclntab (Go 1.26 PIEs keep
// .gopclntab) in the Go 1.18 layout.
var gosymBuilds = []gosymBuild{
	{"", target{"linux", "amd64"}, "default"},
	{"go1.19", target{"linux", "amd64"}, "pie"},
	{"go1.26", target{"linux", "amd64"}, "stripped"},
	{"go1.26", target{"linux", "amd64"}, "pie"},
	{"go1.26", target{"linux", "amd64"}, "cgo"},
	{"go1.26", target{"linux", "386"}, "default"},
	{"go1.26", target{"linux", "arm"}, "default"},
	{"go1.26", target{"linux", "arm64"}, "default"},
	{"go1.26", target{"darwin", "arm64"}, "default"},
	{"go1.26", target{"windows", "amd64"}, "default"},
	{"go1.26", target{"windows", "amd64"}, "stripped"},
}

// gosymVariants are the build options of each variant: "default" keeps the
// symbol table and drops DWARF (-w) as the base set does; "stripped" drops
// both (-s -w), so readers must find the pclntab without symbols; "pie" is
// a position-independent executable; "cgo" links the program's cgo file
// with the host's C compiler (external linking: the text section then
// starts with C code before runtime.text).
var gosymVariants = map[string]struct {
	ldflags   string
	buildmode string
	cgo       bool
}{
	"default":  {"-w", "", false},
	"stripped": {"-s -w", "", false},
	"pie":      {"-w", "pie", false},
	"cgo":      {"-w", "", true},
}

// gosymRunners says how to run an executable of a target on the linux/amd64
// recording host: natively (nil) or under qemu-user (Debian's qemu-user,
// installed with apt-get when missing and running as root). Targets not
// listed are built but not run.
var gosymRunners = map[target][]string{
	{"linux", "amd64"}: nil,
	{"linux", "386"}:   nil,
	{"linux", "arm"}:   {"qemu-arm"},
	{"linux", "arm64"}: {"qemu-aarch64"},
}

const qemuPkg = "qemu-user"

// recordGosym records the gosym set for one toolchain.
func (r *recorder) recordGosym(ver, tmp string, add addFunc) error {
	if version.Compare(ver, gosymMinGo) < 0 {
		r.log("%s: no gosym set (it needs %s or newer)", ver, gosymMinGo)
		return nil
	}
	for _, b := range gosymBuilds {
		if b.lang != "" && version.Lang(ver) != b.lang {
			continue
		}
		if err := r.recordGosymBuild(ver, tmp, b, add); err != nil {
			return fmt.Errorf("gosym %s/%s %s: %w", b.target.goos, b.target.goarch, b.variant, err)
		}
	}
	return nil
}

func (r *recorder) recordGosymBuild(ver, tmp string, b gosymBuild, add addFunc) error {
	v, ok := gosymVariants[b.variant]
	if !ok {
		return fmt.Errorf("unknown variant %q", b.variant)
	}
	t := b.target
	name := "gosym"
	if b.variant != "default" {
		name += "-" + b.variant
	}
	exeName := name
	format := "elf"
	switch t.goos {
	case "windows":
		exeName += ".exe"
		format = "pe"
	case "darwin":
		format = "macho"
	}
	dir := t.goos + "-" + t.goarch + "/"
	exe := filepath.Join(tmp, "gosym-build", t.goos+"-"+t.goarch, exeName)

	args := []string{"build"}
	args = append(args, r.commonBuildFlags(ver)...)
	if v.buildmode != "" {
		args = append(args, "-buildmode="+v.buildmode)
	}
	args = append(args, "-ldflags="+v.ldflags, "-o", exe, "./gosym")
	cgo := "0"
	if v.cgo {
		cgo = "1"
	}
	env := []string{"GOOS=" + t.goos, "GOARCH=" + t.goarch, "CGO_ENABLED=" + cgo}
	if _, err := r.goRun(env, args...); err != nil {
		return err
	}
	shown := append([]string{}, args[:len(args)-3]...)
	for i, a := range shown {
		if strings.ContainsAny(a, " ") {
			shown[i] = "'" + a + "'"
		}
	}
	cmdline := fmt.Sprintf("%sGOWORK=off CGO_ENABLED=%s GOOS=%s GOARCH=%s go %s -o %s ./gosym",
		r.envDesc, cgo, t.goos, t.goarch, strings.Join(shown, " "), exeName)
	data, err := os.ReadFile(exe)
	if err != nil {
		return err
	}
	if err := add(dir+exeName+".gz", data, "gzip", format, t, "gosym", b.variant, cmdline); err != nil {
		return err
	}

	runner, runnable := gosymRunners[t]
	if !runnable {
		return nil
	}
	if len(runner) > 0 {
		if err := r.ensureQemu(runner[0]); err != nil {
			return err
		}
	}
	out, err := runCallers(append(append([]string{}, runner...), exe))
	if err != nil {
		return err
	}
	runCmd := strings.Join(append(append([]string{}, runner...), exeName), " ") + " >FILE"
	return add(dir+name+".callers.json", out, "raw", "gosym-callers", t, "gosym", "callers", runCmd)
}

// commonBuildFlags are the go build flags every fixture executable gets,
// as far as the toolchain knows them: -trimpath (Go 1.13+) and
// -buildvcs=false (Go 1.18+, where builds otherwise stamp VCS state).
func (r *recorder) commonBuildFlags(ver string) []string {
	flags := []string{"-trimpath"}
	if version.Compare(ver, "go1.18") >= 0 {
		flags = append(flags, "-buildvcs=false")
	}
	return flags
}

// runCallers runs the program (argv[0] may be qemu) and returns its output,
// checking that it is what the program prints.
func runCallers(argv []string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s: %v: %s", strings.Join(argv, " "), err, lastLines(stderr.Bytes(), 3))
	}
	if !bytes.HasPrefix(stdout.Bytes(), []byte(`{"kind":"Program",`)) || stderr.Len() != 0 {
		return nil, fmt.Errorf("%s: unexpected output: %s", strings.Join(argv, " "), lastLines(append(stdout.Bytes(), stderr.Bytes()...), 3))
	}
	return stdout.Bytes(), nil
}

// ensureQemu makes sure a qemu-user emulator is on PATH, installing Debian's
// qemu-user with apt-get when it is missing and the recorder runs as root.
func (r *recorder) ensureQemu(emulator string) error {
	if _, err := exec.LookPath(emulator); err == nil {
		return nil
	}
	if os.Geteuid() != 0 {
		return fmt.Errorf("%s not on PATH (apt-get install %s) and not root", emulator, qemuPkg)
	}
	r.log("installing %s with apt-get", qemuPkg)
	cmd := exec.Command("apt-get", "install", "-y", qemuPkg)
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("apt-get install %s: %v: %s", qemuPkg, err, lastLines(out, 3))
	}
	if _, err := exec.LookPath(emulator); err != nil {
		return errors.New(emulator + " still not on PATH after installing " + qemuPkg)
	}
	return nil
}
