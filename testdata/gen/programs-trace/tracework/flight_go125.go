//go:build go1.25

package main

import (
	"io"
	"runtime/trace"
	"time"
)

// flight runs the workload for d under a flight recorder and writes its
// snapshot: the last whole generations only, which is what cutting a trace
// must produce too.
func flight(w io.Writer, d time.Duration) error {
	fr := trace.NewFlightRecorder(trace.FlightRecorderConfig{MinAge: d / 4})
	if err := fr.Start(); err != nil {
		return err
	}
	defer fr.Stop()
	if err := run(d); err != nil {
		return err
	}
	_, err := fr.WriteTo(w)
	return err
}
