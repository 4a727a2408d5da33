// Command metrics records a metrics-snapshots fixture with client_golang
// v1.12.2, the first releases reading runtime/metrics (Go 1.17 and newer):
// every metric of metrics.All() under v1.12's names, besides the
// go_memstats_* set, now computed from runtime/metrics too. Under Go 1.16 it
// falls back to runtime.ReadMemStats, as v1.11 does.
package main

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"godiag.dev/testdata/gen/programs-metrics/metricsnap"
)

func main() {
	reg := prometheus.NewRegistry()
	reg.MustRegister(goCollector())
	metricsnap.Main(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
}
