/**
 * Labels as google/pprof's model groups them: string labels by key, numeric labels by key with their units.
 * @module
 */

import type { Sample } from './profile.js';

/** A sample's labels grouped by key, as google/pprof's `Sample.Label`, `NumLabel` and `NumUnit`. */
export interface GroupedLabels {
  /** String labels: key → values, in file order. */
  label: Map<string, string[]>;
  /** Numeric labels: key → values, in file order. */
  numLabel: Map<string, bigint[]>;
  /** Units of numeric labels: key → one unit per value (empty where unspecified); keys without units are absent. */
  numUnit: Map<string, string[]>;
}

/** Groups a sample's labels by key, as google/pprof's model holds them; units line up with values. */
export function groupLabels(sample: Pick<Sample, 'label'>): GroupedLabels {
  const label = new Map<string, string[]>();
  const numLabel = new Map<string, bigint[]>();
  const numUnit = new Map<string, string[]>();
  for (const l of sample.label) {
    if (l.kind === 'string') {
      push(label, l.key, l.value);
    } else {
      const values = numLabel.get(l.key) ?? [];
      if (l.unit !== '') {
        // Units line up with values: earlier values without a unit get empty ones.
        const units = pad(numUnit.get(l.key) ?? [], values.length);
        units.push(l.unit);
        numUnit.set(l.key, units);
      }
      values.push(l.value);
      numLabel.set(l.key, values);
    }
  }
  for (const [key, units] of numUnit) numUnit.set(key, pad(units, numLabel.get(key)?.length ?? 0));
  return { label, numLabel, numUnit };
}

function push<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function pad(units: string[], length: number): string[] {
  while (units.length < length) units.push('');
  return units;
}
