package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// The executable of a core: the core-exe of its Go version and GOARCH whose
// kind is the core's (the PIE's), else the one without a kind.
func TestCoreDelveExecutableIn(t *testing.T) {
	manifest := []byte(`{"fixtures":[
		{"path":"go1.26.8/linux-amd64/core-kernel.core.gz","format":"core","kind":"core-kernel","goVersion":"go1.26.8","goarch":"amd64"},
		{"path":"go1.26.8/linux-amd64/core-kernel-pie.core.gz","format":"core","kind":"core-kernel-pie","goVersion":"go1.26.8","goarch":"amd64"},
		{"path":"go1.26.8/linux-arm64/core-qemu.core.gz","format":"core","kind":"core-qemu","goVersion":"go1.26.8","goarch":"arm64"},
		{"path":"go1.25.14/linux-amd64/core-kernel.core.gz","format":"core","kind":"core-kernel","goVersion":"go1.25.14","goarch":"amd64"},
		{"path":"go1.26.8/linux-amd64/corework.gz","format":"core-exe","goVersion":"go1.26.8","goarch":"amd64"},
		{"path":"go1.26.8/linux-amd64/corework-pie.gz","format":"core-exe","kind":"core-kernel-pie","goVersion":"go1.26.8","goarch":"amd64"},
		{"path":"go1.26.8/linux-arm64/corework.gz","format":"core-exe","goVersion":"go1.26.8","goarch":"arm64"}
	]}`)
	for core, want := range map[string]string{
		"go1.26.8/linux-amd64/core-kernel.core.gz":     "go1.26.8/linux-amd64/corework.gz",
		"go1.26.8/linux-amd64/core-kernel-pie.core.gz": "go1.26.8/linux-amd64/corework-pie.gz",
		"go1.26.8/linux-arm64/core-qemu.core.gz":       "go1.26.8/linux-arm64/corework.gz",
	} {
		got, err := coreDelveExecutableIn(manifest, "/f", core)
		if err != nil || got != filepath.Join("/f", filepath.FromSlash(want)) {
			t.Errorf("%s: got %q, %v; want %s", core, got, err, want)
		}
	}
	for core, msg := range map[string]string{
		"go1.25.14/linux-amd64/core-kernel.core.gz": "no core-exe",
		"go1.26.8/linux-amd64/corework.gz":          "not a core",
	} {
		if _, err := coreDelveExecutableIn(manifest, "/f", core); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%s: error %v, want %q", core, err, msg)
		}
	}
}
