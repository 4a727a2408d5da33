package main

import (
	"bytes"
	"compress/gzip"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"regexp"

	"github.com/google/pprof/profile"

	"godiag.dev/testdata/gen/internal/canon"
)

func init() {
	register("inspect", "identify the file: trace, pprof, elf, macho, macho-universal or pe", inspect)
}

// obj is a JSON object; canon sorts its keys.
type obj = map[string]any

func inspect(data []byte, w *canon.Writer) error {
	var (
		v   obj
		err error
	)
	switch {
	case isTrace(data):
		v, err = inspectTrace(data)
	case bytes.HasPrefix(data, []byte(elf.ELFMAG)):
		v, err = inspectELF(data)
	case isMachO(data):
		v, err = inspectMachO(data)
	case isFatMachO(data):
		v, err = inspectFatMachO(data)
	case bytes.HasPrefix(data, []byte("MZ")):
		v, err = inspectPE(data)
	default:
		v, err = inspectPprof(data)
		if err != nil {
			err = fmt.Errorf("unrecognized file (not trace, ELF, Mach-O, PE; as pprof: %v)", err)
		}
	}
	if err != nil {
		return err
	}
	return w.Line(v)
}

// An execution trace starts with a 16-byte header "go 1.N trace" padded with NULs.
var traceHeader = regexp.MustCompile(`^go 1\.([0-9]+) trace\x00*$`)

func isTrace(data []byte) bool {
	return len(data) >= 16 && traceHeader.Match(data[:16])
}

func inspectTrace(data []byte) (obj, error) {
	m := traceHeader.FindSubmatch(data[:16])
	return obj{"format": "trace", "version": "1." + string(m[1])}, nil
}

func inspectPprof(data []byte) (obj, error) {
	compression := "none"
	raw := data
	if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
		compression = "gzip"
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		if raw, err = io.ReadAll(zr); err != nil {
			return nil, err
		}
	}
	if len(raw) == 0 {
		return nil, errors.New("empty input")
	}
	// ParseUncompressed accepts only profile.proto (no legacy text formats).
	p, err := profile.ParseUncompressed(raw)
	if err != nil {
		return nil, err
	}
	sampleTypes := make([]any, 0, len(p.SampleType))
	for _, st := range p.SampleType {
		sampleTypes = append(sampleTypes, obj{"type": st.Type, "unit": st.Unit})
	}
	return obj{
		"format":      "pprof",
		"compression": compression,
		"sampleTypes": sampleTypes,
		"samples":     len(p.Sample),
	}, nil
}

func byteOrderName(bo binary.ByteOrder) string {
	if bo == binary.BigEndian {
		return "big"
	}
	return "little"
}

func inspectELF(data []byte) (obj, error) {
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	class := 32
	if f.Class == elf.ELFCLASS64 {
		class = 64
	}
	v := obj{
		"format":    "elf",
		"class":     class,
		"byteOrder": byteOrderName(f.ByteOrder),
		"osabi":     int(f.OSABI),
		"type":      int(f.Type),
		"machine":   int(f.Machine),
		"entry":     canon.U64(f.Entry),
	}
	if arch := elfArch(f.Machine, class, f.ByteOrder == binary.BigEndian); arch != "" {
		v["arch"] = arch
	}
	return v, nil
}

func elfArch(m elf.Machine, class int, big bool) string {
	switch m {
	case elf.EM_386:
		return "386"
	case elf.EM_X86_64:
		return "amd64"
	case elf.EM_ARM:
		return "arm"
	case elf.EM_AARCH64:
		return "arm64"
	case elf.EM_PPC64:
		if big {
			return "ppc64"
		}
		return "ppc64le"
	case elf.EM_S390:
		return "s390x"
	case elf.EM_RISCV:
		return "riscv64"
	case elf.EM_MIPS:
		switch {
		case class == 32 && big:
			return "mips"
		case class == 32:
			return "mipsle"
		case big:
			return "mips64"
		default:
			return "mips64le"
		}
	case elf.EM_LOONGARCH:
		return "loong64"
	}
	return ""
}

func isMachO(data []byte) bool {
	if len(data) < 4 {
		return false
	}
	be := binary.BigEndian.Uint32(data)
	le := binary.LittleEndian.Uint32(data)
	return be == macho.Magic32 || be == macho.Magic64 || le == macho.Magic32 || le == macho.Magic64
}

func isFatMachO(data []byte) bool {
	return len(data) >= 4 && binary.BigEndian.Uint32(data) == macho.MagicFat
}

var machoArches = map[macho.Cpu]string{
	macho.Cpu386:   "386",
	macho.CpuAmd64: "amd64",
	macho.CpuArm:   "arm",
	macho.CpuArm64: "arm64",
	macho.CpuPpc64: "ppc64",
}

func inspectMachO(data []byte) (obj, error) {
	f, err := macho.NewFile(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	bits := 32
	if f.Magic == macho.Magic64 {
		bits = 64
	}
	v := obj{
		"format":    "macho",
		"bits":      bits,
		"byteOrder": byteOrderName(f.ByteOrder),
		"cpu":       int(f.Cpu),
		"type":      int(f.Type),
	}
	if arch, ok := machoArches[f.Cpu]; ok {
		v["arch"] = arch
	}
	return v, nil
}

func inspectFatMachO(data []byte) (obj, error) {
	f, err := macho.NewFatFile(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	arches := make([]any, 0, len(f.Arches))
	for _, a := range f.Arches {
		e := obj{"cpu": int(a.Cpu)}
		if arch, ok := machoArches[a.Cpu]; ok {
			e["arch"] = arch
		}
		arches = append(arches, e)
	}
	return obj{"format": "macho-universal", "arches": arches}, nil
}

var peArches = map[uint16]string{
	pe.IMAGE_FILE_MACHINE_I386:  "386",
	pe.IMAGE_FILE_MACHINE_AMD64: "amd64",
	pe.IMAGE_FILE_MACHINE_ARM:   "arm",
	pe.IMAGE_FILE_MACHINE_ARMNT: "arm",
	pe.IMAGE_FILE_MACHINE_ARM64: "arm64",
}

func inspectPE(data []byte) (obj, error) {
	f, err := pe.NewFile(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	v := obj{"format": "pe", "machine": int(f.Machine)}
	switch f.OptionalHeader.(type) {
	case *pe.OptionalHeader64:
		v["bits"] = 64
	case *pe.OptionalHeader32:
		v["bits"] = 32
	default:
		return nil, errors.New("PE file has no optional header")
	}
	if arch, ok := peArches[f.Machine]; ok {
		v["arch"] = arch
	}
	return v, nil
}
