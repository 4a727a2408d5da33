/**
 * The share of CPU time the GC took between two snapshots, from the /cpu/classes metrics (Go 1.20+).
 *
 * The runtime does not keep those values current: `metrics.Read` copies a set of CPU statistics that the GC
 * updates while the world is stopped (each pause adds its CPU time; mark termination adds the mark phase's
 * assist, dedicated, fractional and idle time and recomputes the total, idle and user time). Between two
 * snapshots with no completed GC cycle (`/gc/cycles/total:gc-cycles` unchanged) the values have not moved, or
 * moved only by a pause of a cycle still running: a fraction computed from them would be a silent 0/0 or
 * meaningless. Such a pair is reported as `stale`. With cycles in between, the fraction covers the time from the
 * last GC before `a` to the last GC before `b`, not exactly the interval between the snapshots.
 *
 * From Go 1.21 a cycle's sweep-termination pause is added to `gc/pause` and `gc/total` when the pause ends, while
 * `total`, `idle` and `user` are recomputed only at mark termination: a snapshot taken while a cycle runs has GC
 * time the total does not cover yet (recorded snapshots under load show pauses of tens of milliseconds of CPU, more
 * than the whole total's growth between two reads). So the GC time used here is the one as of the last mark
 * termination, `total − scavenge/total − idle − user` (exactly what the runtime derived `user` from), whenever those
 * metrics are present; in Go 1.20, where every pause is added at mark termination, that is `gc/total` itself.
 * @module
 */

import type { MetricValue, Snapshot } from './snapshot.js';

/** `/cpu/classes/gc/total:cpu-seconds`. */
export const GC_CPU = '/cpu/classes/gc/total:cpu-seconds';
/** `/cpu/classes/gc/mark/idle:cpu-seconds`. */
export const GC_IDLE_CPU = '/cpu/classes/gc/mark/idle:cpu-seconds';
/** `/cpu/classes/total:cpu-seconds`. */
export const TOTAL_CPU = '/cpu/classes/total:cpu-seconds';
/** `/cpu/classes/scavenge/total:cpu-seconds`. */
export const SCAVENGE_CPU = '/cpu/classes/scavenge/total:cpu-seconds';
/** `/cpu/classes/idle:cpu-seconds`. */
export const IDLE_CPU = '/cpu/classes/idle:cpu-seconds';
/** `/cpu/classes/user:cpu-seconds`. */
export const USER_CPU = '/cpu/classes/user:cpu-seconds';
/** `/gc/cycles/total:gc-cycles`. */
export const GC_CYCLES = '/gc/cycles/total:gc-cycles';

/** The GC CPU fraction between two snapshots, or why there is none: a discriminated union on `status`. */
export type GcCpuFraction =
  | {
      /** Discriminant: at least one GC cycle completed between the snapshots. */
      readonly status: 'ok';
      /** GC CPU seconds / total CPU seconds (all /cpu/classes/gc, idle marking included), in [0, 1]. */
      readonly fraction: number;
      /**
       * The same without `/cpu/classes/gc/mark/idle:cpu-seconds` (GC work done on otherwise idle Ps, which the
       * runtime's description says to subtract to get compulsory GC CPU time); undefined when that metric is absent.
       */
      readonly compulsoryFraction: number | undefined;
      /**
       * The increase of the GC CPU time as of each snapshot's last mark termination (see the module comment): of
       * `total − scavenge/total − idle − user` when the snapshots have those, else of /cpu/classes/gc/total.
       */
      readonly gcSeconds: number;
      /** The increase of /cpu/classes/total:cpu-seconds. */
      readonly totalSeconds: number;
      /** GC cycles completed between the snapshots (≥ 1). */
      readonly cycles: bigint;
    }
  | {
      /** Discriminant: no GC cycle completed between the snapshots, so the /cpu/classes values are those of the same GC. */
      readonly status: 'stale';
      /** Always 0n. */
      readonly cycles: bigint;
    }
  | {
      /** Discriminant: a metric needed is absent (Go before 1.20 has no /cpu/classes) or not of the expected kind. */
      readonly status: 'unavailable';
      /** The names missing or of the wrong kind. */
      readonly missing: readonly string[];
    }
  | {
      /**
       * Discriminant: the values are inconsistent with two snapshots of one process in order — a counter went
       * down, or cycles completed but the total CPU time did not grow.
       */
      readonly status: 'inconsistent';
      /** What is wrong. */
      readonly reason: string;
    };

function float(v: MetricValue | undefined): number | undefined {
  return v?.kind === 'Float64' ? v.value : undefined;
}
function uint(v: MetricValue | undefined): bigint | undefined {
  return v?.kind === 'Uint64' ? v.value : undefined;
}

/** The GC CPU seconds as of the last mark termination: the total minus its other parts, when present. */
function gcAsOfLastCycle(s: Snapshot, gc: number, total: number): number {
  const scavenge = float(s.values.get(SCAVENGE_CPU));
  const idle = float(s.values.get(IDLE_CPU));
  const user = float(s.values.get(USER_CPU));
  if (scavenge === undefined || idle === undefined || user === undefined) return gc;
  return total - scavenge - idle - user;
}

/**
 * The fraction of CPU time spent in the GC between snapshot `a` and the later snapshot `b` of one process, from the
 * increase of /cpu/classes/gc/total:cpu-seconds over that of /cpu/classes/total:cpu-seconds — only when a GC cycle
 * completed in between (see the module comment); otherwise `stale`, never a silent zero or negative.
 */
export function gcCpuFraction(a: Snapshot, b: Snapshot): GcCpuFraction {
  const missing: string[] = [];
  const need = <T>(name: string, s: Snapshot, get: (v: MetricValue | undefined) => T | undefined): T | undefined => {
    const v = get(s.values.get(name));
    if (v === undefined && !missing.includes(name)) missing.push(name);
    return v;
  };
  const c0 = need(GC_CYCLES, a, uint);
  const c1 = need(GC_CYCLES, b, uint);
  const g0 = need(GC_CPU, a, float);
  const g1 = need(GC_CPU, b, float);
  const t0 = need(TOTAL_CPU, a, float);
  const t1 = need(TOTAL_CPU, b, float);
  if (c0 === undefined || c1 === undefined || g0 === undefined || g1 === undefined || t0 === undefined || t1 === undefined)
    return { status: 'unavailable', missing };
  const cycles = c1 - c0;
  if (cycles < 0n) return { status: 'inconsistent', reason: `${GC_CYCLES} went down (${c0} → ${c1})` };
  if (cycles === 0n) return { status: 'stale', cycles };
  const gcSeconds = gcAsOfLastCycle(b, g1, t1) - gcAsOfLastCycle(a, g0, t0);
  const totalSeconds = t1 - t0;
  // Written so that NaN fails the checks too.
  if (!(gcSeconds >= 0)) return { status: 'inconsistent', reason: `the GC CPU time went down by ${-gcSeconds} s (${GC_CPU}: ${g0} → ${g1})` };
  if (!(totalSeconds > 0)) return { status: 'inconsistent', reason: `${TOTAL_CPU} did not grow (${t0} → ${t1}) across ${cycles} GC cycles` };
  if (!(gcSeconds <= totalSeconds))
    return { status: 'inconsistent', reason: `the GC CPU time grew by ${gcSeconds} s, more than ${TOTAL_CPU} (${totalSeconds} s)` };
  const i0 = float(a.values.get(GC_IDLE_CPU));
  const i1 = float(b.values.get(GC_IDLE_CPU));
  let compulsoryFraction: number | undefined;
  if (i0 !== undefined && i1 !== undefined && i1 - i0 >= 0 && i1 - i0 <= gcSeconds)
    compulsoryFraction = (gcSeconds - (i1 - i0)) / totalSeconds;
  return { status: 'ok', fraction: gcSeconds / totalSeconds, compulsoryFraction, gcSeconds, totalSeconds, cycles };
}
