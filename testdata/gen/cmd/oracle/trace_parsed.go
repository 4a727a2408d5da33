package main

import (
	"godiag.dev/testdata/gen/internal/canon"
)

// The trace-parsed oracle prints what `go tool trace -d=parsed FILE` of the
// reference toolchain prints: every event its trace reader yields, as
// Event.String(), one per line. That text is the reference of godiag's
// formatEvent.
func init() {
	register("trace-parsed", "the text of `TZ=UTC go tool trace -d=parsed FILE` (Go 1.26), as {\"parsed\": …}", traceParsed)
}

// traceParsed runs the reference tool with TZ=UTC: the Sync events of Go
// 1.25+ traces print their wall-clock snapshot in the local zone, and godiag
// prints it in UTC by default. There is no fallback toolchain: a trace the
// tool stops reading is an error (after the events it printed), so its
// golden is the rejection.
func traceParsed(data []byte, w *canon.Writer) error {
	out, err := runTraceTool(referenceToolchain, data, "-d=parsed", "TZ=UTC")
	if err != nil {
		return err
	}
	return w.Line(map[string]any{"parsed": out})
}
