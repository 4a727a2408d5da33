/**
 * Which event types each wire version accepts.
 *
 * Versions are named by the header the runtime writes: Go 1.22 writes `1.22`, Go 1.23 and Go 1.24 write
 * `1.23`, Go 1.25 writes `1.25`, Go 1.26 writes `1.26`. Each accepts the event types of the releases that
 * write it and nothing newer, so a byte that only a later release would write is rejected, not guessed.
 * @module
 */

import { ErrorCode, GodiagError } from '../../internal/errors.js';
import { ALL_EVENT_SPECS, EventType, type EventSpec } from './events.js';

/** The wire versions of the Go 1.22+ trace format godiag reads and writes. */
export type WireVersion = '1.22' | '1.23' | '1.25' | '1.26';

/** Every {@link WireVersion}, oldest first. */
export const WIRE_VERSIONS: readonly WireVersion[] = Object.freeze(['1.22', '1.23', '1.25', '1.26']);

/** The event specs of one wire version, indexed for the readers. */
export interface VersionSpecs {
  /** The version. */
  readonly version: WireVersion;
  /** Its minor number (22 for "1.22"). */
  readonly minor: number;
  /** Spec by type byte (256 entries); `undefined` for a byte this version does not define. */
  readonly byType: readonly (EventSpec | undefined)[];
  /** Spec by Go's event name. */
  readonly byName: ReadonlyMap<string, EventSpec>;
  /** The specs this version defines, in type-byte order. */
  readonly all: readonly EventSpec[];
}

// The last non-experimental type each version defines, and whether it carries the AllocFree events
// (introduced with Go 1.23's runtime; Go 1.22 never writes them).
const LAST_TYPE: Record<WireVersion, number> = {
  '1.22': EventType.UserLog,
  '1.23': EventType.ExperimentalBatch,
  '1.25': EventType.ClockSnapshot,
  '1.26': EventType.EndOfGeneration,
};

const tables = new Map<WireVersion, VersionSpecs>();

function build(version: WireVersion): VersionSpecs {
  const last = LAST_TYPE[version];
  const withExperiments = version !== '1.22';
  const all = ALL_EVENT_SPECS.filter((s) => (s.type <= last && s.type > 0 && s.experiment === 0) || (withExperiments && s.experiment !== 0 && s.type >= 128));
  const byType: (EventSpec | undefined)[] = new Array<EventSpec | undefined>(256).fill(undefined);
  const byName = new Map<string, EventSpec>();
  for (const s of all) {
    byType[s.type] = s;
    byName.set(s.name, s);
  }
  return Object.freeze({
    version,
    minor: Number(version.slice(2)),
    byType: Object.freeze(byType),
    byName,
    all: Object.freeze(all),
  });
}

/** The event specs of a wire version (built once, shared). */
export function specsFor(version: WireVersion): VersionSpecs {
  let t = tables.get(version);
  if (t === undefined) {
    t = build(version);
    tables.set(version, t);
  }
  return t;
}

/** True for a string naming a {@link WireVersion}. */
export function isWireVersion(v: string): v is WireVersion {
  return (WIRE_VERSIONS as readonly string[]).includes(v);
}

/**
 * The wire version of a header's minor number (22 for `go 1.22 trace`).
 * @param offset - byte offset reported in errors (the header's).
 * @throws GodiagError `unsupported-version` for the Go 1.5–1.21 format (whose reader is not available yet) and
 * for minor numbers no Go release writes (such as 24, which Go 1.24 does not use, or releases newer than 1.26).
 */
export function wireVersionFromMinor(minor: number, offset = 0): WireVersion {
  const v = `1.${minor}`;
  if (isWireVersion(v)) return v;
  if (minor >= 5 && minor <= 21) {
    throw new GodiagError(ErrorCode.UnsupportedVersion, {
      format: 'trace',
      offset,
      message: `trace version go 1.${minor} uses the pre-Go 1.22 format, which this reader does not support: the old-format reader is not available yet`,
    });
  }
  throw new GodiagError(ErrorCode.UnsupportedVersion, {
    format: 'trace',
    offset,
    message: `unknown or unsupported trace version go 1.${minor}: supported versions are ${WIRE_VERSIONS.join(', ')}`,
  });
}

/** Compares two wire versions: negative, zero or positive as `a` is older than, equal to or newer than `b`. */
export function compareWireVersions(a: WireVersion, b: WireVersion): number {
  return Number(a.slice(2)) - Number(b.slice(2));
}
