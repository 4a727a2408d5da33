/**
 * Goroutine profiler labels read from cores (src/core/go/labels.ts).
 *
 * Oracles:
 * - what corework's labelled goroutines recorded of themselves (`core-*.oracle.json`, `labels`: each goroutine's id,
 *   from its own stack header, and the labels its context holds, runtime/pprof's ForLabels, sorted by key), written before
 *   the core; every other goroutine has none (the runtime hands labels only to goroutines created by a labelled one,
 *   and only user goroutines);
 * - for Go 1.26, the program's goroutine dump, printed with GODEBUG=tracebacklabels=1: the runtime's own reading of
 *   each `g.labels`, parsed with godiag's goroutine-dump parser.
 * The Go 1.22–1.23 cores keep labels in a classic hash map; the 27-label goroutine's map is caught growing (old
 * buckets not all evacuated), which this test checks through the DWARF layout of runtime.hmap.
 *
 * Robustness: label sets built in memory (maps with overflow chains, growth, evacuated buckets; slices), valid ones
 * read back exactly and damaged ones (cyclic chains, absurd counts and lengths, counts that disagree) ending in a
 * GodiagError or the memory layer's UnavailableMemoryError; and a recorded core whose bucket is made to point to
 * itself.
 */

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { openCore, type Core } from '../../src/core/elf-core.js';
import { UnavailableMemoryError, isUnavailable } from '../../src/core/memory.js';
import { goroutineDumpText, openGoProcess, type Goroutine, type GoProcess } from '../../src/core/go/index.js';
import { goroutineLabels, labelsHeaderText, type GoroutineLabelPair, type LabelsSource } from '../../src/core/go/labels.js';
import { parseGoroutineDump } from '../../src/pprof/goroutines/index.js';
import type { Goroutine as DumpGoroutine } from '../../src/pprof/goroutines/model.js';
import { ErrorCode, GodiagError } from '../../src/internal/errors.js';
import { fixtureBytes, type Fixture } from '../support/fixtures.js';
import { coreFixtures, executableOf, goroutineDumpOf, coreOracleOf } from '../support/core-fixtures.js';

const cores = coreFixtures;
const minor = (v: string) => Number(/^go1\.(\d+)/.exec(v)![1]);

interface Loaded {
  proc: GoProcess;
  goroutines: Goroutine[];
  /** Goroutine id → the labels it recorded. */
  recorded: Map<bigint, GoroutineLabelPair[]>;
  dump: Map<bigint, DumpGoroutine>;
}

async function load(core: Fixture): Promise<Loaded> {
  const proc = await openGoProcess(await openCore(fixtureBytes(core), { executable: fixtureBytes(executableOf(core)) }));
  const file = coreOracleOf(core);
  if (file === undefined) throw new Error(`no oracle file for ${core.path}`);
  const recorded = new Map<bigint, GoroutineLabelPair[]>();
  const oracle = JSON.parse(new TextDecoder().decode(fixtureBytes(file))) as { labels: { goroutine: string; labels: GoroutineLabelPair[] }[] };
  for (const r of oracle.labels) recorded.set(BigInt(r.goroutine), r.labels);
  const dump = new Map<bigint, DumpGoroutine>();
  for (const item of parseGoroutineDump(fixtureBytes(goroutineDumpOf(core)!)).items) if (item.kind === 'goroutine') dump.set(item.id, item);
  return { proc, goroutines: await proc.goroutines(), recorded, dump };
}

it('covers every recorded core, each with its oracle file', () => {
  expect(cores.length).toBe(16);
  for (const c of cores) expect(coreOracleOf(c), c.path).toBeDefined();
});

describe.each(cores.map((c) => [c.path, c] as const))('%s', (_path, core) => {
  let loaded: Promise<Loaded> | undefined;
  const get = () => (loaded ??= load(core));

  it('every goroutine has the labels it recorded, and the others none', async () => {
    const { proc, goroutines, recorded } = await get();
    // corework labels 8 goroutines: one, three, ten and twenty-seven labels, an empty set, a nested pprof.Do, a
    // parent and the child that inherits its labels.
    expect(recorded.size).toBe(8);
    const seen = new Set<bigint>();
    for (const g of goroutines) {
      const got = await goroutineLabels(proc, g);
      // Without DWARF, the fixed layout of the release reads the same.
      expect(await goroutineLabels({ core: proc.core, goVersion: proc.goVersion }, g)).toEqual(got);
      const want = recorded.get(g.id);
      if (want === undefined) {
        expect({ id: g.id, labels: got }).toEqual({ id: g.id, labels: undefined });
        expect(g.labelsAddress).toBe(0n);
      } else {
        expect({ id: g.id, labels: got }).toEqual({ id: g.id, labels: want });
        seen.add(g.id);
      }
    }
    expect([...seen].sort()).toEqual([...recorded.keys()].sort());
    // The child started inside pprof.Do shares its parent's label set (the runtime copies the pointer).
    const inherited = goroutines.filter((g) => recorded.get(g.id)?.[0]?.[0] === 'role');
    expect(inherited).toHaveLength(2);
    expect(inherited[0]!.labelsAddress).toBe(inherited[1]!.labelsAddress);
  });

  it('goroutineDumpText prints each goroutine\'s labels as Go 1.26 does: parsed back, they are what the goroutine recorded', async () => {
    const { proc, recorded } = await get();
    const items = parseGoroutineDump(new TextEncoder().encode(await goroutineDumpText(proc))).items;
    let labelled = 0;
    for (const item of items) {
      if (item.kind !== 'goroutine') continue;
      const want = recorded.get(item.id);
      // The runtime prints nothing for an empty set.
      const printed = want === undefined || want.length === 0 ? undefined : want.map(([key, value]) => ({ key, value }));
      expect({ id: item.id, labels: item.labels }).toEqual({ id: item.id, labels: printed });
      if (printed !== undefined) labelled++;
    }
    expect(labelled).toBe(7);
    expect(proc.warnings).toEqual([]);
  });

  it('Go 1.26: the labels the goroutine dump printed (GODEBUG=tracebacklabels=1); earlier dumps print none', async () => {
    const { proc, goroutines, dump } = await get();
    const byId = new Map(goroutines.map((g) => [g.id, g]));
    let printed = 0;
    for (const [id, d] of dump) {
      const ours = await goroutineLabels(proc, byId.get(id)!);
      if (minor(core.goVersion) < 26) {
        expect(d.labels).toBeUndefined();
        continue;
      }
      // The runtime prints nothing for an empty set.
      const want = d.labels?.map((l): GoroutineLabelPair => [l.key, l.value]);
      expect({ id, labels: ours === undefined || ours.length === 0 ? undefined : ours }).toEqual({ id, labels: want });
      if (want !== undefined) printed++;
    }
    if (minor(core.goVersion) >= 26) expect(printed).toBe(7);
  });

  // Only Go 1.26 prints labels in a dump (no test for the other cores).
  if (minor(core.goVersion) >= 26) it('Go 1.26: the header text is what the runtime printed', async () => {
    const { proc, goroutines } = await get();
    const text = new TextDecoder().decode(fixtureBytes(goroutineDumpOf(core)!));
    let compared = 0;
    for (const g of goroutines) {
      const suffix = labelsHeaderText(await goroutineLabels(proc, g));
      if (suffix === '') continue;
      const header = text.split('\n').find((l) => l.startsWith(`goroutine ${g.id} [`));
      expect(header).toBeDefined();
      expect(header!.endsWith(`${suffix}]:`), header).toBe(true);
      compared++;
    }
    expect(compared).toBe(7);
  });

  // Only Go 1.22–1.23 keep labels in a hash map (no test for the other cores).
  if (minor(core.goVersion) < 24) it('Go 1.22–1.23: the 27-label map is caught growing (old buckets present), and read whole', async () => {
    const { proc, goroutines, recorded } = await get();
    const hmap = proc.dwarf?.structLayout('runtime.hmap');
    if (hmap === undefined) throw new Error('the core executables keep DWARF: runtime.hmap expected');
    const off = (f: string) => hmap.fields.get(f)!.offset;
    const g = goroutines.find((x) => recorded.get(x.id)?.length === 27)!;
    const word = async (a: bigint) => {
      const b = await proc.core.read(a, 8);
      return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
    };
    const h = await word(g.labelsAddress);
    expect(await word(h + BigInt(off('oldbuckets')))).not.toBe(0n);
    expect(await word(h + BigInt(off('count')))).toBe(27n);
    expect(await goroutineLabels(proc, g)).toEqual(recorded.get(g.id));
  });
});

/** A sparse little-endian memory for label sets built in tests. */
class FakeMemory {
  readonly byteOrder = 'little' as const;
  private readonly segments: { at: bigint; bytes: Uint8Array }[] = [];
  private next = 0x10000n;

  /** Reserves `n` bytes (8-aligned), zeroed. */
  alloc(n: number): bigint {
    const at = this.next;
    this.segments.push({ at, bytes: new Uint8Array(n) });
    this.next += BigInt((n + 7) & ~7) + 64n; // a gap: reads across allocations fail
    return at;
  }

  private find(a: bigint, n: number): { seg: Uint8Array; off: number } {
    for (const s of this.segments) {
      if (a >= s.at && a + BigInt(n) <= s.at + BigInt(s.bytes.length)) return { seg: s.bytes, off: Number(a - s.at) };
    }
    throw new UnavailableMemoryError(a, n, a, 'unmapped');
  }

  read = (a: bigint, n: number): Promise<Uint8Array> => {
    try {
      const { seg, off } = this.find(a, n);
      return Promise.resolve(seg.slice(off, off + n));
    } catch (e) {
      return Promise.reject(e as Error);
    }
  };

  u8(a: bigint, v: number): void {
    const { seg, off } = this.find(a, 1);
    seg[off] = v;
  }

  u64(a: bigint, v: bigint): void {
    const { seg, off } = this.find(a, 8);
    new DataView(seg.buffer, seg.byteOffset).setBigUint64(off, v, true);
  }

  /** A Go string header at `a` for `s`. */
  string(a: bigint, s: string): void {
    const bytes = new TextEncoder().encode(s);
    const p = bytes.length === 0 ? 0n : this.alloc(bytes.length);
    if (bytes.length > 0) this.find(p, bytes.length).seg.set(bytes, this.find(p, bytes.length).off);
    this.u64(a, p);
    this.u64(a + 8n, BigInt(bytes.length));
  }
}

const BUCKET = 272;
const source = (mem: FakeMemory, goVersion: string): LabelsSource => ({ core: mem, goVersion });
const sorted = (pairs: GoroutineLabelPair[]) => [...pairs].sort((a, b) => Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])));

interface MapSpec {
  b: number;
  /** Old buckets: none, half as many (growing) or as many (same-size growth). */
  grow: 'none' | 'double' | 'same';
  /** Each label's place: a bucket of the new array or, while growing, of the old one. */
  entries: { key: string; value: string; old: boolean; bucket: number; tophash: number }[];
  /** Old buckets already evacuated (their first tophash 2–4, no entries). */
  evacuated: Set<number>;
  /** Empty slots (tophash 0 or 1) before each entry, to leave holes. */
  holes: number[];
}

/** Lays out a Go 1.22–1.23 map[string]string and the labelMap variable pointing at it; returns g.labels. */
function buildMap(mem: FakeMemory, spec: MapSpec): bigint {
  const nb = 1 << spec.b;
  const nold = spec.grow === 'none' ? 0 : spec.grow === 'same' ? nb : nb >> 1;
  const hmap = mem.alloc(48);
  const buckets = mem.alloc(nb * BUCKET);
  const old = nold === 0 ? 0n : mem.alloc(nold * BUCKET);
  mem.u64(hmap, BigInt(spec.entries.length));
  mem.u8(hmap + 8n, spec.grow === 'same' ? 8 : 0);
  mem.u8(hmap + 9n, spec.b);
  mem.u64(hmap + 16n, buckets);
  mem.u64(hmap + 24n, old);
  // Per chain: the current bucket and next free slot.
  const tails = new Map<string, { at: bigint; slot: number }>();
  for (let i = 0; i < nold; i++) if (spec.evacuated.has(i)) for (let s = 0; s < 8; s++) mem.u8(old + BigInt(i * BUCKET + s), 2 + (s % 3));
  spec.entries.forEach((e, k) => {
    const base = e.old ? old : buckets;
    const id = `${e.old}:${e.bucket}`;
    let t = tails.get(id) ?? { at: base + BigInt(e.bucket * BUCKET), slot: 0 };
    t.slot += spec.holes[k] ?? 0;
    if (t.slot >= 8) {
      const ov = mem.alloc(BUCKET);
      mem.u64(t.at + 264n, ov);
      t = { at: ov, slot: 0 };
    }
    mem.u8(t.at + BigInt(t.slot), e.tophash);
    mem.string(t.at + 8n + BigInt(t.slot * 16), e.key);
    mem.string(t.at + 136n + BigInt(t.slot * 16), e.value);
    tails.set(id, { at: t.at, slot: t.slot + 1 });
  });
  const variable = mem.alloc(8);
  mem.u64(variable, hmap);
  return variable;
}

const mapSpec: fc.Arbitrary<MapSpec> = fc
  .record({
    b: fc.integer({ min: 0, max: 3 }),
    grow: fc.constantFrom<MapSpec['grow']>('none', 'double', 'same'),
    labels: fc.uniqueArray(fc.record({ key: fc.string({ unit: 'grapheme', maxLength: 6 }), value: fc.string({ maxLength: 6 }) }), { selector: (l) => l.key, maxLength: 40 }),
    seed: fc.array(fc.nat(), { minLength: 200, maxLength: 200 }),
  })
  .map(({ b, grow, labels, seed }) => {
    const g = b === 0 && grow === 'double' ? 'none' : grow;
    const nb = 1 << b;
    const nold = g === 'none' ? 0 : g === 'same' ? nb : nb >> 1;
    let i = 0;
    const r = () => seed[i++ % seed.length]!;
    const evacuated = new Set<number>();
    for (let k = 0; k < nold; k++) if (r() % 3 === 0) evacuated.add(k);
    const live = [...Array(nold).keys()].filter((k) => !evacuated.has(k));
    const entries = labels.map((l) => {
      const old = live.length > 0 && r() % 2 === 0;
      return { ...l, old, bucket: old ? live[r() % live.length]! : r() % nb, tophash: 5 + (r() % 251) };
    });
    return { b, grow: g, entries, evacuated, holes: labels.map(() => (r() % 5 === 0 ? 1 + (r() % 3) : 0)) };
  });

describe('label sets built in memory', () => {
  it('Go 1.22–1.23 maps (overflow chains, growth, evacuated buckets, holes) read back as their labels sorted by key', async () => {
    await fc.assert(
      fc.asyncProperty(mapSpec, async (spec) => {
        const mem = new FakeMemory();
        const at = buildMap(mem, spec);
        const want = spec.entries.length === 0 ? [] : sorted(spec.entries.map((e): GoroutineLabelPair => [e.key, e.value]));
        expect(await goroutineLabels(source(mem, 'go1.22.12'), { labelsAddress: at })).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });

  it('damaged maps end in a GodiagError or unavailable memory, never a hang or another error', async () => {
    await fc.assert(
      fc.asyncProperty(mapSpec, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { minLength: 1, maxLength: 8 }), async (spec, flips) => {
        const mem = new FakeMemory();
        const at = buildMap(mem, spec);
        // Overwrite random bytes of the hmap and the first buckets.
        const hmap = (await mem.read(at, 8)).slice();
        const h = new DataView(hmap.buffer).getBigUint64(0, true);
        for (const [pos, v] of flips) {
          const a = h + BigInt(pos % (48 + 2 * BUCKET));
          try {
            mem.u8(a, v);
          } catch {
            // outside what was allocated
          }
        }
        try {
          await goroutineLabels(source(mem, 'go1.23.12'), { labelsAddress: at });
        } catch (e) {
          expect(e instanceof GodiagError || isUnavailable(e), String(e)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  const oneBucket = (mem: FakeMemory, n: number) =>
    buildMap(mem, { b: 0, grow: 'none', entries: Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: `v${i}`, old: false, bucket: 0, tophash: 9 })), evacuated: new Set(), holes: [] });
  const hmapOf = async (mem: FakeMemory, at: bigint) => new DataView((await mem.read(at, 8)).buffer).getBigUint64(0, true);
  const codeOf = async (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof GodiagError ? e.code : isUnavailable(e) ? 'unavailable' : String(e)));

  it('a cyclic overflow chain is corrupt', async () => {
    const mem = new FakeMemory();
    const at = oneBucket(mem, 12); // 8 in the bucket, 4 in one overflow bucket
    const h = await hmapOf(mem, at);
    const buckets = new DataView((await mem.read(h + 16n, 8)).buffer).getBigUint64(0, true);
    const overflow = new DataView((await mem.read(buckets + 264n, 8)).buffer).getBigUint64(0, true);
    expect(await goroutineLabels(source(mem, 'go1.22.12'), { labelsAddress: at })).toHaveLength(12);
    mem.u64(overflow + 264n, buckets); // the overflow bucket leads back to the first
    expect(await codeOf(goroutineLabels(source(mem, 'go1.22.12'), { labelsAddress: at }))).toBe(ErrorCode.Corrupt);
    mem.u64(overflow + 264n, overflow); // to itself
    expect(await codeOf(goroutineLabels(source(mem, 'go1.22.12'), { labelsAddress: at }))).toBe(ErrorCode.Corrupt);
  });

  it('absurd counts, sizes and lengths are limits or corruption; counts that disagree with the buckets are corrupt', async () => {
    const mem = new FakeMemory();
    const at = oneBucket(mem, 3);
    const h = await hmapOf(mem, at);
    const src = source(mem, 'go1.22.12');
    mem.u64(h, 1n << 40n);
    expect(await codeOf(goroutineLabels(src, { labelsAddress: at }))).toBe(ErrorCode.LimitExceeded);
    mem.u64(h, 4n);
    expect(await codeOf(goroutineLabels(src, { labelsAddress: at }))).toBe(ErrorCode.Corrupt);
    mem.u64(h, 2n);
    expect(await codeOf(goroutineLabels(src, { labelsAddress: at }))).toBe(ErrorCode.Corrupt);
    mem.u64(h, 3n);
    mem.u8(h + 9n, 60);
    expect(await codeOf(goroutineLabels(src, { labelsAddress: at }))).toBe(ErrorCode.Corrupt);
    mem.u8(h + 9n, 0);
    const buckets = new DataView((await mem.read(h + 16n, 8)).buffer).getBigUint64(0, true);
    mem.u64(buckets + 8n + 8n, 1n << 50n); // the first key's length
    expect(await codeOf(goroutineLabels(src, { labelsAddress: at }))).toBe(ErrorCode.LimitExceeded);
    mem.u64(buckets + 8n + 8n, 2n);
    mem.u64(buckets + 8n, 0x7777_0000n); // the first key's bytes nowhere
    expect(await codeOf(goroutineLabels(src, { labelsAddress: at }))).toBe('unavailable');
    expect(await codeOf(goroutineLabels(src, { labelsAddress: 0x9999_0000n }))).toBe('unavailable');
    expect(await codeOf(goroutineLabels(src, { labelsAddress: at }, { maxLabels: 2 }))).toBe(ErrorCode.LimitExceeded);
  });

  it('a map without buckets is an empty set; a nil map variable too; no label set is undefined', async () => {
    const mem = new FakeMemory();
    const hmap = mem.alloc(48);
    const variable = mem.alloc(8);
    mem.u64(variable, hmap);
    expect(await goroutineLabels(source(mem, 'go1.22.12'), { labelsAddress: variable })).toEqual([]);
    mem.u64(variable, 0n);
    expect(await goroutineLabels(source(mem, 'go1.22.12'), { labelsAddress: variable })).toEqual([]);
    expect(await goroutineLabels(source(mem, 'go1.22.12'), { labelsAddress: 0n })).toBeUndefined();
    mem.u64(hmap, 1n); // a count without buckets
    mem.u64(variable, hmap);
    expect(await codeOf(goroutineLabels(source(mem, 'go1.22.12'), { labelsAddress: variable }))).toBe(ErrorCode.Corrupt);
  });

  it('Go 1.24+ label slices: read in order; a length beyond the capacity or the limit is refused', async () => {
    const mem = new FakeMemory();
    const pairs: GoroutineLabelPair[] = [
      ['a', 'x'],
      ['b', ''],
      ['é', 'y z'],
    ];
    const items = mem.alloc(32 * pairs.length);
    pairs.forEach(([k, v], i) => {
      mem.string(items + BigInt(i * 32), k);
      mem.string(items + BigInt(i * 32 + 16), v);
    });
    const set = mem.alloc(24);
    mem.u64(set, items);
    mem.u64(set + 8n, 3n);
    mem.u64(set + 16n, 4n);
    for (const v of ['go1.24.13', 'go1.25.14', 'go1.26.8']) expect(await goroutineLabels(source(mem, v), { labelsAddress: set })).toEqual(pairs);
    mem.u64(set + 8n, 5n);
    expect(await codeOf(goroutineLabels(source(mem, 'go1.26.8'), { labelsAddress: set }))).toBe(ErrorCode.Corrupt);
    mem.u64(set + 8n, 1n << 40n);
    mem.u64(set + 16n, 1n << 41n);
    expect(await codeOf(goroutineLabels(source(mem, 'go1.26.8'), { labelsAddress: set }))).toBe(ErrorCode.LimitExceeded);
    expect(await codeOf(goroutineLabels(source(mem, 'go1.21.13'), { labelsAddress: set }))).toBe(ErrorCode.UnsupportedVersion);
    expect(await codeOf(goroutineLabels({ core: mem, goVersion: undefined }, { labelsAddress: set }))).toBe(ErrorCode.UnsupportedVersion);
  });

  it('quotes as the runtime’s printquoted', () => {
    expect(labelsHeaderText(undefined)).toBe('');
    expect(labelsHeaderText([])).toBe('');
    expect(labelsHeaderText([['k"\\', 'a\tb\n\x01\x7fé😀\ufffd']])).toBe(' labels:{"k\\"\\\\": "a\\tb\\n\\x01\\u007f\\u00e9\\U0001f600\\ufffd"}');
  });
});

describe('a recorded Go 1.22 core whose label bucket points to itself', async () => {
  const coreFixture = cores.find((c) => c.goVersion.startsWith('go1.22') && c.kind === 'core-kernel')!;
  const core = await openCore(fixtureBytes(coreFixture), { executable: fixtureBytes(executableOf(coreFixture)) });
  const proc = await openGoProcess(core);
  // The ten-label goroutine: its map has two buckets.
  let g = (await proc.goroutines())[0]!;
  for (const x of await proc.goroutines()) if ((await goroutineLabels(proc, x))?.length === 10) g = x;
  const word = async (a: bigint) => {
    const b = await core.read(a, 8);
    return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
  };
  const buckets = await word((await word(g.labelsAddress)) + 16n);
  const patchAt = buckets + 264n;
  const patched: Core = new Proxy(core, {
    get(target, prop, receiver) {
      if (prop === 'read')
        return async (a: bigint, n: number) => {
          const b = (await target.read(a, n)).slice();
          if (patchAt >= a && patchAt + 8n <= a + BigInt(n)) new DataView(b.buffer).setBigUint64(Number(patchAt - a), buckets, true);
          return b;
        };
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as (...args: unknown[]) => unknown).bind(target) : v;
    },
  });

  it('is corrupt, where the original reads', async () => {
    expect(await goroutineLabels(proc, g)).toBeDefined();
    await expect(goroutineLabels({ core: patched, goVersion: proc.goVersion, dwarf: proc.dwarf }, g)).rejects.toMatchObject({ code: ErrorCode.Corrupt });
  });
});
