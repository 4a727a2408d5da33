package main

import (
	"reflect"
	"runtime"
	"strconv"
	"unicode/utf8"
)

// jsonWriter builds JSON text by hand (no encoding/json: see the package
// comment). Strings are escaped as encoding/json does.
type jsonWriter struct {
	buf   []byte
	comma []bool // per open object: a field was written
}

// begin opens an object; a separator before it is the caller's.
func (w *jsonWriter) begin() {
	w.buf = append(w.buf, '{')
	w.comma = append(w.comma, false)
}

func (w *jsonWriter) end() {
	w.buf = append(w.buf, '}')
	w.comma = w.comma[:len(w.comma)-1]
}

func (w *jsonWriter) newline() { w.buf = append(w.buf, '\n') }

func (w *jsonWriter) key(k string) {
	n := len(w.comma) - 1
	if w.comma[n] {
		w.buf = append(w.buf, ',')
	}
	w.comma[n] = true
	w.str(k)
	w.buf = append(w.buf, ':')
}

func (w *jsonWriter) field(k, v string) {
	w.key(k)
	w.str(v)
}

func (w *jsonWriter) intField(k string, v int) {
	w.key(k)
	w.buf = strconv.AppendInt(w.buf, int64(v), 10)
}

func (w *jsonWriter) boolField(k string, v bool) {
	w.key(k)
	w.buf = strconv.AppendBool(w.buf, v)
}

func (w *jsonWriter) hexField(k string, v uintptr) {
	w.key(k)
	w.hex(v)
}

// hex writes an address as a JSON string "0x…" (lowercase).
func (w *jsonWriter) hex(v uintptr) {
	w.buf = append(w.buf, '"', '0', 'x')
	w.buf = strconv.AppendUint(w.buf, uint64(v), 16)
	w.buf = append(w.buf, '"')
}

func (w *jsonWriter) str(s string) {
	const hexDigits = "0123456789abcdef"
	w.buf = append(w.buf, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				w.buf = append(w.buf, '\\', c)
			case c == '\n':
				w.buf = append(w.buf, '\\', 'n')
			case c == '\r':
				w.buf = append(w.buf, '\\', 'r')
			case c == '\t':
				w.buf = append(w.buf, '\\', 't')
			case c < 0x20:
				w.buf = append(w.buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				w.buf = append(w.buf, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			w.buf = append(w.buf, `\ufffd`...)
		} else {
			w.buf = append(w.buf, s[i:i+size]...)
		}
		i += size
	}
	w.buf = append(w.buf, '"')
}

// frameStartLine reads the unexported startLine of a runtime.Frame (Go 1.20
// and newer have it; the public API does not expose it).
func frameStartLine(f *runtime.Frame) (int, bool) {
	v := reflect.ValueOf(f).Elem().FieldByName("startLine")
	if !v.IsValid() {
		return 0, false
	}
	return int(v.Int()), true
}
