/**
 * Operations on profiles with google/pprof's semantics: scaling, merging, subtracting, compacting, the
 * sample filters of `go tool pprof` (focus, ignore, hide, show, show_from, tagfocus), pruning
 * (drop_frames/keep_frames), aggregation, and the folded-stack and `-top` text outputs.
 * Every operation returns a new profile and leaves its input unchanged.
 * @module
 */

export { scaleProfile, scaleN, goRound } from './scale.js';
export { mergeProfiles, compactProfile, diffProfiles, normalizeProfile, checkCompatible, type DiffOptions } from './merge.js';
export {
  filterSamplesByName,
  showFrom,
  filterSamplesByTag,
  filterTagsByName,
  stringLabelMatches,
  numberLabelInRange,
  type NameFilters,
  type NameFilterResult,
  type TagMatch,
  type ShowFromResult,
  type TagFilterResult,
  type TagNameFilterResult,
} from './filter.js';
export { prune, removeUninteresting, pruneFrom, simplifyFunc } from './prune.js';
export { aggregate, type AggregateOptions } from './aggregate.js';
export { foldedStacks, sampleIndex } from './folded.js';
