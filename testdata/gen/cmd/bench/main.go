// Command bench times Go's reference implementations of the byte-layer
// operations that bench/run.ts times in TypeScript, on the same input file, so
// both are measured in the same run on the same machine.
//
// Usage: bench uvarint FILE | bench gunzip FILE
//
// It prints one JSON object: {"op":..., "bytes":N, "seconds":S, "items":N}
// for the best of several repetitions.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: bench uvarint|gunzip FILE")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var run func() int
	switch os.Args[1] {
	case "uvarint":
		run = func() int {
			n := 0
			var sum uint64
			for b := data; len(b) > 0; n++ {
				v, k := binary.Uvarint(b)
				if k <= 0 {
					panic("bad varint")
				}
				sum += v
				b = b[k:]
			}
			if sum == 42 {
				fmt.Fprint(io.Discard, sum)
			}
			return n
		}
	case "gunzip":
		run = func() int {
			zr, err := gzip.NewReader(bytes.NewReader(data))
			if err != nil {
				panic(err)
			}
			n, err := io.Copy(io.Discard, zr)
			if err != nil {
				panic(err)
			}
			return int(n)
		}
	default:
		fmt.Fprintln(os.Stderr, "unknown op", os.Args[1])
		os.Exit(2)
	}
	best := time.Duration(1 << 62)
	items := 0
	for i := 0; i < 7; i++ {
		start := time.Now()
		items = run()
		if d := time.Since(start); d < best {
			best = d
		}
	}
	json.NewEncoder(os.Stdout).Encode(map[string]any{"op": os.Args[1], "bytes": len(data), "seconds": best.Seconds(), "items": items})
}
