/**
 * Where a trace's bytes go: events, bytes and share per event type, and the size of its string and stack
 * tables — what `go tool trace -d=footprint` reports, plus the tables.
 * @module
 */

import { truncated, type GodiagError } from '../internal/errors.js';
import { chunks, type Source } from '../internal/input.js';
import { specsFor, type WireVersion } from './spec/versions.js';
import { StreamReader } from '../internal/stream-reader.js';
import { readWireHeader } from './wire/header.js';
import { decodeRawEventAt, decoded, DEFAULT_MAX_DATA_BYTES, DEFAULT_MAX_FRAMES, type RawEventLimits } from './wire/raw-event.js';
import type { RawReadOptions } from './wire/raw.js';
import { TRACE_HEADER_BYTES } from './header.js';
import { Tally } from './stats-skim.js';
import { goSpecCount } from './text/go-table.js';

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

/** The stats of a finished tally. */
function result(t: Tally, version: WireVersion): TraceStats {
  const byType: EventTypeStats[] = [];
  const specs = specsFor(version).byType;
  for (let type = 0; type < 256; type++) {
    if (t.count[type] === 0) continue;
    byType.push({ type, name: specs[type]?.name ?? '', count: t.count[type]!, bytes: t.bytes[type]! });
  }
  byType.sort((a, b) => b.bytes - a.bytes || a.type - b.type);
  return {
    version,
    totalBytes: t.end,
    events: t.events,
    byType,
    strings: { count: t.strings, bytes: t.stringBytes },
    stacks: { count: t.stacks, frames: t.frames },
  };
}

function truncatedEvent(offset: number, start: number): GodiagError {
  return truncated('trace', offset, `the rest of the event that starts at byte ${start}`);
}

/**
 * The footprint of an in-memory trace.
 * @throws GodiagError where the bytes stop being a trace (as the raw event reader reports it).
 */
export function traceStatsSync(bytes: Uint8Array, options: RawEventLimits = {}): TraceStats {
  const version = readWireHeader(bytes);
  const specs = specsFor(version);
  const maxData = options.maxDataBytes ?? DEFAULT_MAX_DATA_BYTES;
  const maxFrames = options.maxFrames ?? DEFAULT_MAX_FRAMES;
  const t = new Tally(specs, TRACE_HEADER_BYTES, maxData, maxFrames);
  const end = bytes.length;
  let pos = TRACE_HEADER_BYTES;
  while ((pos = t.skim(bytes, pos, end, 0)) < end) {
    // An event the skimmer left alone: the raw reader decodes it or throws its error.
    const ev = decodeRawEventAt(specs, bytes, pos, end, 0, maxData, maxFrames);
    if (ev === null) throw truncatedEvent(end, pos);
    t.add(ev, decoded.end);
    pos = decoded.end;
  }
  return result(t, version);
}

/**
 * The footprint of a trace from any source, streaming: memory stays bounded by the largest event, and chunk
 * boundaries do not change the result.
 * @throws GodiagError where the bytes stop being a trace (as the raw event reader reports it).
 */
export async function traceStats(source: Source, options: RawReadOptions = {}): Promise<TraceStats> {
  const r = new StreamReader(chunks(source, options), 'trace');
  try {
    await r.fill(TRACE_HEADER_BYTES);
    const version = readWireHeader(r.window.subarray(r.windowPos, r.windowPos + TRACE_HEADER_BYTES));
    r.consumeTo(r.windowPos + TRACE_HEADER_BYTES);
    const specs = specsFor(version);
    const maxData = options.maxDataBytes ?? DEFAULT_MAX_DATA_BYTES;
    const maxFrames = options.maxFrames ?? DEFAULT_MAX_FRAMES;
    const t = new Tally(specs, TRACE_HEADER_BYTES, maxData, maxFrames);
    let want = 64;
    for (;;) {
      if (r.buffered === 0 && !(await r.fill(1))) break;
      r.consumeTo(t.skim(r.window, r.windowPos, r.window.length, r.windowOffset));
      if (r.buffered === 0) continue;
      const ev = decodeRawEventAt(specs, r.window, r.windowPos, r.window.length, r.windowOffset, maxData, maxFrames);
      if (ev !== null) {
        t.add(ev, r.windowOffset + decoded.end);
        r.consumeTo(decoded.end);
        want = 64;
        continue;
      }
      // The event runs past the window: widen it (doubling, so a long event costs linear time) and retry.
      want = Math.max(want, r.buffered * 2);
      if (!(await r.fill(want))) {
        const last = decodeRawEventAt(specs, r.window, r.windowPos, r.window.length, r.windowOffset, maxData, maxFrames);
        if (last === null) throw truncatedEvent(r.windowOffset + r.window.length, r.offset);
        t.add(last, r.windowOffset + decoded.end);
        r.consumeTo(decoded.end);
      }
    }
    return result(t, version);
  } finally {
    await r.close();
  }
}

/**
 * The table `go tool trace -d=footprint` prints for these stats: all 256 type bytes sorted by bytes, their
 * share of the trace's length and of the event count, aligned as Go's tabwriter aligns them. Rows of equal
 * bytes are ordered by name (then text), where Go's unstable sort leaves them in an order of its own.
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
  const known = goSpecCount(stats.version);
  const specs = specsFor(stats.version).byType;
  // Go names a row by its spec table: unnamed entries inside it print as empty names.
  const nameOf = (t: number) => (t < known ? (specs[t]?.name ?? '') : `<unknown (${t})>`);
  const cells = rows.map((r) => ({ bytes: r.bytes, name: nameOf(r.type), cells: tableRow(nameOf(r.type), r, stats) }));
  // Largest first. Go's unstable sort leaves rows of equal bytes in an accidental order; here (and in the
  // oracle's golden) they are ordered by name, then by their text.
  const byText = (a: string[], b: string[]) => compareStrings(a.join('\t'), b.join('\t'));
  cells.sort((a, b) => b.bytes - a.bytes || compareStrings(a.name, b.name) || byText(a.cells, b.cells));
  return alignColumns([...TABLE_HEAD, ...cells.map((c) => c.cells)], 3, 2);
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

/** Go's string order (bytes; for these ASCII names, UTF-16 code units give the same). */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
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
