// Command gosym is a fixture program for symbol tables: its executables are
// the fixtures, and what it prints when run is the runtime's own view of its
// inlined frames, the ground truth for static lookups in its pclntab.
//
// Usage: gosym >FILE
//
// It runs a set of scenarios — call chains through inlined functions,
// methods, closures, generics (Go 1.18+), a deep package path, a deferred
// call, a goroutine, a recovered panic, recursion and, when built with cgo, a
// callback from C — each capturing runtime.Callers at its innermost point,
// and prints JSON Lines: first
//
//	{"kind":"Program","goVersion":…,"goos":…,"goarch":…,"mainEntry":"0x…"}
//
// (mainEntry is the run-time address of main.main, from which a reader finds
// the load bias of a PIE), then per scenario
//
//	{"kind":"Scenario","name":…,"pcs":["0x…",…],"frames":[{"pc":"0x…","entry":"0x…","function":…,"file":…,"line":N,"inlined":B,"startLine":N},…]}
//
// where pcs are what runtime.Callers returned and frames what
// runtime.CallersFrames made of them (startLine only where the runtime's
// Frame has it, Go 1.20+).
//
// It must build with every toolchain from go1.13 on: newer language features
// and APIs sit in build-tagged files. It deliberately imports little (not os,
// fmt or encoding/json: it takes no arguments and writes with syscall) to
// keep the executables, and so the committed fixtures, small.
package main

import (
	"runtime"
	"syscall"
)

func main() {
	results := runScenarios()
	var out jsonWriter
	out.begin()
	out.field("kind", "Program")
	out.field("goVersion", runtime.Version())
	out.field("goos", runtime.GOOS)
	out.field("goarch", runtime.GOARCH)
	out.hexField("mainEntry", mainEntry())
	out.end()
	out.newline()
	for _, r := range results {
		writeScenario(&out, r)
	}
	for b := out.buf; len(b) > 0; {
		n, err := syscall.Write(syscall.Stdout, b)
		if err != nil || n <= 0 {
			panic("gosym: writing the output failed")
		}
		b = b[n:]
	}
}

// mainEntry returns the run-time entry address of main.main.
//
//go:noinline
func mainEntry() uintptr {
	pcs := make([]uintptr, 1)
	runtime.Callers(2, pcs) // skip runtime.Callers and mainEntry: a return pc in main.main
	return runtime.FuncForPC(pcs[0] - 1).Entry()
}

// A result is what one scenario captured.
type result struct {
	name string
	pcs  []uintptr
}

// scenario functions each return the pcs runtime.Callers saw at their
// innermost point.
type scenario struct {
	name string
	run  func() []uintptr
}

// scenarios lists every scenario; build-tagged files add theirs in init.
var scenarios = []scenario{
	{"chain", chainOuter},
	{"chain-twice", chainTwice},
	{"method-value", methodValue},
	{"method-pointer", methodPointer},
	{"closure-direct", closureDirect},
	{"closure-passed", closurePassed},
	{"deep-package", deepPackage},
	{"defer", deferred},
	{"goroutine", inGoroutine},
	{"recover", recovered},
	{"recursion", recursion},
}

func runScenarios() []result {
	out := make([]result, 0, len(scenarios))
	for _, s := range scenarios {
		out = append(out, result{s.name, append([]uintptr(nil), s.run()...)})
	}
	return out
}

func writeScenario(out *jsonWriter, r result) {
	out.begin()
	out.field("kind", "Scenario")
	out.field("name", r.name)
	out.key("pcs")
	out.buf = append(out.buf, '[')
	for i, pc := range r.pcs {
		if i > 0 {
			out.buf = append(out.buf, ',')
		}
		out.hex(pc)
	}
	out.buf = append(out.buf, ']')
	out.key("frames")
	out.buf = append(out.buf, '[')
	frames := runtime.CallersFrames(r.pcs)
	first := true
	for {
		f, more := frames.Next()
		if f.PC == 0 && !more {
			break
		}
		if !first {
			out.buf = append(out.buf, ',')
		}
		first = false
		out.begin()
		out.hexField("pc", f.PC)
		out.hexField("entry", f.Entry)
		out.field("function", f.Function)
		out.field("file", f.File)
		out.intField("line", f.Line)
		out.boolField("inlined", f.Func == nil)
		if line, ok := frameStartLine(&f); ok {
			out.intField("startLine", line)
		}
		out.end()
		if !more {
			break
		}
	}
	out.buf = append(out.buf, ']')
	out.end()
	out.newline()
}
