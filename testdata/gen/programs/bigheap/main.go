// Command bigheap writes a large heap profile, for benchmarks (it is not a
// committed fixture): with runtime.MemProfileRate = 1 it allocates from many
// distinct call stacks, each a path through four mutually recursive functions
// whose choice at every level and whose depth (40 to 119 frames) depend on
// the path number, so every allocation site has its own stack.
//
// Usage: bigheap -o FILE [-paths N]
//
// With the default 240000 paths and Go 1.23 or newer (heap profile stacks up
// to 128 frames) the profile is about 24 MB uncompressed (as written, gzip,
// it is much smaller). It must build with every Go toolchain from go1.19 on.
package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"runtime"
	"runtime/pprof"
	"time"
)

var sink []byte

func main() {
	out := flag.String("o", "", "output file")
	paths := flag.Int("paths", 240000, "number of distinct allocation stacks")
	flag.Parse()
	if *out == "" || flag.NArg() != 0 {
		log.Fatal("usage: bigheap -o FILE [-paths N]")
	}
	runtime.MemProfileRate = 1
	start := time.Now()
	for p := 0; p < *paths; p++ {
		depth := 40 + (p*7919)%80
		walk(uint64(p), depth, p%4)
	}
	runtime.GC()
	runtime.GC()
	allocated := time.Since(start)

	var buf bytes.Buffer
	if err := pprof.Lookup("heap").WriteTo(&buf, 0); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		log.Fatal(err)
	}
	n, err := io.Copy(io.Discard, zr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "bigheap: %d paths, allocated in %.1fs, profile written in %.1fs: %d bytes (%d uncompressed) to %s\n",
		*paths, allocated.Seconds(), time.Since(start).Seconds()-allocated.Seconds(), buf.Len(), n, *out)
}

// walk descends depth more levels, choosing the next function from the low
// two bits of path (then shifting them out, mixed with the level so deep
// levels keep varying), and allocates at the bottom.
func walk(path uint64, depth, which int) {
	switch which {
	case 0:
		stepA(path, depth)
	case 1:
		stepB(path, depth)
	case 2:
		stepC(path, depth)
	default:
		stepD(path, depth)
	}
}

func next(path uint64, depth int) (uint64, int) {
	return path>>2 | uint64(depth)<<58, int(path & 3)
}

//go:noinline
func stepA(path uint64, depth int) {
	if depth == 0 {
		sink = make([]byte, 16)
		return
	}
	p, w := next(path, depth)
	switch w {
	case 0:
		stepA(p, depth-1)
	case 1:
		stepB(p, depth-1)
	case 2:
		stepC(p, depth-1)
	default:
		stepD(p, depth-1)
	}
}

//go:noinline
func stepB(path uint64, depth int) {
	if depth == 0 {
		sink = make([]byte, 32)
		return
	}
	p, w := next(path, depth)
	switch w {
	case 0:
		stepA(p, depth-1)
	case 1:
		stepB(p, depth-1)
	case 2:
		stepC(p, depth-1)
	default:
		stepD(p, depth-1)
	}
}

//go:noinline
func stepC(path uint64, depth int) {
	if depth == 0 {
		sink = make([]byte, 48)
		return
	}
	p, w := next(path, depth)
	switch w {
	case 0:
		stepA(p, depth-1)
	case 1:
		stepB(p, depth-1)
	case 2:
		stepC(p, depth-1)
	default:
		stepD(p, depth-1)
	}
}

//go:noinline
func stepD(path uint64, depth int) {
	if depth == 0 {
		sink = make([]byte, 64)
		return
	}
	p, w := next(path, depth)
	switch w {
	case 0:
		stepA(p, depth-1)
	case 1:
		stepB(p, depth-1)
	case 2:
		stepC(p, depth-1)
	default:
		stepD(p, depth-1)
	}
}
