/**
 * Events as text for people (`godiag trace events`): one event in the exact form of Go's `Event.String()`,
 * which `go tool trace -d=parsed` prints, and a filter over events (kind, goroutine, time window, stack).
 * @module
 */

import { isPrint } from '../text/unicode.js';
import type { StackFrame } from '../wire/generation.js';
import { EVENT_KINDS, type Event, type EventKind, type ResourceID, type Stack, type SyncClock, type Value } from './event.js';

/** Options of {@link formatEvent}. */
export interface EventTextOptions {
  /**
   * The zone of the wall clock printed on Sync events that carry a clock snapshot (Go 1.25+). Go prints it
   * in the process's local zone; `'UTC'` (the default) gives the same text everywhere, which is what
   * `TZ=UTC go tool trace -d=parsed` prints. `'local'` uses the zone of the JavaScript runtime, as Go does.
   */
  wallClockZone?: 'UTC' | 'local';
}

const HEX = '0123456789abcdef';

/**
 * Go's `strconv.Quote` (what `%q` prints) of a string already decoded from the trace. Go quotes the bytes,
 * so a byte of ill-formed UTF-8 prints as `\xHH` there; godiag decoded it to U+FFFD, which prints as is.
 */
function quote(s: string): string {
  let out = '"';
  let plainFrom = 0;
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    // Printable ASCII other than the quote and the backslash is copied in runs.
    if (c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c) {
      i++;
      continue;
    }
    out += s.slice(plainFrom, i);
    const r = s.codePointAt(i)!;
    const width = r > 0xffff ? 2 : 1;
    if (r === 0x22 || r === 0x5c) out += '\\' + String.fromCharCode(r);
    else if (r >= 0xd800 && r <= 0xdfff) out += '\\ufffd'; // a lone surrogate is not a rune: Go's invalid-rune case
    else if (isPrint(r)) out += String.fromCodePoint(r);
    else out += escapeRune(r);
    i += width;
    plainFrom = i;
  }
  return out + s.slice(plainFrom) + '"';
}

function escapeRune(r: number): string {
  switch (r) {
    case 7:
      return '\\a';
    case 8:
      return '\\b';
    case 12:
      return '\\f';
    case 10:
      return '\\n';
    case 13:
      return '\\r';
    case 9:
      return '\\t';
    case 11:
      return '\\v';
  }
  if (r < 0x20 || r === 0x7f) return '\\x' + HEX[r >> 4]! + HEX[r & 15]!;
  if (r < 0x10000) return '\\u' + r.toString(16).padStart(4, '0');
  return '\\U' + r.toString(16).padStart(8, '0');
}

/** `%d` of an integer held as a `number` (never exponent notation, even for a time beyond 2^53). */
function int(n: number | bigint): string {
  return typeof n === 'bigint' || Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
}

/** `%d` of a task ID: Go's TaskID is a uint64, so "no task" (−1 here) prints as 2^64−1. */
function taskId(n: number): string {
  return n < 0 ? BigInt.asUintN(64, BigInt(n)).toString() : int(n);
}

/** Go's `Value.String()`: a string as it is, an integer as `Value{Uint64(N)}`. */
function valueString(v: Value): string {
  return typeof v === 'string' ? v : `Value{Uint64(${int(v)})}`;
}

/** Go's `ResourceID.String()`: `None`, or the kind with its ID, `Goroutine(7)`. */
function resourceString(r: ResourceID): string {
  return r.kind === 'None' ? 'None' : `${r.kind}(${int(r.id)})`;
}

/** Frames as Go's trace package prints a stack: `\t<func> @ 0x<pc>` and `\t\t<file>:<line>`, each line ended. */
function framesText(frames: readonly StackFrame[]): string {
  let s = '';
  for (const f of frames) s += `\t${f.func} @ 0x${f.pc.toString(16)}\n\t\t${f.file}:${int(f.line)}\n`;
  return s;
}

/** The days since 1970-01-01 to a proleptic Gregorian date (the civil-from-days algorithm, in bigint). */
function civilDate(days: bigint): { year: bigint; month: number; day: number } {
  const z = days + 719468n;
  const era = (z >= 0n ? z : z - 146096n) / 146097n;
  const doe = z - era * 146097n;
  const yoe = (doe - doe / 1460n + doe / 36524n - doe / 146096n) / 365n;
  const doy = doe - (365n * yoe + yoe / 4n - yoe / 100n);
  const mp = (5n * doy + 2n) / 153n;
  const day = Number(doy - (153n * mp + 2n) / 5n + 1n);
  const month = Number(mp < 10n ? mp + 3n : mp - 9n);
  return { year: yoe + era * 400n + (month <= 2 ? 1n : 0n), month, day };
}

/** Go's `appendInt(x, width)`: a sign, then the digits zero-padded to `width`. */
function padInt(x: bigint | number, width: number): string {
  const v = BigInt(x);
  return (v < 0n ? '-' : '') + (v < 0n ? -v : v).toString().padStart(width, '0');
}

/** The zone offset in seconds east of UTC at a Unix time, in the runtime's local zone (0 where Date cannot tell). */
function localOffset(sec: number | bigint): number {
  const ms = Number(sec) * 1000;
  if (!(Math.abs(ms) <= 8.64e15)) return 0;
  const minutes = new Date(ms).getTimezoneOffset();
  return Number.isFinite(minutes) ? Math.round(-minutes * 60) : 0;
}

/** `time.Unix(sec, nsec).Format(time.RFC3339Nano)`, in UTC or the local zone. */
function rfc3339Nano(c: SyncClock, zone: 'UTC' | 'local'): string {
  const offset = zone === 'local' ? localOffset(c.wallSec) : 0;
  const t = BigInt(c.wallSec) + BigInt(offset);
  const secOfDay = ((t % 86400n) + 86400n) % 86400n;
  const { year, month, day } = civilDate((t - secOfDay) / 86400n);
  const s = Number(secOfDay);
  let out = `${padInt(year, 4)}-${padInt(month, 2)}-${padInt(day, 2)}T${padInt(Math.floor(s / 3600), 2)}:${padInt(Math.floor(s / 60) % 60, 2)}:${padInt(s % 60, 2)}`;
  // RFC3339Nano's ".999999999": trailing zeros dropped, no fraction at all for a whole second.
  if (c.wallNsec !== 0) out += '.' + String(c.wallNsec).padStart(9, '0').replace(/0+$/, '');
  if (offset === 0) return out + 'Z';
  // Go prints the offset in whole minutes, truncated toward zero.
  const minutes = Math.trunc(Math.abs(offset) / 60);
  return `${out}${offset < 0 ? '-' : '+'}${padInt(Math.floor(minutes / 60), 2)}:${padInt(minutes % 60, 2)}`;
}

/**
 * Whether Go shows a transition stack section for a state transition. Go's `StateTransition()` gives a
 * goroutine creation (NotExist → Runnable or Waiting, which no other wire event produces) its stack even
 * when the stack ID is 0, and `String()` then prints an empty `TransitionStack=` section; for every other
 * transition an ID of 0 is no stack at all.
 */
function showsTransitionStack(e: Event & { kind: 'StateTransition' }): boolean {
  if (e.transitionStack.id !== 0) return true;
  return e.resource.kind === 'Goroutine' && e.from === 'NotExist' && (e.to === 'Runnable' || e.to === 'Waiting');
}

/**
 * One event as Go's `Event.String()` prints it (golang.org/x/exp/trace and Go 1.26's internal/trace print the
 * same), so the lines of `go tool trace -d=parsed` are `formatEvent(e) + "\n"` for each event:
 * `M=<thread> P=<proc> G=<goroutine> <Kind> Time=<ns>`, the kind's fields, then the transition stack and the
 * stack, when present, on the following lines (`TransitionStack=` / `Stack=`, then per frame
 * `\t<func> @ 0x<pc>` and `\t\t<file>:<line>`; the text then ends with a newline).
 *
 * Two differences can remain: strings were decoded from UTF-8 as Go's `range` does, so a byte of ill-formed
 * UTF-8 prints as U+FFFD where Go's `%q` prints `\xHH`; and the wall clock of a clock snapshot is printed in
 * UTC unless {@link EventTextOptions.wallClockZone} is `'local'`.
 */
export function formatEvent(e: Event, options: EventTextOptions = {}): string {
  let s = `M=${int(e.thread)} P=${int(e.proc)} G=${int(e.goroutine)} ${e.kind} Time=${int(e.time)}`;
  let stack: Stack | undefined = e.stack.id !== 0 ? e.stack : undefined;
  switch (e.kind) {
    case 'Metric':
      s += ` Name=${quote(e.name)} Value=${valueString(e.value)}`;
      break;
    case 'Label':
      s += ` Label=${quote(e.label)} Resource=${resourceString(e.resource)}`;
      break;
    case 'RangeBegin':
    case 'RangeActive':
      s += ` Name=${quote(e.name)} Scope=${resourceString(e.scope)}`;
      break;
    case 'RangeEnd':
      s += ` Name=${quote(e.name)} Scope=${resourceString(e.scope)} Attributes=[${e.attributes.map((a) => `${quote(a.name)}=${valueString(a.value)}`).join(' ')}]`;
      break;
    case 'TaskBegin':
    case 'TaskEnd':
      s += ` ID=${taskId(e.id)} Parent=${taskId(e.parent)} Type=${quote(e.type)}`;
      break;
    case 'RegionBegin':
    case 'RegionEnd':
      s += ` Task=${taskId(e.task)} Type=${quote(e.type)}`;
      break;
    case 'Log':
      s += ` Task=${taskId(e.task)} Category=${quote(e.category)} Message=${quote(e.message)}`;
      break;
    case 'StateTransition':
      s += e.resource.kind === 'Goroutine' ? ` GoID=${int(e.resource.id)}` : ` ProcID=${int(e.resource.id)}`;
      s += ` ${e.from}->${e.to} Reason=${quote(e.reason)}`;
      if (showsTransitionStack(e)) s += '\nTransitionStack=\n' + framesText(e.transitionStack.frames);
      break;
    case 'Experimental':
      s += ` Name=${e.name} Args=[${e.args.map((a) => `${a.name}=${valueString(a.value)}`).join(', ')}]`;
      break;
    case 'Sync':
      s += ` N=${int(e.n)}`;
      if (e.clockSnapshot !== undefined) {
        const c = e.clockSnapshot;
        s += ` Trace=${int(c.trace)} Mono=${int(c.mono)} Wall=${rfc3339Nano(c, options.wallClockZone ?? 'UTC')}`;
      }
      break;
    case 'StackSample':
      // A CPU sample always has a stack in Go's view, even one with ID 0 (printed as an empty section).
      stack = e.stack;
      break;
  }
  if (stack !== undefined) s += '\nStack=\n' + framesText(stack.frames);
  return s;
}

/**
 * Which events to keep. Every field is optional; an event must pass all the fields that are set. Times are
 * relative to an origin given to {@link eventMatches} (the CLI uses the time of the trace's first event).
 */
export interface EventFilter {
  /** Keep only these kinds. */
  readonly kinds?: readonly EventKind[];
  /**
   * Keep only events about this goroutine: it was running when the event happened, or it is the subject of
   * a state transition or a label, or the scope of a range (e.g. its mark assist).
   */
  readonly goroutine?: number;
  /** Keep only events at or after this many nanoseconds after the origin. */
  readonly from?: number;
  /** Keep only events before this many nanoseconds after the origin. */
  readonly to?: number;
  /**
   * Keep only events with a frame whose function, or whose `file:line`, this expression finds, in the
   * event's stack or its transition stack. Events without a stack never match.
   */
  readonly match?: RegExp;
}

function framesMatch(frames: readonly StackFrame[], re: RegExp): boolean {
  for (const f of frames) {
    // A global or sticky expression remembers where it stopped; each test starts from the beginning.
    re.lastIndex = 0;
    if (re.test(f.func)) return true;
    re.lastIndex = 0;
    if (re.test(`${f.file}:${f.line}`)) return true;
  }
  return false;
}

/** Whether an event is about goroutine `g` (see {@link EventFilter.goroutine}). */
function aboutGoroutine(e: Event, g: number): boolean {
  if (e.goroutine === g) return true;
  let r: ResourceID | undefined;
  switch (e.kind) {
    case 'StateTransition':
    case 'Label':
      r = e.resource;
      break;
    case 'RangeBegin':
    case 'RangeActive':
    case 'RangeEnd':
      r = e.scope;
      break;
    default:
      return false;
  }
  return r.kind === 'Goroutine' && r.id === g;
}

/**
 * Whether an event passes a filter; `origin` is the time (in nanoseconds on the trace clock) that
 * `filter.from` and `filter.to` count from.
 */
export function eventMatches(e: Event, filter: EventFilter, origin = 0): boolean {
  if (filter.kinds !== undefined && !filter.kinds.includes(e.kind)) return false;
  if (filter.from !== undefined && e.time - origin < filter.from) return false;
  if (filter.to !== undefined && e.time - origin >= filter.to) return false;
  if (filter.goroutine !== undefined && !aboutGoroutine(e, filter.goroutine)) return false;
  if (filter.match !== undefined) {
    const re = filter.match;
    const inStack = framesMatch(e.stack.frames, re);
    if (!inStack && !(e.kind === 'StateTransition' && framesMatch(e.transitionStack.frames, re))) return false;
  }
  return true;
}

/** An event kind by name, ignoring case (`statetransition` → `StateTransition`), or undefined. */
export function parseEventKind(name: string): EventKind | undefined {
  const lower = name.toLowerCase();
  return EVENT_KINDS.find((k) => k.toLowerCase() === lower);
}

/** Nanoseconds per unit of {@link parseDuration}. */
const UNIT_NS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n,
  'μs': 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/**
 * A non-negative duration in whole nanoseconds: a plain integer (nanoseconds) or a decimal number with one
 * of Go's units `ns`, `us` (`µs`), `ms`, `s`, `m`, `h` — `1500`, `1.5ms`, `200us`, `3s`. A fraction of a
 * nanosecond is dropped. Computed exactly (no binary floating point), so `0.1s` is 100000000.
 * @throws RangeError for any other text, or a value beyond 2^53−1 ns.
 */
export function parseDuration(text: string): number {
  const m = /^(\d+)(?:\.(\d+))?(ns|us|µs|μs|ms|s|m|h)?$/.exec(text.trim());
  const unit = m?.[3] === undefined ? (m?.[2] === undefined ? 1n : undefined) : UNIT_NS[m[3]];
  if (m === null || unit === undefined) {
    throw new RangeError(`bad duration ${JSON.stringify(text)}: expected nanoseconds, or a number with a unit (ns, us, ms, s, m, h), e.g. 1.5ms`);
  }
  const frac = m[2] ?? '';
  const ns = (BigInt(m[1]! + frac) * unit) / 10n ** BigInt(frac.length);
  if (ns > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`duration ${JSON.stringify(text)} is beyond 2^53−1 nanoseconds`);
  return Number(ns);
}
