/**
 * The text report of `go tool pprof -top`: a header describing the profile and the trimming, then one row
 * per function with its flat and cumulative values and percentages.
 * @module
 */

import type { Profile } from '../profile.js';
import { padLeft } from './format.js';
import { percentage } from './measurement.js';
import { abs, prepareReport, wrap64 } from './common.js';

export { reportSampleIndex } from './common.js';

/** Options of {@link topTable}. */
export interface TopOptions {
  /**
   * The sample type to report, as `-sample_index`: an index, or a type name (`inuse_` prefix optional,
   * as google/pprof accepts it); default: the profile's default sample type, else the last.
   */
  sampleIndex?: string | number;
  /** Show at most this many functions (`-nodecount`); 0 or absent: all (the `-top` default). */
  nodeCount?: number;
}


/**
 * The text `go tool pprof -top [-nodecount=N] [-sample_index=I]` prints for a profile, byte for byte, with
 * google/pprof's defaults: the profile's drop_frames/keep_frames applied, functions as nodes (inlined calls
 * are nodes of their own, marked `(inline)`), nodes whose cumulative value is under 0.5% of the sum of
 * flat values dropped, at most `nodeCount` nodes by flat value, values scaled to the unit of the smallest one. The
 * `Time:` line is in UTC (Go prints the local zone). Ends with a newline.
 * @throws RangeError if the sample index does not exist
 * @throws GodiagError if the profile's drop_frames or keep_frames regexp does not compile
 */
export function topTable(profile: Profile, options: TopOptions = {}): string {
  const { g, nodes, edgeCutoff, format, lines, total, table } = prepareReport(profile, options.sampleIndex, options.nodeCount ?? 0);
  lines.push(`${padLeft('flat', 10)} ${padLeft('flat', 5)}% ${padLeft('sum', 5)}% ${padLeft('cum', 10)} ${padLeft('cum', 5)}%`);

  let running = 0n;
  for (const n of nodes) {
    const flat = g.flat[n]!;
    const cum = g.cum[n]!;
    running = wrap64(running + flat);
    let inline = false;
    let direct = false;
    for (const e of g.in.get(n)?.values() ?? []) {
      if (abs(e.weight) < edgeCutoff) continue;
      if (e.inline) inline = true;
      else direct = true;
    }
    const mark = inline ? (direct ? ' (partial-inline)' : ' (inline)') : '';
    lines.push(
      `${padLeft(format(flat), 10)} ${percentage(flat, total)} ${percentage(running, total)} ${padLeft(format(cum), 10)} ${percentage(cum, total)}  ${table.printable[n]!}${mark}`,
    );
  }
  return lines.join('\n') + '\n';
}
