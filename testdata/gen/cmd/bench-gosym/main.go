// Command bench-gosym times Go's debug/gosym on one ELF executable, for
// comparison with godiag's openBinary in the same run on the same machine.
//
// The table is opened as Go's own tools open it (cmd/internal/objfile, used
// by go tool addr2line and pprof): debug/elf Open, the .gopclntab and
// .gosymtab sections read, the .text section's address as the text start,
// then gosym.NewTable. The open is timed up to the answer of the first lookup
// (PCToLine of the first pc), and the bytes read from the file are counted.
//
// Then every pc of PCS (a file of little-endian uint64 addresses) is looked
// up with PCToLine (file, line and function) and, in a second loop, with
// PCToFunc; each loop is timed, best of N runs.
//
// Usage: bench-gosym [-repeat N] [-check] [-open-only] BIN PCS
//
// It prints one JSON object:
//
//	{"openSeconds":S,"firstOpenSeconds":S,"readBytes":N,"reads":N,"funcs":N,
//	 "pcs":N,"pcToLineSeconds":S,"pcToFuncSeconds":S,"found":N,"lineSum":N}
//
// openSeconds is the best of the N opens, firstOpenSeconds the process's
// first. With -check, found counts the pcs inside a function and lineSum adds
// the line PCToLine reports for each of them (a checksum godiag's answers are
// compared with). With -open-only, one open is timed and nothing is looked up.
// The default of N is 3; a caller interleaving runs with another
// implementation's (bench/gosym.ts, on a shared machine) passes -repeat 1.
package main

import (
	"debug/elf"
	"debug/gosym"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"
)

type result struct {
	OpenSeconds      float64 `json:"openSeconds"`
	FirstOpenSeconds float64 `json:"firstOpenSeconds"`
	ReadBytes        int64   `json:"readBytes"`
	Reads            int64   `json:"reads"`
	Funcs            int     `json:"funcs"`
	Pcs              int     `json:"pcs"`
	PCToLineSeconds  float64 `json:"pcToLineSeconds,omitempty"`
	PCToFuncSeconds  float64 `json:"pcToFuncSeconds,omitempty"`
	Found            int     `json:"found"`
	LineSum          int64   `json:"lineSum"`
}

// sink keeps the checksums alive: a store to a package variable is never
// optimized away, so neither is the work that feeds it.
var sink uint64

func main() {
	bin, pcsFile, repeat, openOnly, check, err := parseArgs(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench-gosym:", err)
		fmt.Fprintln(os.Stderr, "usage: bench-gosym [-repeat N] [-check] [-open-only] BIN PCS")
		os.Exit(2)
	}
	if err := run(bin, pcsFile, repeat, openOnly, check); err != nil {
		fmt.Fprintln(os.Stderr, "bench-gosym:", err)
		os.Exit(1)
	}
}

// parseArgs accepts the flags before, between or after the two files (the
// flag package stops at the first positional argument).
func parseArgs(args []string) (bin, pcs string, repeat int, openOnly, check bool, err error) {
	repeat = 3
	var files []string
	for i := 0; i < len(args); i++ {
		switch a := args[i]; a {
		case "-open-only", "--open-only":
			openOnly = true
		case "-check", "--check":
			check = true
		case "-repeat", "--repeat":
			if i+1 >= len(args) {
				return "", "", 0, false, false, errors.New("-repeat needs a value")
			}
			i++
			if repeat, err = strconv.Atoi(args[i]); err != nil || repeat < 1 {
				return "", "", 0, false, false, fmt.Errorf("-repeat %q: want a positive integer", args[i])
			}
		default:
			files = append(files, a)
		}
	}
	if len(files) != 2 {
		return "", "", 0, false, false, errors.New("want BIN and PCS")
	}
	return files[0], files[1], repeat, openOnly, check, nil
}

func run(bin, pcsFile string, repeat int, openOnly, check bool) error {
	raw, err := os.ReadFile(pcsFile)
	if err != nil {
		return err
	}
	if len(raw)%8 != 0 || len(raw) == 0 {
		return fmt.Errorf("%s: want a non-empty file of 8-byte addresses, got %d bytes", pcsFile, len(raw))
	}
	pcs := make([]uint64, len(raw)/8)
	for i := range pcs {
		pcs[i] = binary.LittleEndian.Uint64(raw[8*i:])
	}

	var r result
	var tab *gosym.Table
	opens := repeat
	if openOnly {
		opens = 1
	}
	least := time.Duration(1<<63 - 1)
	for i := 0; i < opens; i++ {
		start := time.Now()
		t, counted, err := open(bin, pcs[0])
		d := time.Since(start)
		if err != nil {
			return err
		}
		if i == 0 {
			r.FirstOpenSeconds = d.Seconds()
			r.ReadBytes, r.Reads = counted.bytes, counted.reads
		}
		least = min(least, d)
		tab = t
	}
	r.OpenSeconds = least.Seconds()
	r.Funcs = len(tab.Funcs)
	r.Pcs = len(pcs)
	if openOnly {
		return emit(r)
	}

	if check {
		// Untimed: what the lookups answer.
		for _, pc := range pcs {
			if _, line, fn := tab.PCToLine(pc); fn != nil {
				r.Found++
				r.LineSum += int64(line)
			}
		}
	}
	r.PCToLineSeconds = best(repeat, func() {
		var sum uint64
		for _, pc := range pcs {
			file, line, fn := tab.PCToLine(pc)
			sum += uint64(len(file)) + uint64(line)
			if fn != nil {
				sum += uint64(len(fn.Name))
			}
		}
		sink += sum
	})
	r.PCToFuncSeconds = best(repeat, func() {
		var sum uint64
		for _, pc := range pcs {
			if fn := tab.PCToFunc(pc); fn != nil {
				sum += fn.Entry + uint64(len(fn.Name))
			}
		}
		sink += sum
	})
	return emit(r)
}

func emit(r result) error {
	out, err := json.Marshal(r)
	if err != nil {
		return err
	}
	fmt.Println(string(out))
	return nil
}

func best(repeat int, fn func()) float64 {
	least := time.Duration(1<<63 - 1)
	for i := 0; i < repeat; i++ {
		start := time.Now()
		fn()
		least = min(least, time.Since(start))
	}
	return least.Seconds()
}

// counter counts what is read from the file.
type counter struct {
	r     io.ReaderAt
	bytes int64
	reads int64
}

func (c *counter) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.bytes += int64(n)
	c.reads++
	return n, err
}

// open reads the symbol table as cmd/internal/objfile does for ELF and
// answers one lookup, so that the table is ready.
func open(bin string, pc uint64) (*gosym.Table, *counter, error) {
	f, err := os.Open(bin)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	c := &counter{r: f}
	ef, err := elf.NewFile(c)
	if err != nil {
		return nil, nil, err
	}
	var textStart uint64
	if s := ef.Section(".text"); s != nil {
		textStart = s.Addr
	}
	pclntab, err := sectionData(ef, ".gopclntab")
	if err != nil {
		return nil, nil, err
	}
	if pclntab == nil {
		return nil, nil, fmt.Errorf("%s: no .gopclntab section", bin)
	}
	symtab, err := sectionData(ef, ".gosymtab")
	if err != nil {
		return nil, nil, err
	}
	tab, err := gosym.NewTable(symtab, gosym.NewLineTable(pclntab, textStart))
	if err != nil {
		return nil, nil, err
	}
	file, line, _ := tab.PCToLine(pc)
	sink += uint64(len(file)) + uint64(line)
	return tab, c, nil
}

func sectionData(f *elf.File, name string) ([]byte, error) {
	s := f.Section(name)
	if s == nil {
		return nil, nil
	}
	return s.Data()
}
