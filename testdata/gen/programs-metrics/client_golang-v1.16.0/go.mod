module godiag.dev/testdata/gen/programs-metrics/client_golang-v1.16.0

go 1.17

require (
	github.com/prometheus/client_golang v1.16.0
	godiag.dev/testdata/gen/programs-metrics/metricsnap v0.0.0
)

require (
	github.com/beorn7/perks v1.0.1 // indirect
	github.com/cespare/xxhash/v2 v2.2.0 // indirect
	github.com/golang/protobuf v1.5.3 // indirect
	github.com/matttproud/golang_protobuf_extensions v1.0.4 // indirect
	github.com/prometheus/client_model v0.3.0 // indirect
	github.com/prometheus/common v0.42.0 // indirect
	github.com/prometheus/procfs v0.10.1 // indirect
	golang.org/x/sys v0.8.0 // indirect
	google.golang.org/protobuf v1.30.0 // indirect
)

replace godiag.dev/testdata/gen/programs-metrics/metricsnap => ../metricsnap
