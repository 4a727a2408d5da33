package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"godiag.dev/testdata/gen/internal/canon"
)

func init() {
	register("canon", "print the canonical JSON of test values (floats as IEEE-754 bits in hex, strings in base64)", canonCases)
}

// canonCases checks the canonical JSON rules themselves: the TypeScript writer
// must print the same text for the same floats and byte strings.
func canonCases(data []byte, w *canon.Writer) error {
	var in struct {
		Floats  []string `json:"floats"`
		Strings []string `json:"strings"`
	}
	if err := json.Unmarshal(data, &in); err != nil {
		return fmt.Errorf("canon cases: %w", err)
	}
	floats := make([]any, len(in.Floats))
	for i, h := range in.Floats {
		bits, err := strconv.ParseUint(h, 16, 64)
		if err != nil {
			return fmt.Errorf("canon cases: float %d: %w", i, err)
		}
		floats[i] = math.Float64frombits(bits)
	}
	strs := make([]any, len(in.Strings))
	for i, b := range in.Strings {
		s, err := base64.StdEncoding.DecodeString(b)
		if err != nil {
			return fmt.Errorf("canon cases: string %d: %w", i, err)
		}
		strs[i] = string(s)
	}
	return w.Line(map[string]any{"floats": floats, "strings": strs})
}
