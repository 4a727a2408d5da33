module godiag.dev/testdata/gen/programs-metrics/metricsnap

go 1.16
