/**
 * Trace event benchmark: `npm run bench:trace-events [FILE [FILE2]]` (FILE: a Go 1.22+ trace of at least
 * 100 MB; without one, and with Go on PATH, two are recorded as for bench/trace.ts).
 *
 * Measures the package as published (the script builds dist/ first and imports it): `readTraceSync` over
 * the file in memory and `readTrace` streaming it (event by event, and by `chunks()`), all touching every
 * event the way a tool does (kind, time, context, the kind's fields, every frame of every stack); and, in
 * the same run, Go's reader (golang.org/x/exp/trace, testdata/gen/cmd/bench-trace) over the same bytes
 * doing the same, from memory and streaming the file through a buffered reader. Both sides also read only
 * each event's kind and time: the readers' own cost. Ratios are against Go's row of the same workload (a
 * streaming row against Go streaming). Best of 3. Then the two headline comparisons (in memory; streaming with
 * `chunks()`) again in ROUNDS interleaved rounds (default 3) of fresh processes, best and median reported.
 * Peak memory of `readTrace` streaming each FILE runs in a process of its own (bench/trace-peak.ts).
 */

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
// The built package (the package's own name resolves to dist/ at run time; tsconfig.test.json maps it to src/
// for type-checking), not the sources: what users run.
import { readTrace, readTraceSync, type Event } from 'godiag/trace';
import { fileSource } from 'godiag/node';
import { benchTraceFiles } from './trace-files.js';

// Child mode first: its arguments are not trace files.
if (process.argv[2] === '--child') {
  console.log(JSON.stringify(await childRun(process.argv[3]!, process.argv[4]!)));
  process.exit(0);
}

const files = benchTraceFiles(process.argv.slice(2), 'bench/trace-events');

/**
 * What a tool reads of an event; returns a checksum so nothing is optimized away. Sums of doubles, as Go's
 * side sums integers (a `%` per event would cost a floating-point remainder Go does not pay).
 */
function touch(e: Event): number {
  let sum = e.time + e.goroutine + e.proc + e.thread + e.kind.length;
  for (const f of e.stack.frames) sum += f.line + f.func.length + f.file.length;
  switch (e.kind) {
    case 'StateTransition':
      sum += e.resource.id + e.from.length + e.to.length + e.reason.length;
      for (const f of e.transitionStack.frames) sum += f.line + f.func.length;
      break;
    case 'Metric':
      sum += Number(e.value);
      break;
    case 'RangeBegin':
    case 'RangeActive':
    case 'RangeEnd':
      sum += e.name.length;
      break;
    case 'Log':
      sum += e.category.length + e.message.length;
      break;
    case 'TaskBegin':
    case 'TaskEnd':
      sum += e.id + e.type.length;
      break;
    case 'RegionBegin':
    case 'RegionEnd':
      sum += e.task + e.type.length;
      break;
    case 'Label':
      sum += e.label.length;
      break;
    default:
      break;
  }
  return sum;
}

/** Child mode (internal): `--child sync|chunks FILE` prints one variant's best of 3 as JSON, in a fresh process. */
async function childRun(variant: string, path: string): Promise<{ seconds: number; events: number }> {
  const data = variant === 'sync' ? new Uint8Array(readFileSync(path)) : undefined;
  let seconds = Infinity;
  let events = 0;
  let sum = 0;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    let n = 0;
    if (data !== undefined) {
      for (const e of readTraceSync(data)) {
        n++;
        sum += touch(e);
      }
    } else {
      for await (const chunk of readTrace(await fileSource(path)).chunks()) {
        for (const e of chunk) {
          n++;
          sum += touch(e);
        }
      }
    }
    seconds = Math.min(seconds, (performance.now() - t) / 1000);
    events = n;
  }
  if (sum === -1) console.error('unreachable');
  return { seconds, events };
}
interface Peak {
  items: number;
  baseline: number;
  peak: number;
}
// Memory first, in processes of their own, before this one holds a trace.
const peaks = files.map((f) => ({
  file: f,
  peak: JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', 'bench/trace-peak.ts', f, 'events'], { encoding: 'utf8' })) as Peak,
}));

const file = files[0]!;
const bytes = new Uint8Array(readFileSync(file));

async function best(fn: () => number | Promise<number>): Promise<{ seconds: number; events: number }> {
  let events = 0;
  let seconds = Infinity;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    events = await fn();
    seconds = Math.min(seconds, (performance.now() - t) / 1000);
  }
  return { seconds, events };
}

const rows: { what: string; seconds: number; events: number }[] = [];
let sink = 0;
rows.push({
  what: 'godiag readTraceSync (in memory)',
  ...(await best(() => {
    let n = 0;
    for (const e of readTraceSync(bytes)) {
      n++;
      sink += touch(e);
    }
    return n;
  })),
});
rows.push({
  what: 'godiag readTraceSync, kind and time only (in memory)',
  ...(await best(() => {
    let n = 0;
    for (const e of readTraceSync(bytes)) {
      n++;
      sink += e.time + e.kind.length;
    }
    return n;
  })),
});
rows.push({
  what: 'godiag readTrace (streaming the file)',
  ...(await best(async () => {
    let n = 0;
    for await (const e of readTrace(await fileSource(file))) {
      n++;
      sink += touch(e);
    }
    return n;
  })),
});
rows.push({
  what: 'godiag readTrace(…).chunks() (streaming the file)',
  ...(await best(async () => {
    let n = 0;
    for await (const events of readTrace(await fileSource(file)).chunks()) {
      for (const e of events) {
        n++;
        sink += touch(e);
      }
    }
    return n;
  })),
});
let goExe: string | undefined;
if (spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0) {
  const exe = join(mkdtempSync(join(tmpdir(), 'godiag-bench-trace-')), 'bench-trace');
  goExe = exe;
  execFileSync('go', ['build', '-o', exe, './testdata/gen/cmd/bench-trace'], { stdio: 'inherit' });
  const go = JSON.parse(execFileSync(exe, ['-repeat', '3', file], { encoding: 'utf8' })) as { seconds: number; events: number };
  rows.push({ what: 'Go golang.org/x/exp/trace (in memory)', seconds: go.seconds, events: go.events });
  const streamed = JSON.parse(execFileSync(exe, ['-repeat', '3', '-stream', file], { encoding: 'utf8' })) as { seconds: number; events: number };
  rows.push({ what: 'Go golang.org/x/exp/trace (streaming the file)', seconds: streamed.seconds, events: streamed.events });
  const light = JSON.parse(execFileSync(exe, ['-repeat', '3', '-light', file], { encoding: 'utf8' })) as { seconds: number; events: number };
  rows.push({ what: 'Go golang.org/x/exp/trace, kind and time only (in memory)', seconds: light.seconds, events: light.events });
} else {
  console.error('bench/trace-events: Go is not on PATH; the Go reference is not timed');
}

/**
 * The two headline comparisons again, interleaved: R rounds (ROUNDS, default 3) of godiag and Go, each a fresh
 * process taking its best of 3, alternating, so that a machine whose speed drifts (shared cores) slows both sides
 * alike. Reported: the best and the median round of each side.
 */
interface Paired {
  what: string;
  godiag: number[];
  go: number[];
}
const paired: Paired[] = [];
if (goExe !== undefined) {
  const roundsCount = Math.max(1, Number(process.env.ROUNDS ?? 3));
  const pairs: [string, string, string[]][] = [
    ['readTraceSync (in memory) vs Go in memory', 'sync', []],
    ['readTrace(…).chunks() streaming vs Go streaming', 'chunks', ['-stream']],
  ];
  for (const [what, variant, goArgs] of pairs) {
    const p: Paired = { what, godiag: [], go: [] };
    for (let r = 0; r < roundsCount; r++) {
      const ours = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', 'bench/trace-events.ts', '--child', variant, file], { encoding: 'utf8' })) as { seconds: number };
      const theirs = JSON.parse(execFileSync(goExe, ['-repeat', '3', ...goArgs, file], { encoding: 'utf8' })) as { seconds: number };
      p.godiag.push(ours.seconds);
      p.go.push(theirs.seconds);
    }
    paired.push(p);
  }
}

const mb = (n: number) => (n / 1e6).toFixed(1);
const goFull = rows.find((r) => r.what === 'Go golang.org/x/exp/trace (in memory)');
const goLight = rows.find((r) => r.what.startsWith('Go ') && r.what.includes('only'));
const goStream = rows.find((r) => r.what === 'Go golang.org/x/exp/trace (streaming the file)');
console.log(`machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version} (checksum ${sink % 7})`);
console.log(`trace: ${file}: ${mb(bytes.length)} MB`);
console.log('| reader | best of 3 | events | M events/s | MB/s | vs Go |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  const goRow = r.what.includes('only') ? goLight : r.what.includes('streaming') ? (goStream ?? goFull) : goFull;
  const ratio = goRow === undefined ? '' : `${(goRow.seconds / r.seconds).toFixed(2)}×`;
  console.log(`| ${r.what} | ${r.seconds.toFixed(2)} s | ${r.events} | ${(r.events / r.seconds / 1e6).toFixed(2)} | ${(bytes.length / r.seconds / 1e6).toFixed(0)} | ${ratio} |`);
}
console.log('');
console.log('peak memory of readTrace streaming the file (highest RSS over the RSS once the code is loaded):');
console.log('| trace | size | events | peak |');
console.log('| --- | --- | --- | --- |');
for (const p of peaks) {
  console.log(`| ${p.file} | ${mb(readFileSync(p.file).length)} MB | ${p.peak.items} | ${mb(p.peak.peak - p.peak.baseline)} MB |`);
}
if (paired.length > 0) {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
  console.log('');
  console.log(`interleaved: ${paired[0]!.godiag.length} rounds, each side a fresh process taking its best of 3 (seconds; ratio = Go's time / godiag's)`);
  console.log('| comparison | godiag rounds | Go rounds | best: godiag / Go | ratio | median: godiag / Go | ratio |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const p of paired) {
    const list = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(', ');
    const [bo, bg] = [Math.min(...p.godiag), Math.min(...p.go)];
    const [mo, mg] = [median(p.godiag), median(p.go)];
    console.log(`| ${p.what} | ${list(p.godiag)} | ${list(p.go)} | ${bo.toFixed(2)} / ${bg.toFixed(2)} | ${(bg / bo).toFixed(2)}× | ${mo.toFixed(2)} / ${mg.toFixed(2)} | ${(mg / mo).toFixed(2)}× |`);
  }
}
