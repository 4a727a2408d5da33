package main

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"

	"godiag.dev/testdata/gen/internal/canon"
)

func init() {
	register("core-elf", "an ELF core file: program headers (debug/elf) and notes with the payloads of NT_PRSTATUS, NT_PRPSINFO, NT_SIGINFO, NT_AUXV and NT_FILE (64-bit Linux layouts)", coreElf)
}

// The core-elf dump: one "Core" line, one "Prog" line per program header
// (debug/elf's Progs), then one "Note" line per note of every PT_NOTE
// segment, in file order. Notes owned by "CORE" of the five types below
// carry their decoded payload; every other note only its name, type, size and
// offset. Addresses, sizes of memory and masks are "0x…" strings; times (in
// microseconds), auxiliary vector keys and the NT_FILE page size are decimal
// strings (canon.U64); everything else is a JSON number.
//
// Payload layouts are those of 64-bit Linux (struct elf_prstatus,
// elf_prpsinfo, siginfo_t, the auxiliary vector, the NT_FILE table), read
// here with encoding/binary from the kernel's definitions; the general
// registers are named for amd64 (user_regs_struct) and arm64 (user_pt_regs).

type coreHeader struct {
	Kind      string `json:"kind"`
	Machine   int    `json:"machine"`
	ByteOrder string `json:"byteOrder"`
	Progs     int    `json:"progs"`
}

type coreProg struct {
	Kind   string `json:"kind"`
	Type   int    `json:"type"`
	Flags  int    `json:"flags"`
	Offset uint64 `json:"offset"`
	Vaddr  string `json:"vaddr"`
	Filesz string `json:"filesz"`
	Memsz  string `json:"memsz"`
	Align  string `json:"align"`
}

type coreNote struct {
	Kind     string        `json:"kind"`
	Name     string        `json:"name"`
	Type     uint32        `json:"type"`
	Size     int           `json:"size"`
	Offset   int64         `json:"offset"`
	PrStatus *corePrStatus `json:"prstatus,omitempty"`
	PrPsInfo *corePrPsInfo `json:"prpsinfo,omitempty"`
	SigInfo  *coreSigInfo  `json:"siginfo,omitempty"`
	Auxv     []coreAuxv    `json:"auxv,omitempty"`
	File     *coreFile     `json:"file,omitempty"`
}

type corePrStatus struct {
	InfoSigno int32                `json:"infoSigno"`
	InfoCode  int32                `json:"infoCode"`
	InfoErrno int32                `json:"infoErrno"`
	Cursig    uint16               `json:"cursig"`
	Sigpend   string               `json:"sigpend"`
	Sighold   string               `json:"sighold"`
	Tid       int32                `json:"tid"`
	Ppid      int32                `json:"ppid"`
	Pgrp      int32                `json:"pgrp"`
	Sid       int32                `json:"sid"`
	Times     map[string]canon.U64 `json:"times"`
	Registers map[string]string    `json:"registers"`
	Fpvalid   int32                `json:"fpvalid"`
}

type corePrPsInfo struct {
	State  uint8  `json:"state"`
	Sname  string `json:"sname"`
	Zombie uint8  `json:"zombie"`
	Nice   int8   `json:"nice"`
	Flags  string `json:"flags"`
	UID    uint32 `json:"uid"`
	GID    uint32 `json:"gid"`
	Pid    int32  `json:"pid"`
	Ppid   int32  `json:"ppid"`
	Pgrp   int32  `json:"pgrp"`
	Sid    int32  `json:"sid"`
	Fname  string `json:"fname"`
	Args   string `json:"args"`
}

type coreSigInfo struct {
	Signo int32   `json:"signo"`
	Errno int32   `json:"errno"`
	Code  int32   `json:"code"`
	Addr  *string `json:"addr,omitempty"`
	Pid   *int32  `json:"pid,omitempty"`
	UID   *uint32 `json:"uid,omitempty"`
}

type coreAuxv struct {
	Key   canon.U64 `json:"key"`
	Value string    `json:"value"`
}

type coreFile struct {
	Count    uint64            `json:"count"`
	PageSize canon.U64         `json:"pageSize"`
	Mappings []coreFileMapping `json:"mappings"`
}

type coreFileMapping struct {
	Start  string `json:"start"`
	End    string `json:"end"`
	Offset string `json:"offset"` // in bytes: the table's value times the page size
	Path   string `json:"path"`
}

var amd64Regs = strings.Fields("r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax rcx rdx rsi rdi orig_rax rip cs eflags rsp ss fs_base gs_base ds es fs gs")

func arm64Regs() []string {
	var r []string
	for i := 0; i <= 30; i++ {
		r = append(r, fmt.Sprintf("x%d", i))
	}
	return append(r, "sp", "pc", "pstate")
}

func hex64(v uint64) string { return fmt.Sprintf("0x%x", v) }

func coreElf(data []byte, w *canon.Writer) error {
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return err
	}
	if f.Type != elf.ET_CORE {
		return fmt.Errorf("ELF type %v, not a core", f.Type)
	}
	if f.Class != elf.ELFCLASS64 {
		return errors.New("only 64-bit cores are dumped")
	}
	order := "little"
	if f.ByteOrder == binary.BigEndian {
		order = "big"
	}
	if err := w.Line(coreHeader{Kind: "Core", Machine: int(f.Machine), ByteOrder: order, Progs: len(f.Progs)}); err != nil {
		return err
	}
	for _, p := range f.Progs {
		if err := w.Line(coreProg{Kind: "Prog", Type: int(p.Type), Flags: int(p.Flags), Offset: p.Off, Vaddr: hex64(p.Vaddr), Filesz: hex64(p.Filesz), Memsz: hex64(p.Memsz), Align: hex64(p.Align)}); err != nil {
			return err
		}
	}
	var regs []string
	switch f.Machine {
	case elf.EM_X86_64:
		regs = amd64Regs
	case elf.EM_AARCH64:
		regs = arm64Regs()
	}
	bo := f.ByteOrder
	for _, p := range f.Progs {
		if p.Type != elf.PT_NOTE {
			continue
		}
		seg := make([]byte, p.Filesz)
		if _, err := p.ReadAt(seg, 0); err != nil && err != io.EOF {
			return fmt.Errorf("note segment at %d: %v", p.Off, err)
		}
		pos := 0
		for pos < len(seg) {
			if len(seg)-pos < 12 {
				return fmt.Errorf("note header at %d: %d bytes left", int(p.Off)+pos, len(seg)-pos)
			}
			namesz := int(bo.Uint32(seg[pos:]))
			descsz := int(bo.Uint32(seg[pos+4:]))
			typ := bo.Uint32(seg[pos+8:])
			nameAt := pos + 12
			descAt := nameAt + (namesz+3)&^3
			if descAt+descsz > len(seg) {
				return fmt.Errorf("note at %d runs past its segment", int(p.Off)+pos)
			}
			name := strings.TrimRight(string(seg[nameAt:nameAt+namesz]), "\x00")
			desc := seg[descAt : descAt+descsz]
			n := coreNote{Kind: "Note", Name: name, Type: typ, Size: descsz, Offset: int64(p.Off) + int64(pos)}
			if name == "CORE" {
				if err := decodeCoreNote(&n, typ, desc, bo, regs); err != nil {
					return fmt.Errorf("note at %d: %v", n.Offset, err)
				}
			}
			if err := w.Line(n); err != nil {
				return err
			}
			pos = descAt + (descsz+3)&^3
		}
	}
	return nil
}

func decodeCoreNote(n *coreNote, typ uint32, d []byte, bo binary.ByteOrder, regs []string) error {
	u32 := func(at int) uint32 { return bo.Uint32(d[at:]) }
	u64 := func(at int) uint64 { return bo.Uint64(d[at:]) }
	i32 := func(at int) int32 { return int32(u32(at)) }
	switch typ {
	case uint32(elf.NT_PRSTATUS):
		if regs == nil {
			return nil
		}
		if len(d) < 112+8*len(regs)+4 {
			return fmt.Errorf("NT_PRSTATUS of %d bytes", len(d))
		}
		s := &corePrStatus{
			InfoSigno: i32(0), InfoCode: i32(4), InfoErrno: i32(8),
			Cursig:  bo.Uint16(d[12:]),
			Sigpend: hex64(u64(16)), Sighold: hex64(u64(24)),
			Tid: i32(32), Ppid: i32(36), Pgrp: i32(40), Sid: i32(44),
			Times:     map[string]canon.U64{},
			Registers: map[string]string{},
		}
		for i, k := range []string{"user", "system", "childUser", "childSystem"} {
			at := 48 + 16*i
			s.Times[k] = canon.U64(u64(at)*1000000 + u64(at+8))
		}
		for i, r := range regs {
			s.Registers[r] = hex64(u64(112 + 8*i))
		}
		s.Fpvalid = i32(112 + 8*len(regs))
		n.PrStatus = s
	case uint32(elf.NT_PRPSINFO):
		if len(d) < 136 {
			return fmt.Errorf("NT_PRPSINFO of %d bytes", len(d))
		}
		cstr := func(b []byte) string {
			if i := bytes.IndexByte(b, 0); i >= 0 {
				b = b[:i]
			}
			return string(b)
		}
		sname := ""
		if d[1] != 0 {
			sname = string(rune(d[1]))
		}
		n.PrPsInfo = &corePrPsInfo{
			State: d[0], Sname: sname, Zombie: d[2], Nice: int8(d[3]),
			Flags: hex64(u64(8)), UID: u32(16), GID: u32(20),
			Pid: i32(24), Ppid: i32(28), Pgrp: i32(32), Sid: i32(36),
			Fname: cstr(d[40:56]), Args: strings.TrimRight(cstr(d[56:136]), " "),
		}
	case 0x53494749: // NT_SIGINFO
		if len(d) < 24 {
			return fmt.Errorf("NT_SIGINFO of %d bytes", len(d))
		}
		s := &coreSigInfo{Signo: i32(0), Errno: i32(4), Code: i32(8)}
		switch {
		case s.Code <= 0: // SI_USER, SI_TKILL, …: sent by a process
			pid, uid := i32(16), u32(20)
			s.Pid, s.UID = &pid, &uid
		case s.Signo == 4 || s.Signo == 5 || s.Signo == 7 || s.Signo == 8 || s.Signo == 11:
			a := hex64(u64(16))
			s.Addr = &a
		}
		n.SigInfo = s
	case 6: // NT_AUXV
		n.Auxv = []coreAuxv{}
		for at := 0; at+16 <= len(d); at += 16 {
			k, v := u64(at), u64(at+8)
			if k == 0 {
				break
			}
			n.Auxv = append(n.Auxv, coreAuxv{Key: canon.U64(k), Value: hex64(v)})
		}
	case 0x46494c45: // NT_FILE
		if len(d) < 16 {
			return fmt.Errorf("NT_FILE of %d bytes", len(d))
		}
		count, page := u64(0), u64(8)
		if count > uint64(len(d)-16)/24 {
			return fmt.Errorf("NT_FILE announces %d mappings in %d bytes", count, len(d))
		}
		names := strings.Split(string(d[16+24*count:]), "\x00")
		if uint64(len(names)) < count {
			return fmt.Errorf("NT_FILE has %d names for %d mappings", len(names), count)
		}
		fm := &coreFile{Count: count, PageSize: canon.U64(page), Mappings: []coreFileMapping{}}
		for i := uint64(0); i < count; i++ {
			at := 16 + 24*int(i)
			fm.Mappings = append(fm.Mappings, coreFileMapping{Start: hex64(u64(at)), End: hex64(u64(at + 8)), Offset: hex64(u64(at+16) * page), Path: names[i]})
		}
		n.File = fm
	}
	return nil
}
