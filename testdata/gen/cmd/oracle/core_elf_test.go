package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"godiag.dev/testdata/gen/internal/canon"
)

// synthCore is a minimal little-endian amd64 core: one PT_NOTE holding an
// NT_PRSTATUS (tid 42, rip 0x401000, rsp 0x7ffe0000) and an NT_FILE of one
// mapping whose offset is 3 pages of pageSize.
func synthCore(pageSize uint64) []byte {
	le := binary.LittleEndian
	var notes bytes.Buffer
	note := func(name string, typ uint32, desc []byte) {
		n := append([]byte(name), 0)
		binary.Write(&notes, le, uint32(len(n)))
		binary.Write(&notes, le, uint32(len(desc)))
		binary.Write(&notes, le, typ)
		notes.Write(n)
		for notes.Len()%4 != 0 {
			notes.WriteByte(0)
		}
		notes.Write(desc)
		for notes.Len()%4 != 0 {
			notes.WriteByte(0)
		}
	}
	pr := make([]byte, 112+27*8+8)
	le.PutUint16(pr[12:], 11) // pr_cursig
	le.PutUint32(pr[32:], 42) // pr_pid
	le.PutUint64(pr[112+16*8:], 0x401000)
	le.PutUint64(pr[112+19*8:], 0x7ffe0000)
	note("CORE", 1, pr)
	var f bytes.Buffer
	for _, v := range []uint64{1, pageSize, 0x400000, 0x401000, 3} {
		binary.Write(&f, le, v)
	}
	f.WriteString("/bin/x\x00")
	note("CORE", 0x46494c45, f.Bytes())
	note("XYZ", 7, []byte{1, 2, 3})

	var out bytes.Buffer
	ident := []byte{0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	out.Write(ident)
	binary.Write(&out, le, uint16(4))  // ET_CORE
	binary.Write(&out, le, uint16(62)) // EM_X86_64
	binary.Write(&out, le, uint32(1))
	binary.Write(&out, le, uint64(0))  // entry
	binary.Write(&out, le, uint64(64)) // phoff
	binary.Write(&out, le, uint64(0))  // shoff
	binary.Write(&out, le, uint32(0))
	for _, v := range []uint16{64, 56, 1, 64, 0, 0} {
		binary.Write(&out, le, v)
	}
	for _, v := range []any{uint32(4), uint32(4), uint64(120), uint64(0), uint64(0), uint64(notes.Len()), uint64(0), uint64(4)} {
		binary.Write(&out, le, v)
	}
	out.Write(notes.Bytes())
	return out.Bytes()
}

// TestCoreElfSynthetic checks the decoding of a core written from the
// kernel's layouts: registers by name, and NT_FILE offsets in bytes whichever
// page size the writer used (the kernel's 4096, gdb's 1).
func TestCoreElfSynthetic(t *testing.T) {
	for _, page := range []uint64{4096, 1} {
		var buf bytes.Buffer
		w := canon.NewWriter(&buf)
		if err := coreElf(synthCore(page), w); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
		if len(lines) != 5 { // Core, Prog, three notes
			t.Fatalf("page %d: %d lines:\n%s", page, len(lines), buf.String())
		}
		var st struct {
			PrStatus struct {
				Tid       int
				Cursig    int
				Registers map[string]string
			}
		}
		if err := json.Unmarshal([]byte(lines[2]), &st); err != nil {
			t.Fatal(err)
		}
		if st.PrStatus.Tid != 42 || st.PrStatus.Cursig != 11 || st.PrStatus.Registers["rip"] != "0x401000" || st.PrStatus.Registers["rsp"] != "0x7ffe0000" {
			t.Errorf("page %d: prstatus %+v", page, st.PrStatus)
		}
		var fl struct {
			File struct {
				Mappings []struct{ Offset, Path string }
			}
		}
		if err := json.Unmarshal([]byte(lines[3]), &fl); err != nil {
			t.Fatal(err)
		}
		want := map[uint64]string{4096: "0x3000", 1: "0x3"}[page]
		if len(fl.File.Mappings) != 1 || fl.File.Mappings[0].Offset != want || fl.File.Mappings[0].Path != "/bin/x" {
			t.Errorf("page %d: NT_FILE %+v, want offset %s", page, fl.File, want)
		}
		if !strings.Contains(lines[4], `"name":"XYZ"`) || !strings.Contains(lines[4], `"size":3`) {
			t.Errorf("unknown note: %s", lines[4])
		}
	}
}

// TestCoreElfFixtures dumps every recorded core: each has threads with
// registers and, but for qemu-user's, an NT_FILE naming the executable.
func TestCoreElfFixtures(t *testing.T) {
	root := filepath.Join("..", "..", "..", "fixtures")
	data, err := os.ReadFile(filepath.Join(root, "manifest.json"))
	if os.IsNotExist(err) {
		t.Skip("no fixtures recorded")
	}
	if err != nil {
		t.Fatal(err)
	}
	var man struct {
		Fixtures []struct{ Path, Format, Kind string }
	}
	if err := json.Unmarshal(data, &man); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, fx := range man.Fixtures {
		if fx.Format != "core" {
			continue
		}
		n++
		in, err := readInput(filepath.Join(root, filepath.FromSlash(fx.Path)))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		w := canon.NewWriter(&buf)
		if err := coreElf(in, w); err != nil {
			t.Fatalf("%s: %v", fx.Path, err)
		}
		w.Flush()
		out := buf.String()
		if c := strings.Count(out, `"prstatus"`); c < 2 {
			t.Errorf("%s: %d threads", fx.Path, c)
		}
		if fx.Kind != "core-qemu" && !strings.Contains(out, `"file":{`) {
			t.Errorf("%s: no NT_FILE", fx.Path)
		}
	}
	if n == 0 {
		t.Skip("no core fixtures")
	}
}
