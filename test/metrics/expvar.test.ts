// expvar reading: the exact-integer JSON parser and fromExpvar's handling of odd input. That the mappings are
// right is proved against Go in test/node/metrics-expvar.test.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode, GodiagError } from '../../src/internal/errors.js';
import { describe as describeMetric } from '../../src/metrics/catalog.js';
import { EXPVAR_MAPPINGS, fromExpvar, parseExpvarJson } from '../../src/metrics/expvar.js';

/** A memstats object with every field the mappings read, each a distinct value (minuends the larger). */
function memstats(): Record<string, number> {
  const m: Record<string, number> = {};
  let v = 1000;
  for (const { minus } of EXPVAR_MAPPINGS) if (minus !== undefined && !(minus in m)) m[minus] = (v += 7);
  for (const { field } of EXPVAR_MAPPINGS) if (!(field in m)) m[field] = (v += 100_000);
  return m;
}

describe('parseExpvarJson', () => {
  it('parses what JSON.parse parses, to the same value when every integer is safe', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => {
        const text = JSON.stringify(v);
        // Integers beyond 2^53 become bigint (the next property); leave them out here.
        fc.pre(!/(?:^|[^\w.+-])-?\d{16,}(?![\d.eE])/.test(text.replace(/"(?:[^"\\]|\\.)*"/g, '""')));
        expect(parseExpvarJson(text)).toEqual(JSON.parse(text));
        expect(parseExpvarJson(JSON.stringify(v, null, 2))).toEqual(JSON.parse(text));
      }),
    );
  });

  it('keeps integers beyond 2^53 exact as bigint', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 2n ** 53n, max: 2n ** 64n - 1n }), (n) => {
        expect(parseExpvarJson(`{"LastGC":${n},"neg":-${n}}`)).toEqual({ LastGC: n, neg: -n });
      }),
    );
  });

  it('reads "__proto__" as a key', () => {
    const v = parseExpvarJson('{"__proto__":{"a":1}}') as Record<string, unknown>;
    expect(Object.keys(v)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
  });

  it('rejects what JSON.parse rejects, with the byte offset; a cut text is truncated', () => {
    const cases: [string, number][] = [
      ['{"a":1,}', 7],
      ['{"a" 1}', 5],
      ['[1 2]', 3],
      ['{"é":01}', 7],
      ['"\u0001"', 0],
      ['{} x', 3],
      ['nul', 0],
    ];
    for (const [text, offset] of cases) {
      expect(() => JSON.parse(text), text).toThrow();
      const err = (() => {
        try {
          parseExpvarJson(text);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err, text).toBeInstanceOf(GodiagError);
      expect((err as GodiagError).offset, text).toBe(offset);
    }
    const text = JSON.stringify({ memstats: memstats() });
    for (let n = 0; n < text.length; n += 17) {
      expect(() => parseExpvarJson(text.slice(0, n))).toThrow(expect.objectContaining({ code: ErrorCode.Truncated }));
    }
    expect(() => parseExpvarJson('['.repeat(100) + ']'.repeat(100))).toThrow(/nested deeper/);
  });
});

describe('fromExpvar', () => {
  it('maps every field and difference, keeps cmdline aside and lists the rest', () => {
    const m = { ...memstats(), Mallocs: 5, BySize: [{ Size: 0, Mallocs: 0, Frees: 0 }] };
    const vars = { cmdline: ['app', '-v'], memstats: m, requests: 3 };
    const got = fromExpvar(JSON.stringify(vars));
    expect(got.cmdline).toEqual(['app', '-v']);
    expect(got.unmapped).toEqual(['memstats.Mallocs', 'memstats.BySize', 'requests']);
    expect(got.snapshot.goVersion).toBeUndefined();
    expect(got.snapshot.time).toBeUndefined();
    const names = [...got.snapshot.values.keys()];
    expect(names).toEqual(EXPVAR_MAPPINGS.map((x) => x.metric).sort());
    for (const { metric, field, minus } of EXPVAR_MAPPINGS) {
      const want = BigInt(m[field as keyof typeof m] as number) - (minus === undefined ? 0n : BigInt(m[minus as keyof typeof m] as number));
      expect(got.snapshot.values.get(metric), metric).toEqual({ kind: 'Uint64', value: want });
    }
    expect(fromExpvar(vars)).toEqual(got);
  });

  it('with a Go version, keeps only the metrics that release lists', () => {
    for (const goVersion of ['go1.16.15', 'go1.17.13', 'go1.26.8']) {
      const { snapshot } = fromExpvar({ memstats: memstats() }, { goVersion });
      expect(snapshot.goVersion).toBe(goVersion);
      const want = EXPVAR_MAPPINGS.map((x) => x.metric).filter((n) => describeMetric(n, { goVersion })?.listed === true);
      expect([...snapshot.values.keys()]).toEqual(want.sort());
    }
    expect(fromExpvar({ memstats: memstats() }, { goVersion: 'go1.16.15' }).snapshot.values.has('/gc/heap/allocs:bytes')).toBe(false);
  });

  it('keeps uint64 values beyond 2^53 exact', () => {
    const big = 2n ** 60n + 1n;
    const text = JSON.stringify({ memstats: memstats() }).replace(/"TotalAlloc":\d+/, `"TotalAlloc":${big}`);
    expect(fromExpvar(text).snapshot.values.get('/gc/heap/allocs:bytes')).toEqual({ kind: 'Uint64', value: big });
  });

  it('without memstats, the snapshot is empty', () => {
    expect(fromExpvar('{"x":1}')).toEqual({ snapshot: { values: new Map() }, unmapped: ['x'] });
  });

  it('rejects input that cannot be mapped', () => {
    const bad = (v: unknown, why: RegExp) => {
      expect(() => fromExpvar(v), JSON.stringify(v)).toThrow(GodiagError);
      expect(() => fromExpvar(v)).toThrow(why);
    };
    bad('[1]', /is a JSON object/);
    bad(null, /is a JSON object/);
    bad({ cmdline: 'app' }, /array of strings/);
    bad({ memstats: [] }, /"memstats" is an object/);
    const { NextGC: _, ...noGoal } = memstats();
    bad({ memstats: noGoal }, /memstats has no NextGC/);
    bad({ memstats: { ...memstats(), NumGC: -1 } }, /memstats.NumGC is not an unsigned integer/);
    bad({ memstats: { ...memstats(), NumGC: 1.5 } }, /memstats.NumGC is not an unsigned integer/);
    bad({ memstats: { ...memstats(), StackSys: 0 } }, /StackSys is less than memstats.StackInuse/);
    expect(() => fromExpvar('{"memstats":')).toThrow(expect.objectContaining({ code: ErrorCode.Truncated }));
  });
});
