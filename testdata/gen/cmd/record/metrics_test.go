package main

import (
	"go/version"
	"testing"
)

// TestMetricsExtraToolchains checks that the extra toolchains of the
// metrics-catalog set are newer patches of minors the default matrix has,
// so that no toolchain is recorded twice and none is too old for the set.
func TestMetricsExtraToolchains(t *testing.T) {
	for _, extra := range metricsExtraToolchains {
		if version.Compare(extra, metricsMinGo) < 0 {
			t.Errorf("%s predates runtime/metrics (%s)", extra, metricsMinGo)
		}
		sameMinor := false
		for _, tc := range defaultToolchains {
			if tc == extra {
				t.Errorf("%s is in the default matrix too", extra)
			}
			if version.Lang(tc) == version.Lang(extra) {
				sameMinor = true
				if tc != version.Lang(tc) && version.Compare(tc, extra) >= 0 {
					t.Errorf("%s is not newer than the default %s", extra, tc)
				}
			}
		}
		if !sameMinor {
			t.Errorf("%s: no default toolchain of %s", extra, version.Lang(extra))
		}
	}
}
