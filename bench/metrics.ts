/**
 * Prometheus exposition benchmark: `npm run bench:metrics [FILE]` (FILE: a text exposition 0.0.4; without one,
 * and with Go on PATH, a deterministic 10 MB one is written by testdata/gen/cmd/bench-prom -generate, with
 * expfmt's own encoder).
 *
 * Measures the package as published (the script builds dist/ first and imports it), beside prometheus/common's
 * expfmt TextParser (testdata/gen/cmd/bench-prom, `TextToMetricFamilies` from memory) in the same run:
 * - `parsePrometheus` over the bytes in memory, then reading every sample (name, labels, value) as a consumer
 *   does — Go's parser builds its whole model up front, so both sides pay for every sample;
 * - `readPrometheus(fileSource(FILE))`, streaming the file, the same reading;
 * - the hardware-limit row: counting the lines (`indexOf` of `\n` over the bytes), a lower bound for any
 *   line-based parser.
 * Best of 3 each (first run shown too: JIT warm-up). Sample counts of both sides are compared before timing.
 */

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
// The built package, not the sources: what users run.
import { parsePrometheus, readPrometheus, type MetricFamily } from 'godiag/metrics';
import { fileSource } from 'godiag/node';

const haveGo = spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
let file = process.argv[2];
let goExe: string | undefined;
if (haveGo) {
  goExe = join(mkdtempSync(join(tmpdir(), 'godiag-bench-prom-')), 'bench-prom');
  execFileSync('go', ['build', '-o', goExe, './testdata/gen/cmd/bench-prom'], { stdio: 'inherit' });
}
if (file === undefined) {
  if (goExe === undefined) {
    console.error('bench/metrics: give a Prometheus text exposition FILE, or install Go to generate one');
    process.exit(2);
  }
  file = join(tmpdir(), 'godiag-bench-prom-10MB.txt');
  if (!existsSync(file)) execFileSync(goExe, ['-generate', file, '-size', String(10 << 20)], { stdio: 'inherit' });
} else if (!existsSync(file)) {
  console.error(`bench/metrics: ${file}: no such file`);
  process.exit(2);
}
const path = file;
const bytes = new Uint8Array(readFileSync(path));

let sink = 0;
/** What a consumer reads of each sample; returns the number of samples. */
function touch(families: Iterable<MetricFamily>): number {
  let n = 0;
  for (const f of families) {
    sink += f.name.length;
    for (const s of f.samples) {
      n++;
      sink += s.name.length + (s.value > 0 ? 1 : 0); // not the value itself: NaN or ±Inf would poison the sum
      for (const [k, v] of s.labels) sink += k.length + v.length;
    }
  }
  return n;
}

interface Row {
  what: string;
  seconds: number;
  first: number;
  samples: number;
}

async function best(what: string, fn: () => number | Promise<number>): Promise<Row> {
  let samples = 0;
  let seconds = Infinity;
  let first = 0;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    samples = await fn();
    const s = (performance.now() - t) / 1000;
    if (i === 0) first = s;
    seconds = Math.min(seconds, s);
  }
  return { what, seconds, first, samples };
}

const rows: Row[] = [];
rows.push(await best('godiag parsePrometheus (in memory)', () => touch(parsePrometheus(bytes))));
rows.push(
  await best('godiag readPrometheus (streaming the file)', async () => {
    let n = 0;
    for await (const f of readPrometheus(await fileSource(path))) n += touch([f]);
    return n;
  }),
);
rows.push(
  await best('counting lines (indexOf of \\n: the hardware limit)', () => {
    let n = 0;
    for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) n++;
    return n;
  }),
);
let go: Row | undefined;
if (goExe !== undefined) {
  const r = JSON.parse(execFileSync(goExe, ['-repeat', '3', path], { encoding: 'utf8' })) as { seconds: number; firstSeconds: number; samples: number };
  go = { what: 'Go prometheus/common expfmt TextParser (in memory)', seconds: r.seconds, first: r.firstSeconds, samples: r.samples };
  rows.push(go);
  if (r.samples !== rows[0]!.samples) console.error(`bench/metrics: sample counts differ: godiag ${rows[0]!.samples}, Go ${r.samples}`);
} else {
  console.error('bench/metrics: Go is not on PATH; expfmt is not timed');
}

const mb = (n: number) => (n / 1e6).toFixed(1);
console.log(`machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load ${loadavg()[0]!.toFixed(2)} (checksum ${sink > 0 ? 'ok' : '?'})`);
console.log(`exposition: ${path}: ${mb(bytes.length)} MB`);
console.log('| parser | best of 3 | first run | samples (lines) | MB/s | vs Go |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  const ratio = go === undefined || r === go ? '' : `${(go.seconds / r.seconds).toFixed(2)}×`;
  console.log(`| ${r.what} | ${(r.seconds * 1000).toFixed(0)} ms | ${(r.first * 1000).toFixed(0)} ms | ${r.samples} | ${(bytes.length / r.seconds / 1e6).toFixed(0)} | ${ratio} |`);
}
