/**
 * A goroutine profile from a goroutine dump: what Go's `debug=0` goroutine profile records, as far as the
 * text allows.
 * @module
 */

import { SampleTable, type Function, type Label, type Line, type Location, type Profile, type SampleInput } from '../profile.js';
import type { Frame, GoroutineDump, StackEntry } from './model.js';

/**
 * Builds a goroutine profile (sample type `goroutine`/`count`, period type the same, period 1) from a dump,
 * shaped as Go's `debug=0` goroutine profile:
 *
 * - one sample per distinct (stack, labels), its value the number of goroutines with it, in order of first
 *   appearance;
 * - a location per physical frame: the frames inlined into it (printed before it with `(...)` arguments)
 *   and then the frame itself, innermost first, as Go's locations list inlined lines; no addresses and no
 *   mappings (the text has neither); a function per (name, file), its system name equal to its name and its
 *   start line 0 (unknown);
 * - labels (printed by Go 1.26+ under GODEBUG=tracebacklabels=1) become string labels.
 *
 * What the text cannot give: runtime frames the traceback hid (Go's profile has `runtime.gopark` etc.;
 * dumps under GOTRACEBACK=system show them), elided frames (`...N frames elided...`: the stack has the
 * printed frames only), non-Go frames (left out). `runtime.goexit` frames (printed under system) are left
 * out, as Go's profile leaves them out. Goroutines whose stack is unavailable, or empty, have no sample.
 */
export function goroutineProfile(dump: GoroutineDump): Profile {
  const functions = new Map<string, Function>();
  const locations = new Map<string, Location>();
  const samples = new Map<string, { location: Location[]; count: bigint; label: Label[] }>();

  const functionOf = (f: Frame): Function => {
    const key = `${f.function}\u0000${f.file}`;
    let fn = functions.get(key);
    if (!fn) {
      fn = { id: BigInt(functions.size + 1), name: f.function, systemName: f.function, filename: f.file, startLine: 0 };
      functions.set(key, fn);
    }
    return fn;
  };
  const locationOf = (group: Frame[]): Location => {
    const lines: Line[] = group.map((f) => ({ function: functionOf(f), line: f.line, column: 0 }));
    const key = lines.map((l) => `${l.function.id}:${l.line}`).join(',');
    let loc = locations.get(key);
    if (!loc) {
      loc = { id: BigInt(locations.size + 1), mapping: undefined, address: 0n, line: lines, isFolded: false };
      locations.set(key, loc);
    }
    return loc;
  };

  for (const g of dump.goroutines) {
    const stack = stackLocations(g.frames, locationOf);
    if (stack.length === 0) continue;
    const label: Label[] = (g.labels ?? []).map((l) => ({ kind: 'string', key: l.key, value: l.value }));
    const key = stack.map((l) => l.id).join(',') + '|' + JSON.stringify(label.map((l) => [l.key, l.kind === 'string' ? l.value : '']));
    const s = samples.get(key);
    if (s) s.count++;
    else samples.set(key, { location: stack, count: 1n, label });
  }

  const location = [...locations.values()];
  const inputs: SampleInput[] = [...samples.values()].map((s) =>
    s.label.length > 0 ? { location: s.location, value: [s.count], label: s.label } : { location: s.location, value: [s.count] },
  );
  return {
    sampleType: [{ type: 'goroutine', unit: 'count' }],
    defaultSampleType: '',
    sample: SampleTable.from(inputs, location, 1),
    mapping: [],
    location,
    function: [...functions.values()],
    dropFrames: '',
    keepFrames: '',
    timeNanos: 0n,
    durationNanos: 0n,
    periodType: { type: 'goroutine', unit: 'count' },
    period: 1n,
    comments: [],
    docUrl: '',
  };
}

/** Groups frames into locations: inlined frames join the next physical frame. */
function stackLocations(entries: readonly StackEntry[], locationOf: (group: Frame[]) => Location): Location[] {
  const out: Location[] = [];
  let group: Frame[] = [];
  const flush = (): void => {
    if (group.length > 0) out.push(locationOf(group));
    group = [];
  };
  for (const e of entries) {
    if (e.kind !== 'frame') {
      flush();
      continue;
    }
    if (e.function === 'runtime.goexit') continue;
    group.push(e);
    if (!e.inlined) flush();
  }
  flush();
  return out;
}
