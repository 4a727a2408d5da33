module godiag.dev/testdata/gen/programs-core

go 1.22
