/**
 * Snapshots from the Metric events of an execution trace (Go 1.22+ traces sample a few runtime/metrics values:
 * `/sched/gomaxprocs:threads`, `/memory/classes/heap/objects:bytes`, `/gc/heap/goal:bytes`).
 * @module
 */

import { describe } from './catalog.js';
import { GodiagError, ErrorCode } from '../internal/errors.js';
import type { Event, MetricEvent } from '../trace/events/event.js';
import type { MetricValue, Snapshot } from './snapshot.js';

/** Options of {@link metricsFromTrace} and {@link metricsFromTraceSync}. */
export interface MetricsFromTraceOptions {
  /**
   * The `runtime.Version()` of the traced program, when known: copied to each snapshot's `goVersion` and used to
   * look up the metrics' kinds. A trace does not say it (its header names the trace format, which several
   * releases share). Default: none on the snapshots, the newest catalogue for kinds.
   */
  readonly goVersion?: string;
  /**
   * Each snapshot holds the latest value of every metric seen so far in the trace, not only those sampled at its
   * timestamp (the runtime emits each metric when it changes, so the others still have their last value).
   * Default false: a snapshot holds only the Metric events of one timestamp.
   */
  readonly accumulate?: boolean;
}

/**
 * Turns one Metric event into a value. A trace carries unsigned integers only, so every metric is `Uint64`; a name
 * the catalogue gives another kind cannot be decoded faithfully and is an error rather than a guess.
 */
function valueOf(e: MetricEvent, goVersion: string | undefined): MetricValue {
  let kind;
  try {
    kind = describe(e.name, goVersion === undefined ? {} : { goVersion })?.kind;
  } catch {
    kind = describe(e.name)?.kind; // a build label that is not a Go version: the newest catalogue
  }
  if (kind !== undefined && kind !== 'Uint64')
    throw new GodiagError(ErrorCode.Corrupt, {
      format: 'trace',
      offset: 0,
      message: `Metric event ${JSON.stringify(e.name)} at time ${e.time} carries an unsigned integer; the catalogue says the metric is ${kind}`,
    });
  return { kind: 'Uint64', value: typeof e.value === 'bigint' ? e.value : BigInt(e.value) };
}

/** Groups Metric events; `push` returns a finished snapshot when a group ends. */
class Grouper {
  private time: number | undefined;
  private group = new Map<string, MetricValue>();
  private readonly latest = new Map<string, MetricValue>();

  constructor(private readonly options: MetricsFromTraceOptions) {}

  push(e: Event): Snapshot | undefined {
    if (e.kind !== 'Metric') return this.flush();
    let done: Snapshot | undefined;
    if (this.time !== undefined && e.time !== this.time) done = this.flush();
    const v = valueOf(e, this.options.goVersion);
    this.time = e.time;
    // A metric emitted twice at one timestamp: the later event wins, as it would in a reader of the stream.
    this.group.set(e.name, v);
    if (this.options.accumulate === true) this.latest.set(e.name, v);
    return done;
  }

  flush(): Snapshot | undefined {
    if (this.time === undefined) return undefined;
    const values = this.options.accumulate === true ? new Map(this.latest) : this.group;
    const s: Snapshot = {
      traceTime: this.time,
      ...(this.options.goVersion !== undefined ? { goVersion: this.options.goVersion } : {}),
      values,
    };
    this.time = undefined;
    this.group = new Map();
    return s;
  }
}

/**
 * The snapshots of a trace's Metric events, in trace order: each run of consecutive Metric events at one timestamp
 * becomes one snapshot with that `traceTime` (nanoseconds, as the event reader reports it) and `Uint64` values (see
 * {@link MetricsFromTraceOptions.accumulate} for snapshots with every metric seen so far). Any other event ends a
 * run. Synchronous: for `readTraceSync`.
 * @throws GodiagError when a Metric event names a metric the catalogue gives a non-integer kind.
 */
export function* metricsFromTraceSync(events: Iterable<Event>, options: MetricsFromTraceOptions = {}): IterableIterator<Snapshot> {
  const g = new Grouper(options);
  for (const e of events) {
    const s = g.push(e);
    if (s !== undefined) yield s;
  }
  const last = g.flush();
  if (last !== undefined) yield last;
}

/**
 * {@link metricsFromTraceSync} over events from any iterable, synchronous or not (`readTrace(source)` streams a
 * trace of any size this way).
 */
export async function* metricsFromTrace(
  events: Iterable<Event> | AsyncIterable<Event>,
  options: MetricsFromTraceOptions = {},
): AsyncIterableIterator<Snapshot> {
  const g = new Grouper(options);
  for await (const e of events) {
    const s = g.push(e);
    if (s !== undefined) yield s;
  }
  const last = g.flush();
  if (last !== undefined) yield last;
}
