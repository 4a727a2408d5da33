/**
 * Peak memory of streaming a trace file: `node --import tsx bench/trace-peak.ts FILE batches|generations|events`
 * reads FILE with `readBatches` (skimming), `readGenerations` or `readTrace` (events) over `fileSource` and prints
 * {"items": n, "baseline": bytes, "peak": bytes}: the RSS once the code is loaded and the highest RSS seen
 * while reading (sampled every 5 ms and after each item). The RSS is sampled rather than taken from
 * `resourceUsage().maxRSS`, which a process inherits from its parent on Linux (the benchmark's parent holds
 * the whole trace in memory).
 */

import { fileSource } from '../src/node/index.js';
import { readBatches, readGenerations } from '../src/trace/wire/index.js';
import { readTrace } from '../src/trace/events/index.js';

const [file, mode] = process.argv.slice(2);
if (file === undefined || (mode !== 'batches' && mode !== 'generations' && mode !== 'events')) throw new Error('usage: trace-peak.ts FILE batches|generations|events');
const baseline = process.memoryUsage.rss();
let peak = baseline;
const sample = () => (peak = Math.max(peak, process.memoryUsage.rss()));
const timer = setInterval(sample, 5);
let items = 0;
if (mode === 'batches') {
  const { batches } = await readBatches(await fileSource(file));
  for await (const _ of batches) {
    items++;
    sample();
  }
} else if (mode === 'generations') {
  for await (const _ of readGenerations(await fileSource(file))) {
    items++;
    sample();
  }
} else {
  for await (const _ of readTrace(await fileSource(file))) {
    // Sampled every 4096 events: a sample per event would dominate the run.
    if ((++items & 4095) === 0) sample();
  }
}
clearInterval(timer);
sample();
console.log(JSON.stringify({ items, baseline, peak }));
