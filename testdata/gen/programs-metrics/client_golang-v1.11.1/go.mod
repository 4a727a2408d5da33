module godiag.dev/testdata/gen/programs-metrics/client_golang-v1.11.1

go 1.16

require (
	github.com/prometheus/client_golang v1.11.1
	godiag.dev/testdata/gen/programs-metrics/metricsnap v0.0.0
)

replace godiag.dev/testdata/gen/programs-metrics/metricsnap => ../metricsnap
