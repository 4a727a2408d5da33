// Command metrics records a metrics-snapshots fixture with client_golang
// v1.22.0: the Go collector with every runtime/metrics metric (MetricsAll) besides the default go_memstats_* set.
package main

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"godiag.dev/testdata/gen/programs-metrics/metricsnap"
)

func main() {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(collectors.WithGoCollectorRuntimeMetrics(collectors.MetricsAll)))
	metricsnap.Main(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
}
