/**
 * Core file benchmark: `npm run bench:core [CORE EXE]` (CORE: a kernel core of a Go program, EXE: its
 * executable). Without arguments, and with Go on PATH, testdata/gen/programs-core/corebench (100,000
 * goroutines, a 1 GB heap) is built and crashed in $TMPDIR/core-bench once, writing a ~2.3 GB core there: that
 * needs `ulimit -c unlimited` to be allowed (the script raises the soft limit in the child shell) and a kernel
 * core pattern that is a plain file name (`/proc/sys/kernel/core_pattern` = `core`), not a pipe to a crash
 * collector.
 *
 * Measures the package as published (the script builds dist/ first and imports it): in a fresh process,
 * `openFile` (godiag/node) → `openCore` → `openGoProcess` → `goroutines()` → `goroutineStacks` (`frames(g)` of
 * every goroutine, 32 unwinds in flight), touching every frame (the user path of "list all goroutines with their
 * stacks", as `godiag core goroutines` does it). Reports the wall time
 * (inside the process, and of the whole process with Node's start-up), the bytes and reads the core file served
 * (counted beneath `openFile`'s page cache), and the process's peak RSS. Checks the count of goroutines that
 * a goroutine dump shows against the program's own dump (`goroutines.txt` beside the core: its
 * `goroutine N [` lines), when there is one.
 *
 * viewcore (golang.org/x/debug/cmd/viewcore) is timed in the same run when the environment variable VIEWCORE
 * names its binary: `VIEWCORE CORE --exe EXE goroutines`, wall time and peak RSS (through /usr/bin/time -f %M
 * when present). The script never builds or fetches it.
 * Child mode (internal): `bench/core.ts --child CORE EXE` prints one run's figures as JSON.
 */

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
// The built package (the package's own name resolves to dist/ at run time; tsconfig.test.json maps it to src/
// for type-checking), not the sources: what users run.
import { cachedRandomAccess } from 'godiag';
import { goroutineStacks, openCore, openGoProcess } from 'godiag/core';
import { openFile } from 'godiag/node';
import { openCountedFile } from './counted-file.js';

/** One run, as measured in a child process. */
interface RunFigures {
  /** openFile → openGoProcess, ms. */
  openMs: number;
  /** goroutines(), ms. */
  goroutinesMs: number;
  /** goroutineStacks() over every goroutine, ms. */
  framesMs: number;
  /** Goroutines listed (dead ones excluded), and those a default goroutine dump shows (not system ones). */
  goroutines: number;
  shown: number;
  /** Frames over all goroutines (inlined ones included), and stacks that did not reach their end. */
  frames: number;
  truncated: number;
  /** Bytes and reads the core file served beneath the page cache. */
  bytes: number;
  reads: number;
  /** Peak RSS of the process, bytes. */
  maxRss: number;
  /** A checksum over what was touched, so that nothing is optimised away. */
  checksum: number;
  goVersion: string | undefined;
  goarch: string;
  warnings: number;
}

if (process.argv[2] === '--child') {
  const [corePath, exePath, mode] = process.argv.slice(3);
  if (corePath === undefined || exePath === undefined) throw new Error('usage: core.ts --child CORE EXE [raw]');
  console.log(JSON.stringify(await runOnce(corePath, exePath, mode === 'raw')));
  process.exit(0);
}

/**
 * Lists every goroutine with its stack as a user would (openFile's page cache in front of the core), counting
 * the core's reads beneath the cache; `raw`: without the page cache, so that the count is what the library asks.
 */
async function runOnce(corePath: string, exePath: string, raw: boolean): Promise<RunFigures> {
  const t0 = performance.now();
  const counter = await openCountedFile(corePath);
  const counted = counter.file;
  const exe = await openFile(exePath);
  const core = await openCore(raw ? counted : cachedRandomAccess(counted), { executable: exe });
  const proc = await openGoProcess(core);
  const t1 = performance.now();
  const gs = await proc.goroutines();
  const t2 = performance.now();
  let frames = 0;
  let truncated = 0;
  let checksum = 0;
  for await (const { stack: r } of goroutineStacks(proc, gs)) {
    if (r.truncated !== undefined) truncated++;
    for (const f of r.frames) {
      frames++;
      checksum = (checksum + f.function.length + f.file.length + f.line + Number(f.pc & 0xffffn) + (f.shown ? 1 : 0)) % 1_000_000_007;
    }
  }
  const t3 = performance.now();
  await counted.close();
  await exe.close();
  return {
    openMs: t1 - t0,
    goroutinesMs: t2 - t1,
    framesMs: t3 - t2,
    goroutines: gs.length,
    shown: gs.filter((g) => !g.system).length,
    frames,
    truncated,
    bytes: counter.bytes(),
    reads: counter.reads(),
    maxRss: process.resourceUsage().maxRSS * 1024,
    checksum,
    goVersion: proc.goVersion,
    goarch: proc.goarch,
    warnings: proc.warnings.length,
  };
}

/** Builds corebench and crashes it in `work`, once; returns the core and the executable. */
function makeCore(work: string): [string, string] {
  const exe = join(work, 'corebench');
  const existing = readdirSync(work).find((f) => /^core(\.\d+)?$/.test(f));
  if (existing !== undefined && existsSync(exe)) return [join(work, existing), exe];
  if (spawnSync('go', ['version'], { stdio: 'ignore' }).status !== 0) {
    console.error('bench/core: give CORE EXE, or install Go to build testdata/gen/programs-core/corebench and make a core');
    process.exit(2);
  }
  const pattern = existsSync('/proc/sys/kernel/core_pattern') ? readFileSync('/proc/sys/kernel/core_pattern', 'utf8').trim() : '';
  if (!/^core/.test(pattern)) {
    console.error(`bench/core: the kernel core pattern is ${JSON.stringify(pattern)}; making the core needs a plain file name (echo core > /proc/sys/kernel/core_pattern), or give CORE EXE`);
    process.exit(2);
  }
  console.error(`building ${exe} and making its core in ${work} (about a minute, ~2.3 GB)…`);
  // programs-core is a module of its own, outside the repository's workspace (as the fixture recorder builds it).
  execFileSync('go', ['build', '-trimpath', '-buildvcs=false', '-o', exe, './corebench'], {
    stdio: 'inherit',
    cwd: resolve('testdata/gen/programs-core'),
    env: { ...process.env, GOWORK: 'off', CGO_ENABLED: '0' },
  });
  // The program ends in SIGABRT by design; the shell's exit status says nothing, the core's presence does.
  spawnSync('bash', ['-c', 'ulimit -c unlimited && GOTRACEBACK=crash ./corebench -dump goroutines.txt 2>/dev/null'], { cwd: work, stdio: 'inherit' });
  const made = readdirSync(work).find((f) => /^core(\.\d+)?$/.test(f));
  if (made === undefined) {
    console.error(`bench/core: no core was written in ${work} (ulimit -c unlimited refused? core pattern ${JSON.stringify(pattern)})`);
    process.exit(2);
  }
  return [join(work, made), exe];
}

const loadStart = loadavg().map((l) => l.toFixed(1)).join(' ');
let corePath = process.argv[2];
let exePath = process.argv[3];
if (corePath === undefined) {
  const work = join(tmpdir(), 'core-bench');
  mkdirSync(work, { recursive: true });
  [corePath, exePath] = makeCore(work);
} else if (exePath === undefined) {
  console.error('usage: npm run bench:core [CORE EXE]');
  process.exit(2);
}
for (const p of [corePath, exePath!]) {
  if (!existsSync(p)) {
    console.error(`bench/core: ${p}: no such file`);
    process.exit(2);
  }
}
const exe = exePath!;
const size = statSync(corePath).size;

// The program's own dump: the goroutines a default traceback shows.
const dumpPath = join(dirname(corePath), 'goroutines.txt');
const dumped = existsSync(dumpPath) ? (readFileSync(dumpPath, 'utf8').match(/^goroutine \d+ \[/gm)?.length ?? 0) : undefined;

// godiag, in a fresh process (the JIT cold, as a tool that opens one core).
const child = (raw: boolean): { run: RunFigures; processMs: number } => {
  const g0 = performance.now();
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/core.ts', '--child', corePath, exe, raw ? 'raw' : 'cache'], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return { run: JSON.parse(out) as RunFigures, processMs: performance.now() - g0 };
};
const { run, processMs } = child(false);
// The same without openFile's page cache: what the library itself asks of the file.
const { run: rawRun, processMs: rawProcessMs } = child(true);

// viewcore, when given.
const viewcore = process.env['VIEWCORE'];
let vc: { ms: number; maxRss: number | undefined; status: number | null; lines: number } | undefined;
if (viewcore !== undefined && viewcore !== '') {
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const args = [corePath, '--exe', exe, 'goroutines'];
  const v0 = performance.now();
  const r =
    timeBin === undefined
      ? spawnSync(viewcore, args, { encoding: 'utf8', maxBuffer: 1 << 30 })
      : spawnSync(timeBin, ['-f', 'maxrss %M', viewcore, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = performance.now() - v0;
  const rss = /maxrss (\d+)/.exec(r.stderr ?? '');
  vc = { ms, maxRss: rss === null ? undefined : Number(rss[1]) * 1024, status: r.status, lines: (r.stdout ?? '').split('\n').length - 1 };
}

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(`machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
console.log(`core: ${corePath}: ${mb(size)}; executable ${exe}: Go ${run.goVersion ?? '?'}, ${run.goarch}`);
console.log(
  `goroutines: ${run.goroutines} (${run.shown} shown by a goroutine dump), ${run.frames} frames (${(run.frames / Math.max(1, run.goroutines)).toFixed(1)} a goroutine), ${run.truncated} stacks cut short, ${run.warnings} warnings (checksum ${run.checksum})`,
);
if (dumped !== undefined) console.log(`the program's own dump (${dumpPath}): ${dumped} goroutines — ${dumped === run.shown ? 'the same count' : `DIFFERENT from godiag's ${run.shown}`}`);
else console.log(`no goroutines.txt beside the core: the count is not checked`);
console.log('');
console.log('| list every goroutine with its stack | wall | peak RSS | read from the core file |');
console.log('| --- | --- | --- | --- |');
const row = (what: string, r: RunFigures, ms: number) =>
  console.log(
    `| ${what} | ${s(r.openMs + r.goroutinesMs + r.framesMs)} (open ${s(r.openMs)}, goroutines ${s(r.goroutinesMs)}, frames ${s(r.framesMs)}); process ${s(ms)} | ${mb(r.maxRss)} | ${mb(r.bytes)} in ${r.reads} reads (${((100 * r.bytes) / size).toFixed(2)} % of the file) |`,
  );
row('godiag openFile → openCore → openGoProcess → goroutines() → goroutineStacks()', run, processMs);
row('the same, openFile(CORE, { cache: false })', rawRun, rawProcessMs);
if (rawRun.checksum !== run.checksum) console.log(`CHECKSUMS DIFFER: ${run.checksum} with the page cache, ${rawRun.checksum} without`);
if (vc !== undefined) {
  const ok = vc.status === 0 ? '' : ` (exit status ${vc.status})`;
  console.log(`| viewcore \`${viewcore} CORE --exe EXE goroutines\`${ok} | process ${s(vc.ms)} | ${vc.maxRss === undefined ? 'not measured (no /usr/bin/time)' : mb(vc.maxRss)} | (not counted) |`);
} else {
  console.log('| viewcore | not timed: set VIEWCORE to a viewcore binary (golang.org/x/debug/cmd/viewcore; the script does not build or fetch it) | | |');
}
console.log(`load average: ${loadStart} at the start, ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end`);
