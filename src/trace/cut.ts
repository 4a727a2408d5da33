/**
 * Cutting a trace: a smaller valid trace made of whole generations of a larger one — what a
 * flight-recorder snapshot is.
 * @module
 */

import type { InputOptions, Source } from '../internal/input.js';
import { compareWireVersions, type WireVersion } from './spec/versions.js';
import { readBatches, readBatchesSync, type Batch } from './wire/batch.js';
import { GenerationSplitter } from './wire/generation.js';
import { wireHeaderBytes } from './wire/header.js';

/** Which generations {@link cutTrace} keeps, by the generation numbers written in the trace. */
export interface CutOptions {
  /** First generation kept (inclusive); default the trace's first. */
  fromGeneration?: number;
  /** Last generation kept (inclusive); default the trace's last. */
  toGeneration?: number;
}

/**
 * Collects the bytes of the batches of the chosen generations, checking each kept generation in full
 * (tables, references, events) so the result is a valid trace. Reading stops once the last chosen
 * generation is known to be complete.
 */
class Cutter {
  private readonly parts: Uint8Array[];
  private total = 0;
  private readonly split: GenerationSplitter;
  private readonly markers: boolean;
  private readonly from: number;
  private readonly to: number;
  private current = 0; // generation of the latest batch (Go 1.26: until its marker)
  private kept = 0;
  private first = 0;
  private last = 0;

  constructor(version: WireVersion, options: CutOptions) {
    this.from = options.fromGeneration ?? 1;
    this.to = options.toGeneration ?? Number.MAX_SAFE_INTEGER;
    if (!(Number.isSafeInteger(this.from) && Number.isSafeInteger(this.to) && this.from >= 1 && this.from <= this.to)) {
      throw new RangeError(`invalid generation range ${options.fromGeneration ?? ''}..${options.toGeneration ?? ''}`);
    }
    this.markers = compareWireVersions(version, '1.26') >= 0;
    this.split = new GenerationSplitter(version);
    const h = wireHeaderBytes(version);
    this.parts = [h];
    this.total = h.length;
  }

  /** Feeds a batch; returns true once nothing after it can be kept. */
  push(b: Batch): boolean {
    const gen = b.kind === 'end-of-generation' ? this.current : b.gen;
    if (b.kind !== 'end-of-generation') this.current = b.gen;
    if (this.first === 0) this.first = gen;
    this.last = Math.max(this.last, gen);
    if (gen > this.to) {
      // A batch of a later generation: before Go 1.26 it is what proves the last kept generation complete;
      // from Go 1.26 the splitter rejects it if the kept generation's end marker is missing.
      if (this.split.push(b) !== undefined) this.kept++;
      return true;
    }
    if (gen < this.from) return false;
    if (this.split.push(b) !== undefined) this.kept++;
    this.parts.push(b.header, b.data);
    this.total += b.header.length + b.data.length;
    return this.markers && b.kind === 'end-of-generation' && gen === this.to;
  }

  finish(endOffset: number, stoppedEarly: boolean): Uint8Array {
    if (!stoppedEarly && this.split.end(endOffset) !== undefined) this.kept++;
    if (this.kept === 0) {
      throw new RangeError(
        this.first === 0
          ? 'the trace has no generations'
          : `the trace has no generation in ${this.from}..${this.to === Number.MAX_SAFE_INTEGER ? '' : this.to}: it has generations ${this.first}..${this.last}`,
      );
    }
    const out = new Uint8Array(this.total);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

/**
 * Writes a smaller trace made of the whole generations `fromGeneration..toGeneration` of `source`, bytes
 * copied as they are. Every kept generation is checked as `readGenerations` checks it, and reading stops as
 * soon as the last kept generation is complete.
 * @throws GodiagError for bad input (as `readGenerations`); RangeError for a range with no generation in it.
 */
export async function cutTrace(source: Source, options: CutOptions & InputOptions = {}): Promise<Uint8Array> {
  const { version, batches } = await readBatches(source, options);
  const cut = new Cutter(version, options);
  let end = 16;
  for await (const b of batches) {
    end = b.dataOffset + b.data.length;
    if (cut.push(b)) {
      await batches.return(undefined);
      return cut.finish(end, true);
    }
  }
  return cut.finish(end, false);
}

/** {@link cutTrace} over bytes in memory. */
export function cutTraceSync(bytes: Uint8Array, options: CutOptions = {}): Uint8Array {
  const { version, batches } = readBatchesSync(bytes);
  const cut = new Cutter(version, options);
  for (const b of batches) if (cut.push(b)) return cut.finish(bytes.length, true);
  return cut.finish(bytes.length, false);
}
