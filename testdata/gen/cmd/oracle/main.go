// Command oracle prints reference ("oracle") readings of Go diagnostic files as
// canonical JSON (see internal/canon), for the TypeScript tests to compare with.
//
// Usage: oracle <format> <file>
//
// If file ends in ".gz" it is a storage gzip layer: it is decompressed fully
// and the format reader sees the original bytes. Exit status: 0 on success,
// 1 on a read or parse error (message on stderr), 2 on bad usage.
package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"godiag.dev/testdata/gen/internal/canon"
)

// A format reads the original bytes of one file and writes canonical JSON.
type format struct {
	help string
	run  func(data []byte, w *canon.Writer) error
}

// formats is the registry of subcommands; each format registers itself from
// its own file with register.
var formats = map[string]format{}

// inputPath is the file name given on the command line, for the few formats
// that read a file recorded beside their input (gosym-inline).
var inputPath string

func register(name, help string, run func(data []byte, w *canon.Writer) error) {
	if _, dup := formats[name]; dup {
		panic("oracle: duplicate format " + name)
	}
	formats[name] = format{help: help, run: run}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: oracle <format> <file>")
	fmt.Fprintln(os.Stderr, "formats:")
	names := make([]string, 0, len(formats))
	for n := range formats {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(os.Stderr, "  %-10s %s\n", n, formats[n].help)
	}
	os.Exit(2)
}

// readInput returns the original bytes of name, undoing a ".gz" storage layer.
func readInput(name string) ([]byte, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	if !strings.HasSuffix(name, ".gz") {
		return data, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: storage gzip: %w", name, err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("%s: storage gzip: %w", name, err)
	}
	return out, nil
}

func main() {
	if len(os.Args) != 3 {
		usage()
	}
	f, ok := formats[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "oracle: unknown format %q\n", os.Args[1])
		usage()
	}
	inputPath = os.Args[2]
	data, err := readInput(inputPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "oracle:", err)
		os.Exit(1)
	}
	w := canon.NewWriter(os.Stdout)
	if err := f.run(data, w); err != nil {
		w.Flush()
		fmt.Fprintf(os.Stderr, "oracle %s: %s: %v\n", os.Args[1], os.Args[2], err)
		os.Exit(1)
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "oracle:", err)
		os.Exit(1)
	}
}
