/**
 * Memory of decoding one profile, in a process of its own so nothing else is on the heap:
 * `node --expose-gc --import tsx bench/pprof-memory.ts FILE`. Prints one JSON line: the uncompressed size,
 * the memory retained by the decoded profile (heap + ArrayBuffers after full GCs), and the peak RSS while
 * decoding over the RSS before (sampled every 5 ms).
 */

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'fflate';
import { decodeProfile } from '../src/pprof/decode.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const settle = async () => {
  gc();
  await new Promise((r) => setTimeout(r, 50));
  gc();
};
const used = () => {
  const u = process.memoryUsage();
  return u.heapUsed + u.arrayBuffers;
};

const file = process.argv[2]!;
const gz = new Uint8Array(readFileSync(file));
const raw = gz[0] === 0x1f ? gunzipSync(gz) : gz;
await settle();
const before = used();
const rssBefore = process.memoryUsage().rss;
let peak = rssBefore;
const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
const profile = decodeProfile(raw);
clearInterval(timer);
peak = Math.max(peak, process.memoryUsage().rss);
await settle();
const retained = used() - before;
console.log(JSON.stringify({ uncompressedBytes: raw.length, samples: profile.sample.length, retainedBytes: retained, peakRssOverBaseline: peak - rssBefore }));
