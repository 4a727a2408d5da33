//go:build !go1.25

package main

import (
	"errors"
	"io"
	"time"
)

// flight needs runtime/trace.FlightRecorder, new in Go 1.25.
func flight(io.Writer, time.Duration) error {
	return errors.New("the flight workload needs Go 1.25 or newer")
}
