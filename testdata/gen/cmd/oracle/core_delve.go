package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/go-delve/delve/pkg/goversion"
	"github.com/go-delve/delve/pkg/proc"
	"github.com/go-delve/delve/pkg/proc/core"
	"github.com/go-delve/delve/service/api"

	"godiag.dev/testdata/gen/internal/canon"
)

func init() {
	register("core-delve", "a core fixture read by Delve's library (pkg/proc/core) with its executable from the fixture manifest: every goroutine Delve lists, with its stack", coreDelve)
}

// The core-delve dump: Delve (github.com/go-delve/delve, pinned in go.mod) as
// a second reader of the Go layer of a core, independent of godiag and of the
// program's own goroutine dump. Its input is a recorded core fixture: the
// executable is not in the core, so it is found through the fixture manifest
// (the core-exe of the same Go version and GOARCH whose kind is the core's,
// else the one without a kind), and both are written out uncompressed for
// Delve, which reads files.
//
// Lines: one "Process" line, then one "Goroutine" line per goroutine
// proc.GoroutinesInfo lists (runtime.allgs without dead goroutines, in allgs
// order). Addresses are "0x…" strings; ids, statuses and lines are numbers.
//
//   - status, waitReason: the g's atomicstatus and waitreason codes as Delve
//     read them; waitReasonText: Delve's own table of the reason's text
//     (service/api.WaitReasonString for the executable's Go version), for a
//     non-zero code only;
//   - thread: the OS thread Delve found running the goroutine (its TLS g), when
//     one does;
//   - labels: G.Labels(), absent when Delve finds no label set ({} for an
//     empty one);
//   - go: the go statement (gopc and G.Go(): function, file, line);
//   - start: startpc and G.StartLoc (Delve's function for it, wrappers of go
//     statements unwrapped where Delve does, with its entry);
//   - system: G.System, Delve's isSystemGoroutine;
//   - frames: proc.GoroutineStacktrace to depth coreDelveDepth (Delve returns
//     up to depth+1 frames), innermost first, each frame's Call location (pc as
//     Delve keeps it: a return address for outer frames), function ("" when
//     Delve knows none), file, line, inlined; a frame carrying an error ends
//     the stack and its text is stackError instead of a frame.
const coreDelveDepth = 64

type delveProcess struct {
	Kind          string `json:"kind"`
	Producer      string `json:"producer"`
	GoArch        string `json:"goarch"`
	Threads       []int  `json:"threads"`
	CurrentThread int    `json:"currentThread"`
	Goroutines    int    `json:"goroutines"`
}

type delveLoc struct {
	PC       string `json:"pc"`
	Function string `json:"function"`
	File     string `json:"file"`
	Line     int    `json:"line"`
}

type delveFrame struct {
	PC       string `json:"pc"`
	Function string `json:"function"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	Inlined  bool   `json:"inlined"`
}

type delveGoroutine struct {
	Kind           string             `json:"kind"`
	ID             int64              `json:"id"`
	Unreadable     string             `json:"unreadable,omitempty"`
	Status         uint64             `json:"status"`
	WaitReason     int64              `json:"waitReason"`
	WaitReasonText string             `json:"waitReasonText,omitempty"`
	Thread         int                `json:"thread,omitempty"`
	Labels         *map[string]string `json:"labels,omitempty"`
	Go             delveLoc           `json:"go"`
	StartPC        string             `json:"startPc"`
	Start          delveLoc           `json:"start"`
	System         bool               `json:"system"`
	Frames         []delveFrame       `json:"frames"`
	StackError     string             `json:"stackError,omitempty"`
}

// coreDelveExecutable finds the executable of the core fixture at path in the
// fixture manifest of a directory above it.
func coreDelveExecutable(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	for dir := filepath.Dir(abs); ; dir = filepath.Dir(dir) {
		data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
		if err == nil {
			rel, err := filepath.Rel(dir, abs)
			if err != nil {
				return "", err
			}
			return coreDelveExecutableIn(data, dir, filepath.ToSlash(rel))
		}
		if !errors.Is(err, os.ErrNotExist) {
			return "", err
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("%s: no manifest.json in a directory above it (core-delve reads core fixtures)", path)
		}
	}
}

func coreDelveExecutableIn(manifest []byte, dir, rel string) (string, error) {
	type entry struct {
		Path      string `json:"path"`
		Format    string `json:"format"`
		Kind      string `json:"kind"`
		GoVersion string `json:"goVersion"`
		GoArch    string `json:"goarch"`
	}
	var m struct {
		Fixtures []entry `json:"fixtures"`
	}
	if err := json.Unmarshal(manifest, &m); err != nil {
		return "", fmt.Errorf("manifest: %v", err)
	}
	var c *entry
	for i := range m.Fixtures {
		if m.Fixtures[i].Path == rel && m.Fixtures[i].Format == "core" {
			c = &m.Fixtures[i]
		}
	}
	if c == nil {
		return "", fmt.Errorf("%s is not a core in the manifest", rel)
	}
	var exact, plain string
	for _, f := range m.Fixtures {
		if f.Format != "core-exe" || f.GoVersion != c.GoVersion || f.GoArch != c.GoArch {
			continue
		}
		switch f.Kind {
		case c.Kind:
			exact = f.Path
		case "":
			plain = f.Path
		}
	}
	if exact == "" {
		exact = plain
	}
	if exact == "" {
		return "", fmt.Errorf("no core-exe in the manifest for %s", rel)
	}
	return filepath.Join(dir, filepath.FromSlash(exact)), nil
}

func delveLocation(l proc.Location) delveLoc {
	d := delveLoc{PC: hex64(l.PC), File: l.File, Line: l.Line}
	if l.Fn != nil {
		d.Function = l.Fn.Name
	}
	return d
}

func coreDelve(data []byte, w *canon.Writer) error {
	exe, err := coreDelveExecutable(inputPath)
	if err != nil {
		return err
	}
	exeData, err := readInput(exe)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "core-delve-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	corePath, exePath := filepath.Join(dir, "core"), filepath.Join(dir, "exe")
	if err := os.WriteFile(corePath, data, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(exePath, exeData, 0o755); err != nil {
		return err
	}
	grp, err := core.OpenCore(corePath, exePath, nil)
	if err != nil {
		return fmt.Errorf("delve: %v", err)
	}
	defer grp.Detach(true)
	t := grp.Selected
	bi := t.BinInfo()
	gs, _, err := proc.GoroutinesInfo(t, 0, 0)
	if err != nil {
		return fmt.Errorf("delve: goroutines: %v", err)
	}
	threads := []int{}
	for _, th := range t.ThreadList() {
		threads = append(threads, th.ThreadID())
	}
	sort.Ints(threads)
	head := delveProcess{Kind: "Process", Producer: bi.Producer(), GoArch: bi.Arch.Name, Threads: threads, CurrentThread: t.CurrentThread().ThreadID(), Goroutines: len(gs)}
	if err := w.Line(head); err != nil {
		return err
	}
	version := goversion.ParseProducer(bi.Producer())
	for _, g := range gs {
		if g.Unreadable != nil {
			if err := w.Line(delveGoroutine{Kind: "Goroutine", Unreadable: g.Unreadable.Error(), Frames: []delveFrame{}}); err != nil {
				return err
			}
			continue
		}
		o := delveGoroutine{
			Kind: "Goroutine", ID: g.ID, Status: g.Status, WaitReason: g.WaitReason,
			Go: delveLocation(g.Go()), StartPC: hex64(g.StartPC), Start: delveLocation(g.StartLoc(t)),
			System: g.System(t), Frames: []delveFrame{},
		}
		if l := g.Labels(); l != nil {
			o.Labels = &l
		}
		if g.WaitReason != 0 {
			o.WaitReasonText = api.WaitReasonString(&version, g.WaitReason)
		}
		if g.Thread != nil {
			o.Thread = g.Thread.ThreadID()
		}
		frames, err := proc.GoroutineStacktrace(t, g, coreDelveDepth, 0)
		if err != nil {
			o.StackError = err.Error()
		}
		for _, f := range frames {
			if f.Err != nil {
				o.StackError = f.Err.Error()
				break
			}
			l := delveLocation(f.Call)
			o.Frames = append(o.Frames, delveFrame{PC: l.PC, Function: l.Function, File: l.File, Line: l.Line, Inlined: f.Inlined})
		}
		if err := w.Line(o); err != nil {
			return err
		}
	}
	return nil
}
