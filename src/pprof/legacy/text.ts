/**
 * The legacy text formats: Go's `?debug=1` heap/allocs, goroutine/threadcreate and block/mutex profiles,
 * and the C++ heapz/growthz, contentionz and threadz ones google/pprof reads with the same code.
 * Each function follows the corresponding google/pprof parser decision by decision (what is skipped,
 * what ends a section, which failure means "not this format" and which means "malformed"), since those
 * decisions determine the samples, their order and the values.
 * @module
 */

import { corrupt } from '../../internal/errors.js';
import type { Location } from '../profile.js';
import type { LegacyProfile } from './model.js';
import { RE_DOT, RE_NS, floatToInt64, i64, parseInt64, parseUint, trimSpace, u64 } from './go.js';
import { isMemoryMapSentinel, parseAdditionalSections } from './maps.js';
import { emptyProfile, locationFor, newSample } from './model.js';
import { LineScanner } from './scanner.js';
import { Unrecognized } from './unrecognized.js';

const COUNT_START_RE = new RegExp(`^(${RE_NS}+) profile: total [0-9]+$`);
const COUNT_RE = /^([0-9]+) @((?: 0x[0-9a-f]+)+)$/;
const HEAP_HEADER_RE = /heap profile: *([0-9]+): *([0-9]+) *\[ *([0-9]+): *([0-9]+) *\] *@ *(heap[_a-z0-9]*)\/?([0-9]*)/;
const HEAP_SAMPLE_RE = /(-?[0-9]+): *(-?[0-9]+) *\[ *([0-9]+): *([0-9]+) *\] @([ x0-9a-f]*)/;
const CONTENTION_SAMPLE_RE = /([0-9]+) *([0-9]+) @([ x0-9a-f]*)/;
const GROWTH_HEADER_RE = /heap profile: *([0-9]+): *([0-9]+) *\[ *([0-9]+): *([0-9]+) *\] @ growthz?/;
const FRAGMENTATION_HEADER_RE = /heap profile: *([0-9]+): *([0-9]+) *\[ *([0-9]+): *([0-9]+) *\] @ fragmentationz?/;
const THREADZ_START_RE = /--- threadz [0-9]+ ---/;
const THREAD_START_RE = new RegExp(`--- Thread ([0-9A-Fa-f]+) \\(name: (${RE_DOT}*)/([0-9]+)\\) stack: ---`);

/** Blank (after trimming) or a `#` comment. */
function isSpaceOrComment(line: string): boolean {
  const t = trimSpace(line);
  return t.length === 0 || t[0] === '#';
}

/** Every `0x…` number of the string, as google/pprof's `parseHexAddresses`; undefined if one overflows. */
export function parseHexAddresses(s: string): bigint[] | undefined {
  const out: bigint[] = [];
  for (const m of s.matchAll(/0x[0-9a-f]+/g)) {
    const v = parseUint(m[0], 0);
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out;
}

function malformed(offset: number, what: string, line: string): never {
  throw corrupt('pprof', offset, `malformed sample: expected ${what}, found ${JSON.stringify(line)}`);
}

/** Interns the (−1-adjusted) return addresses of a stack: they point after each call instruction. */
function callerLocations(p: LegacyProfile, locs: Map<bigint, Location>, addrs: readonly bigint[]): Location[] {
  return addrs.map((a) => locationFor(p, locs, u64(a - 1n)));
}

/** goroutine / threadcreate profiles: `<name> profile: total N` then `count @ pc…` lines. */
export function parseGoCount(b: Uint8Array): LegacyProfile {
  const s = new LineScanner(b);
  while (s.scan() && isSpaceOrComment(s.text)) {
    // Leading comments and blank lines are allowed.
  }
  s.check();
  const m = COUNT_START_RE.exec(s.text);
  if (m === null) throw new Unrecognized(s.offset, 'not a count profile header');
  const name = m[1]!;
  const p = emptyProfile();
  p.periodType = { type: name, unit: 'count' };
  p.period = 1n;
  p.sampleType = [{ type: name, unit: 'count' }];
  const locs = new Map<bigint, Location>();
  while (s.scan()) {
    const line = s.text;
    if (isSpaceOrComment(line)) continue;
    if (line.startsWith('---')) break;
    const cm = COUNT_RE.exec(line);
    if (cm === null) malformed(s.offset, '"<count> @ <hex addresses>"', line);
    const n = parseInt64(cm[1]!, 0);
    if (n === undefined) malformed(s.offset, 'a count that is a valid int64 (base prefixes as in Go)', line);
    const addrs: bigint[] = [];
    for (const f of cm[2]!.split(' ')) {
      if (f === '') continue;
      const a = parseUint(f, 0);
      if (a === undefined) malformed(s.offset, 'addresses that fit in 64 bits', line);
      addrs.push(a);
    }
    p.sample.push(newSample(callerLocations(p, locs, addrs), [n]));
  }
  s.check();
  parseAdditionalSections(s, p);
  return p;
}

/** Heap profiles (Go's heap/allocs at debug=1, C++ heapz, growthz, fragmentationz). */
export function parseHeap(b: Uint8Array): LegacyProfile {
  const s = new LineScanner(b);
  if (!s.scan()) {
    s.check();
    throw new Unrecognized(0, 'empty');
  }
  const p = emptyProfile();
  let sampling = '';
  let hasAlloc = false;
  const line = s.text;
  p.periodType = { type: 'space', unit: 'bytes' };
  const header = HEAP_HEADER_RE.exec(line);
  if (header !== null) {
    const h = parseHeapHeader(header, s.offset);
    sampling = h.sampling;
    p.period = h.period;
    hasAlloc = h.hasAlloc;
  } else if (GROWTH_HEADER_RE.test(line) || FRAGMENTATION_HEADER_RE.test(line)) {
    p.period = 1n;
  } else {
    throw new Unrecognized(0, 'not a heap profile header');
  }
  p.sampleType = hasAlloc
    ? [
        // alloc before inuse, so that pprof's default (the last type) is inuse_space.
        { type: 'alloc_objects', unit: 'count' },
        { type: 'alloc_space', unit: 'bytes' },
        { type: 'inuse_objects', unit: 'count' },
        { type: 'inuse_space', unit: 'bytes' },
      ]
    : [
        { type: 'objects', unit: 'count' },
        { type: 'space', unit: 'bytes' },
      ];
  const locs = new Map<bigint, Location>();
  while (s.scan()) {
    const l = trimSpace(s.text);
    if (isSpaceOrComment(l)) continue;
    if (isMemoryMapSentinel(l)) break;
    const { value, blocksize, addrs } = parseHeapSample(l, s.offset, p.period, sampling, hasAlloc);
    const sample = newSample(callerLocations(p, locs, addrs), value);
    // google/pprof keeps the block size as a numeric label without unit.
    sample.label.push({ kind: 'number', key: 'bytes', value: blocksize, unit: '' });
    p.sample.push(sample);
  }
  s.check();
  parseAdditionalSections(s, p);
  return p;
}

function parseHeapHeader(h: RegExpExecArray, offset: number): { sampling: string; period: bigint; hasAlloc: boolean } {
  let period = 0n;
  if (h[6]!.length > 0) {
    const v = parseInt64(h[6]!, 10);
    if (v === undefined) throw new Unrecognized(offset, 'sampling rate out of range');
    period = v;
  }
  // Allocation columns that differ from the in-use ones (and are not 0) mean the profile has both.
  const hasAlloc = (h[3] !== h[1] && h[3] !== '0') || (h[4] !== h[2] && h[4] !== '0');
  switch (h[5]) {
    case 'heapz_v2':
    case 'heap_v2':
      return { sampling: 'v2', period, hasAlloc };
    case 'heapprofile':
      return { sampling: '', period: 1n, hasAlloc };
    case 'heap':
      // Go writes 2*MemProfileRate, as early C++ heap profilers did.
      return { sampling: 'v2', period: period / 2n, hasAlloc };
    default:
      throw new Unrecognized(offset, `unknown heap profile type ${h[5]!}`);
  }
}

function parseHeapSample(
  line: string,
  offset: number,
  rate: bigint,
  sampling: string,
  includeAlloc: boolean,
): { value: bigint[]; blocksize: bigint; addrs: bigint[] } {
  const m = HEAP_SAMPLE_RE.exec(line);
  if (m === null) malformed(offset, '"<inuse count>: <inuse bytes> [<alloc count>: <alloc bytes>] @ <addresses>"', line);
  const value: bigint[] = [];
  let blocksize = 0n;
  const add = (countText: string, sizeText: string, label: string): void => {
    let count = parseInt64(countText, 10);
    let size = parseInt64(sizeText, 10);
    if (count === undefined || size === undefined) malformed(offset, 'counts and sizes that are valid int64', line);
    if (count === 0n && size !== 0n) {
      throw corrupt('pprof', offset, `malformed sample: ${label} count was 0 but ${label} bytes was ${size}`);
    }
    if (count !== 0n) {
      blocksize = i64(size / count);
      if (sampling === 'v2') [count, size] = scaleHeapSample(count, size, rate);
    }
    value.push(count, size);
  };
  if (includeAlloc) add(m[3]!, m[4]!, 'allocation');
  add(m[1]!, m[2]!, 'inuse');
  const addrs = parseHexAddresses(m[5]!);
  if (addrs === undefined) malformed(offset, 'addresses that fit in 64 bits', line);
  return { value, blocksize, addrs };
}

/**
 * Unsamples a heap sample: a block of average size S is sampled with probability 1−exp(−S/rate), so the
 * estimate divides by it (rate ≤ 1 means every allocation was recorded, or the rate is unknown).
 */
export function scaleHeapSample(count: bigint, size: bigint, rate: bigint): [bigint, bigint] {
  if (count === 0n || size === 0n) return [0n, 0n];
  if (rate <= 1n) return [count, size];
  const avgSize = Number(size) / Number(count);
  const scale = 1 / (1 - Math.exp(-avgSize / Number(rate)));
  return [floatToInt64(Number(count) * scale), floatToInt64(Number(size) * scale)];
}

/** Block, mutex and C++ contentionz profiles. */
export function parseContention(b: Uint8Array): LegacyProfile {
  const s = new LineScanner(b);
  if (!s.scan()) {
    s.check();
    throw new Unrecognized(0, 'empty');
  }
  const first = s.text;
  if (!first.startsWith('--- contentionz ') && !first.startsWith('--- mutex:') && !first.startsWith('--- contention:')) {
    throw new Unrecognized(0, 'not a contention profile header');
  }
  const p = emptyProfile();
  p.periodType = { type: 'contentions', unit: 'count' };
  p.period = 1n;
  p.sampleType = [
    { type: 'contentions', unit: 'count' },
    { type: 'delay', unit: 'nanoseconds' },
  ];
  let cpuHz = 0n;
  while (s.scan()) {
    const line = trimSpace(s.text);
    if (isSpaceOrComment(line)) continue;
    if (line.startsWith('---')) break;
    const eq = line.indexOf('=');
    if (eq < 0) break;
    const key = trimSpace(line.slice(0, eq));
    const val = trimSpace(line.slice(eq + 1));
    const bad = (): never => {
      throw new Unrecognized(s.offset, `bad attribute ${key}`);
    };
    switch (key) {
      case 'cycles/second':
        cpuHz = parseInt64(val, 0) ?? bad();
        break;
      case 'sampling period':
        p.period = parseInt64(val, 0) ?? bad();
        break;
      case 'ms since reset':
        p.durationNanos = i64((parseInt64(val, 0) ?? bad()) * 1000n * 1000n);
        break;
      case 'discarded samples':
        break;
      default:
        // "format" and "resolution" mark Java contention profiles; anything else is not this format.
        bad();
    }
  }
  s.check();
  const locs = new Map<bigint, Location>();
  for (;;) {
    const line = trimSpace(s.text);
    if (line.startsWith('---')) break;
    if (!isSpaceOrComment(line)) {
      const m = CONTENTION_SAMPLE_RE.exec(line);
      if (m === null) throw new Unrecognized(s.offset, 'not a contention sample');
      let v1 = parseInt64(m[1]!, 10);
      let v2 = parseInt64(m[2]!, 10);
      if (v1 === undefined || v2 === undefined) malformed(s.offset, 'cycles and count that are valid int64', line);
      // Unsample: contentions scale by the period; delays convert from cycles to nanoseconds.
      if (p.period > 0n) {
        if (cpuHz > 0n) {
          const cpuGHz = Number(cpuHz) / 1e9;
          v1 = floatToInt64((Number(v1) * Number(p.period)) / cpuGHz);
        }
        v2 = i64(v2 * p.period);
      }
      const addrs = parseHexAddresses(m[3]!);
      if (addrs === undefined) malformed(s.offset, 'addresses that fit in 64 bits', line);
      p.sample.push(newSample(callerLocations(p, locs, addrs), [v2, v1]));
    }
    if (!s.scan()) break;
  }
  s.check();
  parseAdditionalSections(s, p);
  return p;
}

/** C++ threadz profiles: `--- Thread … stack: ---` blocks of addresses. */
export function parseThread(b: Uint8Array): LegacyProfile {
  const s = new LineScanner(b);
  while (s.scan() && isSpaceOrComment(s.text)) {
    // Skip to the header.
  }
  let line = s.text;
  let lineOffset = s.offset;
  if (THREADZ_START_RE.test(line)) {
    while (s.scan()) {
      line = s.text;
      lineOffset = s.offset;
      if (isMemoryMapSentinel(line) || line.startsWith('-')) break;
    }
  } else if (!THREAD_START_RE.test(line)) {
    throw new Unrecognized(lineOffset, 'not a thread profile header');
  }
  const p = emptyProfile();
  p.sampleType = [{ type: 'thread', unit: 'count' }];
  p.periodType = { type: 'thread', unit: 'count' };
  p.period = 1n;
  const locs = new Map<bigint, Location>();
  while (!isMemoryMapSentinel(line)) {
    if (line.startsWith('---- no stack trace for')) break;
    if (!THREAD_START_RE.test(line)) throw new Unrecognized(lineOffset, 'not a thread header');
    const t = parseThreadSample(s);
    line = t.next;
    lineOffset = t.nextOffset;
    if (t.addrs.length === 0) {
      // "same as previous thread": count it on the previous sample.
      const prev = p.sample[p.sample.length - 1];
      if (prev !== undefined) prev.value[0] = prev.value[0]! + 1n;
      continue;
    }
    // The leaf comes from the signal context, not a return address: only callers are adjusted.
    const sloc = t.addrs.map((a, i) => locationFor(p, locs, i > 0 ? u64(a - 1n) : a));
    p.sample.push(newSample(sloc, [1n]));
  }
  parseAdditionalSections(s, p);
  cleanupDuplicateLocations(p);
  return p;
}

function parseThreadSample(s: LineScanner): { next: string; nextOffset: number; addrs: bigint[] } {
  let line = '';
  let sameAsPrevious = false;
  const addrs: bigint[] = [];
  while (s.scan()) {
    line = trimSpace(s.text);
    if (line === '') continue;
    if (line.startsWith('---')) break;
    if (line.includes('same as previous thread')) {
      sameAsPrevious = true;
      continue;
    }
    const cur = parseHexAddresses(line);
    if (cur === undefined) malformed(s.offset, 'addresses that fit in 64 bits', line);
    addrs.push(...cur);
  }
  s.check();
  return { next: line, nextOffset: s.offset, addrs: sameAsPrevious ? [] : addrs };
}

/**
 * The leaf may appear twice, once from the signal context and once (adjusted by −1) from unwinding;
 * the adjusted duplicate is dropped.
 */
export function cleanupDuplicateLocations(p: LegacyProfile): void {
  for (const s of p.sample) {
    const [a, b] = s.location;
    if (a !== undefined && b !== undefined && a.address === u64(b.address + 1n)) s.location.splice(1, 1);
  }
}

