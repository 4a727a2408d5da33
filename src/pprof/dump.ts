/**
 * The canonical JSON form of a profile (docs/pprof.md): what `godiag pprof dump` prints and what the Go
 * oracle prints from google/pprof's parse of the same file.
 * @module
 */

import { canonicalJson, type JsonValue } from '../internal/canonical-json.js';
import { groupLabels } from './labels.js';
import type { Profile, ValueType } from './profile.js';

/** The profile as a plain JSON-ready value (64-bit integers as bigint, printed as decimal strings). */
export function profileToJson(p: Profile): JsonValue {
  const vt = (v: ValueType) => ({ type: v.type, unit: v.unit });
  return {
    sampleType: p.sampleType.map(vt),
    defaultSampleType: p.defaultSampleType,
    sample: Array.from(p.sample, (s) => {
      const g = groupLabels(s);
      return {
        location: Array.from(s.stack, (i) => p.location[i]!.id),
        value: Array.from(s.value),
        label: g.label.size > 0 ? Object.fromEntries(g.label) : undefined,
        numLabel: g.numLabel.size > 0 ? Object.fromEntries(g.numLabel) : undefined,
        numUnit: g.numUnit.size > 0 ? Object.fromEntries(g.numUnit) : undefined,
      };
    }),
    mapping: p.mapping.map((m) => ({
      id: m.id,
      start: m.start,
      limit: m.limit,
      offset: m.offset,
      file: m.file,
      buildId: m.buildId,
      hasFunctions: m.hasFunctions,
      hasFilenames: m.hasFilenames,
      hasLineNumbers: m.hasLineNumbers,
      hasInlineFrames: m.hasInlineFrames,
    })),
    location: p.location.map((l) => ({
      id: l.id,
      mapping: l.mapping?.id,
      address: l.address,
      line: l.line.map((ln) => ({ function: ln.function?.id, line: ln.line, column: ln.column })),
      isFolded: l.isFolded,
    })),
    function: p.function.map((f) => ({ id: f.id, name: f.name, systemName: f.systemName, filename: f.filename, startLine: f.startLine })),
    dropFrames: p.dropFrames,
    keepFrames: p.keepFrames,
    timeNanos: p.timeNanos,
    durationNanos: p.durationNanos,
    periodType: vt(p.periodType),
    period: p.period,
    comments: p.comments,
    docUrl: p.docUrl,
  };
}

/** The canonical JSON text of a profile (one line, no trailing newline). */
export function dumpProfile(p: Profile): string {
  return canonicalJson(profileToJson(p));
}
