/**
 * The fast path of the text dumps: events written as text straight into a byte buffer, handed out as strings
 * of whole lines. A dump is millions of short lines; building each as a string first costs more in garbage
 * collection than the formatting itself.
 * @module
 */

import { FRAME_FIELDS, type EventSpec } from '../spec/events.js';
import { specsFor, type WireVersion } from '../spec/versions.js';
import type { RawEvent } from '../wire/raw-event.js';
import type { DataLine } from './format.js';
import { goQuote } from './strconv.js';

const encoder = new TextEncoder();

/** An event type's fixed text: its name and each argument's ` name=`, as bytes. */
interface Layout {
  spec: EventSpec;
  name: Uint8Array;
  args: Uint8Array[];
}

const FRAME_KEYS = FRAME_FIELDS.map((f, i) => encoder.encode((i === 0 ? '\n\t' : ' ') + f + '='));
const DATA_KEY = encoder.encode('\n\tdata=');

/** Writes events in Go's `Event.String()` form, one per line; {@link take} returns the text so far. */
export class DumpWriter {
  private buf = new Uint8Array(1 << 17);
  private n = 0;
  private readonly layouts: (Layout | undefined)[];
  private readonly decoder = new TextDecoder();

  constructor(
    version: WireVersion,
    private readonly dataLine: DataLine,
  ) {
    this.layouts = specsFor(version).byType.map((spec) =>
      spec === undefined ? undefined : { spec, name: encoder.encode(spec.name), args: spec.args.map((a) => encoder.encode(' ' + a + '=')) },
    );
  }

  /** Bytes written and not yet taken. */
  get size(): number {
    return this.n;
  }

  /** Writes a line of text (ASCII or not) and a newline. */
  line(text: string): void {
    this.text(text);
    this.byte(0x0a);
  }

  /** Writes one event and a newline. The event's type must be defined by the version (readers ensure it). */
  event(ev: RawEvent): void {
    const layout = this.layouts[ev.type]!;
    const args = ev.args;
    this.room(64);
    this.bytes(layout.name);
    const keys = layout.args;
    for (let i = 0; i < keys.length; i++) {
      this.room(48);
      this.bytes(keys[i]!);
      this.value(args[i]!);
    }
    const spec = layout.spec;
    if (spec.isStack) {
      for (let i = keys.length, k = 0; i < args.length; i++, k = (k + 1) & 3) {
        this.room(48);
        this.bytes(FRAME_KEYS[k]!);
        this.value(args[i]!);
      }
    }
    if (spec.hasData) {
      const data = ev.data;
      if (this.dataLine === 'always' || (data !== undefined && data.length > 0)) {
        this.room(16);
        this.bytes(DATA_KEY);
        this.text(goQuote(data ?? EMPTY));
      }
    }
    this.room(1);
    this.byte(0x0a);
  }

  /** The text written since the last call. */
  take(): string {
    const s = this.decoder.decode(this.buf.subarray(0, this.n));
    this.n = 0;
    return s;
  }

  private room(k: number): void {
    if (this.n + k <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.n + k));
    bigger.set(this.buf.subarray(0, this.n));
    this.buf = bigger;
  }

  private byte(b: number): void {
    this.buf[this.n++] = b;
  }

  private bytes(b: Uint8Array): void {
    this.buf.set(b, this.n);
    this.n += b.length;
  }

  private text(s: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    this.room(s.length * 3);
    this.n += encoder.encodeInto(s, this.buf.subarray(this.n)).written;
  }

  /** A uint64 in decimal; room for 20 digits must have been made. */
  private value(v: number | bigint): void {
    if (typeof v === 'bigint') {
      this.text(v.toString());
      return;
    }
    if (v < 10) {
      this.buf[this.n++] = 0x30 + v;
      return;
    }
    let digits = 1;
    for (let p = 10; p <= v; p *= 10) digits++;
    let at = this.n + digits;
    this.n = at;
    while (v >= 10) {
      const q = Math.floor(v / 10);
      this.buf[--at] = 0x30 + (v - q * 10);
      v = q;
    }
    this.buf[--at] = 0x30 + v;
  }
}

const EMPTY = new Uint8Array(0);
