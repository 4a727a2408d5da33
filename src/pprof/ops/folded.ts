/**
 * Folded ("collapsed") stacks, the input format of Brendan Gregg's flamegraph.pl and of speedscope,
 * inferno and other flame graph tools.
 * @module
 */

import { compareCodePoints } from '../../internal/canonical-json.js';
import type { Location, Profile } from '../profile.js';

/**
 * The index of a sample type: a number is checked and returned; a string names a sample type (as
 * `-sample_index=alloc_space`); without one, the profile's `defaultSampleType` if it names a type, else the
 * last type (google/pprof's default).
 * @throws RangeError if there is no such sample type
 */
export function sampleIndex(p: Profile, index?: number | string): number {
  const n = p.sampleType.length;
  if (typeof index === 'number') {
    if (!Number.isInteger(index) || index < 0 || index >= n) throw new RangeError(`sample index ${index} out of range [0..${n - 1}]`);
    return index;
  }
  if (typeof index === 'string') {
    const i = p.sampleType.findIndex((t) => t.type === index);
    if (i < 0) throw new RangeError(`sample type ${JSON.stringify(index)} not in the profile (${p.sampleType.map((t) => t.type).join(', ')})`);
    return i;
  }
  if (n === 0) throw new RangeError('the profile has no sample types');
  const d = p.sampleType.findIndex((t) => t.type === p.defaultSampleType);
  return p.defaultSampleType !== '' && d >= 0 ? d : n - 1;
}

const clean = (name: string): string => name.replace(/[;\n\r]/g, '_');

/** The frames of a location, root-most (caller) first: its lines reversed, or its address when it has none. */
function locationFrames(l: Location): string[] {
  if (l.line.length === 0) return ['0x' + l.address.toString(16)];
  const out: string[] = [];
  for (let i = l.line.length - 1; i >= 0; i--) out.push(clean(l.line[i]!.function.name) || '<unknown>');
  return out;
}

/**
 * The samples as folded stacks: one line `root;caller;…;leaf value` per distinct stack, where each location
 * contributes one frame per line (inlined calls expanded, callers first), an unsymbolised location is its
 * address (`0x4a5f3c`), a function without a name is `<unknown>`, and `;`, CR and LF in names become `_`.
 * Values of sample type `index` (see {@link sampleIndex}) are added up exactly per stack; stacks whose total
 * is zero and samples with empty stacks are left out. Lines are sorted by their stack text (code-point order)
 * and end with `\n`.
 * @throws RangeError if the sample index does not exist
 */
export function foldedStacks(p: Profile, index?: number | string): string {
  const k = sampleIndex(p, index);
  const frames = p.location.map((l) => locationFrames(l).join(';'));
  const totals = new Map<string, bigint>();
  const t = p.sample;
  for (let i = 0; i < t.length; i++) {
    const stack = t.stack(i);
    if (stack.length === 0) continue;
    const parts: string[] = [];
    for (let j = stack.length - 1; j >= 0; j--) parts.push(frames[stack[j]!]!);
    const key = parts.join(';');
    totals.set(key, (totals.get(key) ?? 0n) + t.value(i)[k]!);
  }
  const lines = [...totals].filter(([, v]) => v !== 0n).sort(([a], [b]) => compareCodePoints(a, b));
  return lines.map(([s, v]) => `${s} ${v}\n`).join('');
}
