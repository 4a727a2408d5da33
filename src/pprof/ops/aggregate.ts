/**
 * Coarsening a profile's detail with google/pprof's `Aggregate` semantics.
 * @module
 */

import type { Profile } from '../profile.js';
import { checkValid } from '../validate.js';
import { fromWork, toWork } from './work.js';

/** Which details {@link aggregate} keeps; each is `true` to keep. */
export interface AggregateOptions {
  /** Keep inlined frames (otherwise only each location's outermost line stays). */
  inlineFrame: boolean;
  /** Keep function names (otherwise names and system names become empty). */
  function: boolean;
  /** Keep file names. */
  filename: boolean;
  /** Keep line numbers (otherwise lines and columns become 0). */
  linenumber: boolean;
  /** Keep column numbers. */
  columnnumber: boolean;
  /** Keep addresses. */
  address: boolean;
}

/**
 * google/pprof's `Aggregate`: clears what is not kept — mapping flags (`hasInlineFrames`, `hasFunctions`,
 * `hasFilenames`, `hasLineNumbers`) are and-ed with the options; function names, file names, inlined lines,
 * line and column numbers and addresses are removed as asked. Objects are not merged: follow with
 * `compactProfile` to combine what became equal (as `go tool pprof` does through its graph).
 * Returns a new profile, checked with `checkValid` as Go does.
 */
export function aggregate(p: Profile, o: AggregateOptions): Profile {
  const w = toWork(p);
  for (const m of w.mapping) {
    m.hasInlineFrames &&= o.inlineFrame;
    m.hasFunctions &&= o.function;
    m.hasFilenames &&= o.filename;
    m.hasLineNumbers &&= o.linenumber;
  }
  for (const f of w.function) {
    if (!o.function) {
      f.name = '';
      f.systemName = '';
    }
    if (!o.filename) f.filename = '';
  }
  for (const l of w.location) {
    if (!o.inlineFrame && l.line.length > 1) l.line = l.line.slice(-1);
    if (!o.linenumber) l.line = l.line.map((ln) => ({ ...ln, line: 0, column: 0 }));
    if (!o.columnnumber) l.line = l.line.map((ln) => ({ ...ln, column: 0 }));
    if (!o.address) l.address = 0n;
  }
  const out = fromWork(w);
  checkValid(out);
  return out;
}
