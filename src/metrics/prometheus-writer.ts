/**
 * Writes metric families as Prometheus text exposition 0.0.4 (the inverse of the 0.0.4 reader).
 * @module
 */

import { formatGoFloat } from '../internal/canonical-json.js';
import type { LabelPair, MetricFamily, MetricType } from './prometheus.js';

const LEGACY_METRIC = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LEGACY_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** The 0.0.4 TYPE word of each type the text format has; `unknown` is written as `untyped`. */
const TEXT_TYPE: Partial<Record<MetricType, string>> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  summary: 'summary',
  untyped: 'untyped',
  unknown: 'untyped',
  gaugehistogram: 'gaugehistogram',
};

/**
 * Formats families as 0.0.4 text: HELP and TYPE lines, then each sample (`name{labels} value [timestamp]`).
 * Names outside the legacy character set are quoted inside the braces (`{"my.metric",a="b"}`), as current
 * Prometheus writes them. Values use Go's shortest `%g` form (`+Inf`, `-Inf`, `NaN`). OpenMetrics-only types
 * (`info`, `stateset`) and exemplars have no 0.0.4 form: a family of those types throws a `TypeError`, and
 * exemplars are left out.
 */
export function writePrometheusText(families: Iterable<MetricFamily>): string {
  const out: string[] = [];
  for (const f of families) {
    const type = TEXT_TYPE[f.type];
    if (type === undefined) throw new TypeError(`godiag: the 0.0.4 text format has no type ${f.type} (family ${f.name})`);
    const name = metricName(f.name);
    if (f.help !== undefined) out.push(`# HELP ${name} ${escapeHelp(f.help)}\n`);
    out.push(`# TYPE ${name} ${type}\n`);
    for (const s of f.samples) {
      out.push(sampleName(s.name, s.labels), ' ', formatGoFloat(s.value));
      if (s.timestamp !== undefined) out.push(' ', String(s.timestamp));
      out.push('\n');
    }
  }
  return out.join('');
}

function metricName(n: string): string {
  return LEGACY_METRIC.test(n) ? n : `"${escapeValue(n)}"`;
}

function sampleName(n: string, labels: readonly LabelPair[]): string {
  const parts = labels.map(([k, v]) => `${LEGACY_LABEL.test(k) ? k : `"${escapeValue(k)}"`}="${escapeValue(v)}"`);
  if (LEGACY_METRIC.test(n)) return parts.length === 0 ? n : `${n}{${parts.join(',')}}`;
  return `{${[`"${escapeValue(n)}"`, ...parts].join(',')}}`;
}

/** HELP text: backslash and newline escaped (a quote needs no escape there). */
function escapeHelp(s: string): string {
  return s.replace(/[\\\n]/g, (c) => (c === '\\' ? '\\\\' : '\\n'));
}

/** Label values and quoted names: backslash, quote and newline escaped. */
function escapeValue(s: string): string {
  return s.replace(/[\\"\n]/g, (c) => (c === '\\' ? '\\\\' : c === '"' ? '\\"' : '\\n'));
}
