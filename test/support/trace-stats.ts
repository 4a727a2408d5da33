/**
 * The reference for trace statistics in tests: counts and bytes per event type computed from the raw event
 * reader (the encoded size of each event without the runtime's varint padding).
 */

import { readRawEventsSync } from '../../src/trace/wire/index.js';
import { uvarintSize } from '../../src/trace/wire/varint.js';

/** Per event type present in the trace: how many events and how many bytes they take, by type. */
export function referenceStats(bytes: Uint8Array): { type: number; count: number; bytes: number }[] {
  const { events } = readRawEventsSync(bytes);
  const byType = new Map<number, { count: number; bytes: number }>();
  for (const e of events) {
    let size = 1;
    for (const a of e.args) size += uvarintSize(a);
    if (e.data !== undefined) size += uvarintSize(e.data.length) + e.data.length;
    const t = byType.get(e.type) ?? { count: 0, bytes: 0 };
    t.count++;
    t.bytes += size;
    byType.set(e.type, t);
  }
  return [...byType].map(([type, t]) => ({ type, ...t })).sort((a, b) => a.type - b.type);
}
