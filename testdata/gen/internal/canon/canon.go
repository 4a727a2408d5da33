// Package canon writes the canonical JSON that every oracle program prints.
//
// The TypeScript side of godiag produces the same bytes for the same data, so
// the rules here are deliberately small and explicit:
//
//   - compact output (no insignificant whitespace), one JSON value per line,
//     each line terminated by "\n";
//   - object keys sorted by byte order (Go string order);
//   - integers whose magnitude is at most 2^53-1 are JSON numbers; an integer
//     outside that range is an error: values that are "64-bit" by nature
//     (addresses, ids, entry points) must be wrapped in U64 or I64, which are
//     always written as decimal JSON strings;
//   - floats are written as strconv.FormatFloat(f, 'g', -1, 64) (so 1e+21,
//     1e-07, 0.5, -0), except NaN, +Inf and -Inf which become the JSON strings
//     "NaN", "+Inf" and "-Inf";
//   - strings are escaped as encoding/json does with SetEscapeHTML(false):
//     '"' and '\\' are escaped, \b \f \n \r \t use short forms, other control
//     characters below U+0020 become \u00XX with lowercase hex, U+2028 and
//     U+2029 become \u2028 and \u2029, each byte of invalid UTF-8 and every
//     U+FFFD becomes \ufffd, and everything else (including <, >, & and U+007F) is literal.
//
// Accepted values: nil, bool, string, all integer kinds, float32/float64
// (float32 is widened to float64 first), U64, I64, Raw, []byte is NOT special
// (it is a slice of numbers), maps with string keys, slices and arrays, and
// structs (exported fields; `json:"name"` and `json:"name,omitempty"` and
// `json:"-"` tags are honoured), plus pointers and interfaces to any of those.
package canon

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxSafeInt is 2^53-1 (JavaScript's Number.MAX_SAFE_INTEGER): integers with |v| <= MaxSafeInt are written as numbers.
const MaxSafeInt = 1<<53 - 1

// U64 marshals as a decimal JSON string, e.g. U64(4198400) -> "4198400".
type U64 uint64

// I64 marshals as a decimal JSON string, e.g. I64(-5) -> "-5".
type I64 int64

// Raw is inserted verbatim. The caller guarantees it is canonical JSON.
type Raw string

var (
	u64Type = reflect.TypeOf(U64(0))
	i64Type = reflect.TypeOf(I64(0))
	rawType = reflect.TypeOf(Raw(""))
)

// Marshal returns the canonical encoding of v, without a trailing newline.
func Marshal(v any) ([]byte, error) {
	var sb strings.Builder
	if err := encode(&sb, reflect.ValueOf(v)); err != nil {
		return nil, err
	}
	return []byte(sb.String()), nil
}

// Writer writes one canonical JSON value per line.
type Writer struct {
	w   *bufio.Writer
	err error
}

// NewWriter returns a Writer that writes to w. Call Flush when done.
func NewWriter(w io.Writer) *Writer { return &Writer{w: bufio.NewWriter(w)} }

// Line writes v followed by "\n".
func (w *Writer) Line(v any) error {
	if w.err != nil {
		return w.err
	}
	b, err := Marshal(v)
	if err != nil {
		w.err = err
		return err
	}
	b = append(b, '\n')
	if _, err := w.w.Write(b); err != nil {
		w.err = err
	}
	return w.err
}

// Flush flushes buffered output and reports the first error seen.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	w.err = w.w.Flush()
	return w.err
}

// Float formats f following the canonical float rule (as JSON text).
func Float(f float64) string {
	switch {
	case math.IsNaN(f):
		return `"NaN"`
	case math.IsInf(f, 1):
		return `"+Inf"`
	case math.IsInf(f, -1):
		return `"-Inf"`
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// String returns the canonical JSON encoding of s (with quotes).
func String(s string) string {
	var sb strings.Builder
	writeString(&sb, s)
	return sb.String()
}

const hexDigits = "0123456789abcdef"

func writeString(sb *strings.Builder, s string) {
	sb.WriteByte('"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			sb.WriteString(s[start:i])
			switch c {
			case '"':
				sb.WriteString(`\"`)
			case '\\':
				sb.WriteString(`\\`)
			case '\b':
				sb.WriteString(`\b`)
			case '\f':
				sb.WriteString(`\f`)
			case '\n':
				sb.WriteString(`\n`)
			case '\r':
				sb.WriteString(`\r`)
			case '\t':
				sb.WriteString(`\t`)
			default:
				sb.WriteString(`\u00`)
				sb.WriteByte(hexDigits[c>>4])
				sb.WriteByte(hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError {
			// Both an ill-formed byte (size 1) and a real U+FFFD (size 3) are
			// written as the escape: a reader that has already replaced bad
			// bytes with U+FFFD cannot tell the two apart, so neither may we.
			sb.WriteString(s[start:i])
			sb.WriteString(`\ufffd`)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			sb.WriteString(s[start:i])
			sb.WriteString(`\u202`)
			sb.WriteByte(hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	sb.WriteString(s[start:])
	sb.WriteByte('"')
}

func encode(sb *strings.Builder, v reflect.Value) error {
	if !v.IsValid() {
		sb.WriteString("null")
		return nil
	}
	switch v.Type() {
	case u64Type:
		sb.WriteByte('"')
		sb.WriteString(strconv.FormatUint(v.Uint(), 10))
		sb.WriteByte('"')
		return nil
	case i64Type:
		sb.WriteByte('"')
		sb.WriteString(strconv.FormatInt(v.Int(), 10))
		sb.WriteByte('"')
		return nil
	case rawType:
		sb.WriteString(v.String())
		return nil
	}
	switch v.Kind() {
	case reflect.Bool:
		if v.Bool() {
			sb.WriteString("true")
		} else {
			sb.WriteString("false")
		}
	case reflect.String:
		writeString(sb, v.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n := v.Int()
		if n > MaxSafeInt || n < -MaxSafeInt {
			return fmt.Errorf("canon: integer %d outside ±2^53; wrap it in canon.I64", n)
		}
		sb.WriteString(strconv.FormatInt(n, 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		n := v.Uint()
		if n > MaxSafeInt {
			return fmt.Errorf("canon: integer %d outside ±2^53; wrap it in canon.U64", n)
		}
		sb.WriteString(strconv.FormatUint(n, 10))
	case reflect.Float32, reflect.Float64:
		sb.WriteString(Float(v.Float()))
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			sb.WriteString("null")
			return nil
		}
		return encode(sb, v.Elem())
	case reflect.Slice:
		if v.IsNil() {
			sb.WriteString("null")
			return nil
		}
		return encodeList(sb, v)
	case reflect.Array:
		return encodeList(sb, v)
	case reflect.Map:
		if v.IsNil() {
			sb.WriteString("null")
			return nil
		}
		if v.Type().Key().Kind() != reflect.String {
			return fmt.Errorf("canon: map key type %s is not a string", v.Type().Key())
		}
		keys := make([]string, 0, v.Len())
		vals := make(map[string]reflect.Value, v.Len())
		iter := v.MapRange()
		for iter.Next() {
			k := iter.Key().String()
			keys = append(keys, k)
			vals[k] = iter.Value()
		}
		sort.Strings(keys)
		sb.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				sb.WriteByte(',')
			}
			writeString(sb, k)
			sb.WriteByte(':')
			if err := encode(sb, vals[k]); err != nil {
				return err
			}
		}
		sb.WriteByte('}')
	case reflect.Struct:
		return encodeStruct(sb, v)
	default:
		return fmt.Errorf("canon: unsupported type %s", v.Type())
	}
	return nil
}

func encodeList(sb *strings.Builder, v reflect.Value) error {
	sb.WriteByte('[')
	for i := 0; i < v.Len(); i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		if err := encode(sb, v.Index(i)); err != nil {
			return err
		}
	}
	sb.WriteByte(']')
	return nil
}

type field struct {
	name string
	val  reflect.Value
}

func encodeStruct(sb *strings.Builder, v reflect.Value) error {
	t := v.Type()
	fields := make([]field, 0, t.NumField())
	seen := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name := sf.Name
		omitempty := false
		if tag, ok := sf.Tag.Lookup("json"); ok {
			if tag == "-" {
				continue
			}
			parts := strings.Split(tag, ",")
			if parts[0] != "" {
				name = parts[0]
			}
			for _, p := range parts[1:] {
				if p == "omitempty" {
					omitempty = true
				}
			}
		}
		fv := v.Field(i)
		if omitempty && isEmpty(fv) {
			continue
		}
		if seen[name] {
			return fmt.Errorf("canon: duplicate key %q in %s", name, t)
		}
		seen[name] = true
		fields = append(fields, field{name, fv})
	}
	sort.Slice(fields, func(i, j int) bool { return fields[i].name < fields[j].name })
	sb.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			sb.WriteByte(',')
		}
		writeString(sb, f.name)
		sb.WriteByte(':')
		if err := encode(sb, f.val); err != nil {
			return err
		}
	}
	sb.WriteByte('}')
	return nil
}

// isEmpty follows encoding/json's omitempty rule.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Interface, reflect.Pointer:
		return v.IsNil()
	}
	return false
}
