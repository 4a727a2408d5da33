package main

import (
	"bytes"
	"debug/dwarf"
	"debug/elf"
	_ "embed"
	"fmt"
	"strings"

	"godiag.dev/testdata/gen/internal/canon"
)

func init() {
	register("dwarf-layouts", "an ELF executable with DWARF: the layouts (size, members with offset, size and type name) of the runtime structs listed in dwarf_layouts.txt (debug/elf, debug/dwarf)", dwarfLayouts)
}

//go:embed dwarf_layouts.txt
var dwarfLayoutsList string

// dwarfLayoutNames returns the struct names of dwarf_layouts.txt, in order.
func dwarfLayoutNames() []string {
	var out []string
	for _, line := range strings.Split(dwarfLayoutsList, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, line)
	}
	return out
}

// The dwarf-layouts dump: one line per listed name, in list order. A struct
// is the first top-level DW_TAG_structure_type DIE of that name (Go also
// names a typedef of it alike); sizes are debug/dwarf's Type.Size() (-1 when
// unknown); a member's type name is the DW_AT_name of the DIE its DW_AT_type
// refers to ("" when unnamed). A name with no such struct prints as absent.

type dwarfLayout struct {
	Name   string              `json:"name"`
	Absent bool                `json:"absent,omitempty"`
	Size   *int64              `json:"size,omitempty"`
	Fields *[]dwarfLayoutField `json:"fields,omitempty"` // a pointer, so that an empty struct prints "fields":[]
}

type dwarfLayoutField struct {
	Name   string `json:"name"`
	Offset int64  `json:"offset"`
	Size   int64  `json:"size"`
	Type   string `json:"type"`
}

func dwarfLayouts(data []byte, w *canon.Writer) error {
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return err
	}
	d, err := f.DWARF()
	if err != nil {
		return err
	}
	names := dwarfLayoutNames()
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	// Top-level struct DIEs only: each unit's children, their own children skipped.
	found := map[string]dwarf.Offset{}
	r := d.Reader()
	for {
		e, err := r.Next()
		if err != nil {
			return err
		}
		if e == nil {
			break
		}
		if e.Tag == dwarf.TagCompileUnit || e.Tag == dwarf.TagPartialUnit {
			continue
		}
		if e.Tag == dwarf.TagStructType {
			if n, ok := e.Val(dwarf.AttrName).(string); ok && want[n] {
				if _, dup := found[n]; !dup {
					found[n] = e.Offset
				}
			}
		}
		if e.Children {
			r.SkipChildren()
		}
	}
	for _, n := range names {
		off, ok := found[n]
		if !ok {
			if err := w.Line(dwarfLayout{Name: n, Absent: true}); err != nil {
				return err
			}
			continue
		}
		l, err := structLayoutAt(d, off)
		if err != nil {
			return fmt.Errorf("%s: %w", n, err)
		}
		l.Name = n
		if err := w.Line(l); err != nil {
			return err
		}
	}
	return nil
}

func structLayoutAt(d *dwarf.Data, off dwarf.Offset) (dwarfLayout, error) {
	t, err := d.Type(off)
	if err != nil {
		return dwarfLayout{}, err
	}
	st, ok := t.(*dwarf.StructType)
	if !ok {
		return dwarfLayout{}, fmt.Errorf("DIE at %d is %T, not a struct", off, t)
	}
	// The member DIEs, for the names of their types (debug/dwarf's types do not all keep one).
	r := d.Reader()
	r.Seek(off)
	if _, err := r.Next(); err != nil {
		return dwarfLayout{}, err
	}
	var typeNames []string
	for {
		e, err := r.Next()
		if err != nil {
			return dwarfLayout{}, err
		}
		if e == nil || e.Tag == 0 {
			break
		}
		if e.Tag == dwarf.TagMember {
			name := ""
			if to, ok := e.Val(dwarf.AttrType).(dwarf.Offset); ok {
				name, err = dieName(d, to)
				if err != nil {
					return dwarfLayout{}, err
				}
			}
			typeNames = append(typeNames, name)
		}
		if e.Children {
			r.SkipChildren()
		}
	}
	if len(typeNames) != len(st.Field) {
		return dwarfLayout{}, fmt.Errorf("%d member DIEs but %d fields", len(typeNames), len(st.Field))
	}
	size := st.Size()
	fields := []dwarfLayoutField{}
	for i, fl := range st.Field {
		fields = append(fields, dwarfLayoutField{Name: fl.Name, Offset: fl.ByteOffset, Size: fl.Type.Size(), Type: typeNames[i]})
	}
	return dwarfLayout{Size: &size, Fields: &fields}, nil
}

func dieName(d *dwarf.Data, off dwarf.Offset) (string, error) {
	r := d.Reader()
	r.Seek(off)
	e, err := r.Next()
	if err != nil {
		return "", err
	}
	if e == nil {
		return "", fmt.Errorf("no DIE at %d", off)
	}
	n, _ := e.Val(dwarf.AttrName).(string)
	return n, nil
}
