// Canonical snapshot JSON: properties of the reader and writer (the byte-for-byte agreement with Go's output
// is test/node/metrics-snapshot-fixtures.test.ts). Round trips over arbitrary values (NaN, ±Inf, −0,
// 2^64−1 included), chunking invariance of the streaming reader, and rejection of corrupt or cut input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareCodePoints } from '../../src/internal/canonical-json.js';
import { ErrorCode, GodiagError } from '../../src/internal/errors.js';
import { parseSnapshotJson, readSnapshots, snapshotJson } from '../../src/metrics/snapshot-json.js';
import type { MetricValue, Snapshot } from '../../src/metrics/snapshot.js';

const U64_MAX = 2n ** 64n - 1n;
const u64 = fc.oneof(fc.constantFrom(0n, 1n, 2n ** 53n + 1n, U64_MAX), fc.bigInt({ min: 0n, max: U64_MAX }));
const f64 = fc.oneof(fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, 5e-324, Number.MAX_VALUE, 1e21, 1e-7), fc.double());

const histogram: fc.Arbitrary<MetricValue> = fc
  .record({
    inner: fc.uniqueArray(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 12, comparator: (a, b) => a === b }),
    low: fc.boolean(),
    high: fc.boolean(),
  })
  .chain(({ inner, low, high }) => {
    // Strictly increasing boundaries; -0 and 0 are the same boundary, so keep one.
    const sorted = [...new Set(inner.map((x) => (x === 0 ? 0 : x)))].sort((a, b) => a - b);
    const buckets = [...(low ? [-Infinity] : []), ...sorted, ...(high ? [Infinity] : [])];
    if (buckets.length === 0) buckets.push(0);
    return fc.array(u64, { minLength: buckets.length - 1, maxLength: buckets.length - 1 }).map(
      (counts): MetricValue => ({ kind: 'Float64Histogram', buckets, counts }),
    );
  });

const value: fc.Arbitrary<MetricValue> = fc.oneof(
  u64.map((v): MetricValue => ({ kind: 'Uint64', value: v })),
  f64.map((v): MetricValue => ({ kind: 'Float64', value: v })),
  histogram,
);

const name = fc.oneof(fc.constantFrom('/gc/heap/allocs:bytes', '__proto__', 'constructor', ''), fc.string({ unit: 'binary' }));

const snapshot: fc.Arbitrary<Snapshot> = fc.record(
  {
    time: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    traceTime: fc.maxSafeNat(),
    goVersion: fc.string(),
    values: fc.uniqueArray(fc.tuple(name, value), { selector: (e) => e[0], maxLength: 8 }).map((e) => new Map(e)),
  },
  { requiredKeys: ['values'] },
);

/** The snapshot as a reader gives it back: metrics in name order. */
function sorted(s: Snapshot): Snapshot {
  return { ...s, values: new Map([...s.values].sort((a, b) => compareCodePoints(a[0], b[0]))) };
}

async function collect(source: Parameters<typeof readSnapshots>[0], maxLineBytes?: number): Promise<Snapshot[]> {
  const out: Snapshot[] = [];
  for await (const s of readSnapshots(source, maxLineBytes === undefined ? {} : { maxLineBytes })) out.push(s);
  return out;
}

const enc = new TextEncoder();

/** Splits bytes at the given cut points. */
function cut(bytes: Uint8Array, at: number[]): Uint8Array[] {
  const points = [...new Set(at.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    parts.push(bytes.subarray(prev, p));
    prev = p;
  }
  return parts;
}

/** Runs a reader to its end and returns the GodiagError it threw (or fails). */
async function rejection(source: Parameters<typeof readSnapshots>[0], maxLineBytes?: number): Promise<GodiagError> {
  try {
    await collect(source, maxLineBytes);
  } catch (e) {
    expect(e).toBeInstanceOf(GodiagError);
    return e as GodiagError;
  }
  throw new Error('the input was accepted');
}

describe('snapshot JSON', () => {
  it('round-trips any snapshot: parse(write(s)) is s with metrics in name order, and writes the same text', () => {
    fc.assert(
      fc.property(snapshot, (s) => {
        const text = snapshotJson(s);
        expect(text).not.toContain('\n');
        const back = parseSnapshotJson(text);
        expect(back).toEqual(sorted(s));
        expect(snapshotJson(back)).toBe(text);
      }),
    );
  });

  it('writes the edge values as the canonical JSON rules say', () => {
    const s: Snapshot = {
      time: -1n,
      goVersion: 'go1.26.8',
      values: new Map<string, MetricValue>([
        ['/z', { kind: 'Uint64', value: U64_MAX }],
        ['/a', { kind: 'Float64', value: -0 }],
        ['/n', { kind: 'Float64', value: NaN }],
        ['/h', { kind: 'Float64Histogram', buckets: [-Infinity, 1e-7, 1e21, Infinity], counts: [0n, U64_MAX, 3n] }],
      ]),
    };
    const text = snapshotJson(s);
    expect(text).toBe(
      '{"goVersion":"go1.26.8","metrics":{"/a":{"kind":"Float64","value":-0},' +
        '"/h":{"buckets":["-Inf",1e-07,1e+21,"+Inf"],"counts":["0","18446744073709551615","3"],"kind":"Float64Histogram"},' +
        '"/n":{"kind":"Float64","value":"NaN"},"/z":{"kind":"Uint64","value":"18446744073709551615"}},"time":"-1"}',
    );
    const back = parseSnapshotJson(text);
    expect(Object.is((back.values.get('/a') as { value: number }).value, -0)).toBe(true);
    expect(back).toEqual(sorted(s));
  });

  it('the writer refuses values the reader would reject', () => {
    const one = (v: MetricValue): Snapshot => ({ values: new Map([['/x', v]]) });
    expect(() => snapshotJson(one({ kind: 'Uint64', value: U64_MAX + 1n }))).toThrow(RangeError);
    expect(() => snapshotJson(one({ kind: 'Uint64', value: -1n }))).toThrow(RangeError);
    expect(() => snapshotJson(one({ kind: 'Float64Histogram', buckets: [0, 1], counts: [] }))).toThrow(RangeError);
    expect(() => snapshotJson({ time: 2n ** 63n, values: new Map() })).toThrow(RangeError);
  });

  it('reads JSON Lines the same whatever the chunking, skipping blank lines, last newline optional', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(snapshot, { maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.boolean(),
        async (snaps, cuts, finalNewline) => {
          const text = snaps.map((s) => snapshotJson(s) + '\n\n').join('') + (finalNewline ? '' : '  ');
          const bytes = enc.encode(text);
          const whole = await collect(bytes);
          expect(whole).toEqual(snaps.map(sorted));
          expect(await collect(cut(bytes, cuts))).toEqual(whole);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('a cut inside a line yields the lines before it, then a truncated error at the line start', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(snapshot, { minLength: 1, maxLength: 3 }), fc.nat(), async (snaps, n) => {
        const lines = snaps.map((s) => snapshotJson(s) + '\n');
        const bytes = enc.encode(lines.join(''));
        const at = n % bytes.length;
        const prefix = bytes.subarray(0, at);
        // The line the cut falls in, and its start.
        let start = 0;
        let complete = 0;
        while (start + enc.encode(lines[complete]!).length <= at) start += enc.encode(lines[complete++]!).length;
        if (start === at) {
          expect(await collect(prefix)).toEqual(snaps.slice(0, complete).map(sorted));
          return;
        }
        if (at === start + enc.encode(lines[complete]!).length - 1) {
          // Only the newline is cut: the last line needs none.
          expect(await collect(prefix)).toEqual(snaps.slice(0, complete + 1).map(sorted));
          return;
        }
        const got: Snapshot[] = [];
        const err = await (async () => {
          try {
            for await (const s of readSnapshots(prefix)) got.push(s);
          } catch (e) {
            return e;
          }
          return undefined;
        })();
        expect(got).toEqual(snaps.slice(0, complete).map(sorted));
        expect(err).toBeInstanceOf(GodiagError);
        expect((err as GodiagError).code).toBe(ErrorCode.Truncated);
        expect((err as GodiagError).offset).toBe(start);
        expect((err as GodiagError).message).toContain(`line ${complete + 1}:`);
      }),
      { numRuns: 100 },
    );
  });

  it('a changed byte is read or rejected with a GodiagError, never another exception', async () => {
    await fc.assert(
      fc.asyncProperty(snapshot, fc.nat(), fc.integer({ min: 0, max: 255 }), async (s, n, b) => {
        const bytes = enc.encode(snapshotJson(s) + '\n');
        bytes[n % bytes.length] = b;
        try {
          for await (const got of readSnapshots(bytes)) expect(got.values).toBeInstanceOf(Map);
        } catch (e) {
          expect(e).toBeInstanceOf(GodiagError);
          expect((e as GodiagError).format).toBe('metrics');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('rejects malformed snapshots with the reason, line and line offset', async () => {
    const good = '{"metrics":{"/x":{"kind":"Uint64","value":"1"}}}\n';
    const cases: [string, RegExp][] = [
      ['{"metrics":{"/x":{"kind":"Int64","value":"1"}}}', /unknown kind "Int64"/],
      ['{"metrics":{"/x":{"value":"1"}}}', /no "kind"/],
      ['{"metrics":{"/x":{"kind":"Uint64","value":"18446744073709551616"}}}', /exceeds 2\^64−1/],
      ['{"metrics":{"/x":{"kind":"Uint64","value":"-1"}}}', /unsigned decimal string/],
      ['{"metrics":{"/x":{"kind":"Uint64","value":1}}}', /unsigned decimal string/],
      ['{"metrics":{"/x":{"kind":"Uint64","value":"01"}}}', /unsigned decimal string/],
      ['{"metrics":{"/x":{"kind":"Float64","value":"inf"}}}', /must be a number, "NaN"/],
      ['{"metrics":{"/x":{"kind":"Float64","value":1e999}}}', /out of the float64 range/],
      ['{"metrics":{"/h":{"buckets":[0,1,2],"counts":["1"],"kind":"Float64Histogram"}}}', /3 bucket boundaries for 1 counts/],
      ['{"metrics":{"/h":{"buckets":[1,1],"counts":["1"],"kind":"Float64Histogram"}}}', /boundary 1 \(1\) does not increase/],
      ['{"metrics":{"/h":{"buckets":["NaN",1],"counts":["1"],"kind":"Float64Histogram"}}}', /boundary 0 \(NaN\) does not increase/],
      ['{"metrics":{"/x":{"kind":"Uint64","value":"1","extra":0}}}', /unknown member "extra"/],
      ['{"metrics":{},"when":"1"}', /unknown member "when"/],
      ['{"metrics":{},"time":"1.5"}', /"time" must be a decimal string/],
      ['{"metrics":{},"time":"9223372036854775808"}', /not a 64-bit signed integer/],
      ['{"goVersion":"go1.26"}', /no "metrics" member/],
      ['[1]', /a snapshot is a JSON object/],
      ['{"metrics":', /invalid JSON/],
    ];
    for (const [line, why] of cases) {
      const err = await rejection(enc.encode(good + line + '\n' + good));
      expect(err.code, line).toBe(ErrorCode.Corrupt);
      expect(err.detail, line).toMatch(why);
      expect(err.detail, line).toMatch(/^line 2: /);
      expect(err.offset, line).toBe(good.length);
      expect(() => parseSnapshotJson(line), line).toThrow(GodiagError);
    }
    const invalidUtf8 = new Uint8Array([...enc.encode(good), 0x7b, 0xff, 0x7d, 0x0a]);
    expect((await rejection(invalidUtf8)).detail).toMatch(/line 2: the line is not valid UTF-8/);
    expect(() => parseSnapshotJson('')).toThrow(/empty/);
  });

  it('limits the line length', async () => {
    const line = enc.encode('{"metrics":{"/x":{"kind":"Uint64","value":"1"}}}\n');
    expect(await collect([line, line], line.length - 1)).toHaveLength(2);
    const err = await rejection([line, line], line.length - 2);
    expect(err.code).toBe(ErrorCode.LimitExceeded);
    expect(err.offset).toBe(0);
  });
});
