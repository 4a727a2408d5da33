/**
 * Goldens of the Prometheus 0.0.4 text parser (src/metrics/prometheus.ts) against Go's prometheus/common
 * `expfmt.TextParser` (oracle `prom-text`, testdata/gen/cmd/oracle/prom.go), on the hand-written scrapes of
 * testdata/prometheus/.
 *
 * The oracle prints expfmt's model (client_model's MetricFamily): families sorted by name (TextParser
 * returns a map), and per family the metrics it built: one per counter, gauge or untyped line, one per label
 * set for summaries and histograms, whose `_count`, `_sum`, `quantile` and `le` lines become fields.
 * {@link expfmtDump} builds that model from godiag's families: the grouping of lines into metrics is the
 * test's, the rest (which family a line belongs to, names, labels, escapes, values, timestamps, errors) is the
 * parser's.
 */

import { canonicalJson, compareCodePoints, float } from '../../src/internal/canonical-json.js';
import { GodiagError } from '../../src/internal/errors.js';
import { parseGoFloat } from '../../src/metrics/prometheus-number.js';
import { parsePrometheus, signature, type LabelPair, type MetricFamily, type Sample } from '../../src/metrics/prometheus.js';
import type { ExtraGolden } from './fixtures.js';

/** The hand-written 0.0.4 inputs (testdata/prometheus/<name>.txt). */
export const PROMETHEUS_TEXT_INPUTS = ['escapes', 'go-collector', 'histogram-summary', 'untyped-misc'];

const DTO_TYPE: Record<string, string> = {
  counter: 'COUNTER',
  gauge: 'GAUGE',
  summary: 'SUMMARY',
  untyped: 'UNTYPED',
  unknown: 'UNTYPED',
  histogram: 'HISTOGRAM',
  gaugehistogram: 'GAUGE_HISTOGRAM',
};

type Json = Record<string, unknown>;

/** The oracle's `prom-text` dump of godiag's families (see the module comment). */
export function expfmtDump(families: readonly MetricFamily[]): string {
  // Runs of the same family are one family to expfmt.
  const byName = new Map<string, { fam: MetricFamily; samples: Sample[]; help: string | undefined }>();
  for (const f of families) {
    let m = byName.get(f.name);
    if (m === undefined) {
      m = { fam: f, samples: [], help: undefined };
      byName.set(f.name, m);
    }
    m.samples.push(...f.samples);
    if (f.help !== undefined) m.help = f.help;
  }
  const names = [...byName.keys()].sort(compareCodePoints);
  const lines: string[] = [];
  for (const name of names) {
    const { fam, samples, help } = byName.get(name)!;
    if (samples.length === 0) continue;
    const out: Json = { name, type: DTO_TYPE[fam.type], metrics: metrics(fam, samples) };
    if (help !== undefined) out.help = help;
    if (fam.unit !== undefined) out.unit = fam.unit;
    lines.push(canonicalJson(out) + '\n');
  }
  return lines.join('');
}

function labelsJson(labels: readonly LabelPair[], without: string | undefined): string[][] {
  return labels.filter(([n]) => n !== without).map(([n, v]) => [n, v]);
}

function metrics(fam: MetricFamily, samples: readonly Sample[]): Json[] {
  const t = fam.type;
  if (t !== 'summary' && t !== 'histogram' && t !== 'gaugehistogram') {
    return samples.map((s) => {
      const m: Json = { labels: labelsJson(s.labels, undefined), value: float(s.value) };
      if (s.timestamp !== undefined) m.timestampMs = s.timestamp;
      return m;
    });
  }
  const summary = t === 'summary';
  const special = summary ? 'quantile' : 'le';
  const out: Json[] = [];
  const bySig = new Map<string, { m: Json; body: Json; items: unknown[] }>();
  for (const s of samples) {
    const sig = signature(s.labels, special);
    let e = bySig.get(sig);
    if (e === undefined) {
      const items: unknown[] = [];
      const body: Json = summary ? { quantiles: items } : { buckets: items };
      const m: Json = { labels: labelsJson(s.labels, special) };
      m[summary ? 'summary' : 'histogram'] = body;
      e = { m, body, items };
      bySig.set(sig, e);
      out.push(m);
    }
    if (s.timestamp !== undefined) e.m.timestampMs = s.timestamp;
    // A `_count`/`_sum` line is one whose name is the family's plus that suffix (the parser put it there).
    const isCount = s.name === fam.name + '_count';
    const isSum = s.name === fam.name + '_sum';
    const sp = s.labels.find(([n]) => n === special);
    if (isCount) e.body.count = float(summary ? Math.trunc(s.value) : s.value);
    else if (isSum) e.body.sum = float(s.value);
    else if (sp !== undefined) {
      const bound = parseGoFloat(sp[1])!;
      e.items.push(summary ? [float(bound), float(s.value)] : { le: float(bound), count: float(s.value) });
    }
  }
  return out;
}

/** The golden of one input, through the parser. */
export async function prometheusTextGolden(bytes: Uint8Array): Promise<string> {
  return expfmtDump(parsePrometheus(bytes));
}

/**
 * The `prom-text-cases` golden of a JSON list of expositions: per case `{"ok":true,"families":N}` (N families
 * with samples) or `{"ok":false,"line":L}` with the line of the error (expfmt's ParseError.Line; godiag's
 * message starts `line L:`). Messages are not compared.
 */
export async function prometheusTextCases(bytes: Uint8Array): Promise<string> {
  const cases = JSON.parse(new TextDecoder().decode(bytes)) as string[];
  const out: string[] = [];
  for (const c of cases) {
    let line: Json;
    try {
      const names = new Set(parsePrometheus(c).map((f) => f.name));
      line = { ok: true, families: names.size };
    } catch (e) {
      if (!(e instanceof GodiagError)) throw e;
      const m = /^line (\d+):/.exec(e.detail);
      line = { ok: false, line: m === null ? -1 : Number(m[1]) };
    }
    out.push(canonicalJson(line) + '\n');
  }
  return out.join('');
}

/** Every `prom-text` and `prom-text-cases` golden; fixtures.ts adds them to its extraGoldens. */
export const prometheusExtraGoldens: ExtraGolden[] = [
  ...PROMETHEUS_TEXT_INPUTS.map((name) => ({
    input: `testdata/prometheus/${name}.txt`,
    golden: `prometheus/${name}.prom-text.json`,
    oracleArgs: ['prom-text'],
    run: prometheusTextGolden,
  })),
  {
    input: 'testdata/prometheus/text-cases.json',
    golden: 'prometheus/text-cases.prom-text-cases.json',
    oracleArgs: ['prom-text-cases'],
    run: prometheusTextCases,
  },
];
