// The float and string rules are proven against Go by the `canon` golden (test/node/golden.test.ts);
// these tests cover the structural rules.
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { canonicalJson, compareCodePoints, float, formatGoFloat } from '../../src/internal/canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys, omits undefined members, prints bigint as strings', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: undefined, d: 2n ** 64n - 1n, e: -5n })).toBe(
      '{"a":[true,null,"x"],"b":1,"d":"18446744073709551615","e":"-5"}',
    );
  });

  it('refuses numbers that are not safe integers unless marked as floats', () => {
    expect(() => canonicalJson(0.5)).toThrow(/wrap floats in float\(\)/);
    expect(() => canonicalJson(2 ** 53)).toThrow(TypeError);
    expect(canonicalJson([float(0.5), float(NaN), float(-Infinity)])).toBe('[0.5,"NaN","-Inf"]');
  });

  test.prop([fc.dictionary(fc.string({ unit: 'binary' }), fc.integer())])('keys come out in UTF-8 byte order', (obj) => {
    const keys = Object.keys(JSON.parse(canonicalJson(obj)) as object);
    const bytes = keys.map((k) => [...new TextEncoder().encode(k)]);
    for (let i = 1; i < bytes.length; i++) {
      const a = bytes[i - 1]!;
      const b = bytes[i]!;
      let cmp = 0;
      for (let j = 0; j < Math.min(a.length, b.length) && cmp === 0; j++) cmp = a[j]! - b[j]!;
      if (cmp === 0) cmp = a.length - b.length;
      expect(cmp).toBeLessThanOrEqual(0);
    }
  });

  test.prop([fc.string({ unit: 'grapheme' })])('strings survive JSON.parse', (s) => {
    expect(JSON.parse(canonicalJson(s))).toBe(s);
  });

  test.prop([fc.double()])('float text parses back to the same float', (x) => {
    const s = formatGoFloat(x);
    if (Number.isNaN(x)) expect(s).toBe('NaN');
    else if (!Number.isFinite(x)) expect(s).toBe(x > 0 ? '+Inf' : '-Inf');
    else expect(Object.is(Number(s), x)).toBe(true);
  });

  it('orders astral characters after the rest of the BMP, as UTF-8 does', () => {
    expect(compareCodePoints('\u{1F600}', '\uFFFD')).toBeGreaterThan(0);
    expect(compareCodePoints('a', 'ab')).toBeLessThan(0);
  });
});
