// Command bench-pprof times google/pprof on one profile, for comparison with
// the TypeScript reader in the same run on the same machine: parsing
// (profile.ParseData), and encoding the parsed profile again (Profile.Write,
// gzip-compressed, and Profile.WriteUncompressed). Each is the best of 5 runs.
//
// Usage: bench-pprof FILE
//
// It prints one JSON object:
//
//	{"parseSeconds":S,"writeSeconds":S,"writeUncompressedSeconds":S,"parseUncompressedSeconds":S,
//	 "writtenBytes":N,"bytes":N,"uncompressedBytes":N}
//
// where bytes is the file's size and uncompressedBytes the size of the
// profile.proto it holds (after removing the gzip layer, if any).
//
// A large input: see testdata/gen/programs/bigheap.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/google/pprof/profile"
)

const runs = 5

type result struct {
	ParseSeconds             float64 `json:"parseSeconds"`
	WriteSeconds             float64 `json:"writeSeconds"`
	WriteUncompressedSeconds float64 `json:"writeUncompressedSeconds"`
	ParseUncompressedSeconds float64 `json:"parseUncompressedSeconds"`
	WrittenBytes             int     `json:"writtenBytes"`
	Bytes                    int     `json:"bytes"`
	UncompressedBytes        int     `json:"uncompressedBytes"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: bench-pprof FILE")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "bench-pprof:", err)
		os.Exit(1)
	}
}

// best returns the shortest of runs timings of f.
func best(f func() error) (float64, error) {
	least := time.Duration(1<<63 - 1)
	for i := 0; i < runs; i++ {
		start := time.Now()
		if err := f(); err != nil {
			return 0, err
		}
		if d := time.Since(start); d < least {
			least = d
		}
	}
	return least.Seconds(), nil
}

func run(name string) error {
	data, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	r := result{Bytes: len(data), UncompressedBytes: len(data)}
	if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return err
		}
		n, err := io.Copy(io.Discard, zr)
		if err != nil {
			return err
		}
		r.UncompressedBytes = int(n)
	}

	var p *profile.Profile
	if r.ParseSeconds, err = best(func() (err error) {
		p, err = profile.ParseData(data)
		return err
	}); err != nil {
		return err
	}
	var buf bytes.Buffer
	if r.WriteSeconds, err = best(func() error {
		buf.Reset()
		return p.Write(&buf)
	}); err != nil {
		return err
	}
	r.WrittenBytes = buf.Len()
	if r.WriteUncompressedSeconds, err = best(func() error {
		buf.Reset()
		return p.WriteUncompressed(&buf)
	}); err != nil {
		return err
	}
	raw := append([]byte(nil), buf.Bytes()...)
	if r.ParseUncompressedSeconds, err = best(func() (err error) {
		_, err = profile.ParseData(raw)
		return err
	}); err != nil {
		return err
	}
	out, err := json.Marshal(r)
	if err != nil {
		return err
	}
	fmt.Println(string(out))
	return nil
}
