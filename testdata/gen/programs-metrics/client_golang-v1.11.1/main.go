// Command metrics records a metrics-snapshots fixture with client_golang
// v1.11.1, the last release before runtime/metrics: its Go collector reads
// runtime.ReadMemStats (go_memstats_*) and debug.ReadGCStats
// (go_gc_duration_seconds).
package main

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"godiag.dev/testdata/gen/programs-metrics/metricsnap"
)

func main() {
	reg := prometheus.NewRegistry()
	reg.MustRegister(prometheus.NewGoCollector())
	metricsnap.Main(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
}
