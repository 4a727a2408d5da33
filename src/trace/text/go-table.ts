/**
 * Which event types Go's own raw readers (binary and text) know for each wire version.
 *
 * Go keeps one array of specs indexed by type byte and gives each version a prefix of it: the older versions
 * stop at their last ordinary event, while the newest version gets the whole array, experimental events (type
 * 128 and up) and the unnamed gap before them included. The text reader accepts a name only if Go's table for
 * the version holds it, and `-d=footprint` names rows by that table, so both follow the same rule here.
 * @module
 */

import { specsFor, WIRE_VERSIONS, type WireVersion } from '../spec/versions.js';
import type { EventSpec } from '../spec/events.js';

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

/** The spec of `type` if Go's table for `version` holds it, else undefined. */
export function goSpec(version: WireVersion, type: number): EventSpec | undefined {
  return type < goSpecCount(version) ? specsFor(version).byType[type] : undefined;
}

/** The spec Go's text reader finds for an event name in `version`, else undefined. */
export function goSpecByName(version: WireVersion, name: string): EventSpec | undefined {
  const s = specsFor(version).byName.get(name);
  return s !== undefined && s.type < goSpecCount(version) ? s : undefined;
}
