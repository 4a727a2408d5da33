package canon

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func mustMarshal(t *testing.T, v any) string {
	t.Helper()
	b, err := Marshal(v)
	if err != nil {
		t.Fatalf("Marshal(%#v): %v", v, err)
	}
	return string(b)
}

func TestScalars(t *testing.T) {
	cases := []struct {
		in   any
		want string
	}{
		{nil, `null`},
		{true, `true`},
		{false, `false`},
		{0, `0`},
		{-1, `-1`},
		{int64(MaxSafeInt), `9007199254740991`},
		{int64(-MaxSafeInt), `-9007199254740991`},
		{uint32(4294967295), `4294967295`},
		{U64(4198400), `"4198400"`},
		{U64(math.MaxUint64), `"18446744073709551615"`},
		{I64(math.MinInt64), `"-9223372036854775808"`},
		{Raw(`{"a":1}`), `{"a":1}`},
		{0.5, `0.5`},
		{1.0, `1`},
		{100.0, `100`},
		{1e21, `1e+21`},
		{1e20, `1e+20`},
		{1e6, `1e+06`},
		{123456.0, `123456`},
		{1e-7, `1e-07`},
		{0.0001, `0.0001`},
		{math.Copysign(0, -1), `-0`},
		{math.NaN(), `"NaN"`},
		{math.Inf(1), `"+Inf"`},
		{math.Inf(-1), `"-Inf"`},
		{float32(0.5), `0.5`},
	}
	for _, c := range cases {
		if got := mustMarshal(t, c.in); got != c.want {
			t.Errorf("Marshal(%#v) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestIntRange(t *testing.T) {
	for _, v := range []any{int64(MaxSafeInt + 1), int64(-MaxSafeInt - 1), uint64(MaxSafeInt + 1)} {
		if _, err := Marshal(v); err == nil {
			t.Errorf("Marshal(%v): want error", v)
		}
	}
}

func TestStrings(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", `""`},
		{"plain", `"plain"`},
		{"<a&b>", `"<a&b>"`},
		{"q\"b\\", `"q\"b\\"`},
		{"\b\f\n\r\t", `"\b\f\n\r\t"`},
		{"\x00\x01\x1f\x7f", `"\u0000\u0001\u001f` + "\x7f" + `"`},
		{"\u2028\u2029", `"\u2028\u2029"`},
		{"é€😀", `"é€😀"`},
		{"a\xffb", `"a\ufffdb"`},
		{"\xe2\x82", `"\ufffd\ufffd"`},
		{"\xed\xa0\x80", `"\ufffd\ufffd\ufffd"`}, // surrogate: invalid in UTF-8
	}
	for _, c := range cases {
		if got := mustMarshal(t, c.in); got != c.want {
			t.Errorf("Marshal(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

// TestStringsMatchEncodingJSON checks that string escaping is byte-identical to
// encoding/json with SetEscapeHTML(false), for every 1- and 2-byte string and
// some longer ones.
func TestStringsMatchEncodingJSON(t *testing.T) {
	check := func(s string) {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		want := strings.TrimSuffix(buf.String(), "\n")
		if got := String(s); got != want {
			t.Errorf("String(%q) = %s, encoding/json = %s", s, got, want)
		}
	}
	for a := 0; a < 256; a++ {
		check(string([]byte{byte(a)}))
		for b := 0; b < 256; b++ {
			check(string([]byte{byte(a), byte(b)}))
		}
	}
	for _, s := range []string{"\u2028x\u2029", "\xf0\x9f\x98", "\xf4\x90\x80\x80", "ok\xc0\xafok", "\U0010ffff"} {
		check(s)
	}
}

func TestCompositesSorted(t *testing.T) {
	type inner struct {
		Z     int    `json:"z"`
		A     string `json:"a"`
		Skip  int    `json:"-"`
		Empty string `json:"empty,omitempty"`
		Addr  U64    `json:"addr"`
	}
	v := map[string]any{
		"b":     []any{1, "x", nil, inner{Z: 1, A: "y", Addr: 16}},
		"a":     map[string]int{"é": 1, "z": 2, "Z": 3},
		"arr":   [2]bool{true, false},
		"empty": []int{},
		"nil":   []int(nil),
	}
	want := `{"a":{"Z":3,"z":2,"é":1},"arr":[true,false],"b":[1,"x",null,{"a":"y","addr":"16","z":1}],"empty":[],"nil":null}`
	if got := mustMarshal(t, v); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestWriterLines(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	if err := w.Line(map[string]any{"x": 1}); err != nil {
		t.Fatal(err)
	}
	if err := w.Line([]any{"a"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), "{\"x\":1}\n[\"a\"]\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if err := w.Line(map[int]int{1: 1}); err == nil {
		t.Error("non-string map key: want error")
	}
}
