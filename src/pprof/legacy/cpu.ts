/**
 * The legacy binary CPU profile (gperftools' format, which Go's runtime/pprof wrote before Go 1.9):
 * machine words in the profiled process's size and byte order — a header `0, 3, 0|1, period µs, 0`,
 * samples `count, depth, pc…`, the end marker `0, 1, 0`, then the text of /proc/self/maps.
 * The word size and order are not recorded: like google/pprof we try 32-bit LE, 32-bit BE, 64-bit LE and
 * 64-bit BE and take the first under which the header reads correctly.
 * @module
 */

import type { Location } from '../profile.js';
import type { LegacyProfile } from './model.js';
import { i64, u64 } from './go.js';
import { parseJavaLocations, stripAddresses } from './java.js';
import { parseMemoryMap } from './maps.js';
import { emptyProfile, locationFor, newSample } from './model.js';
import { LineScanner } from './scanner.js';
import { cleanupDuplicateLocations } from './text.js';
import { Unrecognized } from './unrecognized.js';

/** Reads machine words from a byte array; a read past the end yields 0 and leaves the reader exhausted. */
class WordReader {
  /** Position of the next word; -1 once a read ran past the end (Go's nil slice). */
  pos: number;
  constructor(
    private readonly b: Uint8Array,
    private readonly view: DataView,
    readonly size: 4 | 8,
    private readonly little: boolean,
    pos: number,
  ) {
    this.pos = pos;
  }
  /** True once a read found fewer bytes than a word. */
  get exhausted(): boolean {
    return this.pos < 0;
  }
  /** Bytes left (0 when exhausted). */
  get remaining(): number {
    return this.pos < 0 ? 0 : this.b.length - this.pos;
  }
  /** The next word as an unsigned value. */
  next(): bigint {
    if (this.pos < 0 || this.b.length - this.pos < this.size) {
      this.pos = -1;
      return 0n;
    }
    const v = this.size === 8 ? this.view.getBigUint64(this.pos, this.little) : BigInt(this.view.getUint32(this.pos, this.little));
    this.pos += this.size;
    return v;
  }
}

const LAYOUTS: readonly (readonly [4 | 8, boolean])[] = [
  [4, true],
  [4, false],
  [8, true],
  [8, false],
];

/** Parses a legacy binary CPU profile (C++/Go, or Java when the third header word is 1). */
export function parseCPU(b: Uint8Array): LegacyProfile {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (const [size, little] of LAYOUTS) {
    const r = new WordReader(b, view, size, little, 0);
    const n1 = r.next();
    const n2 = r.next();
    const n3 = r.next();
    const n4 = r.next();
    const n5 = r.next();
    if (r.exhausted || n1 !== 0n || n2 !== 3n || n4 === 0n || n5 !== 0n) continue;
    if (n3 === 0n) return cpuProfile(b, r, i64(n4));
    if (n3 === 1n) return javaCPUProfile(b, r, i64(n4));
  }
  throw new Unrecognized(0, 'not a legacy CPU profile header');
}

/** An empty CPU profile: samples/count and cpu/nanoseconds, the period in nanoseconds (the header gives µs). */
function cpuProfileShell(period: bigint): LegacyProfile {
  const p = emptyProfile();
  p.period = i64(period * 1000n);
  p.periodType = { type: 'cpu', unit: 'nanoseconds' };
  p.sampleType = [
    { type: 'samples', unit: 'count' },
    { type: 'cpu', unit: 'nanoseconds' },
  ];
  return p;
}

function cpuProfile(b: Uint8Array, r: WordReader, period: bigint): LegacyProfile {
  const p = cpuProfileShell(period);
  parseCPUSamples(r, true, p);
  stripSignalFrames(p);
  parseMemoryMap(new LineScanner(r.exhausted ? new Uint8Array(0) : b.subarray(r.pos), r.exhausted ? b.length : r.pos), p);
  cleanupDuplicateLocations(p);
  return p;
}

/**
 * If (almost) every sample has the same second frame, it is the signal handler's frame rather than
 * the program's; google/pprof removes it, up to twice. "Almost" allows one sample in 32 to differ.
 */
function stripSignalFrames(p: LegacyProfile): void {
  const margin = Math.trunc(p.sample.length / 32);
  for (let iter = 0; iter < 2; iter++) {
    const counts = new Map<bigint, number>();
    for (const s of p.sample) {
      const l = s.location[1];
      if (l !== undefined) counts.set(l.address, (counts.get(l.address) ?? 0) + 1);
    }
    // At most one address can reach the threshold, so the order of this search is irrelevant.
    for (const [addr, count] of counts) {
      if (count >= p.sample.length - margin) {
        for (const s of p.sample) {
          if (s.location.length > 1 && s.location[1]!.address === addr) s.location.splice(1, 1);
        }
        break;
      }
    }
  }
}

/**
 * Reads samples up to the end marker (or the end of input). Return addresses other than the leaf are
 * adjusted by −1 when `adjust` (C++/Go) so they fall inside the call instruction. Returns the
 * address → location map (Java's symbol section refers to locations by address).
 */
export function parseCPUSamples(r: WordReader, adjust: boolean, p: LegacyProfile): Map<bigint, Location> {
  const locs = new Map<bigint, Location>();
  while (r.remaining > 0) {
    const at = r.pos;
    const count = r.next();
    const nstk = r.next();
    // google/pprof bounds the depth by remaining/4 whatever the word size; a deeper stack of 8-byte
    // words then reads zeros past the end, which we reproduce.
    if (r.exhausted || nstk > BigInt(Math.trunc(r.remaining / 4))) {
      throw new Unrecognized(at, 'sample stack is longer than the data left');
    }
    const addrs: bigint[] = [];
    for (let i = 0; i < Number(nstk); i++) addrs.push(r.next());
    if (count === 0n && nstk === 1n && addrs[0] === 0n) break;
    const sloc = addrs.map((a, i) => locationFor(p, locs, adjust && i > 0 ? u64(a - 1n) : a));
    const c = i64(count);
    p.sample.push(newSample(sloc, [c, i64(c * p.period)]));
  }
  return locs;
}

function javaCPUProfile(b: Uint8Array, r: WordReader, period: bigint): LegacyProfile {
  const p = cpuProfileShell(period);
  const locs = parseCPUSamples(r, false, p);
  parseJavaLocations(r.exhausted ? new Uint8Array(0) : b.subarray(r.pos), r.exhausted ? b.length : r.pos, locs, p);
  stripAddresses(p);
  return p;
}

export type { WordReader };
