// Command metricscat prints the runtime/metrics catalogue of the Go release
// that built it: every description metrics.All() returns, in its order (by
// name), one canonical JSON object per line:
//
//	{"cumulative":false,"description":"…","kind":"Uint64","name":"/gc/cycles/total:gc-cycles","unit":"gc-cycles"}
//
// Keys are in byte order and strings are written without HTML escaping, as
// the project's canonical JSON requires (docs/oracle.md). The unit is the
// part of the name after its last colon, which is how runtime/metrics names
// carry their unit. runtime/metrics exists from Go 1.16 on, so this program
// builds with Go 1.16 and newer only.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"runtime/metrics"
	"strings"
)

// line is one metric; the fields are declared in byte order of their JSON
// keys so that encoding/json writes canonical JSON.
type line struct {
	Cumulative  bool   `json:"cumulative"`
	Description string `json:"description"`
	Kind        string `json:"kind"`
	Name        string `json:"name"`
	Unit        string `json:"unit"`
}

func kindName(k metrics.ValueKind) (string, error) {
	switch k {
	case metrics.KindUint64:
		return "Uint64", nil
	case metrics.KindFloat64:
		return "Float64", nil
	case metrics.KindFloat64Histogram:
		return "Float64Histogram", nil
	}
	return "", fmt.Errorf("unknown value kind %d", int(k))
}

func main() {
	w := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, d := range metrics.All() {
		kind, err := kindName(d.Kind)
		if err != nil {
			fmt.Fprintf(os.Stderr, "metricscat: %s: %v\n", d.Name, err)
			os.Exit(1)
		}
		i := strings.LastIndex(d.Name, ":")
		if i < 0 {
			fmt.Fprintf(os.Stderr, "metricscat: %s: no unit\n", d.Name)
			os.Exit(1)
		}
		if err := enc.Encode(line{d.Cumulative, d.Description, kind, d.Name, d.Name[i+1:]}); err != nil {
			fmt.Fprintf(os.Stderr, "metricscat: %v\n", err)
			os.Exit(1)
		}
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintf(os.Stderr, "metricscat: %v\n", err)
		os.Exit(1)
	}
}
