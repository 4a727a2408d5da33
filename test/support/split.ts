/** Helpers that present the same bytes as every kind of input godiag accepts, cut at given points. */

import fc from 'fast-check';
import { concat, type Source } from '../../src/internal/input.js';

/** Cuts `bytes` at the given offsets (sorted, deduplicated, clamped) into chunks. */
export function cut(bytes: Uint8Array, points: readonly number[]): Uint8Array[] {
  const at = [...new Set(points.map((p) => Math.min(Math.max(0, p), bytes.length)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...at, bytes.length]) {
    out.push(bytes.subarray(prev, p)); // empty chunks included on purpose: readers must skip them
    prev = p;
  }
  return out;
}

/** The kinds of {@link Source}. */
export const SOURCE_KINDS = ['bytes', 'arraybuffer', 'blob', 'response', 'stream', 'async-iterable', 'iterable'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** Builds a source of the given kind that yields `parts` (for kinds that have chunks). */
export function makeSource(kind: SourceKind, parts: Uint8Array[]): Source {
  const whole = () => concat(parts).slice(); // a fresh buffer, never one of the parts
  switch (kind) {
    case 'bytes':
      return whole();
    case 'arraybuffer':
      return whole().buffer;
    case 'blob':
      return new Blob(parts.map((p) => p.slice()));
    case 'response':
      return new Response(stream(parts));
    case 'stream':
      return stream(parts);
    case 'async-iterable':
      return (async function* () {
        for (const p of parts) {
          await Promise.resolve();
          yield p;
        }
      })();
    case 'iterable':
      return parts;
  }
}

function stream(parts: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const p = parts[i++];
      if (p === undefined) controller.close();
      else controller.enqueue(p.slice());
    },
  });
}

/** An arbitrary of cut points for a buffer of length up to `max`. */
export const cutPoints = (max: number) => fc.array(fc.nat({ max }), { maxLength: 12 });
