package main

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"golang.org/x/exp/trace"

	"godiag.dev/testdata/gen/internal/canon"
)

// The trace-events oracle prints every event that golang.org/x/exp/trace's
// Reader yields, one JSON object per line, in the schema documented in
// docs/oracle.md ("trace-events"). Stacks are interned by content and
// printed once, on a "Stack" line before the first event that refers to
// them, so the output stays proportional to the trace.
func init() {
	register("trace-events", "every event of golang.org/x/exp/trace's Reader, stacks interned (see trace_events.go)", traceEvents)
}

// traceEvents reads the whole trace. On a read error it has already printed
// the events before the bad one and returns the error.
func traceEvents(data []byte, w *canon.Writer) error {
	r, err := trace.NewReader(bytes.NewReader(data))
	if err != nil {
		return err
	}
	d := eventDumper{w: w, stacks: map[string]int{}}
	for {
		ev, err := r.ReadEvent()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := d.event(ev); err != nil {
			return err
		}
	}
}

// eventDumper prints events and the stack definitions they need.
type eventDumper struct {
	w *canon.Writer
	// stacks maps the content key of every stack printed so far to its id.
	stacks map[string]int
}

// jsonInt is an int64 as a JSON number where JavaScript holds it exactly,
// else as a decimal string.
func jsonInt(v int64) any {
	if v > canon.MaxSafeInt || v < -canon.MaxSafeInt {
		return canon.I64(v)
	}
	return v
}

// jsonUint is jsonInt for uint64.
func jsonUint(v uint64) any {
	if v > canon.MaxSafeInt {
		return canon.U64(v)
	}
	return v
}

// jsonValue is a trace Value: a uint64 (jsonUint) or {"string": s}.
func jsonValue(v trace.Value) (any, error) {
	switch v.Kind() {
	case trace.ValueUint64:
		return jsonUint(v.Uint64()), nil
	case trace.ValueString:
		return map[string]any{"string": v.String()}, nil
	}
	return nil, fmt.Errorf("trace-events: value of unknown kind %d", v.Kind())
}

// jsonResource is {"kind": "Goroutine"|"Proc"|"Thread", "id": n} or {"kind": "None"}.
func jsonResource(r trace.ResourceID) (any, error) {
	var id int64
	switch r.Kind {
	case trace.ResourceNone:
		return map[string]any{"kind": "None"}, nil
	case trace.ResourceGoroutine:
		id = int64(r.Goroutine())
	case trace.ResourceProc:
		id = int64(r.Proc())
	case trace.ResourceThread:
		id = int64(r.Thread())
	default:
		return nil, fmt.Errorf("trace-events: resource of unknown kind %d", r.Kind)
	}
	return map[string]any{"kind": r.Kind.String(), "id": jsonInt(id)}, nil
}

// jsonTask prints a task id as Go's int64 conversion of it (NoTask is -1).
func jsonTask(id trace.TaskID) any { return jsonInt(int64(id)) }

// stackRef returns the id of s's frame list, printing its definition line
// first if this content has not been seen; 0 for an empty stack.
func (d *eventDumper) stackRef(s trace.Stack) (int, error) {
	var frames []any
	var key []byte
	for f := range s.Frames() {
		frames = append(frames, map[string]any{
			"pc":   canon.U64(f.PC),
			"func": f.Func,
			"file": f.File,
			"line": jsonUint(f.Line),
		})
		// Length-prefixed fields: no two different frame lists share a key.
		key = binary.AppendUvarint(key, f.PC)
		key = binary.AppendUvarint(key, f.Line)
		key = binary.AppendUvarint(key, uint64(len(f.Func)))
		key = append(key, f.Func...)
		key = binary.AppendUvarint(key, uint64(len(f.File)))
		key = append(key, f.File...)
	}
	if len(frames) == 0 {
		return 0, nil
	}
	if id, ok := d.stacks[string(key)]; ok {
		return id, nil
	}
	id := len(d.stacks) + 1
	d.stacks[string(key)] = id
	return id, d.w.Line(map[string]any{"kind": "Stack", "id": id, "frames": frames})
}

func (d *eventDumper) event(ev trace.Event) error {
	kind := ev.Kind()
	line := map[string]any{
		"kind": kind.String(),
		"time": jsonInt(int64(ev.Time())),
		"g":    jsonInt(int64(ev.Goroutine())),
		"p":    jsonInt(int64(ev.Proc())),
		"m":    jsonInt(int64(ev.Thread())),
	}
	// The event's own stack is defined before the transition's.
	stack, err := d.stackRef(ev.Stack())
	if err != nil {
		return err
	}
	if stack != 0 {
		line["stack"] = stack
	}
	switch kind {
	case trace.EventSync:
		s := ev.Sync()
		line["n"] = s.N
		if c := s.ClockSnapshot; c != nil {
			line["clock"] = map[string]any{
				"trace":    jsonInt(int64(c.Trace)),
				"mono":     jsonUint(c.Mono),
				"wallSec":  jsonInt(c.Wall.Unix()),
				"wallNsec": c.Wall.Nanosecond(),
			}
		}
		if len(s.ExperimentalBatches) > 0 {
			exp := map[string]any{}
			for name, batches := range s.ExperimentalBatches {
				list := make([]any, 0, len(batches))
				for _, b := range batches {
					list = append(list, map[string]any{
						"thread": jsonInt(int64(b.Thread)),
						"data":   base64.StdEncoding.EncodeToString(b.Data),
					})
				}
				exp[name] = list
			}
			line["experimental"] = exp
		}
	case trace.EventMetric:
		m := ev.Metric()
		v, err := jsonValue(m.Value)
		if err != nil {
			return err
		}
		line["name"] = m.Name
		line["value"] = v
	case trace.EventLabel:
		l := ev.Label()
		res, err := jsonResource(l.Resource)
		if err != nil {
			return err
		}
		line["label"] = l.Label
		line["resource"] = res
	case trace.EventRangeBegin, trace.EventRangeActive, trace.EventRangeEnd:
		r := ev.Range()
		scope, err := jsonResource(r.Scope)
		if err != nil {
			return err
		}
		line["name"] = r.Name
		line["scope"] = scope
		if kind == trace.EventRangeEnd {
			attrs := []any{}
			for _, a := range ev.RangeAttributes() {
				v, err := jsonValue(a.Value)
				if err != nil {
					return err
				}
				attrs = append(attrs, map[string]any{"name": a.Name, "value": v})
			}
			line["attributes"] = attrs
		}
	case trace.EventTaskBegin, trace.EventTaskEnd:
		t := ev.Task()
		line["id"] = jsonTask(t.ID)
		line["parent"] = jsonTask(t.Parent)
		line["type"] = t.Type
	case trace.EventRegionBegin, trace.EventRegionEnd:
		r := ev.Region()
		line["task"] = jsonTask(r.Task)
		line["type"] = r.Type
	case trace.EventLog:
		l := ev.Log()
		line["task"] = jsonTask(l.Task)
		line["category"] = l.Category
		line["message"] = l.Message
	case trace.EventStateTransition:
		st := ev.StateTransition()
		res, err := jsonResource(st.Resource)
		if err != nil {
			return err
		}
		var from, to string
		switch st.Resource.Kind {
		case trace.ResourceGoroutine:
			f, t := st.Goroutine()
			from, to = f.String(), t.String()
		case trace.ResourceProc:
			f, t := st.Proc()
			from, to = f.String(), t.String()
		default:
			return fmt.Errorf("trace-events: state transition of a %s resource", st.Resource.Kind)
		}
		line["resource"] = res
		line["from"] = from
		line["to"] = to
		line["reason"] = st.Reason
		ts, err := d.stackRef(st.Stack)
		if err != nil {
			return err
		}
		if ts != 0 {
			line["transitionStack"] = ts
		}
	case trace.EventStackSample:
		// The stack is all there is.
	case trace.EventExperimental:
		x := ev.Experimental()
		args := make([]any, 0, len(x.Args))
		for i, name := range x.Args {
			v, err := jsonValue(x.ArgValue(i))
			if err != nil {
				return err
			}
			args = append(args, map[string]any{"name": name, "value": v})
		}
		line["name"] = x.Name
		line["experiment"] = x.Experiment
		line["args"] = args
	default:
		return fmt.Errorf("trace-events: event of unknown kind %s (%d)", kind, kind)
	}
	return d.w.Line(line)
}
