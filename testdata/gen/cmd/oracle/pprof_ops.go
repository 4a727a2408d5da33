package main

// Reference results of google/pprof's profile operations (Scale, Merge,
// Compact, the filters, Prune, Aggregate) and of `go tool pprof -top` and
// `-tree`. The
// oracle takes only a file, so each subcommand applies a fixed recipe to
// the parsed profile, documented on its function; the TypeScript side of each
// recipe is in test/support/pprof-ops-goldens.ts.

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/google/pprof/profile"

	"godiag.dev/testdata/gen/internal/canon"
)

func init() {
	register("pprof-scale", "Scale(0.5), Scale(-1), ScaleN(1, 0.3, -2.5, …) of a profile", pprofScale)
	register("pprof-merge", "Merge of a profile, a copy relocated by 64 KiB and a copy scaled by 0.5", pprofMerge)
	register("pprof-diff", "a profile minus itself, minus a half-scaled copy (-base), and with -diff_base labels", pprofDiff)
	register("pprof-compact", "Compact of a profile", pprofCompact)
	register("pprof-focus", "FilterSamplesByName (focus/ignore/hide/show), ShowFrom and FilterSamplesByTag with fixed patterns", pprofFocus)
	register("pprof-prune", "Prune, RemoveUninteresting and PruneFrom with fixed patterns", pprofPrune)
	register("pprof-aggregate", "Aggregate at function, file and address granularity (then Compact)", pprofAggregate)
	register("pprof-top", "the text of `go tool pprof -top -nodecount=20 FILE`, as {\"top\": …} (needs go on PATH; run with TZ=UTC)", pprofTop)
	register("pprof-tree", "the text of `go tool pprof -tree -nodecount=20 FILE`, as {\"tree\": …} (needs go on PATH; run with TZ=UTC)", pprofTree)
}

// opsDump is pprofToDump with one normalisation: google/pprof's Merge gives
// every sample with numeric labels a NumUnit entry per key, empty when the
// key has no units, where a parsed profile has no entry. godiag's model has
// no such distinction (a label without a unit has unit ""), so empty unit
// lists are dropped.
func opsDump(p *profile.Profile) *pprofDump {
	d := pprofToDump(p)
	for i := range d.Sample {
		s := &d.Sample[i]
		for k, u := range s.NumUnit {
			if len(u) == 0 {
				delete(s.NumUnit, k)
			}
		}
		if len(s.NumUnit) == 0 {
			s.NumUnit = nil
		}
	}
	return d
}

// parseFresh parses data again: google/pprof's operations modify their
// profile in place, so each recipe starts from its own copy.
func parseFresh(data []byte) (*profile.Profile, error) {
	return profile.ParseData(data)
}

func parseN(data []byte, n int) ([]*profile.Profile, error) {
	ps := make([]*profile.Profile, n)
	for i := range ps {
		p, err := parseFresh(data)
		if err != nil {
			return nil, err
		}
		ps[i] = p
	}
	return ps, nil
}

// mixedRatios cycles 1, 0.3, -2.5 over the sample types (ratio 1 leaves a
// type alone and does not keep a sample alive).
func mixedRatios(n int) []float64 {
	cycle := []float64{1, 0.3, -2.5}
	r := make([]float64, n)
	for i := range r {
		r[i] = cycle[i%len(cycle)]
	}
	return r
}

// pprofScale: {"half": Scale(0.5), "negated": Scale(-1), "mixed": ScaleN(mixedRatios)}.
func pprofScale(data []byte, w *canon.Writer) error {
	ps, err := parseN(data, 3)
	if err != nil {
		return err
	}
	ps[0].Scale(0.5)
	ps[1].Scale(-1)
	if err := ps[2].ScaleN(mixedRatios(len(ps[2].SampleType))); err != nil {
		return err
	}
	return w.Line(map[string]any{"half": opsDump(ps[0]), "negated": opsDump(ps[1]), "mixed": opsDump(ps[2])})
}

// relocate moves every mapping and the addresses of its locations up by
// 64 KiB, as another run of the same binary under ASLR would; the time moves
// by one second and a comment is added.
func relocate(p *profile.Profile) {
	const shift = 0x10000
	for _, m := range p.Mapping {
		m.Start += shift
		m.Limit += shift
	}
	for _, l := range p.Location {
		if l.Mapping != nil {
			l.Address += shift
		}
	}
	if p.TimeNanos != 0 {
		p.TimeNanos += 1e9
	}
	p.Comments = append(p.Comments, "relocated")
}

// pprofMerge: Merge([p, relocate(p), Scale(p, 0.5)]) — equal samples,
// locations, functions and mappings are found across all three.
func pprofMerge(data []byte, w *canon.Writer) error {
	ps, err := parseN(data, 3)
	if err != nil {
		return err
	}
	relocate(ps[1])
	ps[2].Scale(0.5)
	m, err := profile.Merge(ps)
	if err != nil {
		return err
	}
	return w.Line(opsDump(m))
}

// pprofDiff: {"self": p − p, "base": p − Scale(p, 0.5) as `-base`, "diffBase":
// the same as `-diff_base` (base samples labelled pprof::base=true)}; each is
// Merge([p, Scale(base, -1)]).
func pprofDiff(data []byte, w *canon.Writer) error {
	ps, err := parseN(data, 6)
	if err != nil {
		return err
	}
	diff := func(p, base *profile.Profile) (*profile.Profile, error) {
		base.Scale(-1)
		return profile.Merge([]*profile.Profile{p, base})
	}
	self, err := diff(ps[0], ps[1])
	if err != nil {
		return err
	}
	ps[3].Scale(0.5)
	half, err := diff(ps[2], ps[3])
	if err != nil {
		return err
	}
	ps[5].Scale(0.5)
	ps[5].SetLabel("pprof::base", []string{"true"})
	labelled, err := diff(ps[4], ps[5])
	if err != nil {
		return err
	}
	return w.Line(map[string]any{"self": opsDump(self), "base": opsDump(half), "diffBase": opsDump(labelled)})
}

// pprofCompact: Compact(p).
func pprofCompact(data []byte, w *canon.Writer) error {
	p, err := parseFresh(data)
	if err != nil {
		return err
	}
	return w.Line(opsDump(p.Compact()))
}

type nameFilterResult struct {
	Profile *pprofDump `json:"profile"`
	FM      bool       `json:"focusMatched"`
	IM      bool       `json:"ignoreMatched"`
	HM      bool       `json:"hideMatched"`
	HNM     bool       `json:"showMatched"`
}

// pprofFocus applies, each to a fresh parse:
//
//	focus:    FilterSamplesByName(^runtime\., nil, nil, nil)
//	ignore:   FilterSamplesByName(nil, ^runtime\., nil, nil)
//	hide:     FilterSamplesByName(nil, nil, ^runtime\., nil)
//	show:     FilterSamplesByName(nil, nil, nil, ^main\.)
//	all:      FilterSamplesByName(main, sync, ^runtime\.gopark$, \.go$|^main\.|^runtime\.)
//	showFrom: ShowFrom(^main\.)
//	tagfocus: FilterSamplesByTag(numeric label "bytes" ≤ 4096, string label "kind" = "b")
func pprofFocus(data []byte, w *canon.Writer) error {
	ps, err := parseN(data, 7)
	if err != nil {
		return err
	}
	rx := regexp.MustCompile
	byName := func(p *profile.Profile, focus, ignore, hide, show *regexp.Regexp) nameFilterResult {
		fm, im, hm, hnm := p.FilterSamplesByName(focus, ignore, hide, show)
		return nameFilterResult{opsDump(p), fm, im, hm, hnm}
	}
	out := map[string]any{
		"focus":  byName(ps[0], rx(`^runtime\.`), nil, nil, nil),
		"ignore": byName(ps[1], nil, rx(`^runtime\.`), nil, nil),
		"hide":   byName(ps[2], nil, nil, rx(`^runtime\.`), nil),
		"show":   byName(ps[3], nil, nil, nil, rx(`^main\.`)),
		"all":    byName(ps[4], rx(`main`), rx(`sync`), rx(`^runtime\.gopark$`), rx(`\.go$|^main\.|^runtime\.`)),
	}
	matched := ps[5].ShowFrom(rx(`^main\.`))
	out["showFrom"] = map[string]any{"profile": opsDump(ps[5]), "matched": matched}
	focus := func(s *profile.Sample) bool {
		for _, v := range s.NumLabel["bytes"] {
			if v <= 4096 {
				return true
			}
		}
		return false
	}
	ignore := func(s *profile.Sample) bool {
		for _, v := range s.Label["kind"] {
			if v == "b" {
				return true
			}
		}
		return false
	}
	fm, im := ps[6].FilterSamplesByTag(focus, ignore)
	out["tagfocus"] = map[string]any{"profile": opsDump(ps[6]), "focusMatched": fm, "ignoreMatched": im}
	return w.Line(out)
}

// pprofPrune applies, each to a fresh parse:
//
//	prune:               Prune(^runtime\.|^sync\., ^runtime\.main$)
//	removeUninteresting: RemoveUninteresting with DropFrames `runtime\..*`, KeepFrames `runtime\.(main|goexit)`
//	pruneFrom:           PruneFrom(^main\.)
func pprofPrune(data []byte, w *canon.Writer) error {
	ps, err := parseN(data, 3)
	if err != nil {
		return err
	}
	ps[0].Prune(regexp.MustCompile(`^runtime\.|^sync\.`), regexp.MustCompile(`^runtime\.main$`))
	ps[1].DropFrames = `runtime\..*`
	ps[1].KeepFrames = `runtime\.(main|goexit)`
	if err := ps[1].RemoveUninteresting(); err != nil {
		return err
	}
	ps[2].PruneFrom(regexp.MustCompile(`^main\.`))
	return w.Line(map[string]any{"prune": opsDump(ps[0]), "removeUninteresting": opsDump(ps[1]), "pruneFrom": opsDump(ps[2])})
}

// pprofAggregate applies, each to a fresh parse:
//
//	functions:        Aggregate(inline, function) — what `-functions` keeps
//	functionsCompact: the same, then Compact
//	files:            Aggregate(file only), then Compact
//	addresses:        Aggregate(function, file, line, column, address; no inlined frames), then Compact
func pprofAggregate(data []byte, w *canon.Writer) error {
	ps, err := parseN(data, 4)
	if err != nil {
		return err
	}
	if err := ps[0].Aggregate(true, true, false, false, false, false); err != nil {
		return err
	}
	if err := ps[1].Aggregate(true, true, false, false, false, false); err != nil {
		return err
	}
	if err := ps[2].Aggregate(false, false, true, false, false, false); err != nil {
		return err
	}
	if err := ps[3].Aggregate(false, true, true, true, true, true); err != nil {
		return err
	}
	return w.Line(map[string]any{
		"functions":        opsDump(ps[0]),
		"functionsCompact": opsDump(ps[1].Compact()),
		"files":            opsDump(ps[2].Compact()),
		"addresses":        opsDump(ps[3].Compact()),
	})
}

// topNodeCount is the -nodecount of pprof-top.
const topNodeCount = 20

// pprofToolPath is the executable `go tool pprof` runs, found once with
// `go tool -n pprof` (which builds it into the Go build cache if needed).
// Running it directly matters: the recipe gives pprof a private HOME, and
// `go tool pprof` under that HOME would find an empty build cache and
// rebuild pprof (tens of seconds) for every profile.
var pprofToolPath = sync.OnceValues(func() (string, error) {
	out, err := exec.Command("go", "tool", "-n", "pprof").Output()
	if err != nil {
		return "", fmt.Errorf("go tool -n pprof: %v", err)
	}
	return strings.TrimSpace(string(out)), nil
})

// pprofTop runs `go tool pprof -top -nodecount=20` on the profile and prints
// its standard output as {"top": …}; see runPprofTool.
func pprofTop(data []byte, w *canon.Writer) error {
	out, err := runPprofTool(data, "-top", fmt.Sprintf("-nodecount=%d", topNodeCount))
	if err != nil {
		return err
	}
	return w.Line(map[string]any{"top": out})
}

// treeNodeCount is the -nodecount of pprof-tree (pprof's default for -tree
// is 80, more than most fixtures have; 20 exercises the trimming).
const treeNodeCount = 20

// pprofTree runs `go tool pprof -tree -nodecount=20` on the profile and
// prints its standard output as {"tree": …}; see runPprofTool.
func pprofTree(data []byte, w *canon.Writer) error {
	out, err := runPprofTool(data, "-tree", fmt.Sprintf("-nodecount=%d", treeNodeCount))
	if err != nil {
		return err
	}
	return w.Line(map[string]any{"tree": out})
}

// runPprofTool runs the pprof tool with flags on the profile (written to a
// temporary file, since the oracle sees the original bytes) and returns its
// standard output. pprof runs with HOME, PPROF_TMPDIR and PPROF_BINARY_PATH
// pointing at that temporary directory, so no local binary or setting can
// change the report. The header has no path of the temporary file (its
// `File:` line names the profile's main mapping), but its `Time:` line is in
// the local zone: run with TZ=UTC (scripts/goldens.ts does). The parse is
// checked first, so an input google/pprof rejects is an error here too.
func runPprofTool(data []byte, flags ...string) (string, error) {
	if _, err := profile.ParseData(data); err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "oracle-pprof-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "profile")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		return "", err
	}
	tool, err := pprofToolPath()
	if err != nil {
		return "", err
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(tool, append(flags, file)...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Env = append(os.Environ(), "PPROF_TMPDIR="+dir, "PPROF_BINARY_PATH="+dir, "HOME="+dir)
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go tool pprof: %v: %s", err, stderr.String())
	}
	return stdout.String(), nil
}
