/**
 * The runtime/metrics catalogue: every metric `metrics.All()` lists in each Go release from 1.16 (when
 * runtime/metrics appeared), as recorded from the releases themselves (src/metrics/catalog-data.ts is
 * generated from testdata/fixtures/<goversion>/metrics-catalog.json by scripts/make-metrics-catalog.ts).
 * @module
 */

import { METRIC_RECORDS, RECORDED_VERSIONS } from './catalog-data.js';

/** The kind of a metric's value, as runtime/metrics' `ValueKind` (`KindUint64`, …) without the prefix. */
export type MetricKind = 'Uint64' | 'Float64' | 'Float64Histogram';

/** A state of a metric in the generated data: from the recorded release `since` on, until the next state. */
export type MetricState = ListedMetricState | UnlistedMetricState;

/** The metric is listed, with these properties. */
export interface ListedMetricState {
  /** The first recorded release (`"go1.21.13"`) in this state. */
  readonly since: string;
  /** The kind of its value. */
  readonly kind: MetricKind;
  /** Whether it is cumulative. */
  readonly cumulative: boolean;
  /** The runtime's description text. */
  readonly description: string;
}

/** The metric is no longer listed. */
export interface UnlistedMetricState {
  /** The first recorded release (`"go1.23.12"`) not listing it. */
  readonly since: string;
  /** Always false. */
  readonly listed: false;
}

/** A metric of the generated data: its states over the recorded releases, oldest first. */
export interface MetricRecord {
  /** The full name. */
  readonly name: string;
  /** The part of the name after its last colon. */
  readonly unit: string;
  /** The first Go minor (`"go1.16"`) whose metrics.All() lists it. */
  readonly added: string;
  /** The first Go minor whose metrics.All() no longer lists it, when the newest recording does not. */
  readonly removed?: string;
  /** Set when a description says the metric is deprecated: since which minor, and the metrics it names instead. */
  readonly deprecated?: MetricDeprecation;
  /** One state per change, oldest first; the first is the first recorded release listing the metric. */
  readonly history: readonly MetricState[];
}

/** A deprecation the runtime states in a metric's description ("Deprecated. Prefer the identical …"). */
export interface MetricDeprecation {
  /** The first Go minor whose description says so. */
  readonly since: string;
  /** The metrics the description names as replacements (may be empty). */
  readonly replacements: readonly string[];
}

/** A metric as a Go release describes it. */
export interface MetricInfo {
  /** The full name, `/gc/heap/allocs:bytes`. */
  readonly name: string;
  /** The kind of its value in that release. */
  readonly kind: MetricKind;
  /** The part of the name after its last colon: `bytes`, `seconds`, `cpu-seconds`, `events`, … */
  readonly unit: string;
  /** Whether the value only grows over the life of the process (a counter), as `metrics.Description.Cumulative`. */
  readonly cumulative: boolean;
  /** The runtime's own description text in that release. */
  readonly description: string;
  /** The first Go minor (`"go1.16"`) whose metrics.All() lists the name. */
  readonly added: string;
  /** The first Go minor whose metrics.All() no longer lists it, if any recorded release dropped it. */
  readonly removed?: string;
  /** Present when the release's description deprecates the metric. */
  readonly deprecated?: MetricDeprecation;
  /** `'godebug'` for a member of the `/godebug/non-default-behavior/<setting>:events` family. */
  readonly family?: 'godebug';
  /**
   * Whether metrics.All() of the release answering ({@link MetricInfo.goVersion}) lists this name. Only a
   * `godebug` family name can be described without being listed: patch releases add settings, so any name of
   * the family's shape is described (with the recorded text when another release lists it, else a generic one).
   */
  readonly listed: boolean;
  /** The recorded release that answered (see {@link catalogVersion}). */
  readonly goVersion: string;
}

/** Options of {@link catalog} and {@link describe}. */
export interface CatalogOptions {
  /**
   * The Go version to describe: `"go1.22.3"`, `"1.22"`, `"go1.23rc1"`, or a `runtime.Version()` such as
   * `"devel go1.27-abc123 …"`. Default: the newest recorded release. See {@link catalogVersion} for which
   * recorded release answers.
   */
  readonly goVersion?: string;
}

/** The `/godebug/non-default-behavior/<setting>:events` family; group 1 is the GODEBUG setting. */
export const GODEBUG_METRIC_PATTERN = /^\/godebug\/non-default-behavior\/([^/:\s]+):events$/;

const VERSION = /^(?:devel )?(?:go)?1\.(\d+)(?:\.(\d+))?((?:rc|beta)\d+)?(?:[-+ ].*)?$/s;

interface Parsed {
  minor: number;
  /** −1 for a pre-release; undefined when only the minor was given. */
  patch: number | undefined;
}

function parseVersion(v: string): Parsed {
  const m = VERSION.exec(v);
  if (m === null) throw new TypeError(`not a Go version: ${JSON.stringify(v)}`);
  const minor = Number(m[1]);
  if (m[3] !== undefined) return { minor, patch: -1 };
  return { minor, patch: m[2] === undefined ? undefined : Number(m[2]) };
}

const recorded: Parsed[] = RECORDED_VERSIONS.map(parseVersion);

/**
 * Which recorded release answers for a Go version, or `undefined` for releases before Go 1.16 (they have no
 * runtime/metrics). Within a recorded minor: the newest recorded patch not after the one asked for (the oldest
 * recorded one if all are after it; the newest if no patch is given). A minor newer than every recording is
 * answered by the newest recording: its additions are unknown, removals are rare. Without a version: the newest
 * recording. Throws a `TypeError` when the string is not a Go version.
 */
export function catalogVersion(goVersion?: string): string | undefined {
  const newest = RECORDED_VERSIONS.length - 1;
  if (goVersion === undefined) return RECORDED_VERSIONS[newest];
  const want = parseVersion(goVersion);
  if (want.minor < 16) return undefined;
  let best = -1;
  for (let i = 0; i < recorded.length; i++) {
    const r = recorded[i]!;
    if (r.minor < want.minor) best = i; // the newest of an older minor, if the minor itself was not recorded
    else if (r.minor === want.minor) {
      const rp = r.patch ?? 0;
      if (best >= 0 && recorded[best]!.minor === want.minor && want.patch !== undefined && rp > want.patch) break;
      best = i;
    }
  }
  return RECORDED_VERSIONS[best < 0 ? 0 : best];
}

let byName: Map<string, MetricRecord> | undefined;
function records(): Map<string, MetricRecord> {
  byName ??= new Map(METRIC_RECORDS.map((r) => [r.name, r]));
  return byName;
}

const versionIndex = new Map(RECORDED_VERSIONS.map((v, i) => [v, i]));
const minorOf = (v: string): number => parseVersion(v).minor;

/** The state of a record as of recorded release index `at`, or undefined before its first state. */
function stateAt(rec: MetricRecord, at: number): MetricState | undefined {
  let s: MetricState | undefined;
  for (const h of rec.history) {
    if (versionIndex.get(h.since)! > at) break;
    s = h;
  }
  return s;
}

function isListed(s: MetricState | undefined): s is ListedMetricState {
  return s !== undefined && !('listed' in s);
}

function info(rec: MetricRecord, s: ListedMetricState, goVersion: string, listed: boolean): MetricInfo {
  const family = GODEBUG_METRIC_PATTERN.test(rec.name);
  return {
    name: rec.name,
    kind: s.kind,
    unit: rec.unit,
    cumulative: s.cumulative,
    description: s.description,
    added: rec.added,
    ...(rec.removed !== undefined ? { removed: rec.removed } : {}),
    ...(rec.deprecated !== undefined && minorOf(rec.deprecated.since) <= minorOf(goVersion) ? { deprecated: rec.deprecated } : {}),
    ...(family ? { family: 'godebug' as const } : {}),
    listed,
    goVersion,
  };
}

/** Every metric metrics.All() lists in the release answering for `options.goVersion`, sorted by name as Go does. */
export function catalog(options: CatalogOptions = {}): MetricInfo[] {
  const v = catalogVersion(options.goVersion);
  if (v === undefined) return [];
  const at = versionIndex.get(v)!;
  const out: MetricInfo[] = [];
  for (const rec of METRIC_RECORDS) {
    const s = stateAt(rec, at);
    if (isListed(s)) out.push(info(rec, s, v, true));
  }
  return out;
}

/**
 * Describes a metric as of a Go version: the recorded entry when that release lists the name; for a name of the
 * `/godebug/non-default-behavior/<setting>:events` family in a release that has the family (Go 1.21+) but does
 * not list it, an entry with `listed: false` (the text another release gives it, or a generic one); otherwise
 * `undefined` — the name is unknown, not yet added, removed, or the version predates runtime/metrics (Go 1.16).
 * To tell which, describe it without a version and look at `added` and `removed`.
 */
export function describe(name: string, options: CatalogOptions = {}): MetricInfo | undefined {
  const v = catalogVersion(options.goVersion);
  if (v === undefined) return undefined;
  const at = versionIndex.get(v)!;
  const rec = records().get(name);
  if (rec !== undefined) {
    const s = stateAt(rec, at);
    if (isListed(s)) return info(rec, s, v, true);
  }
  const setting = GODEBUG_METRIC_PATTERN.exec(name)?.[1];
  if (setting === undefined) return undefined;
  const family = godebugFamily();
  if (family === undefined || family.index > at) return undefined;
  if (rec !== undefined) {
    // Listed by another release: its newest text.
    const last = [...rec.history].reverse().find(isListed);
    if (last !== undefined) return info(rec, last, v, false);
  }
  return {
    name,
    kind: family.state.kind,
    unit: 'events',
    cumulative: family.state.cumulative,
    description: `The number of non-default behaviors executed due to a non-default GODEBUG=${setting}=... setting (a setting no recorded Go release lists).`,
    added: family.added,
    family: 'godebug',
    listed: false,
    goVersion: v,
  };
}

interface Family {
  /** Index of the first recorded release listing any member. */
  index: number;
  added: string;
  state: ListedMetricState;
}
let familyCache: Family | null | undefined;

/** The family's first release and the kind and cumulativeness its members share (from the data). */
function godebugFamily(): Family | undefined {
  if (familyCache === undefined) {
    familyCache = null;
    for (const rec of METRIC_RECORDS) {
      if (!GODEBUG_METRIC_PATTERN.test(rec.name)) continue;
      const first = rec.history[0];
      if (!isListed(first)) continue;
      const index = versionIndex.get(first.since)!;
      if (familyCache === null || index < familyCache.index) familyCache = { index, added: rec.added, state: first };
    }
  }
  return familyCache ?? undefined;
}
