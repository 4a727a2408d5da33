package main

import (
	"go/version"
	"testing"
)

// TestGosymMatrix checks that every build of the gosym set names a known
// variant and a toolchain of the default matrix, so none is silently never
// recorded.
func TestGosymMatrix(t *testing.T) {
	langs := map[string]bool{}
	for _, tc := range defaultToolchains {
		langs[version.Lang(tc)] = true
	}
	seen := map[gosymBuild]bool{}
	for _, b := range gosymBuilds {
		if _, ok := gosymVariants[b.variant]; !ok {
			t.Errorf("%v: unknown variant", b)
		}
		if b.lang != "" && !langs[b.lang] {
			t.Errorf("%v: no default toolchain of %s", b, b.lang)
		}
		if b.variant == "cgo" && b.target != (target{"linux", "amd64"}) {
			t.Errorf("%v: cgo needs the host's C compiler", b)
		}
		if seen[b] {
			t.Errorf("%v: listed twice", b)
		}
		seen[b] = true
	}
	if version.Compare(defaultToolchains[0], gosymMinGo) < 0 {
		t.Errorf("the oldest default toolchain %s predates the gosym set's %s", defaultToolchains[0], gosymMinGo)
	}
}

func TestCommonBuildFlags(t *testing.T) {
	r := &recorder{}
	for ver, want := range map[string]int{"go1.13.15": 1, "go1.17.13": 1, "go1.18.10": 2, "go1.26.8": 2} {
		if got := r.commonBuildFlags(ver); len(got) != want || got[0] != "-trimpath" {
			t.Errorf("%s: %v", ver, got)
		}
	}
}

func TestOkStatus(t *testing.T) {
	man := &manifest{Fixtures: []entry{
		{GoVersion: "go1.13.15", Program: "gosym"},
		{GoVersion: "go1.26.8", Program: "gosym"},
		{GoVersion: "go1.26.8", Program: "basic"},
		{GoVersion: "go1.22.12", Program: "tracework"},
		{GoVersion: "go1.22.12", Program: "gosym"},
	}}
	for ver, want := range map[string]string{
		"go1.13.15": "ok (gosym set only)",
		"go1.26.8":  "ok",
		"go1.22.12": "ok (trace, gosym sets only)",
		"go1.12.17": "ok (nothing to record)",
	} {
		if got := okStatus(man, ver); got != want {
			t.Errorf("%s: %q, want %q", ver, got, want)
		}
	}
}
