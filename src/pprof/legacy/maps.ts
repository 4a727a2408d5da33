/**
 * The memory-map section of legacy profiles: /proc/self/maps lines, or the brief `start-end file` form,
 * with glog prefixes removed and `name=value` lines defining `$name` substitutions for later lines.
 * google/pprof reads it after the samples and then renumbers everything, so the renumbering lives here.
 * @module
 */

import type { Mapping } from '../profile.js';
import type { LegacyProfile } from './model.js';
import { RE_NS, RE_S, parseUint, trimSpace } from './go.js';
import { massageMappings, newMapping, remapFunctionIDs, remapLocationIDs, remapMappingIDs } from './model.js';
import type { LineScanner } from './scanner.js';

const HEX = '[0-9A-Fa-f]';
const cHex = `(?:0x)?(${HEX}+)`;
const cHexRange = `${RE_S}*${cHex}(?:${RE_S}|-)?${RE_S}*${cHex}:?`;
const cSpaceString = `(?:${RE_S}+(${RE_NS}+))?`;
const cSpaceHex = `(?:${RE_S}+(${HEX}+))?`;
const cSpaceAtOffset = `(?:${RE_S}+\\(@(${HEX}+)\\))?`;
const cPerm = `(?:${RE_S}+([-rwxp]+))?`;
const hexPair = `${RE_S}+${HEX}+:${HEX}+`;
const spaceDigits = `${RE_S}+[0-9]+`;

/** A /proc/<pid>/maps line: range, permissions, offset, device, inode, file. */
const PROC_MAPS_RE = new RegExp(`^${cHexRange}${cPerm}${cSpaceHex}${hexPair}${spaceDigits}${cSpaceString}`);
/** The brief form: range, optional permissions, file, `(@offset)`, build id. */
const BRIEF_MAPS_RE = new RegExp(`^${cHexRange}${cPerm}${cSpaceString}${cSpaceAtOffset}${cSpaceHex}`);
/** A glog prefix, `... file:line] `. */
const LOG_INFO_RE = /^[^[\]]+:[0-9]+\][\t\n\f\r ]/;

/** Lines that announce the memory map in C++ profiles. */
const SENTINELS = ['--- Memory map: ---', 'MAPPED_LIBRARIES:'];

/** True if the line announces the memory map. */
export function isMemoryMapSentinel(line: string): boolean {
  return SENTINELS.some((s) => line.includes(s));
}

/** A mapping of a maps line; null for a non-executable one (skipped); undefined when not a mapping. */
function parseMappingEntry(l: string): Mapping | null | undefined {
  let start: string, end: string, perm: string, file: string, offset: string, buildId = '';
  const pm = PROC_MAPS_RE.exec(l);
  if (pm !== null) {
    [start, end, perm, offset, file] = [pm[1]!, pm[2]!, pm[3] ?? '', pm[4] ?? '', pm[5] ?? ''];
  } else {
    const bm = BRIEF_MAPS_RE.exec(l);
    if (bm === null) return undefined;
    [start, end, perm, file, offset, buildId] = [bm[1]!, bm[2]!, bm[3] ?? '', bm[4] ?? '', bm[5] ?? '', bm[6] ?? ''];
  }
  if (perm !== '' && !perm.includes('x')) return null;
  const s = parseUint(start, 16);
  const e = parseUint(end, 16);
  if (s === undefined || e === undefined) return undefined;
  let o = 0n;
  if (offset !== '') {
    const v = parseUint(offset, 16);
    if (v === undefined) return undefined;
    o = v;
  }
  return newMapping(s, e, o, file, buildId);
}

/**
 * `strings.NewReplacer(pairs...).Replace(s)`: at each position the earliest pair whose old string matches
 * wins (the olds here all start with `$`, so none is empty).
 */
function replaceAll(s: string, pairs: readonly (readonly [string, string])[]): string {
  if (pairs.length === 0 || !s.includes('$')) return s;
  let out = '';
  let i = 0;
  outer: while (i < s.length) {
    for (const [from, to] of pairs) {
      if (s.startsWith(from, i)) {
        out += to;
        i += from.length;
        continue outer;
      }
    }
    out += s[i];
    i++;
  }
  return out;
}

/** Reads the mapping lines remaining in the scanner (`parseProcMapsFromScanner`). */
function parseProcMaps(s: LineScanner): Mapping[] {
  const mappings: Mapping[] = [];
  const attrs: [string, string][] = [];
  while (s.scan()) {
    let line = s.text;
    const log = LOG_INFO_RE.exec(line);
    if (log !== null) line = line.slice(log[0].length);
    line = replaceAll(line, attrs);
    const m = parseMappingEntry(line);
    if (m === undefined) {
      const eq = line.indexOf('=');
      if (eq >= 0) attrs.push(['$' + trimSpace(line.slice(0, eq)), trimSpace(line.slice(eq + 1))]);
      continue;
    }
    if (m !== null) mappings.push(m);
  }
  s.check();
  return mappings;
}

/** Reads the memory map from the scanner, then attaches and renumbers (`ParseMemoryMapFromScanner`). */
export function parseMemoryMap(s: LineScanner, p: LegacyProfile): void {
  p.mapping.push(...parseProcMaps(s));
  massageMappings(p);
  remapLocationIDs(p);
  remapFunctionIDs(p);
  remapMappingIDs(p);
}

/** Skips to the memory-map sentinel, if any, and reads the map after it (`parseAdditionalSections`). */
export function parseAdditionalSections(s: LineScanner, p: LegacyProfile): void {
  while (!isMemoryMapSentinel(s.text) && s.scan()) {
    // Everything before the sentinel (Go's "# runtime.MemStats" block, for one) is ignored.
  }
  s.check();
  parseMemoryMap(s, p);
}
