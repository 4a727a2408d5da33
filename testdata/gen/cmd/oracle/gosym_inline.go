package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"godiag.dev/testdata/gen/internal/canon"
)

// gosym-inline turns what the gosym fixture program's own runtime reported
// (its output, recorded beside the executable as <executable>.callers.json)
// into lookups at static addresses: for every
// physical frame of every captured stack, the pc and the frames
// runtime.CallersFrames gave for it, innermost first, the inlined ones
// expanded. The runtime is the ground truth for inlined frames; debug/gosym
// has none. See docs/oracle.md ("Symbol tables").
func init() {
	register("gosym-inline", "inlined frames at the pcs the gosym program captured, from its own runtime.CallersFrames (FILE.callers.json beside the executable)", gosymInline)
}

// callersPathOf names the program's output recorded beside an executable
// fixture: the executable's name without the storage ".gz", plus
// ".callers.json".
func callersPathOf(exe string) string {
	return strings.TrimSuffix(exe, ".gz") + ".callers.json"
}

// The lines of the program's output (testdata/gen/programs/gosym).
type callersProgram struct {
	Kind      string `json:"kind"`
	GoVersion string `json:"goVersion"`
	GOOS      string `json:"goos"`
	GOARCH    string `json:"goarch"`
	MainEntry string `json:"mainEntry"`
}

type callersScenario struct {
	Kind   string         `json:"kind"`
	Name   string         `json:"name"`
	PCs    []string       `json:"pcs"`
	Frames []callersFrame `json:"frames"`
}

type callersFrame struct {
	PC        string `json:"pc"`
	Entry     string `json:"entry"`
	Function  string `json:"function"`
	File      string `json:"file"`
	Line      int    `json:"line"`
	Inlined   bool   `json:"inlined"`
	StartLine *int   `json:"startLine"`
}

func parseHexAddr(s string) (uint64, error) {
	if !strings.HasPrefix(s, "0x") {
		return 0, fmt.Errorf("address %q: want 0x…", s)
	}
	return strconv.ParseUint(s[2:], 16, 64)
}

func gosymInline(data []byte, w *canon.Writer) error {
	if inputPath == "" {
		return errors.New("gosym-inline needs the executable's file name")
	}
	callers, err := os.ReadFile(callersPathOf(inputPath))
	if err != nil {
		return fmt.Errorf("the program's output: %w", err)
	}
	x, err := openGoExe(data)
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(bytes.NewReader(callers))
	sc.Buffer(nil, 16<<20)
	if !sc.Scan() {
		return errors.New("callers: empty")
	}
	var prog callersProgram
	if err := json.Unmarshal(sc.Bytes(), &prog); err != nil || prog.Kind != "Program" {
		return fmt.Errorf("callers: first line is not the Program line (%v)", err)
	}
	if prog.GOOS != x.goos || prog.GOARCH != x.goarch {
		return fmt.Errorf("callers of %s/%s for a %s/%s executable", prog.GOOS, prog.GOARCH, x.goos, x.goarch)
	}
	// The load bias: where main.main ran, less where the executable puts it
	// (0 but for a PIE).
	mainRun, err := parseHexAddr(prog.MainEntry)
	if err != nil {
		return err
	}
	mainFn := x.table.LookupFunc("main.main")
	if mainFn == nil {
		return errors.New("no main.main in the pclntab")
	}
	bias := mainRun - mainFn.Entry
	scenarios := 0
	for sc.Scan() {
		var s callersScenario
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			return fmt.Errorf("callers: %v", err)
		}
		if s.Kind != "Scenario" || len(s.Frames) == 0 {
			return fmt.Errorf("callers: unexpected line %q", sc.Text())
		}
		scenarios++
		// A physical frame is a run of inlined frames ended by the frame of
		// the function whose code holds them all.
		var group []callersFrame
		for _, f := range s.Frames {
			group = append(group, f)
			if f.Inlined {
				continue
			}
			line, err := x.inlineLookup(s.Name, group, bias)
			if err != nil {
				return fmt.Errorf("scenario %s: %v", s.Name, err)
			}
			if err := w.Line(line); err != nil {
				return err
			}
			group = nil
		}
		if group != nil {
			return fmt.Errorf("scenario %s: stack ends in inlined frames", s.Name)
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if scenarios == 0 {
		return errors.New("callers: no scenarios")
	}
	return nil
}

// inlineLookup is the golden line of one physical frame: its pc (that of the
// innermost frame) and entry at static addresses and its frames. It checks
// the runtime's answer against debug/gosym where both know it: the pc lies
// in the function of that entry, whose name is the outermost frame's, and
// the innermost frame's file and line are what the pc→line table says.
func (x *goExe) inlineLookup(scenario string, group []callersFrame, bias uint64) (obj, error) {
	first, last := group[0], group[len(group)-1]
	runPC, err := parseHexAddr(first.PC)
	if err != nil {
		return nil, err
	}
	runEntry, err := parseHexAddr(last.Entry)
	if err != nil {
		return nil, err
	}
	pc, entry := runPC-bias, runEntry-bias
	fn := x.table.PCToFunc(pc)
	if fn == nil {
		return nil, fmt.Errorf("pc %#x (%#x at run time) is in no function", pc, runPC)
	}
	if fn.Entry != entry {
		return nil, fmt.Errorf("pc %#x: function %s at %#x, the runtime says entry %#x", pc, fn.Name, fn.Entry, entry)
	}
	if printName(fn.Name) != printName(last.Function) {
		return nil, fmt.Errorf("pc %#x: function %s, the runtime says %s", pc, fn.Name, last.Function)
	}
	file, line, _ := x.table.PCToLine(pc)
	if file != first.File || line != first.Line {
		return nil, fmt.Errorf("pc %#x: %s:%d, the runtime says %s:%d", pc, file, line, first.File, first.Line)
	}
	frames := make([]any, 0, len(group))
	for _, f := range group {
		fr := obj{"function": f.Function, "file": f.File, "line": f.Line, "inlined": f.Inlined}
		if f.StartLine != nil {
			fr["startLine"] = *f.StartLine
		}
		frames = append(frames, fr)
	}
	return obj{"scenario": scenario, "pc": hexAddr(pc), "entry": hexAddr(entry), "frames": frames}, nil
}

// printName is a function name as the runtime prints it from Go 1.21 on: the
// type arguments of a generic function's instantiation, from the first '['
// to the last ']', replaced by "...".
func printName(name string) string {
	i := strings.IndexByte(name, '[')
	j := strings.LastIndexByte(name, ']')
	if i < 0 || j <= i {
		return name
	}
	return name[:i] + "[...]" + name[j+1:]
}
