package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf8"

	"godiag.dev/testdata/gen/internal/canon"
)

func init() {
	register("quote", "print strconv.Quote and strconv.Unquote of test cases (base64 in, base64 out) and the rune classes they use", quoteCases)
}

// quoteCases is the reference for godiag's Go string quoting (the text trace
// format writes data="..." with strconv.Quote and reads it with Unquote):
// it quotes each of "quote", unquotes each of "unquote" (null when Go
// rejects the literal) and lists, as inclusive rune ranges, which runes
// strconv.IsPrint and unicode.IsSpace accept.
func quoteCases(data []byte, w *canon.Writer) error {
	var in struct {
		Quote   []string `json:"quote"`
		Unquote []string `json:"unquote"`
	}
	if err := json.Unmarshal(data, &in); err != nil {
		return fmt.Errorf("quote cases: %w", err)
	}
	quoted := make([]any, len(in.Quote))
	for i, b := range in.Quote {
		s, err := base64.StdEncoding.DecodeString(b)
		if err != nil {
			return fmt.Errorf("quote cases: quote %d: %w", i, err)
		}
		quoted[i] = strconv.Quote(string(s))
	}
	unquoted := make([]any, len(in.Unquote))
	for i, b := range in.Unquote {
		s, err := base64.StdEncoding.DecodeString(b)
		if err != nil {
			return fmt.Errorf("quote cases: unquote %d: %w", i, err)
		}
		if u, err := strconv.Unquote(string(s)); err == nil {
			unquoted[i] = base64.StdEncoding.EncodeToString([]byte(u))
		}
	}
	return w.Line(map[string]any{
		"quoted":      quoted,
		"unquoted":    unquoted,
		"printRanges": runeRanges(strconv.IsPrint),
		"spaceRanges": runeRanges(unicode.IsSpace),
	})
}

// runeRanges lists the maximal runs of runes in 0..MaxRune for which in is true.
func runeRanges(in func(rune) bool) []any {
	var out []any
	start := rune(-1)
	for r := rune(0); r <= utf8.MaxRune+1; r++ {
		yes := r <= utf8.MaxRune && in(r)
		if yes && start < 0 {
			start = r
		} else if !yes && start >= 0 {
			out = append(out, []any{int64(start), int64(r - 1)})
			start = -1
		}
	}
	return out
}
