module godiag.dev/testdata/gen/programs

go 1.19
