package main

import (
	"github.com/google/pprof/profile"

	"godiag.dev/testdata/gen/internal/canon"
)

func init() {
	register("pprof-string", "print google/pprof's Profile.String() of a profile, as {\"string\": …} (run with TZ=UTC)", pprofString)
}

// pprofString prints the text google/pprof renders for a parsed profile. It
// includes the profile's time in the local zone, so goldens are derived with
// TZ=UTC.
func pprofString(data []byte, w *canon.Writer) error {
	p, err := profile.ParseData(data)
	if err != nil {
		return err
	}
	return w.Line(map[string]any{"string": p.String()})
}
