/**
 * Counting events per type straight off the bytes, without building event objects: the fast path of the
 * trace stats. It measures each varint rather than decoding it and hands anything unusual (an unknown type,
 * an overlong varint, a length over a limit, an event cut by the end of the window) back to its caller, which
 * lets the raw event reader decide, so the result and the errors are those of the raw event stream.
 * @module
 */

import { EventType } from './spec/events.js';
import type { VersionSpecs } from './spec/versions.js';
import type { RawEvent } from './wire/raw-event.js';
import { uvarintSize } from './wire/varint.js';

/** What the skimmer needs to know of an event type. */
interface Shape {
  /** Number of arguments before frames and data. */
  args: number;
  isStack: boolean;
  hasData: boolean;
}

/** Per-type counts and sizes, the string and stack tables, and where the last event ended. */
export class Tally {
  /** Events per type byte. */
  readonly count = new Float64Array(256);
  /** Bytes per type byte, each event at its shortest encoding (as Go's `-d=footprint` counts). */
  readonly bytes = new Float64Array(256);
  /** Events in all. */
  events = 0;
  /** Absolute offset just after the last event. */
  end: number;
  /** String entries. */
  strings = 0;
  /** Bytes of string data. */
  stringBytes = 0;
  /** Stack entries. */
  stacks = 0;
  /** Frames of all stacks. */
  frames = 0;
  private readonly shapes: (Shape | undefined)[];

  constructor(
    specs: VersionSpecs,
    start: number,
    private readonly maxData: number,
    private readonly maxFrames: number,
  ) {
    this.end = start;
    this.shapes = specs.byType.map((s) => (s === undefined ? undefined : { args: s.args.length, isStack: s.isStack, hasData: s.hasData }));
  }

  /** Counts one decoded event (the slow path, for events the skimmer handed back). */
  add(ev: RawEvent, end: number): void {
    let size = 1;
    for (const a of ev.args) size += uvarintSize(a);
    const data = ev.data;
    if (data !== undefined) size += uvarintSize(data.length) + data.length;
    const frames = ev.type === EventType.Stack ? (ev.args.length - 2) / 4 : 0;
    this.record(ev.type, size, data?.length ?? 0, frames);
    this.end = end;
  }

  private record(type: number, size: number, dataLength: number, frames: number): void {
    this.count[type]!++;
    this.bytes[type]! += size;
    this.events++;
    if (type === EventType.String) {
      this.strings++;
      this.stringBytes += dataLength;
    } else if (type === EventType.Stack) {
      this.stacks++;
      this.frames += frames;
    }
  }

  /**
   * Counts the complete, ordinary events in `buf[pos, end)` (`base` = absolute offset of `buf[0]`) and returns
   * the position of the first event it did not count: `end` when all were counted, else an event that runs
   * past `end` or that the raw reader must look at (it may be malformed).
   */
  skim(buf: Uint8Array, pos: number, end: number, base: number): number {
    const shapes = this.shapes;
    let p = pos;
    events: while (p < end) {
      const shape = shapes[buf[p]!];
      if (shape === undefined) break;
      let q = p + 1;
      let size = 1;
      let frames = 0;
      let count = shape.args;
      // Arguments, then for a stack its frames (count grows once nframes is known), then a data length.
      for (let i = 0; i < count + (shape.hasData ? 1 : 0); i++) {
        const s = q;
        for (;;) {
          if (q >= end) break events;
          const c = buf[q++]!;
          if (c < 0x80) break;
          if (q - s >= 10) break events;
        }
        if (q - s === 10 && buf[q - 1]! > 1) break events;
        // The shortest encoding ends at the last byte with value bits set (a padded varint ends in zeros).
        let last = q - 1;
        while (last > s && (buf[last]! & 0x7f) === 0) last--;
        size += last - s + 1;
        if ((shape.isStack && i === 1) || i === count) {
          // nframes or the data length: small values, decoded (over 7 bytes is past any limit).
          if (q - s > 7) break events;
          let v = 0;
          for (let k = q - 1; k >= s; k--) v = v * 128 + (buf[k]! & 0x7f);
          if (i === count) {
            if (v > this.maxData || end - q < v) break events;
            size += v;
            q += v;
            this.record(buf[p]!, size, v, frames);
            this.end = base + q;
            p = q;
            continue events;
          }
          if (v > this.maxFrames) break events;
          frames = v;
          count += 4 * v;
        }
      }
      this.record(buf[p]!, size, 0, frames);
      this.end = base + q;
      p = q;
    }
    return p;
  }
}
