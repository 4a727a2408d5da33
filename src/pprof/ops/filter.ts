/**
 * Sample filters with google/pprof's semantics: `FilterSamplesByName` (focus, ignore, hide, show),
 * `ShowFrom`, `FilterSamplesByTag` and `FilterTagsByName`.
 *
 * Regular expressions are JavaScript `RegExp`s, tested unanchored (like Go's `MatchString`); Go's RE2
 * syntax and JavaScript's agree on ordinary patterns (`^runtime\.`, `main\.(foo|bar)`), not on every one.
 * @module
 */

import type { Label, Line, Location, Profile, Sample } from '../profile.js';
import { fromWork, matches, toWork } from './work.js';

/** The regexps of {@link filterSamplesByName}; each is optional. */
export interface NameFilters {
  /** Keep only samples with a location matching this (`-focus`). */
  focus?: RegExp;
  /** Drop samples with a location matching this (`-ignore`). */
  ignore?: RegExp;
  /** Remove matching frames from stacks (`-hide`). */
  hide?: RegExp;
  /** Keep only matching frames in stacks (`-show`). */
  show?: RegExp;
}

/** A filtered profile and which filters matched anything (google/pprof's `fm, im, hm, hnm`). */
export interface NameFilterResult {
  /** The filtered profile (a new one; the input is not modified). */
  profile: Profile;
  /** Some location matched `focus` (or there was no filter at all, or no focus). */
  focusMatched: boolean;
  /** Some location matched `ignore`. */
  ignoreMatched: boolean;
  /** Some location matched `hide`. */
  hideMatched: boolean;
  /** Some location kept a line under `show`. */
  showMatched: boolean;
}

/** A location matches when a line's function name or file name matches, or its mapping's file does. */
function locationMatches(loc: Location, re: RegExp): boolean {
  for (const ln of loc.line) if (lineMatches(ln, re)) return true;
  return loc.mapping !== undefined && matches(re, loc.mapping.file);
}

function lineMatches(ln: Line, re: RegExp): boolean {
  return matches(re, ln.function.name) || matches(re, ln.function.filename);
}

/**
 * google/pprof's `FilterSamplesByName`. Per location: one matching `ignore` is ignored, else one matching
 * `focus` (or any, without focus) is focused; `hide` removes the matching lines (all of them if the
 * mapping's file matches), `show` keeps only matching lines (all if the mapping's file matches); a location
 * left without lines is hidden. A sample is kept when it has a focused location and no ignored one; hidden
 * locations are removed from its stack, and a sample left with an empty stack is dropped.
 * With no regexp at all the profile is returned unchanged and `focusMatched` is true.
 */
export function filterSamplesByName(p: Profile, filters: NameFilters): NameFilterResult {
  const { focus, ignore, hide, show } = filters;
  const result = { profile: p, focusMatched: false, ignoreMatched: false, hideMatched: false, showMatched: false };
  if (!focus && !ignore && !hide && !show) return { ...result, focusMatched: true };
  const w = toWork(p);
  const focusOrIgnore = new Map<Location, boolean>();
  const hidden = new Set<Location>();
  for (const l of w.location) {
    if (ignore && locationMatches(l, ignore)) {
      result.ignoreMatched = true;
      focusOrIgnore.set(l, false);
    } else if (!focus || locationMatches(l, focus)) {
      result.focusMatched = true;
      focusOrIgnore.set(l, true);
    }
    if (hide && locationMatches(l, hide)) {
      result.hideMatched = true;
      l.line = l.mapping !== undefined && matches(hide, l.mapping.file) ? [] : l.line.filter((ln) => !lineMatches(ln, hide));
      if (l.line.length === 0) hidden.add(l);
    }
    if (show) {
      if (!(l.mapping !== undefined && matches(show, l.mapping.file))) l.line = l.line.filter((ln) => lineMatches(ln, show));
      if (l.line.length === 0) hidden.add(l);
      else result.showMatched = true;
    }
  }
  w.samples = w.samples.filter((s) => {
    if (!focusedAndNotIgnored(s.location, focusOrIgnore)) return false;
    if (hidden.size > 0) {
      s.location = s.location.filter((l) => !hidden.has(l));
      if (s.location.length === 0) return false;
    }
    return true;
  });
  return { ...result, profile: fromWork(w) };
}

function focusedAndNotIgnored(locs: readonly Location[], m: Map<Location, boolean>): boolean {
  let focused = false;
  for (const l of locs) {
    const f = m.get(l);
    if (f === false) return false;
    if (f === true) focused = true;
  }
  return focused;
}

/** The result of {@link showFrom}. */
export interface ShowFromResult {
  /** The filtered profile. */
  profile: Profile;
  /** Whether the regexp matched any location. */
  matched: boolean;
}

/** The result of {@link filterSamplesByTag}. */
export interface TagFilterResult {
  /** The filtered profile. */
  profile: Profile;
  /** Whether the focus predicate matched any sample. */
  focusMatched: boolean;
  /** Whether the ignore predicate matched any sample. */
  ignoreMatched: boolean;
}

/** The result of {@link filterTagsByName}. */
export interface TagNameFilterResult {
  /** The profile with the hidden label keys removed. */
  profile: Profile;
  /** Whether the show regexp matched any label key. */
  showMatched: boolean;
  /** Whether the hide regexp matched any label key. */
  hideMatched: boolean;
}

/**
 * google/pprof's `ShowFrom` (`-show_from`): in each location, lines after (callers of) the last line whose
 * function or file name matches are removed (a location whose mapping's file matches keeps all lines);
 * in each sample, frames above (callers of) the outermost matching location are removed, and samples
 * without one are dropped. Returns the new profile and whether any location matched.
 */
export function showFrom(p: Profile, re: RegExp): ShowFromResult {
  const w = toWork(p);
  const showLocs = new Set<Location>();
  for (const l of w.location) {
    if (l.mapping !== undefined && matches(re, l.mapping.file)) {
      showLocs.add(l);
      continue;
    }
    for (let i = l.line.length - 1; i >= 0; i--) {
      if (lineMatches(l.line[i]!, re)) {
        l.line = l.line.slice(0, i + 1);
        showLocs.add(l);
        break;
      }
    }
  }
  w.samples = w.samples.filter((s) => {
    for (let i = s.location.length - 1; i >= 0; i--) {
      if (showLocs.has(s.location[i]!)) {
        s.location = s.location.slice(0, i + 1);
        return true;
      }
    }
    return false;
  });
  return { profile: fromWork(w), matched: showLocs.size > 0 };
}

/** A sample predicate for {@link filterSamplesByTag} (google/pprof's `TagMatch`). */
export type TagMatch = (sample: Sample) => boolean;

/**
 * google/pprof's `FilterSamplesByTag` (`-tagfocus`, `-tagignore`): keeps the samples for which `focus`
 * (default: always) holds and `ignore` (default: never) does not. Returns whether any sample was focused
 * and whether any was ignored.
 */
export function filterSamplesByTag(p: Profile, filters: { focus?: TagMatch; ignore?: TagMatch }): TagFilterResult {
  let focusMatched = false;
  let ignoreMatched = false;
  const keep: number[] = [];
  for (let i = 0; i < p.sample.length; i++) {
    const s = p.sample.get(i);
    const focused = filters.focus ? filters.focus(s) : true;
    const ignored = filters.ignore ? filters.ignore(s) : false;
    focusMatched ||= focused;
    ignoreMatched ||= ignored;
    if (focused && !ignored) keep.push(i);
  }
  const w = toWork(p);
  w.samples = keep.map((i) => w.samples[i]!);
  return { profile: fromWork(w), focusMatched, ignoreMatched };
}

/**
 * A {@link TagMatch} for a label, like `-tagfocus=key=regexp`: true when the sample has a string label `key`
 * with a value matching `re`.
 */
export function stringLabelMatches(key: string, re: RegExp): TagMatch {
  return (s) => s.label.some((l) => l.kind === 'string' && l.key === key && matches(re, l.value));
}

/**
 * A {@link TagMatch} for a numeric label, like `-tagfocus=key=lo:hi`: true when the sample has a numeric
 * label `key` with a value in `[min, max]` (either bound optional). Units are not converted.
 */
export function numberLabelInRange(key: string, min?: bigint, max?: bigint): TagMatch {
  return (s) => s.label.some((l) => l.kind === 'number' && l.key === key && (min === undefined || l.value >= min) && (max === undefined || l.value <= max));
}

/**
 * google/pprof's `FilterTagsByName` (`-tagshow`, `-tagignore` on keys): removes labels (string and numeric)
 * whose key does not match `show` or matches `hide`. Returns whether any key matched each.
 */
export function filterTagsByName(p: Profile, filters: { show?: RegExp; hide?: RegExp }): TagNameFilterResult {
  let showMatched = false;
  let hideMatched = false;
  const remove = (key: string): boolean => {
    const s = !filters.show || matches(filters.show, key);
    const h = filters.hide !== undefined && matches(filters.hide, key);
    showMatched ||= s;
    hideMatched ||= h;
    return !s || h;
  };
  const w = toWork(p);
  for (const s of w.samples) {
    if (s.label.length === 0) continue;
    const verdict = new Map<string, boolean>();
    s.label = s.label.filter((l: Label) => {
      let r = verdict.get(l.kind + ':' + l.key);
      if (r === undefined) verdict.set(l.kind + ':' + l.key, (r = remove(l.key)));
      return !r;
    });
  }
  return { profile: fromWork(w), showMatched, hideMatched };
}
