module godiag.dev/testdata/gen

go 1.26.0

require (
	github.com/google/pprof v0.0.0-20260906184651-6331bc6350fe
	golang.org/x/exp v0.0.0-20261014143641-f0251eb4aa3e
)
