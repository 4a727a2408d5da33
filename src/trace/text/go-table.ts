/**
 * Which event types Go 1.26's raw readers know for each wire version (what `go tool trace -d=footprint` of Go
 * 1.26 names its rows by).
 *
 * Go keeps one array of specs indexed by type byte and gives each version a prefix of it: the older versions
 * stop at their last ordinary event, while the newest version gets the whole array, experimental events (type
 * 128 and up) and the unnamed gap before them included.
 * @module
 */

import { specsFor, WIRE_VERSIONS, type WireVersion } from '../spec/versions.js';

const counts = new Map<WireVersion, number>();

/** The length of Go's spec table for `version`: type bytes below it have an entry (possibly unnamed). */
export function goSpecCount(version: WireVersion): number {
  let n = counts.get(version);
  if (n === undefined) {
    const newest = version === WIRE_VERSIONS[WIRE_VERSIONS.length - 1];
    n = 0;
    for (const s of specsFor(version).all) if (newest || s.experiment === 0) n = Math.max(n, s.type + 1);
    counts.set(version, n);
  }
  return n;
}
