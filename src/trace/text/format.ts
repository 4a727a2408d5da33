/**
 * Writing raw events as Go's text trace format: `Event.String()` of Go's raw trace package, one event per
 * line, stack frames and string data on tab-indented continuation lines.
 * @module
 */

import { FRAME_FIELDS, type EventSpec } from '../spec/events.js';
import { specsFor, type WireVersion } from '../spec/versions.js';
import type { RawEvent } from '../wire/raw-event.js';
import { DumpWriter } from './dump-writer.js';
import { goQuote } from './strconv.js';

/** When the `data="..."` line of an event with a data trailer is written. */
export type DataLine =
  /** Always, even for empty data: what the text reader needs to read the event back. */
  | 'always'
  /**
   * Only for non-empty data. Go's binary reader leaves zero-length data nil and `Event.String()` then prints
   * no data line, so this is what `go tool trace -d=wire` prints.
   */
  | 'non-empty';

/** Options of {@link formatRawEvent}. */
export interface FormatEventOptions {
  /** When to write the data line; default `'always'`. */
  dataLine?: DataLine;
}

/**
 * One event in Go's text form, without a final newline: `Name arg=value …`, then for a stack event one line
 * `\tpc=… func=… file=… line=…` per frame, then for an event with data `\tdata="…"` (Go-quoted bytes).
 * @throws RangeError when the version defines no such event type or the event lacks arguments its spec names.
 */
export function formatRawEvent(version: WireVersion, ev: RawEvent, options: FormatEventOptions = {}): string {
  const spec = specsFor(version).byType[ev.type];
  if (spec === undefined) throw new RangeError(`event type ${ev.type} is not defined in trace version go ${version}`);
  return formatWithSpec(spec, ev, options.dataLine ?? 'always');
}

/** {@link formatRawEvent} with the spec already looked up (the dump loops call this per event). */
export function formatWithSpec(spec: EventSpec, ev: RawEvent, dataLine: DataLine): string {
  const names = spec.args;
  const args = ev.args;
  if (args.length < names.length) {
    throw new RangeError(`${spec.name} event has ${args.length} argument values, its spec names ${names.length}`);
  }
  let s = spec.name;
  for (let i = 0; i < names.length; i++) s += ' ' + names[i]! + '=' + String(args[i]!);
  if (spec.isStack) {
    for (let i = names.length, k = 0; i < args.length; i++, k = (k + 1) & 3) {
      s += (k === 0 ? '\n\t' : ' ') + FRAME_FIELDS[k]! + '=' + String(args[i]!);
    }
  }
  const data = ev.data;
  if (spec.hasData && (dataLine === 'always' || (data !== undefined && data.length > 0))) {
    s += '\n\tdata=' + goQuote(data ?? EMPTY);
  }
  return s;
}

const EMPTY = new Uint8Array(0);

/** The header line of the text form, without newline: `Trace Go1.22`. */
export function textHeader(version: WireVersion): string {
  return `Trace Go${version}`;
}

/**
 * A whole trace in Go's text form (what Go's `raw.TextWriter` writes): the header line `Trace Go1.NN`, then
 * each event, every line ending in a newline. Readable back with {@link parseTextTrace}.
 */
export function formatTextTrace(trace: TextTrace): string {
  const specs = specsFor(trace.version);
  const w = new DumpWriter(trace.version, 'always');
  w.line(textHeader(trace.version));
  for (const ev of trace.events) {
    const spec = specs.byType[ev.type];
    if (spec === undefined) throw new RangeError(`event type ${ev.type} is not defined in trace version go ${trace.version}`);
    const want = spec.isStack ? spec.args.length + 4 * Number(ev.args[1] ?? 0) : spec.args.length;
    if (ev.args.length !== want) throw new RangeError(`${spec.name} event has ${ev.args.length} argument values, its spec needs ${want}`);
    w.event(ev);
  }
  return w.take();
}

/** A trace in the text form: its version and its raw events in stream order. */
export interface TextTrace {
  /** The wire version named by the header line. */
  version: WireVersion;
  /** The events, batch headers included, in the order they appear on the wire. */
  events: RawEvent[];
}
