package main

import (
	"github.com/google/pprof/profile"

	"godiag.dev/testdata/gen/internal/canon"
)

func init() {
	register("pprof", "dump a pprof profile (proto, gzip or raw, or a legacy text format) as google/pprof reads it", dumpPprof)
}

// The JSON shape of the pprof dump. Field names are the JSON keys; canon
// sorts them. Arrays are never nil (always written, possibly []).

type pprofValueType struct {
	Type string `json:"type"`
	Unit string `json:"unit"`
}

type pprofSample struct {
	Location []canon.U64            `json:"location"`
	Value    []canon.I64            `json:"value"`
	Label    map[string][]string    `json:"label,omitempty"`
	NumLabel map[string][]canon.I64 `json:"numLabel,omitempty"`
	NumUnit  map[string][]string    `json:"numUnit,omitempty"`
}

type pprofMapping struct {
	ID              canon.U64 `json:"id"`
	Start           canon.U64 `json:"start"`
	Limit           canon.U64 `json:"limit"`
	Offset          canon.U64 `json:"offset"`
	File            string    `json:"file"`
	BuildID         string    `json:"buildId"`
	HasFunctions    bool      `json:"hasFunctions"`
	HasFilenames    bool      `json:"hasFilenames"`
	HasLineNumbers  bool      `json:"hasLineNumbers"`
	HasInlineFrames bool      `json:"hasInlineFrames"`
}

type pprofLine struct {
	Function *canon.U64 `json:"function,omitempty"`
	Line     int64      `json:"line"`
	Column   int64      `json:"column"`
}

type pprofLocation struct {
	ID       canon.U64   `json:"id"`
	Mapping  *canon.U64  `json:"mapping,omitempty"`
	Address  canon.U64   `json:"address"`
	Line     []pprofLine `json:"line"`
	IsFolded bool        `json:"isFolded"`
}

type pprofFunction struct {
	ID         canon.U64 `json:"id"`
	Name       string    `json:"name"`
	SystemName string    `json:"systemName"`
	Filename   string    `json:"filename"`
	StartLine  int64     `json:"startLine"`
}

type pprofDump struct {
	SampleType        []pprofValueType `json:"sampleType"`
	DefaultSampleType string           `json:"defaultSampleType"`
	Sample            []pprofSample    `json:"sample"`
	Mapping           []pprofMapping   `json:"mapping"`
	Location          []pprofLocation  `json:"location"`
	Function          []pprofFunction  `json:"function"`
	DropFrames        string           `json:"dropFrames"`
	KeepFrames        string           `json:"keepFrames"`
	TimeNanos         canon.I64        `json:"timeNanos"`
	DurationNanos     canon.I64        `json:"durationNanos"`
	PeriodType        pprofValueType   `json:"periodType"`
	Period            canon.I64        `json:"period"`
	Comments          []string         `json:"comments"`
	DocURL            string           `json:"docUrl"`
}

// dumpPprof parses with profile.ParseData, which accepts gzip-compressed or
// raw profile.proto and, failing that, the legacy text formats google/pprof
// knows (heap, contention, goroutine/threadcreate counts, CPU, ...).
func dumpPprof(data []byte, w *canon.Writer) error {
	p, err := profile.ParseData(data)
	if err != nil {
		return err
	}
	return w.Line(pprofToDump(p))
}

func pprofToDump(p *profile.Profile) *pprofDump {
	d := &pprofDump{
		SampleType:        make([]pprofValueType, 0, len(p.SampleType)),
		DefaultSampleType: p.DefaultSampleType,
		Sample:            make([]pprofSample, 0, len(p.Sample)),
		Mapping:           make([]pprofMapping, 0, len(p.Mapping)),
		Location:          make([]pprofLocation, 0, len(p.Location)),
		Function:          make([]pprofFunction, 0, len(p.Function)),
		DropFrames:        p.DropFrames,
		KeepFrames:        p.KeepFrames,
		TimeNanos:         canon.I64(p.TimeNanos),
		DurationNanos:     canon.I64(p.DurationNanos),
		Period:            canon.I64(p.Period),
		Comments:          append(make([]string, 0, len(p.Comments)), p.Comments...),
		DocURL:            p.DocURL,
	}
	if p.PeriodType != nil {
		d.PeriodType = pprofValueType{p.PeriodType.Type, p.PeriodType.Unit}
	}
	for _, st := range p.SampleType {
		d.SampleType = append(d.SampleType, pprofValueType{st.Type, st.Unit})
	}
	for _, s := range p.Sample {
		ds := pprofSample{
			Location: make([]canon.U64, 0, len(s.Location)),
			Value:    make([]canon.I64, 0, len(s.Value)),
		}
		for _, l := range s.Location {
			ds.Location = append(ds.Location, canon.U64(l.ID))
		}
		for _, v := range s.Value {
			ds.Value = append(ds.Value, canon.I64(v))
		}
		if len(s.Label) > 0 {
			ds.Label = make(map[string][]string, len(s.Label))
			for k, vs := range s.Label {
				ds.Label[k] = append(make([]string, 0, len(vs)), vs...)
			}
		}
		if len(s.NumLabel) > 0 {
			ds.NumLabel = make(map[string][]canon.I64, len(s.NumLabel))
			for k, vs := range s.NumLabel {
				out := make([]canon.I64, 0, len(vs))
				for _, v := range vs {
					out = append(out, canon.I64(v))
				}
				ds.NumLabel[k] = out
			}
		}
		if len(s.NumUnit) > 0 {
			ds.NumUnit = make(map[string][]string, len(s.NumUnit))
			for k, vs := range s.NumUnit {
				ds.NumUnit[k] = append(make([]string, 0, len(vs)), vs...)
			}
		}
		d.Sample = append(d.Sample, ds)
	}
	for _, m := range p.Mapping {
		d.Mapping = append(d.Mapping, pprofMapping{
			ID:              canon.U64(m.ID),
			Start:           canon.U64(m.Start),
			Limit:           canon.U64(m.Limit),
			Offset:          canon.U64(m.Offset),
			File:            m.File,
			BuildID:         m.BuildID,
			HasFunctions:    m.HasFunctions,
			HasFilenames:    m.HasFilenames,
			HasLineNumbers:  m.HasLineNumbers,
			HasInlineFrames: m.HasInlineFrames,
		})
	}
	for _, l := range p.Location {
		dl := pprofLocation{
			ID:       canon.U64(l.ID),
			Address:  canon.U64(l.Address),
			Line:     make([]pprofLine, 0, len(l.Line)),
			IsFolded: l.IsFolded,
		}
		if l.Mapping != nil {
			id := canon.U64(l.Mapping.ID)
			dl.Mapping = &id
		}
		for _, ln := range l.Line {
			dln := pprofLine{Line: ln.Line, Column: ln.Column}
			if ln.Function != nil {
				id := canon.U64(ln.Function.ID)
				dln.Function = &id
			}
			dl.Line = append(dl.Line, dln)
		}
		d.Location = append(d.Location, dl)
	}
	for _, f := range p.Function {
		d.Function = append(d.Function, pprofFunction{
			ID:         canon.U64(f.ID),
			Name:       f.Name,
			SystemName: f.SystemName,
			Filename:   f.Filename,
			StartLine:  f.StartLine,
		})
	}
	return d
}
