/**
 * One raw event: the flat, unvalidated view of the wire format that Go's `internal/trace/raw` reader gives,
 * where batch headers are events too. Decoding and encoding of a single event live here.
 * @module
 */

import { ErrorCode, GodiagError, corrupt } from '../../internal/errors.js';
import { MAX_BATCH_SIZE } from '../spec/events.js';
import type { VersionSpecs } from '../spec/versions.js';
import { INCOMPLETE, scan, uvarintAt, uvarintSize, putPaddedUvarint, type ArgValue } from './varint.js';
import type { ByteWriter } from '../../internal/writer.js';

/**
 * A raw event as read from the wire.
 *
 * Argument values are `number` when below 2^53 (exact) and `bigint` otherwise (M IDs of table batches are
 * 2^64−1, PCs may exceed 2^53).
 */
export interface RawEvent {
  /** The type byte (see `EventType`); its spec is `specsFor(version).byType[type]`. */
  type: number;
  /**
   * The arguments in the spec's order; for a stack event (`Stack`) followed by 4 values per frame:
   * pc, func string ID, file string ID, line.
   */
  args: ArgValue[];
  /** The data trailer of events whose spec has `hasData` (a view into the input where possible); else undefined. */
  data?: Uint8Array | undefined;
  /** Byte offset of the type byte in the input (0 for events that were not read from bytes). */
  offset: number;
  /**
   * Byte widths of the event's varints (its arguments, frame values, then the data length), present only
   * when some varint was written in more bytes than its value needs — the runtime pads every batch size to
   * 10 bytes. The encoder reproduces these widths, so re-encoding a read event gives the same bytes.
   */
  varintWidths?: Uint8Array | undefined;
}

/** Bounds on what one raw event may announce, checked before allocating. */
export interface RawEventLimits {
  /** Longest data trailer accepted; default 64 KiB (the largest batch, since a trailer lies inside one). */
  maxDataBytes?: number;
  /** Most frames of a stack event; default 16384 (a 64 KiB batch cannot hold more 4-byte frames). */
  maxFrames?: number;
}

/** Default bound on a data trailer: an event lies inside a batch, and batches are at most 64 KiB. */
export const DEFAULT_MAX_DATA_BYTES = MAX_BATCH_SIZE;
/** Default bound on a stack event's frame count: each frame takes at least 4 bytes of a 64 KiB batch. */
export const DEFAULT_MAX_FRAMES = MAX_BATCH_SIZE / 4;

/** Set by {@link decodeRawEventAt}: the position after the event it decoded. */
export const decoded = { end: 0 };

/**
 * Decodes the event at `pos`, reading no byte at or after `end`.
 * @param base - absolute offset of `buf[0]`, for offsets and errors.
 * @returns the event (and sets `decoded.end`), or `null` when the bytes end inside the event.
 * @throws GodiagError `corrupt` for an event type the version does not define or a malformed varint,
 * `limit-exceeded` for a data length or frame count over the limits.
 */
export function decodeRawEventAt(
  specs: VersionSpecs,
  buf: Uint8Array,
  pos: number,
  end: number,
  base: number,
  maxDataBytes: number = DEFAULT_MAX_DATA_BYTES,
  maxFrames: number = DEFAULT_MAX_FRAMES,
): RawEvent | null {
  if (pos >= end) return null;
  const type = buf[pos]!;
  const spec = specs.byType[type];
  if (spec === undefined) throw unknownType(specs, type, base + pos);
  const nargs = spec.args.length;
  const args: ArgValue[] = new Array<ArgValue>(nargs);
  let p = pos + 1;
  let padded = false;
  for (let i = 0; i < nargs; i++) {
    const v = uvarintAt(buf, p, end, base);
    if (v === INCOMPLETE) return null;
    // A varint is longer than needed exactly when its last byte is a zero continuation.
    if (scan.pos - p > 1 && buf[scan.pos - 1] === 0) padded = true;
    args[i] = v;
    p = scan.pos;
  }
  if (spec.isStack) {
    const n = frameCount(args[1]!, maxFrames, base + pos);
    for (let i = 0; i < 4 * n; i++) {
      const v = uvarintAt(buf, p, end, base);
      if (v === INCOMPLETE) return null;
      if (scan.pos - p > 1 && buf[scan.pos - 1] === 0) padded = true;
      args.push(v);
      p = scan.pos;
    }
  }
  let data: Uint8Array | undefined;
  if (spec.hasData) {
    const len = uvarintAt(buf, p, end, base);
    if (len === INCOMPLETE) return null;
    if (scan.pos - p > 1 && buf[scan.pos - 1] === 0) padded = true;
    const n = dataLength(spec.name, len, maxDataBytes, base + p);
    p = scan.pos;
    if (end - p < n) return null;
    data = buf.subarray(p, p + n);
    p += n;
  }
  decoded.end = p;
  const ev: RawEvent = { type, args, data, offset: base + pos, varintWidths: undefined };
  if (padded) ev.varintWidths = widthsOf(buf, pos + 1, args.length + (spec.hasData ? 1 : 0));
  return ev;
}

/** Set by {@link skipRawEventAt}: the event's first argument (a timed event's `dt`). */
export const skipped = { first: 0 as ArgValue };

/**
 * Finds the end of the event at `pos` with the checks of {@link decodeRawEventAt}, building nothing: how
 * a generation validates its event batches without holding an object per event.
 * @returns the position after the event (and sets `skipped.first`), or −1 when the bytes end inside it.
 */
export function skipRawEventAt(
  specs: VersionSpecs,
  buf: Uint8Array,
  pos: number,
  end: number,
  base: number,
  maxDataBytes: number = DEFAULT_MAX_DATA_BYTES,
  maxFrames: number = DEFAULT_MAX_FRAMES,
): number {
  if (pos >= end) return -1;
  const type = buf[pos]!;
  const spec = specs.byType[type];
  if (spec === undefined) throw unknownType(specs, type, base + pos);
  const nargs = spec.args.length;
  let p = pos + 1;
  let frames: ArgValue = 0;
  for (let i = 0; i < nargs; i++) {
    const v = uvarintAt(buf, p, end, base);
    if (v === INCOMPLETE) return -1;
    if (i === 0) skipped.first = v;
    else if (i === 1) frames = v;
    p = scan.pos;
  }
  if (spec.isStack) {
    const n = frameCount(frames, maxFrames, base + pos);
    for (let i = 0; i < 4 * n; i++) {
      if (uvarintAt(buf, p, end, base) === INCOMPLETE) return -1;
      p = scan.pos;
    }
  }
  if (spec.hasData) {
    const len = uvarintAt(buf, p, end, base);
    if (len === INCOMPLETE) return -1;
    const n = dataLength(spec.name, len, maxDataBytes, base + p);
    p = scan.pos;
    if (end - p < n) return -1;
    p += n;
  }
  return p;
}

/** A stack event's frame count, checked against the limit before anything is read for it. */
function frameCount(n: ArgValue, maxFrames: number, offset: number): number {
  if (typeof n !== 'number' || n > maxFrames) {
    throw new GodiagError(ErrorCode.LimitExceeded, {
      format: 'trace',
      offset,
      message: `stack event announces ${n} frames, more than the limit of ${maxFrames}`,
    });
  }
  return n;
}

/** A data trailer's length, checked against the limit before anything is read for it. */
function dataLength(event: string, len: ArgValue, maxDataBytes: number, offset: number): number {
  if (typeof len !== 'number' || len > maxDataBytes) {
    throw new GodiagError(ErrorCode.LimitExceeded, {
      format: 'trace',
      offset,
      message: `${event} event announces ${len} bytes of data, more than the limit of ${maxDataBytes}`,
    });
  }
  return len;
}

function widthsOf(buf: Uint8Array, pos: number, count: number): Uint8Array {
  const out = new Uint8Array(count);
  let p = pos;
  for (let i = 0; i < count; i++) {
    const start = p;
    while (buf[p]! >= 0x80) p++;
    p++;
    out[i] = p - start;
  }
  return out;
}

/** The error for a type byte the version does not define. */
export function unknownType(specs: VersionSpecs, type: number, offset: number): GodiagError {
  return corrupt('trace', offset, `invalid event type ${type}: trace version go ${specs.version} defines no such event`);
}

/**
 * Appends one event's bytes. Arguments beyond the spec's (frames) are written only for stack events; the
 * data trailer only when the spec has data (an absent `data` is written as empty).
 * @throws RangeError when the event does not fit its spec (wrong argument count, a value outside
 * 0..2^64−1, a width too small for its value): the caller built an invalid event.
 */
export function encodeRawEvent(specs: VersionSpecs, ev: RawEvent, w: ByteWriter): void {
  const spec = specs.byType[ev.type];
  if (spec === undefined) throw new RangeError(`event type ${ev.type} is not defined in trace version go ${specs.version}`);
  const nargs = spec.args.length;
  const want = spec.isStack ? nargs + 4 * Number(ev.args[1] ?? 0) : nargs;
  if (ev.args.length !== want) {
    throw new RangeError(`${spec.name} event has ${ev.args.length} argument values, its spec needs ${want}`);
  }
  w.u8(ev.type);
  const widths = ev.varintWidths;
  if (widths === undefined) {
    for (let i = 0; i < want; i++) w.uvarint(ev.args[i]!);
    if (spec.hasData) {
      const data = ev.data ?? EMPTY;
      w.uvarint(data.length).bytes(data);
    }
    return;
  }
  for (let i = 0; i < want; i++) putWidth(w, ev.args[i]!, widths[i]);
  if (spec.hasData) {
    const data = ev.data ?? EMPTY;
    putWidth(w, data.length, widths[want]);
    w.bytes(data);
  }
}

const EMPTY = new Uint8Array(0);
const pad = new Uint8Array(10);

function putWidth(w: ByteWriter, v: ArgValue, width: number | undefined): void {
  const need = uvarintSize(v);
  if (width === undefined || width <= need) {
    w.uvarint(v);
    return;
  }
  if (width > 10) throw new RangeError(`varint width ${width} exceeds 10 bytes`);
  putPaddedUvarint(pad, 0, v, width);
  w.bytes(pad.subarray(0, width));
}
