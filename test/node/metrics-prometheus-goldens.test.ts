// The Prometheus 0.0.4 parser against Go's expfmt.TextParser (goldens from the `prom-text` and
// `prom-text-cases` oracles), read whole and in chunks of several sizes and source kinds; and the OpenMetrics
// parser against the same goldens through OpenMetrics twins of two inputs (the oracle has no OpenMetrics
// reader: see testdata/gen/cmd/oracle/prom.go).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePrometheus, readPrometheus, type MetricFamily } from '../../src/metrics/prometheus.js';
import { expfmtDump, prometheusExtraGoldens } from '../support/prometheus-goldens.js';
import { GOLDENS, ROOT } from '../support/fixtures.js';

const read = (p: string) => new Uint8Array(readFileSync(join(ROOT, p)));
const golden = (p: string) => readFileSync(join(GOLDENS, p), 'utf8');

async function collect(it: AsyncIterable<MetricFamily>): Promise<MetricFamily[]> {
  const out: MetricFamily[] = [];
  for await (const f of it) out.push(f);
  return out;
}

function* split(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('prom-text goldens (expfmt.TextParser)', () => {
  it.each(prometheusExtraGoldens.map((e) => [e.input, e] as const))('%s', async (_name, e) => {
    expect(await e.run(read(e.input))).toBe(golden(e.golden));
  });

  const texts = prometheusExtraGoldens.filter((e) => e.oracleArgs[0] === 'prom-text');
  it.each(texts.map((e) => [e.input, e] as const))('%s: chunked reads give the golden', async (_name, e) => {
    const bytes = read(e.input);
    const want = golden(e.golden);
    for (const size of [1, 2, 7, 64, 4096]) {
      expect(expfmtDump(await collect(readPrometheus(split(bytes, size)))), `chunks of ${size}`).toBe(want);
    }
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (const part of split(bytes, 13)) c.enqueue(part.slice());
        c.close();
      },
    });
    expect(expfmtDump(await collect(readPrometheus(stream)))).toBe(want);
    expect(expfmtDump(await collect(readPrometheus(new Blob([bytes]), { blobChunkBytes: 5 })))).toBe(want);
  });
});

/** What expfmt's text model makes of OpenMetrics families: counters named with `_total`, no `_created`, units or exemplars. */
function asText(families: readonly MetricFamily[]): MetricFamily[] {
  return families.map((f) => {
    const samples = f.samples
      .filter((s) => !s.name.endsWith('_created'))
      .map((s) => {
        const name = f.type === 'gaugehistogram' ? s.name.replace(/_gcount$/, '_count').replace(/_gsum$/, '_sum') : s.name;
        const out = { name, labels: s.labels, value: s.value };
        return s.timestamp === undefined ? out : { ...out, timestamp: s.timestamp };
      });
    const out: MetricFamily = { name: f.type === 'counter' ? f.name + '_total' : f.name, type: f.type === 'unknown' ? 'untyped' : f.type, samples };
    if (f.help !== undefined) out.help = f.help;
    return out;
  });
}

describe('OpenMetrics twins of the 0.0.4 goldens', () => {
  it('histogram-summary.om reads as histogram-summary.txt does', async () => {
    const bytes = read('testdata/prometheus/openmetrics/histogram-summary.om');
    const want = golden('prometheus/histogram-summary.prom-text.json');
    expect(expfmtDump(asText(parsePrometheus(bytes, { format: 'openmetrics' })))).toBe(want);
    for (const size of [1, 3, 100]) {
      const fams = await collect(readPrometheus(split(bytes, size), { format: 'openmetrics' }));
      expect(expfmtDump(asText(fams)), `chunks of ${size}`).toBe(want);
    }
  });

  it('go-collector.om reads as go-collector.txt does, family by family', () => {
    const fams = asText(parsePrometheus(read('testdata/prometheus/openmetrics/go-collector.om'), { format: 'openmetrics' }));
    const want = new Map(
      golden('prometheus/go-collector.prom-text.json')
        .trimEnd()
        .split('\n')
        .map((l) => [(JSON.parse(l) as { name: string }).name, l + '\n']),
    );
    // The OpenMetrics twin leaves out the gauge go_memstats_alloc_bytes: its name is the counter's family name there.
    expect(fams.length).toBe(want.size - 1);
    for (const f of fams) expect(expfmtDump([f]), f.name).toBe(want.get(f.name));
  });

  it('keeps what the text model drops: units, _created samples and exemplars', () => {
    const fams = parsePrometheus(read('testdata/prometheus/openmetrics/histogram-summary.om'), { format: 'openmetrics' });
    const rpc = fams.find((f) => f.name === 'rpc_duration_seconds')!;
    expect(rpc.unit).toBe('seconds');
    expect(rpc.samples.some((s) => s.name === 'rpc_duration_seconds_created' && s.value === 1.7e9)).toBe(true);
    const http = fams.find((f) => f.name === 'http_request_duration_seconds')!;
    const ex = http.samples.filter((s) => s.exemplar !== undefined).map((s) => s.exemplar);
    expect(ex).toEqual([
      { labels: [['trace_id', 'KOO5S4vxi0o']], value: 0.067, timestamp: 1520879607.789 },
      { labels: [], value: 0.3 },
    ]);
  });
});
