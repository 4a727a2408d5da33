/**
 * Execution-trace wire benchmark: `npm run bench:trace [FILE [FILE2]]`.
 *
 * Input: FILE, a Go 1.22+ execution trace of at least 100 MB; without one (and with Go on PATH) two traces are
 * recorded with testdata/gen/programs-trace (`tracework -workload bench`, 7 s and 21 s: ~150 and ~500 MB).
 * Timed on FILE in one run: a plain loop over every byte (the practical limit of any pass that looks at each
 * byte), batch skimming (`readBatchesSync`, and `readBatches` streaming the file), raw event decoding
 * (`iterateRawEventsSync`, and `decodeBatchEvents` over the skimmed batches) and generations
 * (`readGenerationsSync`, and `readGenerations` streaming the file). Best of up to 3 after a warm-up.
 * Peak memory of the streaming readers is the highest RSS of a process of its own (bench/trace-peak.ts) over
 * its RSS once the code is loaded, for FILE and FILE2 beside the size of their largest generation: streaming
 * memory must follow the generation's size, not the trace's length.
 */

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { benchTraceFiles } from './trace-files.js';
import { fileSource } from '../src/node/index.js';
import { decodeBatchEvents, iterateRawEventsSync, readBatches, readBatchesSync, readGenerations, readGenerationsSync } from '../src/trace/wire/index.js';

const files = benchTraceFiles(process.argv.slice(2).filter((a) => a !== 'trace'), 'bench/trace');
// Memory first, in processes of their own, before this one holds a trace.
interface Peak {
  items: number;
  baseline: number;
  peak: number;
}
const peakOf = (f: string, mode: string) =>
  JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', 'bench/trace-peak.ts', f, mode], { encoding: 'utf8' })) as Peak;
const memory = files.map((f) => {
  // The largest generation: the sum of its batches' sizes, headers included.
  const perGen = new Map<number, number>();
  const all = new Uint8Array(readFileSync(f));
  let last = 0;
  for (const b of readBatchesSync(all).batches) {
    const size = b.dataOffset + b.data.length - b.offset;
    // The end-of-generation marker carries no generation number: it belongs to the one before it.
    const gen = b.kind === 'end-of-generation' ? last : b.gen;
    perGen.set(gen, (perGen.get(gen) ?? 0) + size);
    last = gen;
  }
  return { file: f, size: all.length, generations: perGen.size, largest: Math.max(...perGen.values()), batches: peakOf(f, 'batches'), generationsPeak: peakOf(f, 'generations') };
});

const file = files[0]!;
const bytes = new Uint8Array(readFileSync(file));

interface Row {
  what: string;
  seconds: number;
  /** Items counted by the pass: bytes, batches, events or generations. */
  items: number;
  unit: string;
}
const rows: Row[] = [];

async function time(what: string, unit: string, fn: () => number | Promise<number>): Promise<void> {
  const items = await fn();
  let best = Infinity;
  let spent = 0;
  for (let i = 0; i < 3 && spent < 30; i++) {
    const t = performance.now();
    await fn();
    const s = (performance.now() - t) / 1000;
    best = Math.min(best, s);
    spent += s;
  }
  rows.push({ what, seconds: best, items, unit });
}

// The practical limit: one comparison per byte (counting the last bytes of varints, which every decoder of
// this format must at least find).
await time('plain loop over every byte (varint ends)', 'varint ends', () => {
  let n = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! < 0x80) n++;
  return n;
});

await time('readBatchesSync: skim batches (in memory)', 'batches', () => {
  let n = 0;
  for (const _ of readBatchesSync(bytes).batches) n++;
  return n;
});

await time('readBatches: skim batches (streaming the file)', 'batches', async () => {
  let n = 0;
  const { batches } = await readBatches(await fileSource(file));
  for await (const _ of batches) n++;
  return n;
});

await time('iterateRawEventsSync: decode every raw event', 'events', () => {
  let n = 0;
  for (const _ of iterateRawEventsSync(bytes).events) n++;
  return n;
});

await time('decodeBatchEvents over readBatchesSync', 'events', () => {
  const { version, batches } = readBatchesSync(bytes);
  let n = 0;
  for (const b of batches) {
    if (b.kind !== 'events') continue;
    for (const _ of decodeBatchEvents(version, b)) n++;
  }
  return n;
});

await time('readGenerationsSync: tables, samples, events (in memory)', 'generations', () => {
  let n = 0;
  for (const _ of readGenerationsSync(bytes)) n++;
  return n;
});

await time('readGenerations (streaming the file)', 'generations', async () => {
  let n = 0;
  for await (const _ of readGenerations(await fileSource(file))) n++;
  return n;
});

// The events of the event batches (what the generation readers decode), for their events/s.
const events = rows.find((r) => r.what.startsWith('decodeBatchEvents'))!.items;

const mb = (n: number) => (n / 1e6).toFixed(1);
console.log(`machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
console.log(`trace: ${file}: ${mb(bytes.length)} MB, go ${readBatchesSync(bytes).version}, ${events} events in event batches`);
console.log('| pass | best | MB/s | items/s |');
console.log('| --- | --- | --- | --- |');
for (const r of rows) {
  const perItem = r.unit === 'generations' ? `${(events / r.seconds / 1e6).toFixed(2)} M events/s (${r.items} generations)` : `${(r.items / r.seconds / 1e6).toFixed(2)} M ${r.unit}/s`;
  console.log(`| ${r.what} | ${(r.seconds * 1000).toFixed(0)} ms | ${(bytes.length / r.seconds / 1e6).toFixed(0)} | ${perItem} |`);
}
console.log('');
console.log('peak memory while streaming the file (highest RSS over the RSS once the code is loaded):');
console.log('| trace | size | generations | largest generation | readBatches | readGenerations |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const m of memory) {
  const over = (p: Peak) => `${mb(p.peak - p.baseline)} MB`;
  console.log(`| ${m.file} | ${mb(m.size)} MB | ${m.generations} | ${mb(m.largest)} MB | ${over(m.batches)} | ${over(m.generationsPeak)} |`);
}
