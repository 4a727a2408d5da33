// Command corebench makes a large core file for the core reader's benchmark
// (not a fixture: the core is a gigabyte or more and is made on demand).
//
//	ulimit -c unlimited
//	GOTRACEBACK=crash corebench [-goroutines 100000] [-heap-mb 1024] [-dump FILE]
//
// It starts the goroutines, each blocked in one of a few ways (channel
// receive, select, sleep, mutex, condition variable) below a recursion of a
// varying depth so that stacks differ in size and frame count; builds a heap
// of pointer-linked nodes and pointer-free blocks, every page written so that
// the kernel writes it into the core; optionally writes runtime.Stack of every
// goroutine to FILE (the reference for the goroutine count and frames); and
// then dereferences nil, which GOTRACEBACK=crash turns into SIGABRT and a
// kernel core in the working directory (the core pattern permitting).
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sync"
	"time"
)

// node is one small heap object with pointers, so that a heap walk has
// edges to follow and not just bytes to skip.
type node struct {
	next, other *node
	id          int
	payload     [5]uint64
}

var (
	never  = make(chan int)
	never2 = make(chan int)
	mu     sync.Mutex
	cond   = sync.NewCond(&sync.Mutex{})
	nodes  []*node
	blocks [][]byte
	sink   int
)

//go:noinline
func park(kind int) {
	switch kind {
	case 0:
		<-never
	case 1:
		select {
		case <-never:
		case <-never2:
		}
	case 2:
		time.Sleep(24 * time.Hour)
	case 3:
		mu.Lock() // main holds mu
		mu.Unlock()
	default:
		cond.L.Lock()
		cond.Wait()
		cond.L.Unlock()
	}
}

// descend recurses depth times before parking, with a frame that keeps a
// little data live so that stacks grow past their first 8 KB now and then.
//
//go:noinline
func descend(depth, kind int, started *sync.WaitGroup) {
	var pad [16]int
	pad[depth%16] = depth
	if depth == 0 {
		started.Done()
		park(kind)
		return
	}
	descend(depth-1, kind, started)
	sink += pad[depth%16]
}

//go:noinline
func crash(p *int) int { return *p }

func main() {
	n := flag.Int("goroutines", 100000, "goroutines to start")
	heapMB := flag.Int("heap-mb", 1024, "heap to build, in megabytes (half small linked nodes, half 1 MB blocks)")
	dump := flag.String("dump", "", "write runtime.Stack of every goroutine to this file before crashing")
	flag.Parse()

	start := time.Now()
	mu.Lock()
	var started sync.WaitGroup
	started.Add(*n)
	for i := 0; i < *n; i++ {
		go descend(i%23, i%5, &started)
	}
	started.Wait()

	// Half the heap as nodes (each 64 bytes), linked in a list and across.
	count := (*heapMB << 20) / 2 / 64
	nodes = make([]*node, count)
	for i := range nodes {
		nodes[i] = &node{id: i}
		nodes[i].payload[i%5] = uint64(i) | 1
		if i > 0 {
			nodes[i-1].next = nodes[i]
			nodes[i].other = nodes[(i*7919)%i]
		}
	}
	// The other half as 1 MB pointer-free blocks, every page written (not zero).
	for i := 0; i < *heapMB/2; i++ {
		b := make([]byte, 1<<20)
		for j := 0; j < len(b); j += 512 {
			b[j] = byte(i + j>>9 | 1)
		}
		blocks = append(blocks, b)
	}
	fmt.Fprintf(os.Stderr, "corebench: %d goroutines, %d nodes, %d MB blocks in %v\n", runtime.NumGoroutine(), len(nodes), len(blocks), time.Since(start).Round(time.Millisecond))

	if *dump != "" {
		buf := make([]byte, 64<<20)
		for {
			k := runtime.Stack(buf, true)
			if k < len(buf) {
				buf = buf[:k]
				break
			}
			buf = make([]byte, 2*len(buf))
		}
		if err := os.WriteFile(*dump, buf, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "corebench:", err)
			os.Exit(1)
		}
	}
	sink = crash(nil)
}
