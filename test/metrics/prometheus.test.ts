// Properties of the Prometheus parser and writer: write → read gives the families back, any chunking gives the
// same result, and damaged input ends in families or a GodiagError. (Agreement with Go's expfmt is proven by
// test/node/metrics-prometheus-goldens.test.ts.)

import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { ErrorCode, GodiagError } from '../../src/internal/errors.js';
import { parsePrometheus, readPrometheus, type LabelPair, type MetricFamily, type Sample } from '../../src/metrics/prometheus.js';
import { writePrometheusText } from '../../src/metrics/prometheus-writer.js';

const text = (maxLength: number) => fc.string({ unit: 'grapheme', maxLength });
const nonBlankStart = (s: string) => s.length > 0 && s[0] !== ' ' && s[0] !== '\t';

/** A label name: a plain one or any text (written quoted), never reserved. */
const labelName = fc.oneof(fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,8}$/), text(8).filter((s) => s.length > 0));

function labelSet(exclude: string): fc.Arbitrary<LabelPair[]> {
  return fc
    .uniqueArray(fc.tuple(labelName, text(12)), { maxLength: 4, selector: ([n]) => n })
    .map((pairs) => pairs.filter(([n]) => n !== '__name__' && n !== exclude && n !== 'le' && n !== 'quantile'));
}

const timestamp = fc.option(fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }), { nil: undefined });
const count = fc.oneof(fc.nat(), fc.double({ min: 0, noNaN: true }));

function sample(name: string, labels: LabelPair[], value: number, ts: number | undefined): Sample {
  const s: Sample = { name, labels, value };
  if (ts !== undefined) s.timestamp = ts;
  return s;
}

/** Families the 0.0.4 format can carry: distinct names that no other family's suffixed samples can take. */
const families: fc.Arbitrary<MetricFamily[]> = fc
  .array(
    fc.record({
      base: fc.oneof(fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,10}$/), text(10)),
      type: fc.constantFrom('counter', 'gauge', 'untyped', 'summary', 'histogram'),
      help: fc.option(text(40).filter(nonBlankStart), { nil: undefined }),
      series: fc.array(fc.tuple(labelSet(''), timestamp, fc.double(), count, fc.array(fc.tuple(fc.double({ noNaN: true }), count), { maxLength: 4 })), {
        minLength: 1,
        maxLength: 3,
      }),
    }),
    { maxLength: 6 },
  )
  .map((specs) =>
    specs.map((spec, i): MetricFamily => {
      // The index keeps names distinct and never ending in _count, _sum or _bucket.
      const name = `${spec.base}_f${i}`;
      const type = spec.type as MetricFamily['type'];
      const samples: Sample[] = [];
      for (const [labels, ts, value, n, points] of spec.series) {
        if (type === 'summary') {
          for (const [q, v] of points) samples.push(sample(name, [...labels, ['quantile', String(q)]], Math.abs(v), ts));
          samples.push(sample(name + '_sum', labels, value, ts), sample(name + '_count', labels, n, ts));
        } else if (type === 'histogram') {
          for (const [le, c] of points) samples.push(sample(name + '_bucket', [...labels, ['le', String(le)]], c, ts));
          samples.push(sample(name + '_sum', labels, value, ts), sample(name + '_count', labels, n, ts));
        } else {
          samples.push(sample(name, labels, value, ts));
        }
      }
      const f: MetricFamily = { name, type, samples };
      if (spec.help !== undefined && spec.help !== '') f.help = spec.help;
      return f;
    }),
  );

const bytesOf = (s: string) => new TextEncoder().encode(s);

async function readChunks(parts: Uint8Array[], format: 'text' | 'openmetrics' = 'text', maxLineBytes?: number): Promise<MetricFamily[]> {
  const out: MetricFamily[] = [];
  for await (const f of readPrometheus(parts, maxLineBytes === undefined ? { format } : { format, maxLineBytes })) out.push(f);
  return out;
}

/** Cuts bytes at the given (sorted, deduplicated) offsets. */
function cut(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const at = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let prev = 0;
  for (const o of [...at, bytes.length]) {
    parts.push(bytes.slice(prev, o));
    prev = o;
  }
  return parts;
}

describe('0.0.4 writer and reader', () => {
  test.prop([families])('write → read gives the families back', (fams) => {
    expect(parsePrometheus(writePrometheusText(fams))).toEqual(fams);
  });

  test.prop([families, fc.array(fc.nat(), { maxLength: 12 })])('any chunking gives the same families', async (fams, offsets) => {
    const bytes = bytesOf(writePrometheusText(fams));
    const whole = parsePrometheus(bytes);
    expect(await readChunks(cut(bytes, offsets))).toEqual(whole);
    expect(parsePrometheus(cut(bytes, offsets))).toEqual(whole);
  });
});

/** Families as OpenMetrics text, from the 0.0.4 writer's output (counters renamed to _total samples). */
function asOpenMetrics(fams: MetricFamily[]): string {
  return writePrometheusText(fams).replace(/^# TYPE (.*) untyped$/gm, '# TYPE $1 unknown') + '# EOF\n';
}

describe('damaged input', () => {
  const outcomeParts = async (parts: Uint8Array[], format: 'text' | 'openmetrics') => {
    try {
      return await readChunks(parts, format);
    } catch (e) {
      if (e instanceof GodiagError) return e;
      throw e;
    }
  };
  const outcome = (bytes: Uint8Array, format: 'text' | 'openmetrics') => outcomeParts([bytes], format);

  test.prop([families, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), fc.nat()], {
    numRuns: 200,
  })('random bytes and truncation end in families or a GodiagError, in both formats', async (fams, edits, cutAt) => {
    for (const src of [writePrometheusText(fams), asOpenMetrics(fams)]) {
      const bytes = bytesOf(src);
      for (const [at, b] of edits) if (bytes.length > 0) bytes[at % bytes.length] = b;
      for (const input of [bytes, bytes.subarray(0, cutAt % (bytes.length + 1))]) {
        for (const format of ['text', 'openmetrics'] as const) {
          const r = await outcome(input, format);
          expect(Array.isArray(r) || r instanceof GodiagError).toBe(true);
        }
      }
    }
  });

  const summary = (r: MetricFamily[] | GodiagError) =>
    r instanceof GodiagError ? { code: r.code, offset: r.offset, message: r.message } : r;

  test.prop([families, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 10 })], {
    numRuns: 150,
  })('damaged input gives the same families or the same error whatever the chunking', async (fams, edits, offsets) => {
    for (const src of [writePrometheusText(fams), asOpenMetrics(fams)]) {
      const bytes = bytesOf(src);
      for (const [at, b] of edits) if (bytes.length > 0) bytes[at % bytes.length] = b;
      for (const format of ['text', 'openmetrics'] as const) {
        const whole = summary(await outcome(bytes, format));
        const chunked = summary(await outcomeParts(cut(bytes, offsets), format));
        expect(chunked).toEqual(whole);
      }
    }
  });

  test.prop([fc.uint8Array({ maxLength: 300 })])('arbitrary bytes end in families or a GodiagError', async (bytes) => {
    for (const format of ['text', 'openmetrics'] as const) {
      const r = await outcome(bytes, format);
      expect(Array.isArray(r) || r instanceof GodiagError).toBe(true);
    }
  });
});

describe('limits and godiag policies', () => {
  it('refuses a line longer than maxLineBytes, whole or in chunks', async () => {
    const long = bytesOf(`a{b="${'x'.repeat(100)}"} 1\n`);
    for (const parts of [[long], cut(long, [10, 20, 30])]) {
      const e = await readChunks(parts, 'text', 50).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(GodiagError);
      expect((e as GodiagError).code).toBe(ErrorCode.LimitExceeded);
    }
    await expect(readChunks([long])).resolves.toHaveLength(1);
  });

  it('refuses to round a 0.0.4 timestamp beyond 2^53 ms (Go accepts any int64)', () => {
    expect(() => parsePrometheus('a 1 9223372036854775807\n')).toThrow(expect.objectContaining({ code: ErrorCode.LimitExceeded }));
  });

  it('reports the byte offset and line of an error', () => {
    const src = 'ok 1\nbad{a="x" 1\n';
    try {
      parsePrometheus(src);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(GodiagError);
      const g = e as GodiagError;
      expect(g.format).toBe('metrics');
      expect(g.detail).toMatch(/^line 2: /);
      expect(g.offset).toBeGreaterThanOrEqual(5);
      expect(g.offset).toBeLessThanOrEqual(src.length);
    }
  });

  it('OpenMetrics needs # EOF at the end and nothing after it', () => {
    expect(() => parsePrometheus('a 1\n', { format: 'openmetrics' })).toThrow(expect.objectContaining({ code: ErrorCode.Truncated }));
    expect(() => parsePrometheus('a 1\n# EOF\n\n', { format: 'openmetrics' })).toThrow(expect.objectContaining({ code: ErrorCode.Corrupt }));
    expect(parsePrometheus('a 1\n# EOF', { format: 'openmetrics' })).toHaveLength(1);
  });
});
