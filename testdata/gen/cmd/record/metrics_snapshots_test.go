package main

import (
	"go/version"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMetricsVariants checks which runs each toolchain records: memstats and
// the newest client it can build everywhere from Go 1.16, and v1.12 from Go
// 1.17 unless it is that toolchain's current client.
func TestMetricsVariants(t *testing.T) {
	if vs := metricsVariants("go1.15.15"); vs != nil {
		t.Errorf("go1.15.15: want no runs, got %v", vs)
	}
	want := map[string]string{
		"go1.16.15": "memstats=v1.11.1 current=v1.12.2",
		"go1.17.13": "memstats=v1.11.1 current=v1.16.0 v1.12=v1.12.2",
		"go1.19.8":  "memstats=v1.11.1 current=v1.18.0 v1.12=v1.12.2",
		"go1.24.13": "memstats=v1.11.1 current=v1.23.2 v1.12=v1.12.2",
		"go1.26.8":  "memstats=v1.11.1 current=v1.25.0 v1.12=v1.12.2",
	}
	for ver, w := range want {
		var got []string
		for _, v := range metricsVariants(ver) {
			got = append(got, v.name+"="+v.client.version)
		}
		if g := strings.Join(got, " "); g != w {
			t.Errorf("%s: got %q, want %q", ver, g, w)
		}
	}
}

// TestMetricsClientModules checks that every client's module exists, requires
// that client_golang version, and has a go line its toolchains accept.
func TestMetricsClientModules(t *testing.T) {
	clients := append([]metricsClient{metricsMemStatsClient}, metricsCurrentClients...)
	for i, c := range clients {
		if i > 1 && version.Compare(c.minGo, clients[i-1].minGo) < 0 {
			t.Errorf("%s: clients not oldest first", c.version)
		}
		data, err := os.ReadFile(filepath.Join("..", "..", "programs-metrics", c.dir(), "go.mod"))
		if err != nil {
			t.Error(err)
			continue
		}
		mod := string(data)
		if !strings.Contains(mod, "github.com/prometheus/client_golang "+c.version+"\n") {
			t.Errorf("%s: go.mod does not require client_golang %s", c.dir(), c.version)
		}
		for _, line := range strings.Split(mod, "\n") {
			if strings.HasPrefix(line, "go ") && version.Compare(version.Lang("go"+strings.TrimPrefix(line, "go ")), c.minGo) > 0 {
				t.Errorf("%s: %q is newer than %s", c.dir(), line, c.minGo)
			}
		}
	}
}
