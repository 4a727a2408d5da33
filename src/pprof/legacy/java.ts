/**
 * Java legacy profiles (heapz and contentionz text, and the symbol section of the binary CPU profile)
 * as google/pprof reads them. Java locations are symbolized in the file — `0x<addr> function (file:line)`
 * lines after the samples — and then their addresses are cleared so that profiles merge by function.
 * @module
 */

import { corrupt } from '../../internal/errors.js';
import { decodeUtf8 } from '../../internal/utf8.js';
import { toSafeNumber } from '../../internal/int64.js';
import type { Function, Location } from '../profile.js';
import type { LegacyProfile } from './model.js';
import { RE_DOT, RE_S, i64, parseInt64, parseUint, trimSpace } from './go.js';
import { emptyProfile, locationFor, newSample, remapFunctionIDs, remapLocationIDs, remapMappingIDs } from './model.js';
import { parseHexAddresses, scaleHeapSample } from './text.js';
import { Unrecognized } from './unrecognized.js';

const ATTRIBUTE_RE = /([0-9A-Za-z_ ]+)=([0-9A-Za-z_ ]+)/;
const JAVA_SAMPLE_RE = / *([0-9]+) +([0-9]+) +@ +([ x0-9a-f]*)/;
const JAVA_LOCATION_RE = new RegExp(`^${RE_S}*0x([0-9A-Fa-f]+)${RE_S}+(${RE_DOT}*)${RE_S}*$`);
const JAVA_FILE_LINE_RE = new RegExp(`^(${RE_DOT}*)${RE_S}+\\((${RE_DOT}+):(-?[0-9]+)\\)$`);
const JAVA_PATH_RE = new RegExp(`^(${RE_DOT}*)${RE_S}+\\((${RE_DOT}*)\\)$`);

/** Java's heapz sampling rate (512 KiB), which the file does not record. */
const JAVA_HEAPZ_SAMPLING_RATE = 524288n;

/** The `\n`-terminated lines of `b` (a last line without newline is not one), with their offsets. */
function* terminatedLines(b: Uint8Array, base: number): Generator<{ text: string; offset: number; end: number }> {
  let pos = 0;
  for (;;) {
    const nl = b.indexOf(0x0a, pos);
    if (nl < 0) return;
    yield { text: trimSpace(decodeUtf8(b.subarray(pos, nl))), offset: base + pos, end: nl + 1 };
    pos = nl + 1;
  }
}

/** Java heapz / contentionz text profiles. */
export function parseJavaProfile(b: Uint8Array): LegacyProfile {
  const nl = b.indexOf(0x0a);
  if (nl < 0) throw new Unrecognized(0, 'no header line');
  const p = emptyProfile();
  const header = trimSpace(decodeUtf8(b.subarray(0, nl)));
  let pType: 'heap' | 'contention';
  if (header === '--- heapz 1 ---') pType = 'heap';
  else if (header === '--- contentionz 1 ---') pType = 'contention';
  else throw new Unrecognized(0, 'not a Java profile header');
  let rest = nl + 1;
  rest = parseJavaHeader(pType, b, rest, p);
  const { locs, end } = parseJavaSamples(pType, b, rest, p);
  parseJavaLocations(b.subarray(end), end, locs, p);
  stripAddresses(p);
  return p;
}

function parseJavaHeader(pType: 'heap' | 'contention', b: Uint8Array, start: number, p: LegacyProfile): number {
  let next = start;
  for (const line of terminatedLines(b.subarray(start), start)) {
    if (line.text !== '') {
      const h = ATTRIBUTE_RE.exec(line.text);
      if (h === null) return next;
      const attribute = trimSpace(h[1]!);
      const value = trimSpace(h[2]!);
      const bad = (): never => {
        throw corrupt('pprof', line.offset, `failed to parse attribute ${JSON.stringify(line.text)}: expected an integer`);
      };
      switch (`${pType}/${attribute}`) {
        case 'heap/format':
        case 'contention/format':
          if (value !== 'java') throw new Unrecognized(line.offset, 'not a Java profile');
          break;
        case 'heap/resolution':
          p.sampleType = [
            { type: 'inuse_objects', unit: 'count' },
            { type: 'inuse_space', unit: value },
          ];
          break;
        case 'contention/resolution':
          p.sampleType = [
            { type: 'contentions', unit: 'count' },
            { type: 'delay', unit: value },
          ];
          break;
        case 'contention/sampling period':
          p.periodType = { type: 'contentions', unit: 'count' };
          p.period = parseInt64(value, 0) ?? bad();
          break;
        case 'contention/ms since reset':
          p.durationNanos = i64((parseInt64(value, 0) ?? bad()) * 1000n * 1000n);
          break;
        default:
          throw new Unrecognized(line.offset, `unknown attribute ${attribute}`);
      }
    }
    next = start + line.end;
  }
  return next;
}

function parseJavaSamples(
  pType: 'heap' | 'contention',
  b: Uint8Array,
  start: number,
  p: LegacyProfile,
): { locs: Map<bigint, Location>; end: number } {
  const locs = new Map<bigint, Location>();
  let next = start;
  for (const line of terminatedLines(b.subarray(start), start)) {
    if (line.text !== '') {
      const m = JAVA_SAMPLE_RE.exec(line.text);
      if (m === null) return { locs, end: next };
      const addrs = parseHexAddresses(m[3]!);
      if (addrs === undefined) {
        throw corrupt('pprof', line.offset, `malformed sample ${JSON.stringify(line.text)}: expected addresses that fit in 64 bits`);
      }
      const sloc = addrs.map((a) => locationFor(p, locs, a));
      // Java writes size before count, the reverse of the other formats.
      let v0 = parseInt64(m[2]!, 0);
      let v1 = parseInt64(m[1]!, 0);
      if (v0 === undefined || v1 === undefined) {
        throw corrupt('pprof', line.offset, `malformed sample ${JSON.stringify(line.text)}: expected int64 values`);
      }
      const s = newSample(sloc, []);
      if (pType === 'heap') {
        if (v0 === 0n) {
          throw corrupt('pprof', line.offset, `malformed sample ${JSON.stringify(line.text)}: the count must be non-zero`);
        }
        s.label.push({ kind: 'number', key: 'bytes', value: i64(v1 / v0), unit: '' });
        [v0, v1] = scaleHeapSample(v0, v1, JAVA_HEAPZ_SAMPLING_RATE);
      } else if (p.period !== 0n) {
        v0 = i64(v0 * p.period);
        v1 = i64(v1 * p.period);
      }
      s.value = BigInt64Array.of(v0, v1);
      p.sample.push(s);
    }
    next = start + line.end;
  }
  return { locs, end: next };
}

/** Go's `filepath.Base` on Unix. */
function baseName(path: string): string {
  if (path === '') return '.';
  let s = path;
  while (s.length > 0 && s.endsWith('/')) s = s.slice(0, -1);
  const i = s.lastIndexOf('/');
  if (i >= 0) s = s.slice(i + 1);
  return s === '' ? '/' : s;
}

/**
 * Reads `0x<addr> <description>` lines, symbolizing the locations of the samples, then renumbers.
 * `b` is the rest of the input, starting at byte `base`.
 */
export function parseJavaLocations(b: Uint8Array, base: number, locs: Map<bigint, Location>, p: LegacyProfile): void {
  const fns = new Map<string, Function>();
  let pos = 0;
  while (pos < b.length) {
    const nl = b.indexOf(0x0a, pos);
    const end = nl < 0 ? b.length : nl + 1;
    const offset = base + pos;
    const line = trimSpace(decodeUtf8(b.subarray(pos, nl < 0 ? b.length : nl)));
    pos = end;
    if (line === '') continue;
    const jloc = JAVA_LOCATION_RE.exec(line);
    if (jloc === null) continue;
    const addr = parseUint(jloc[1]!, 16);
    if (addr === undefined) {
      throw corrupt('pprof', offset, `malformed location ${JSON.stringify(line)}: expected an address that fits in 64 bits`);
    }
    const loc = locs.get(addr);
    if (loc === undefined) continue;
    const desc = jloc[2]!;
    let lineFunc: string;
    let lineFile = '';
    let lineNo = 0;
    const fileLine = JAVA_FILE_LINE_RE.exec(desc);
    const filePath = fileLine === null ? JAVA_PATH_RE.exec(desc) : null;
    if (fileLine !== null) {
      lineFunc = fileLine[1]!;
      lineFile = fileLine[2]!;
      const n = parseInt64(fileLine[3]!, 10);
      if (n !== undefined && n > 0n) lineNo = toSafeNumber(n, 'pprof', offset, 'line number');
    } else if (filePath !== null) {
      // A shared library path rather than file:line; only its base name is interesting.
      lineFunc = filePath[1]!;
      lineFile = baseName(filePath[2]!);
    } else if (desc.includes('generated stub/JIT')) {
      lineFunc = 'STUB';
    } else {
      // Internal states of the Java agent ("GC", "VM") are named by the whole description.
      lineFunc = desc;
    }
    let fn = fns.get(lineFunc);
    if (fn === undefined) {
      fn = { id: 0n, name: lineFunc, systemName: lineFunc, filename: lineFile, startLine: 0 };
      fns.set(lineFunc, fn);
      p.function.push(fn);
    }
    loc.line = [{ function: fn, line: lineNo, column: 0 }];
    loc.address = 0n;
  }
  remapLocationIDs(p);
  remapFunctionIDs(p);
  remapMappingIDs(p);
}

/** google/pprof's `Aggregate(true, true, true, true, false, false)`: columns and addresses cleared. */
export function stripAddresses(p: LegacyProfile): void {
  for (const l of p.location) {
    for (const ln of l.line) ln.column = 0;
    l.address = 0n;
  }
}

