/**
 * Where a trace's bytes go: events, bytes and share per event type, and the size of its string and stack
 * tables — what `go tool trace -d=footprint` reports, plus the tables.
 * @module
 */

import type { Source } from '../internal/input.js';
import { specsFor, type WireVersion } from './spec/versions.js';
import { EventType } from './spec/events.js';
import type { RawEvent } from './wire/raw-event.js';
import { iterateRawEventsSync, readRawEvents, type RawReadOptions } from './wire/raw.js';
import { uvarintSize } from './wire/varint.js';
import { TRACE_HEADER_BYTES } from './header.js';
import { goSpecCount } from './text/go-table.js';
import { goSortFunc } from './text/go-sort.js';

/** The events of one type. Counts and byte sizes are `number`s: bounded by the input's length. */
export interface EventTypeStats {
  /** The type byte. */
  type: number;
  /** Go's name of the event type. */
  name: string;
  /** How many events of this type the trace holds. */
  count: number;
  /**
   * Their size in bytes as Go's `-d=footprint` counts it: the type byte, each argument (and frame value) as a
   * shortest varint, and for data the length varint and the data. Padding the runtime adds to varints is not
   * counted; it is in {@link TraceStats.totalBytes}.
   */
  bytes: number;
}

/** The string table of a trace: all its generations together. */
export interface StringTableStats {
  /** Number of string entries. */
  count: number;
  /** Total length of the strings in bytes. */
  bytes: number;
}

/** The stack table of a trace: all its generations together. */
export interface StackTableStats {
  /** Number of stack entries. */
  count: number;
  /** Total number of frames over all stacks. */
  frames: number;
}

/** The footprint of a trace. */
export interface TraceStats {
  /** The wire version. */
  version: WireVersion;
  /** The trace's length in bytes, header included. */
  totalBytes: number;
  /** Number of events (batch headers included, as in the raw event stream). */
  events: number;
  /** Event types that occur, largest share of bytes first (ties in type order). */
  byType: EventTypeStats[];
  /** The string tables. */
  strings: StringTableStats;
  /** The stack tables. */
  stacks: StackTableStats;
}

/** Accumulates raw events into per-type counts. */
class Tally {
  readonly count = new Float64Array(256);
  readonly bytes = new Float64Array(256);
  events = 0;
  end = TRACE_HEADER_BYTES;
  strings: StringTableStats = { count: 0, bytes: 0 };
  stacks: StackTableStats = { count: 0, frames: 0 };

  add(ev: RawEvent): void {
    let size = 1;
    for (const a of ev.args) size += uvarintSize(a);
    const data = ev.data;
    if (data !== undefined) size += uvarintSize(data.length) + data.length;
    this.count[ev.type]!++;
    this.bytes[ev.type]! += size;
    this.events++;
    this.end = ev.offset + encodedLength(ev, size);
    if (ev.type === EventType.String) {
      this.strings.count++;
      this.strings.bytes += data?.length ?? 0;
    } else if (ev.type === EventType.Stack) {
      this.stacks.count++;
      this.stacks.frames += (ev.args.length - 2) / 4;
    }
  }

  result(version: WireVersion): TraceStats {
    const byType: EventTypeStats[] = [];
    const specs = specsFor(version).byType;
    for (let t = 0; t < 256; t++) {
      if (this.count[t] === 0) continue;
      byType.push({ type: t, name: specs[t]?.name ?? '', count: this.count[t]!, bytes: this.bytes[t]! });
    }
    byType.sort((a, b) => b.bytes - a.bytes || a.type - b.type);
    return { version, totalBytes: this.end, events: this.events, byType, strings: this.strings, stacks: this.stacks };
  }
}

/** The bytes the event took in the input: its shortest size plus any padding its varints had. */
function encodedLength(ev: RawEvent, shortest: number): number {
  const widths = ev.varintWidths;
  if (widths === undefined) return shortest;
  let n = 1 + (ev.data?.length ?? 0);
  for (const w of widths) n += w;
  return n;
}

/**
 * The footprint of an in-memory trace.
 * @throws GodiagError where the bytes stop being a trace.
 */
export function traceStatsSync(bytes: Uint8Array): TraceStats {
  const { version, events } = iterateRawEventsSync(bytes);
  const t = new Tally();
  for (const ev of events) t.add(ev);
  return t.result(version);
}

/**
 * The footprint of a trace from any source, streaming (memory bounded by the largest event).
 * @throws GodiagError where the bytes stop being a trace.
 */
export async function traceStats(source: Source, options: RawReadOptions = {}): Promise<TraceStats> {
  const { version, events } = await readRawEvents(source, options);
  const t = new Tally();
  for await (const ev of events) t.add(ev);
  return t.result(version);
}

/**
 * The table `go tool trace -d=footprint` prints for these stats, exactly: all 256 type bytes sorted by bytes
 * (Go's unstable sort, reproduced), their share of the trace's length and of the event count, aligned as Go's
 * tabwriter aligns them.
 */
export function formatFootprint(stats: TraceStats): string {
  interface Row {
    type: number;
    count: number;
    bytes: number;
  }
  const rows: Row[] = [];
  for (let t = 0; t < 256; t++) rows.push({ type: t, count: 0, bytes: 0 });
  for (const s of stats.byType) {
    rows[s.type]!.count = s.count;
    rows[s.type]!.bytes = s.bytes;
  }
  goSortFunc(rows, (a, b) => (b.bytes < a.bytes ? -1 : b.bytes > a.bytes ? 1 : 0));
  const known = goSpecCount(stats.version);
  const specs = specsFor(stats.version).byType;
  // Go names a row by its spec table: unnamed entries inside it print as empty names.
  const nameOf = (t: number) => (t < known ? (specs[t]?.name ?? '') : `<unknown (${t})>`);
  return alignColumns([...TABLE_HEAD, ...rows.map((r) => tableRow(nameOf(r.type), r, stats))], 3, 2);
}

const TABLE_HEAD = [
  ['Event', 'Bytes', '%', 'Count', '%'],
  ['-', '-', '-', '-', '-'],
];

function tableRow(name: string, r: { bytes: number; count: number }, stats: TraceStats): string[] {
  return [name, String(r.bytes), percent(r.bytes, stats.totalBytes), String(r.count), percent(r.count, stats.events)];
}

/**
 * A readable summary of the stats: the trace's size and event count, its string and stack tables, then the
 * footprint table restricted to the event types that occur.
 */
export function formatTraceStats(stats: TraceStats): string {
  const head =
    `trace format go ${stats.version}: ${stats.totalBytes} bytes, ${stats.events} events\n` +
    `string table: ${stats.strings.count} strings, ${stats.strings.bytes} bytes of text\n` +
    `stack table: ${stats.stacks.count} stacks, ${stats.stacks.frames} frames\n\n`;
  return head + alignColumns([...TABLE_HEAD, ...stats.byType.map((r) => tableRow(r.name, r, stats))], 3, 2);
}

/** `value / total * 100` as Go's `%.2f%%` prints it (NaN when the total is 0). */
function percent(value: number, total: number): string {
  return fixed2((value / total) * 100) + '%';
}

/**
 * Go's `%.2f`: the double's exact value rounded to 2 decimals, ties to even. `toFixed` rounds ties up; a double
 * lies exactly halfway between two hundredths only when it is an odd multiple of 1/8, so that case is decided
 * here.
 */
function fixed2(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? '+Inf' : '-Inf';
  const eighths = x * 8;
  if (Number.isInteger(eighths) && Math.abs(eighths) % 2 === 1) {
    const down = Math.floor(x * 100);
    const hundredths = down % 2 === 0 ? down : down + 1;
    return (hundredths / 100).toFixed(2);
  }
  return x.toFixed(2);
}

/**
 * Lays out rows as Go's `text/tabwriter` does with flags 0 and padding character ' ': every cell but the last
 * of a line is padded to its column's width (the widest cell plus `padding`, at least `minWidth`); the last
 * cell is written as it is. Widths count characters (runes). Each line ends in a newline.
 */
function alignColumns(table: string[][], minWidth: number, padding: number): string {
  const widths: number[] = [];
  for (const row of table) {
    for (let c = 0; c < row.length - 1; c++) widths[c] = Math.max(widths[c] ?? minWidth, [...row[c]!].length + padding);
  }
  let out = '';
  for (const row of table) {
    for (let c = 0; c < row.length - 1; c++) out += row[c]!.padEnd(widths[c]! + row[c]!.length - [...row[c]!].length);
    out += row[row.length - 1]! + '\n';
  }
  return out;
}

/** What `go tool trace -d=footprint FILE` prints for an in-memory trace. */
export function footprintText(bytes: Uint8Array): string {
  return formatFootprint(traceStatsSync(bytes));
}
