package main

import (
	"bytes"
	"debug/buildinfo"
	"debug/elf"
	"debug/gosym"
	"debug/macho"
	"debug/pe"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime/debug"
	"strconv"

	"godiag.dev/testdata/gen/internal/canon"
)

// The symbol-table oracle prints what Go's own readers see in an executable:
// debug/elf, debug/macho or debug/pe find the pclntab, debug/gosym reads every
// function and the file:line of every pc, debug/buildinfo the build info. The
// shape is defined in docs/oracle.md ("Symbol tables"); gosym_inline.go adds
// the inlined frames the program's own runtime reported.
func init() {
	register("gosym", "symbol table of an executable: functions and pc→file:line (debug/gosym), build info (debug/buildinfo)", gosymDump)
}

// goExe is an executable as far as the symbol-table oracles need it.
type goExe struct {
	format    string // "elf", "macho", "pe"
	goos      string
	goarch    string
	order     binary.ByteOrder
	pclntab   []byte
	textStart uint64 // address the 1.18+ pclntab's function offsets are relative to
	symbols   map[string]uint64
	textLo    uint64 // the text section (or segment) holding the functions
	textHi    uint64
	table     *gosym.Table
	layout    string // "1.2", "1.16", "1.18", "1.20"
}

// pclntab magic numbers per layout, as the table's byte order reads them.
var pclntabLayouts = map[uint32]string{
	0xfffffffb: "1.2",
	0xfffffffa: "1.16",
	0xfffffff0: "1.18",
	0xfffffff1: "1.20",
}

// openGoExe opens an ELF, Mach-O or PE executable and its Go symbol table.
func openGoExe(data []byte) (*goExe, error) {
	var (
		x   *goExe
		err error
	)
	switch {
	case bytes.HasPrefix(data, []byte(elf.ELFMAG)):
		x, err = openGoELF(data)
	case isMachO(data):
		x, err = openGoMachO(data)
	case bytes.HasPrefix(data, []byte("MZ")):
		x, err = openGoPE(data)
	default:
		return nil, errors.New("not an ELF, Mach-O (thin) or PE executable")
	}
	if err != nil {
		return nil, err
	}
	if x.pclntab == nil {
		return nil, errors.New("no Go pclntab found")
	}
	if len(x.pclntab) < 8 {
		return nil, errors.New("pclntab too short")
	}
	layout, ok := pclntabLayouts[x.order.Uint32(x.pclntab)]
	if !ok {
		return nil, fmt.Errorf("unknown pclntab magic %#x", x.order.Uint32(x.pclntab))
	}
	x.layout = layout
	if layout == "1.18" || layout == "1.20" {
		x.textStart, err = x.chooseTextStart()
		if err != nil {
			return nil, err
		}
	}
	// debug/gosym uses the address passed here as the text start of 1.18+
	// tables; older tables hold absolute entry addresses and ignore it.
	x.table, err = gosym.NewTable(nil, gosym.NewLineTable(x.pclntab, x.textStart))
	if err != nil {
		return nil, err
	}
	if len(x.table.Funcs) == 0 {
		return nil, errors.New("pclntab has no functions")
	}
	// The symbol table, where there is one, must agree: main.main (or,
	// without it, runtime.main) at the same address.
	for _, name := range []string{"main.main", "runtime.main"} {
		addr, ok := x.symbols[name]
		if !ok {
			continue
		}
		f := x.table.LookupFunc(name)
		if f == nil {
			return nil, fmt.Errorf("%s is in the symbol table but not in the pclntab", name)
		}
		if f.Entry != addr {
			return nil, fmt.Errorf("%s: pclntab entry %#x, symbol %#x (wrong text start %#x?)", name, f.Entry, addr, x.textStart)
		}
		break
	}
	return x, nil
}

// chooseTextStart returns the address that the function offsets of a 1.18+
// pclntab are relative to: the symbol runtime.text where the symbol table
// has it; else the header's textStart field when it is not zero (in the file
// of a PIE it may be, the dynamic loader relocating it); else the start of
// the text section. Without symbols the last two are right for internally
// linked executables only, where the text section starts with runtime.text.
func (x *goExe) chooseTextStart() (uint64, error) {
	if v, ok := x.symbols["runtime.text"]; ok {
		return v, nil
	}
	ptr := int(x.pclntab[7])
	off := 8 + 2*ptr
	if len(x.pclntab) < off+ptr {
		return 0, errors.New("pclntab header truncated")
	}
	var v uint64
	if ptr == 4 {
		v = uint64(x.order.Uint32(x.pclntab[off:]))
	} else {
		v = x.order.Uint64(x.pclntab[off:])
	}
	if v != 0 {
		return v, nil
	}
	if x.textLo == 0 {
		return 0, errors.New("no runtime.text symbol, no text start in the pclntab header, no text section")
	}
	return x.textLo, nil
}

// elfGOOS is the GOOS an ELF executable says it is for: Go's linker marks
// FreeBSD executables in the header's OS/ABI byte and NetBSD and OpenBSD ones
// with a note section; everything else reads as linux.
func elfGOOS(f *elf.File) string {
	switch {
	case f.OSABI == elf.ELFOSABI_FREEBSD:
		return "freebsd"
	case f.Section(".note.netbsd.ident") != nil:
		return "netbsd"
	case f.Section(".note.openbsd.ident") != nil:
		return "openbsd"
	}
	return "linux"
}

func openGoELF(data []byte) (*goExe, error) {
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	class := 32
	if f.Class == elf.ELFCLASS64 {
		class = 64
	}
	x := &goExe{
		format:  "elf",
		goos:    elfGOOS(f),
		goarch:  elfArch(f.Machine, class, f.ByteOrder == binary.BigEndian),
		order:   f.ByteOrder,
		symbols: map[string]uint64{},
	}
	if syms, err := f.Symbols(); err == nil {
		for _, s := range syms {
			if _, dup := x.symbols[s.Name]; !dup && s.Section != elf.SHN_UNDEF {
				x.symbols[s.Name] = s.Value
			}
		}
	}
	if text := f.Section(".text"); text != nil {
		x.textLo, x.textHi = text.Addr, text.Addr+text.Size
	}
	for _, name := range []string{".gopclntab", ".data.rel.ro.gopclntab"} {
		if s := f.Section(name); s != nil && s.Type != elf.SHT_NOBITS {
			if x.pclntab, err = s.Data(); err != nil {
				return nil, err
			}
			return x, nil
		}
	}
	var sections []rawSection
	for _, s := range f.Sections {
		if s.Type == elf.SHT_NOBITS || s.Flags&elf.SHF_ALLOC == 0 {
			continue
		}
		d, err := s.Data()
		if err != nil {
			return nil, err
		}
		sections = append(sections, rawSection{s.Addr, d})
	}
	x.pclntab = x.pclntabFrom(sections)
	return x, nil
}

func openGoMachO(data []byte) (*goExe, error) {
	f, err := macho.NewFile(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	x := &goExe{
		format:  "macho",
		goos:    "darwin",
		goarch:  machoArches[f.Cpu],
		order:   f.ByteOrder,
		symbols: map[string]uint64{},
	}
	if f.Symtab != nil {
		for _, s := range f.Symtab.Syms {
			// Mach-O symbol names carry a leading underscore for C; Go's do not.
			if _, dup := x.symbols[s.Name]; !dup && s.Sect != 0 {
				x.symbols[s.Name] = s.Value
			}
		}
	}
	if text := f.Section("__text"); text != nil {
		x.textLo, x.textHi = text.Addr, text.Addr+text.Size
	}
	if s := f.Section("__gopclntab"); s != nil {
		if x.pclntab, err = s.Data(); err != nil {
			return nil, err
		}
		return x, nil
	}
	var sections []rawSection
	for _, s := range f.Sections {
		if s.Offset == 0 {
			continue // zero-fill
		}
		d, err := s.Data()
		if err != nil {
			return nil, err
		}
		sections = append(sections, rawSection{s.Addr, d})
	}
	x.pclntab = x.pclntabFrom(sections)
	return x, nil
}

func openGoPE(data []byte) (*goExe, error) {
	f, err := pe.NewFile(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var imageBase uint64
	switch oh := f.OptionalHeader.(type) {
	case *pe.OptionalHeader32:
		imageBase = uint64(oh.ImageBase)
	case *pe.OptionalHeader64:
		imageBase = oh.ImageBase
	default:
		return nil, errors.New("PE file has no optional header")
	}
	x := &goExe{
		format:  "pe",
		goos:    "windows",
		goarch:  peArches[f.Machine],
		order:   binary.LittleEndian,
		symbols: map[string]uint64{},
	}
	for _, s := range f.Symbols {
		if s.SectionNumber <= 0 || int(s.SectionNumber) > len(f.Sections) {
			continue
		}
		sect := f.Sections[s.SectionNumber-1]
		if _, dup := x.symbols[s.Name]; !dup {
			x.symbols[s.Name] = imageBase + uint64(sect.VirtualAddress) + uint64(s.Value)
		}
	}
	if text := f.Section(".text"); text != nil {
		x.textLo = imageBase + uint64(text.VirtualAddress)
		x.textHi = x.textLo + uint64(text.VirtualSize)
	}
	var sections []rawSection
	for _, s := range f.Sections {
		if s.Size == 0 {
			continue
		}
		d, err := s.Data()
		if err != nil {
			return nil, err
		}
		if uint32(len(d)) > s.VirtualSize && s.VirtualSize != 0 {
			d = d[:s.VirtualSize] // the file's padding is not part of the image
		}
		sections = append(sections, rawSection{imageBase + uint64(s.VirtualAddress), d})
	}
	x.pclntab = x.pclntabFrom(sections)
	return x, nil
}

// rawSection is the file data of a loaded section and its address.
type rawSection struct {
	addr uint64
	data []byte
}

// pclntabFrom finds the pclntab in sections: between the symbols
// runtime.pclntab and runtime.epclntab when the symbol table has them, else
// by a scan for a header (see scanPclntab). It returns nil when neither
// finds one.
func (x *goExe) pclntabFrom(sections []rawSection) []byte {
	start, ok1 := x.symbols["runtime.pclntab"]
	end, ok2 := x.symbols["runtime.epclntab"]
	if ok1 && ok2 && start <= end {
		for _, s := range sections {
			if start >= s.addr && end <= s.addr+uint64(len(s.data)) {
				return s.data[start-s.addr : end-s.addr]
			}
		}
	}
	for _, s := range sections {
		if t := x.scanPclntab(s); t != nil {
			return t
		}
	}
	return nil
}

// scanPclntab looks in a section for a pclntab header — a magic number in the
// executable's byte order, two zero bytes, a pc quantum of 1, 2 or 4 and a
// pointer size of 4 or 8 — at pointer-aligned offsets, and accepts the first
// one debug/gosym reads as a table of at least one function, all of whose
// functions lie in the text section. The table runs to the end of the
// section.
func (x *goExe) scanPclntab(s rawSection) []byte {
	for off := 0; off+16 <= len(s.data); off += 4 {
		b := s.data[off:]
		if _, ok := pclntabLayouts[x.order.Uint32(b)]; !ok || b[4] != 0 || b[5] != 0 {
			continue
		}
		if q := b[6]; q != 1 && q != 2 && q != 4 {
			continue
		}
		if p := b[7]; p != 4 && p != 8 || (s.addr+uint64(off))%uint64(p) != 0 {
			continue
		}
		if x.plausiblePclntab(b) {
			return b
		}
	}
	return nil
}

// plausiblePclntab reports whether debug/gosym reads t as a table whose
// functions all lie in the text section.
func (x *goExe) plausiblePclntab(t []byte) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	saved := x.pclntab
	x.pclntab = t
	defer func() { x.pclntab = saved }()
	textStart := uint64(0)
	if m := x.order.Uint32(t); m == 0xfffffff0 || m == 0xfffffff1 {
		var err error
		if textStart, err = x.chooseTextStart(); err != nil {
			return false
		}
	}
	tab, err := gosym.NewTable(nil, gosym.NewLineTable(t, textStart))
	if err != nil || len(tab.Funcs) == 0 {
		return false
	}
	for _, f := range tab.Funcs {
		if f.Entry < x.textLo || f.End > x.textHi || f.End < f.Entry {
			return false
		}
	}
	return true
}

// hexAddr formats an address as the goldens write addresses: "0x" and
// lowercase hex digits.
func hexAddr(v uint64) string { return "0x" + strconv.FormatUint(v, 16) }

// gosymDump prints the Binary line, one Func line per function in table
// order, and the BuildInfo line when debug/buildinfo reads one.
func gosymDump(data []byte, w *canon.Writer) error {
	x, err := openGoExe(data)
	if err != nil {
		return err
	}
	quantum := uint64(x.pclntab[6])
	bin := obj{
		"kind":    "Binary",
		"format":  x.format,
		"goos":    x.goos,
		"goarch":  x.goarch,
		"layout":  x.layout,
		"ptrSize": int(x.pclntab[7]),
		"quantum": int(quantum),
		"funcs":   len(x.table.Funcs),
	}
	if x.layout == "1.18" || x.layout == "1.20" {
		bin["textStart"] = hexAddr(x.textStart)
	}
	if err := w.Line(bin); err != nil {
		return err
	}
	for i := range x.table.Funcs {
		f := &x.table.Funcs[i]
		if err := w.Line(obj{
			"kind":  "Func",
			"name":  f.Name,
			"entry": hexAddr(f.Entry),
			"end":   hexAddr(f.End),
			"lines": funcLines(x.table, f, quantum),
		}); err != nil {
			return err
		}
	}
	if bi, err := buildinfo.Read(bytes.NewReader(data)); err == nil {
		if err := w.Line(buildInfoJSON(bi)); err != nil {
			return err
		}
	}
	return nil
}

// funcLines returns [pc, file, line] at the function's entry and at every pc
// (stepping by the pc quantum) where debug/gosym's PCToLine answers another
// file or line than at the pc before.
func funcLines(tab *gosym.Table, f *gosym.Func, quantum uint64) []any {
	lines := []any{}
	var lastFile string
	lastLine := 0
	for pc := f.Entry; pc < f.End; pc += quantum {
		file, line, _ := tab.PCToLine(pc)
		if pc == f.Entry || file != lastFile || line != lastLine {
			lines = append(lines, []any{hexAddr(pc), file, line})
			lastFile, lastLine = file, line
		}
	}
	return lines
}

// buildInfoJSON is the BuildInfo line: the fields of debug/buildinfo's
// BuildInfo (runtime/debug.BuildInfo) under lowercase names.
func buildInfoJSON(bi *buildinfo.BuildInfo) obj {
	deps := make([]any, 0, len(bi.Deps))
	for _, d := range bi.Deps {
		deps = append(deps, moduleJSON(d))
	}
	settings := make([]any, 0, len(bi.Settings))
	for _, s := range bi.Settings {
		settings = append(settings, obj{"key": s.Key, "value": s.Value})
	}
	return obj{
		"kind":      "BuildInfo",
		"goVersion": bi.GoVersion,
		"path":      bi.Path,
		"main":      moduleJSON(&bi.Main),
		"deps":      deps,
		"settings":  settings,
	}
}

func moduleJSON(m *debug.Module) obj {
	v := obj{"path": m.Path, "version": m.Version, "sum": m.Sum}
	if m.Replace != nil {
		v["replace"] = moduleJSON(m.Replace)
	}
	return v
}
