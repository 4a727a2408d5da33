package main

import (
	"bytes"

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

func init() {
	register("pprof-reencode", "dump a profile after google/pprof writes it and reads it back (Write, then ParseData)", pprofReencode)
}

// pprofReencode is the reference for godiag's encoder: a profile written by
// godiag must read back in google/pprof as google/pprof's own Write output
// does. (For legacy text profiles the two differ from the original parse: a
// numeric label of 0 without a unit does not survive protobuf.)
func pprofReencode(data []byte, w *canon.Writer) error {
	p, err := profile.ParseData(data)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := p.Write(&buf); err != nil {
		return err
	}
	q, err := profile.ParseData(buf.Bytes())
	if err != nil {
		return err
	}
	return w.Line(pprofToDump(q))
}
