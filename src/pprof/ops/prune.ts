/**
 * Removing frames with google/pprof's `Prune`, `RemoveUninteresting` and `PruneFrom` semantics.
 * @module
 */

import { ErrorCode, GodiagError } from '../../internal/errors.js';
import type { Profile } from '../profile.js';
import { fromWork, matches, toWork } from './work.js';

const RESERVED = ['(anonymous namespace)', 'operator()'];
const BRACKET = /\(anonymous namespace\)|operator\(\)|\(/g;

/**
 * google/pprof's `simplifyFunc`: a leading `.` removed (PPC64 ELFv1), and everything from the first `(` that
 * does not begin `(anonymous namespace)` or end `operator()` (a C++ argument list).
 */
export function simplifyFunc(name: string): string {
  let f = name.startsWith('.') ? name.slice(1) : name;
  for (const m of f.matchAll(BRACKET)) {
    if (!RESERVED.includes(m[0])) {
      f = f.slice(0, m.index);
      break;
    }
  }
  return f;
}

/**
 * google/pprof's `Prune` (`drop_frames`/`keep_frames`): removes the frames beneath (called by) a frame whose
 * function name, simplified by {@link simplifyFunc}, matches `dropRx` and not `keepRx`. In each location the
 * outermost such line is found: it and the lines inlined into it go, and if it was the location's outermost
 * line the whole location is pruned. In each sample, scanning from the root, once a frame that is neither
 * pruned nor cut has been seen, the first pruned or cut location ends the stack: a pruned location goes
 * with everything beneath it; a cut one stays (with its remaining lines) and everything beneath it goes.
 * Frames before the first such "user" frame are never pruned, so a stack is never emptied that way.
 * Returns a new profile.
 */
export function prune(p: Profile, dropRx: RegExp, keepRx?: RegExp): Profile {
  const w = toWork(p);
  const cache = new Map<string, boolean>();
  const pruneFromHere = (name: string): boolean => {
    let r = cache.get(name);
    if (r === undefined) {
      const f = simplifyFunc(name);
      r = matches(dropRx, f) && !(keepRx !== undefined && matches(keepRx, f));
      cache.set(name, r);
    }
    return r;
  };
  const pruned = new Set<object>();
  const beneath = new Set<object>();
  for (const loc of w.location) {
    let i = loc.line.length - 1;
    for (; i >= 0; i--) {
      const name = loc.line[i]!.function.name;
      if (name !== '' && pruneFromHere(name)) break;
    }
    if (i >= 0) {
      beneath.add(loc);
      if (i === loc.line.length - 1) pruned.add(loc);
      else loc.line = loc.line.slice(i + 1);
    }
  }
  for (const s of w.samples) {
    let foundUser = false;
    for (let i = s.location.length - 1; i >= 0; i--) {
      const l = s.location[i]!;
      if (!pruned.has(l) && !beneath.has(l)) {
        foundUser = true;
        continue;
      }
      if (!foundUser) continue;
      s.location = pruned.has(l) ? s.location.slice(i + 1) : s.location.slice(i);
      break;
    }
  }
  return fromWork(w);
}

/**
 * Compiles a regexp of the profile's `dropFrames`/`keepFrames` as google/pprof does (`^(…)$`). The text is a
 * Go regexp; it is compiled as a JavaScript one, which agrees on the patterns Go itself writes.
 */
function frameRegexp(field: string, source: string): RegExp {
  try {
    return new RegExp('^(' + source + ')$', 'u');
  } catch {
    try {
      return new RegExp('^(' + source + ')$');
    } catch (e) {
      throw new GodiagError(ErrorCode.Corrupt, { format: 'pprof', offset: 0, message: `failed to compile regexp ${source} of ${field}`, cause: e });
    }
  }
}

/**
 * google/pprof's `RemoveUninteresting`: {@link prune} with the profile's own `dropFrames` (anchored as
 * `^(…)$`) and `keepFrames`, when `dropFrames` is set; otherwise the profile is returned unchanged.
 * @throws GodiagError (`corrupt`, format `pprof`, offset 0) if a regexp does not compile
 */
export function removeUninteresting(p: Profile): Profile {
  if (p.dropFrames === '') return p;
  const drop = frameRegexp('drop_frames', p.dropFrames);
  const keep = p.keepFrames !== '' ? frameRegexp('keep_frames', p.keepFrames) : undefined;
  return prune(p, drop, keep);
}

/**
 * google/pprof's `PruneFrom` (`-prune_from`): in each location, lines before (inlined into) the first line
 * whose simplified function name matches are removed; each sample's stack starts at (loses the frames
 * beneath) its first such location, scanning from the leaf. Returns a new profile.
 */
export function pruneFrom(p: Profile, dropRx: RegExp): Profile {
  const w = toWork(p);
  const beneath = new Set<object>();
  for (const loc of w.location) {
    for (let i = 0; i < loc.line.length; i++) {
      const name = loc.line[i]!.function.name;
      if (name !== '' && matches(dropRx, simplifyFunc(name))) {
        beneath.add(loc);
        loc.line = loc.line.slice(i);
        break;
      }
    }
  }
  for (const s of w.samples) {
    const i = s.location.findIndex((l) => beneath.has(l));
    if (i >= 0) s.location = s.location.slice(i);
  }
  return fromWork(w);
}
