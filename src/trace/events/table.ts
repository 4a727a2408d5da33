/**
 * What the event layer needs of a generation while it orders and builds events: the string and stack tables
 * (stacks shared as {@link Stack} objects), and the clock conversion.
 * @module
 */

import { ErrorCode, GodiagError } from '../../internal/errors.js';
import type { Generation } from '../wire/generation.js';
import type { ArgValue } from '../wire/varint.js';
import { NO_STACK, type Stack } from './event.js';

/** One generation's tables and clock, as the ordering engine and the event builder use them. */
export class GenerationTable {
  /** Nanoseconds per tick, computed as Go computes it: 1 / (ticks per second / 1e9). */
  readonly nsPerTick: number;
  // Looked up for nearly every event: arrays indexed by ID when the IDs are dense (the runtime numbers
  // them from 1), maps otherwise.
  private readonly stringArray: (string | undefined)[] | undefined;
  private readonly stackArray: (Stack | undefined)[] | undefined;
  private readonly stackMap = new Map<number, Stack>();

  constructor(
    /** The generation, as the wire layer read it. */
    readonly generation: Generation,
  ) {
    this.nsPerTick = 1.0 / (generation.frequency / 1e9);
    this.stringArray = dense(generation.strings, (s) => s);
    this.stackArray = dense(generation.stacks, (frames, id) => Object.freeze({ id, frames }));
  }

  /** The generation number. */
  get gen(): number {
    return this.generation.gen;
  }

  /** Ticks to nanoseconds exactly as Go's reader does: the float64 product, truncated toward zero. */
  ns(ticks: number): number {
    return Math.trunc(ticks * this.nsPerTick);
  }

  /** A string by ID; ID 0 is "". `undefined` when the table has no such string. */
  string(id: ArgValue): string | undefined {
    if (id === 0) return '';
    if (typeof id !== 'number') return undefined;
    return this.stringArray !== undefined ? this.stringArray[id] : this.generation.strings.get(id);
  }

  /** The shared {@link Stack} of an ID; ID 0 is {@link NO_STACK}. `undefined` when the table has no such stack. */
  stack(id: ArgValue): Stack | undefined {
    if (id === 0) return NO_STACK;
    if (typeof id !== 'number') return undefined;
    if (this.stackArray !== undefined) return this.stackArray[id];
    let s = this.stackMap.get(id);
    if (s === undefined) {
      const frames = this.generation.stacks.get(id);
      if (frames === undefined) return undefined;
      s = Object.freeze({ id, frames });
      this.stackMap.set(id, s);
    }
    return s;
  }
}

/** A map with small, dense integer keys as an array (built once per generation), or undefined when sparse. */
function dense<V, T>(map: ReadonlyMap<number, V>, make: (v: V, id: number) => T): (T | undefined)[] | undefined {
  let max = 0;
  for (const id of map.keys()) max = Math.max(max, id);
  if (max > 4 * map.size + 1024) return undefined;
  const out = new Array<T | undefined>(max + 1).fill(undefined);
  for (const [id, v] of map) out[id] = make(v, id);
  return out;
}

/**
 * A uint64 from the wire as Go's int64 IDs see it (2^64−1 is −1). IDs beyond ±2^53 cannot be a `number`
 * exactly, so they are rejected rather than rounded.
 */
export function int64Id(v: ArgValue, what: string, offset: number): number {
  if (typeof v === 'number') return v;
  const s = BigInt.asIntN(64, v);
  if (s >= -0x1f_ffff_ffff_ffffn && s <= 0x1f_ffff_ffff_ffffn) return Number(s);
  throw new GodiagError(ErrorCode.LimitExceeded, {
    format: 'trace',
    offset,
    message: `${what} ${v} does not fit in a JavaScript number (godiag supports IDs up to 2^53−1)`,
  });
}
