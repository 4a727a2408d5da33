package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/google/pprof/profile"

	"godiag.dev/testdata/gen/internal/canon"
)

// pprof-symbolize is the reference for godiag's symbolizeProfile: google/pprof's
// local symbolization of a profile that has only addresses, as the Go
// distribution ships it — `go tool pprof -proto -symbolize=local EXE PROFILE`
// of a pinned toolchain. That pprof is google/pprof's driver and symbolizer
// (mapping by mapping, one Line per frame the object file reports, functions
// deduplicated by name, system name, file and start line, the mapping's
// Has* flags) with Go's own object-file reader, which answers each address
// with debug/gosym: one frame, the function holding the pc and the file and
// line of the pc (no inlined frames, no start line). Its address translation
// subtracts start − the executable's load address (the first executable ELF
// segment's address rounded down to its alignment, Mach-O __TEXT, the PE image
// base) from each address.
//
// The input is a bundle of the profile and the executable (the profile is
// made by godiag's encoder: a recorded profile with its functions and lines
// removed, or one built from the addresses a program recorded):
//
//	godiag symbolize bundle\n
//	<profile length in decimal>\n
//	<profile bytes><executable bytes>
//
// The tool replaces the first mapping's file name by the executable's path
// on the command line; the oracle puts the profile's name back. Everything
// else is printed as the tool wrote it, in the shape of the pprof dump.
func init() {
	register("pprof-symbolize", "a bundle (profile, executable) symbolized by `go tool pprof -proto -symbolize=local` of Go 1.26, dumped as `pprof` does", pprofSymbolize)
}

const symbolizeBundleMagic = "godiag symbolize bundle\n"

// symbolizeToolchain is the toolchain whose pprof is the reference.
const symbolizeToolchain = "go1.26.8"

func splitSymbolizeBundle(data []byte) (prof, exe []byte, err error) {
	rest, ok := bytes.CutPrefix(data, []byte(symbolizeBundleMagic))
	if !ok {
		return nil, nil, fmt.Errorf("not a symbolize bundle")
	}
	num, rest, ok := bytes.Cut(rest, []byte{'\n'})
	if !ok {
		return nil, nil, fmt.Errorf("symbolize bundle: no profile length")
	}
	n, err := strconv.Atoi(string(num))
	if err != nil || n < 0 || n > len(rest) {
		return nil, nil, fmt.Errorf("symbolize bundle: bad profile length %q", num)
	}
	return rest[:n], rest[n:], nil
}

// symbolizePprofTool is the pinned toolchain's pprof executable, found once
// with `go tool -n pprof` (built into the build cache, and the toolchain
// downloaded through the module proxy, if needed). It is run directly, with
// a private HOME (see runPprofTool).
var symbolizePprofTool = sync.OnceValues(func() (string, error) {
	cmd := exec.Command("go", "tool", "-n", "pprof")
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN="+symbolizeToolchain, "GOWORK=off", "GOFLAGS=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("GOTOOLCHAIN=%s go tool -n pprof: %v: %s", symbolizeToolchain, err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
})

func pprofSymbolize(data []byte, w *canon.Writer) error {
	profBytes, exeBytes, err := splitSymbolizeBundle(data)
	if err != nil {
		return err
	}
	in, err := profile.ParseData(profBytes)
	if err != nil {
		return err
	}
	tool, err := symbolizePprofTool()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "oracle-symbolize-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	exe := filepath.Join(dir, "exe")
	src := filepath.Join(dir, "profile.pb.gz")
	out := filepath.Join(dir, "out.pb.gz")
	empty := filepath.Join(dir, "binaries")
	for _, f := range []struct {
		name string
		data []byte
	}{{exe, exeBytes}, {src, profBytes}} {
		if err := os.WriteFile(f.name, f.data, 0o600); err != nil {
			return err
		}
	}
	if err := os.Mkdir(empty, 0o700); err != nil {
		return err
	}
	cmd := exec.Command(tool, "-proto", "-symbolize=local", "-output", out, exe, src)
	// No binary search path but the executable given: PPROF_BINARY_PATH (and
	// the default $HOME/pprof/binaries) could otherwise offer other files.
	cmd.Env = append(os.Environ(), "PPROF_BINARY_PATH="+empty, "HOME="+dir, "PPROF_TMPDIR="+dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s go tool pprof: %v: %s", symbolizeToolchain, err, strings.TrimSpace(stderr.String()))
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		return err
	}
	p, err := profile.ParseData(raw)
	if err != nil {
		return err
	}
	if len(p.Mapping) > 0 && p.Mapping[0].File == exe {
		if len(in.Mapping) > 0 {
			p.Mapping[0].File = in.Mapping[0].File
		} else {
			p.Mapping[0].File = "" // the fake mapping the driver adds to a profile without mappings
		}
	}
	return w.Line(pprofToDump(p))
}
