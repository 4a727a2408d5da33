/**
 * The contents of the AllocFree experiment's batches (`GODEBUG=traceallocfree=1`, Go 1.23+). The wire layer
 * keeps experimental batches as bytes, as Go's reader does; this module reads the two kinds the runtime
 * writes for AllocFree, so that the experiment's events can be interpreted: a type table (what the `type`
 * argument of heap object events refers to) and the constants that turn span, object and stack IDs back into
 * addresses and sizes.
 * @module
 */

import { corrupt } from '../../internal/errors.js';
import { decodeUtf8 } from '../../internal/utf8.js';
import { Experiment } from '../spec/events.js';
import type { ExperimentalBatchData } from './generation.js';
import { INCOMPLETE, scan, uvarintAt, type ArgValue } from './varint.js';

/** One entry of the AllocFree type table. */
export interface AllocFreeType {
  /** The ID heap object events use in their `type` argument. */
  id: ArgValue;
  /** Address of the runtime's type descriptor. */
  address: ArgValue;
  /** Size of a value of the type, in bytes. */
  size: ArgValue;
  /** Bytes of a value's prefix that may hold pointers. */
  ptrBytes: ArgValue;
  /** The type's name (Go's UTF-8 rules: bad bytes become U+FFFD). */
  name: string;
}

/** An AllocFree batch of type table entries. */
export interface AllocFreeTypesBatch {
  /** Discriminant. */
  kind: 'types';
  /** The entries, in file order. */
  types: AllocFreeType[];
}

/** The AllocFree batch of constants for interpreting the experiment's events (one per generation). */
export interface AllocFreeInfoBatch {
  /** Discriminant. */
  kind: 'info';
  /** Lowest heap page address: span and heap object IDs count from it. */
  minPageHeapAddr: ArgValue;
  /** Page size: a span ID times this, plus `minPageHeapAddr`, is the span's base address. */
  pageSize: ArgValue;
  /** Heap object alignment: an object ID times this, plus `minPageHeapAddr`, is its address. */
  minHeapAlign: ArgValue;
  /** The smallest goroutine stack size (stack sizes are recorded as powers of two of it). */
  fixedStack: ArgValue;
}

/** A decoded AllocFree experimental batch. */
export type AllocFreeBatch = AllocFreeTypesBatch | AllocFreeInfoBatch;

/** The byte each AllocFree batch starts with. */
const TYPES = 0;
const INFO = 1;

/** Longest type name accepted: a name lies inside one batch of at most 64 KiB. */
const MAX_NAME_BYTES = 1 << 16;

/**
 * Reads an AllocFree experimental batch (as `readGenerations` delivers it in `experimentalBatches`; error
 * offsets are in the trace when the batch has its `dataOffset`).
 * @throws GodiagError `corrupt` when the batch is not of the AllocFree experiment, starts with an unknown
 * kind, or its entries do not fill it exactly.
 */
export function decodeAllocFreeBatch(batch: ExperimentalBatchData & { dataOffset?: number }): AllocFreeBatch {
  const dataOffset = batch.dataOffset ?? 0;
  if (batch.experiment !== Experiment.AllocFree) {
    throw corrupt('trace', dataOffset, `experimental batch of experiment ${batch.experiment} is not an AllocFree batch`);
  }
  const data = batch.data;
  const end = data.length;
  let pos = 1;
  const next = (what: string): ArgValue => {
    const v = uvarintAt(data, pos, end, dataOffset);
    if (v === INCOMPLETE) throw corrupt('trace', dataOffset + pos, `AllocFree batch ends inside ${what}`);
    pos = scan.pos;
    return v;
  };
  const kind = data[0];
  if (kind === INFO) {
    const info: AllocFreeInfoBatch = {
      kind: 'info',
      minPageHeapAddr: next('the minimum heap address'),
      pageSize: next('the page size'),
      minHeapAlign: next('the minimum heap alignment'),
      fixedStack: next('the fixed stack size'),
    };
    if (pos !== end) throw corrupt('trace', dataOffset + pos, `AllocFree info batch has ${end - pos} bytes after its four values`);
    return info;
  }
  if (kind === TYPES) {
    const types: AllocFreeType[] = [];
    while (pos < end) {
      const id = next('a type ID');
      const address = next('a type address');
      const size = next('a type size');
      const ptrBytes = next('a type pointer size');
      const at = pos;
      const length = next('a type name length');
      if (typeof length !== 'number' || length > MAX_NAME_BYTES || length > end - pos) {
        throw corrupt('trace', dataOffset + at, `AllocFree type name of ${length} bytes runs past the end of its batch`);
      }
      types.push({ id, address, size, ptrBytes, name: decodeUtf8(data.subarray(pos, pos + length)) });
      pos += length;
    }
    return { kind: 'types', types };
  }
  throw corrupt('trace', dataOffset, kind === undefined ? 'empty AllocFree batch' : `AllocFree batch of unknown kind ${kind} (0 is types, 1 is info)`);
}
