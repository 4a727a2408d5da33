module godiag.dev/testdata/gen/programs-trace

go 1.22
