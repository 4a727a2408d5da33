/**
 * Symbol table benchmark: `npm run bench:gosym [BIN]` (BIN: a Go ELF executable; without one, and with Go
 * on PATH, `cmd/compile` of the Go on PATH is built into $TMPDIR/gosym-bench/compile, once).
 *
 * Measures the package as published (the script builds dist/ first and imports it), beside Go's debug/gosym
 * (testdata/gen/cmd/bench-gosym) in the same run:
 * - open: `openFile` (godiag/node, with its page cache) → `openBinary` → the first `lookup`, in a fresh
 *   process each time (the JIT cold, as a tool that opens one binary), with the bytes read from the file
 *   counted under the page cache; Go: debug/elf Open → .gopclntab → gosym.NewTable → the first PCToLine,
 *   also in fresh processes. Best of 3.
 * - lookups: 1M pcs drawn uniformly from the functions' range (same pcs both sides, through a file):
 *   godiag `lookup` (inlined frames), `fileLine` and `funcAt`; Go PCToLine and PCToFunc. Best of 3 (the
 *   first pass, which fills godiag's decoded-table cache, is shown too). Before timing, the line numbers of
 *   every pc are checked against Go's PCToLine.
 * Child mode (internal): `bench/gosym.ts --open BIN PC` prints one open's figures as JSON.
 */

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
// The built package (the package's own name resolves to dist/ at run time; tsconfig.test.json maps it to src/
// for type-checking), not the sources: what users run.
import { cachedRandomAccess } from 'godiag';
import { openBinary } from 'godiag/gosym';
import { openFile } from 'godiag/node';
import { openCountedFile } from './counted-file.js';

/** One open, as measured in a child process. */
interface OpenFigures {
  /** openFile + openBinary, ms. */
  openMs: number;
  /** The first lookup after it, ms. */
  lookupMs: number;
  /** Bytes and reads the page cache asked of the file. */
  bytes: number;
  reads: number;
  /** Frames the first lookup returned (a check that it answered). */
  frames: number;
}

/** What bench-gosym prints. */
interface GoFigures {
  openSeconds: number;
  firstOpenSeconds: number;
  readBytes: number;
  reads: number;
  funcs: number;
  pcs: number;
  pcToLineSeconds?: number;
  pcToFuncSeconds?: number;
  found: number;
  lineSum: number;
}

const PCS = 1_000_000;

if (process.argv[2] === '--open') {
  const [bin, pcText] = process.argv.slice(3);
  if (bin === undefined || pcText === undefined) throw new Error('usage: gosym.ts --open BIN PC');
  console.log(JSON.stringify(await openOnce(bin, BigInt(pcText))));
  process.exit(0);
}

/** Opens `bin` as `openFile(bin)` does (a page cache over the file handle), counting what is read beneath. */
async function openOnce(bin: string, pc: bigint): Promise<OpenFigures> {
  const t0 = performance.now();
  const counter = await openCountedFile(bin);
  const counted = counter.file;
  const b = await openBinary(cachedRandomAccess(counted));
  const t1 = performance.now();
  const frames = b.lookup(pc);
  const t2 = performance.now();
  await b.close();
  return { openMs: t1 - t0, lookupMs: t2 - t1, bytes: counter.bytes(), reads: counter.reads(), frames: frames.length };
}

const loadStart = loadavg().map((l) => l.toFixed(1)).join(' ');
const haveGo = spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
const work = join(tmpdir(), 'gosym-bench');
mkdirSync(work, { recursive: true });
let bin = process.argv[2];
if (bin === undefined) {
  bin = join(work, 'compile');
  if (!existsSync(bin)) {
    if (!haveGo) {
      console.error('bench/gosym: give a Go executable BIN, or install Go to build cmd/compile');
      process.exit(2);
    }
    console.error(`building ${bin} (go build cmd/compile)…`);
    execFileSync('go', ['build', '-o', bin, 'cmd/compile'], { stdio: 'inherit', cwd: work });
  }
} else if (!existsSync(bin)) {
  console.error(`bench/gosym: ${bin}: no such file`);
  process.exit(2);
}

// The pcs: uniform over [first entry, last end) of the function table, from a fixed seed (splitmix64).
const probe = await openBinary(await openFile(bin));
const table = probe.table;
const lo = table.func(0).entry;
const hi = table.func(table.funcCount - 1).end;
await probe.close();
const pcs: bigint[] = [];
const pcBytes = new BigUint64Array(PCS);
let state = 0x9e3779b97f4a7c15n;
const M64 = (1n << 64n) - 1n;
for (let i = 0; i < PCS; i++) {
  state = (state + 0x9e3779b97f4a7c15n) & M64;
  let z = state;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64;
  z ^= z >> 31n;
  const pc = lo + (z % (hi - lo));
  pcs.push(pc);
  pcBytes[i] = pc;
}
const pcsFile = join(work, 'pcs.bin');
// BigUint64Array holds the platform's byte order; the file is little-endian (every machine this runs on).
writeFileSync(pcsFile, new Uint8Array(pcBytes.buffer));
const firstPc = pcs[0]!;

// The machine may be shared: each round runs both sides back to back, so that a busy spell slows both.
let exe: string | undefined;
if (haveGo) {
  exe = join(mkdtempSync(join(tmpdir(), 'godiag-bench-gosym-')), 'bench-gosym');
  execFileSync('go', ['build', '-o', exe, './testdata/gen/cmd/bench-gosym'], { stdio: 'inherit' });
} else {
  console.error('bench/gosym: Go is not on PATH; the Go reference is not timed');
}
const runGo = (args: string[]) => JSON.parse(execFileSync(exe!, [...args, bin, pcsFile], { encoding: 'utf8' })) as GoFigures;

// Opens, each in a process of its own.
const opens: OpenFigures[] = [];
const goOpens: GoFigures[] = [];
for (let i = 0; i < 3; i++) {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/gosym.ts', '--open', bin, `0x${firstPc.toString(16)}`], { encoding: 'utf8' });
  opens.push(JSON.parse(out) as OpenFigures);
  if (exe !== undefined) goOpens.push(runGo(['-open-only']));
}

// The answers first, on an instance of their own (its decoded tables must not warm the timed one): the line
// of every pc as debug/gosym reports it.
let found = 0;
let lineSum = 0;
{
  const c = await openBinary(await openFile(bin));
  for (const pc of pcs) {
    const p = c.fileLine(pc, { asDebugGosym: true });
    if (p === undefined) continue;
    found++;
    lineSum += p.line;
  }
  await c.close();
}

const b = await openBinary(await openFile(bin));
let sink = 0;
const rounds: { lookup: number; fileLine: number; funcAt: number; go?: GoFigures }[] = [];
const seconds = (fn: () => void) => {
  const t = performance.now();
  fn();
  return (performance.now() - t) / 1000;
};
for (let r = 0; r < 3; r++) {
  const go = exe === undefined ? undefined : runGo(r === 0 ? ['-repeat', '1', '-check'] : ['-repeat', '1']);
  const lookup = seconds(() => {
    let sum = 0;
    for (const pc of pcs) {
      for (const f of b.lookup(pc)) sum += f.line + f.function.length + f.file.length;
    }
    sink += sum % 7;
  });
  const fileLine = seconds(() => {
    let sum = 0;
    for (const pc of pcs) {
      const p = b.fileLine(pc);
      if (p !== undefined) sum += p.line + p.file.length;
    }
    sink += sum % 7;
  });
  const funcAt = seconds(() => {
    let sum = 0;
    for (const pc of pcs) {
      const f = b.funcAt(pc);
      if (f !== undefined) sum += f.name.length;
    }
    sink += sum % 7;
  });
  rounds.push(go === undefined ? { lookup, fileLine, funcAt } : { lookup, fileLine, funcAt, go });
}
const go = rounds[0]!.go;
const agrees = go === undefined ? undefined : go.found === found && go.lineSum === lineSum;
const bestOf = (f: (r: (typeof rounds)[number]) => number | undefined) => Math.min(...rounds.map((r) => f(r) ?? Infinity));
const timing = (f: (r: (typeof rounds)[number]) => number) => ({ first: f(rounds[0]!), best: bestOf(f) });
const lookup = timing((r) => r.lookup);
const fileLine = timing((r) => r.fileLine);
const funcAt = timing((r) => r.funcAt);
const goLine = go === undefined ? undefined : bestOf((r) => r.go?.pcToLineSeconds);
const goFunc = go === undefined ? undefined : bestOf((r) => r.go?.pcToFuncSeconds);
const frames = (() => {
  let n = 0;
  for (const pc of pcs) n += b.lookup(pc).length;
  return n;
})();
await b.close();

const ms = (s: number) => `${(s * 1000).toFixed(1)} ms`;
const rate = (s: number) => `${(PCS / s / 1e6).toFixed(2)} M/s`;
const size = statSync(bin).size;
console.log(`machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version} (checksum ${sink % 7})`);
console.log(
  `binary: ${bin}: ${(size / 1e6).toFixed(1)} MB, Go ${b.goVersion ?? '?'}, ${b.goos}/${b.goarch}, layout ${b.layout}, ${b.table.funcCount} functions, pclntab ${(b.pclntabSize / 1e6).toFixed(1)} MB`,
);
console.log(`pcs: ${PCS} in [0x${lo.toString(16)}, 0x${hi.toString(16)}), ${found} inside a function, ${(frames / PCS).toFixed(2)} frames per lookup`);
if (agrees !== undefined) console.log(`lines agree with debug/gosym PCToLine: ${agrees ? 'yes' : `NO (godiag ${found} pcs, sum ${lineSum}; Go ${go!.found}, ${go!.lineSum})`}`);
console.log('');
console.log('| open + first lookup (fresh process) | best of 3 | runs | read from the file |');
console.log('| --- | --- | --- | --- |');
const bestOpen = opens.reduce((a, o) => (o.openMs + o.lookupMs < a.openMs + a.lookupMs ? o : a));
console.log(
  `| godiag openFile → openBinary → lookup | ${(bestOpen.openMs + bestOpen.lookupMs).toFixed(1)} ms (open ${bestOpen.openMs.toFixed(1)} + lookup ${bestOpen.lookupMs.toFixed(1)}) | ${opens.map((o) => (o.openMs + o.lookupMs).toFixed(1)).join(', ')} ms | ${(bestOpen.bytes / 1e6).toFixed(2)} MB in ${bestOpen.reads} reads (${((100 * bestOpen.bytes) / size).toFixed(0)} % of the file) |`,
);
if (goOpens.length > 0) {
  const g = goOpens.reduce((a, o) => (o.firstOpenSeconds < a.firstOpenSeconds ? o : a));
  console.log(
    `| Go debug/elf → gosym.NewTable → PCToLine | ${ms(g.firstOpenSeconds)} | ${goOpens.map((o) => (o.firstOpenSeconds * 1000).toFixed(1)).join(', ')} ms | ${(g.readBytes / 1e6).toFixed(2)} MB in ${g.reads} reads |`,
  );
}
console.log('');
console.log(`| ${PCS / 1e6}M lookups | best of 3 | lookups/s | first pass | vs Go |`);
console.log('| --- | --- | --- | --- | --- |');
const vs = (s: number, goSeconds: number | undefined, name: string) => (goSeconds === undefined ? '' : `${(goSeconds / s).toFixed(2)}× ${name}`);
for (const [what, t, goSeconds, name] of [
  ['godiag lookup (frames, inlined expanded)', lookup, goLine, 'PCToLine'],
  ['godiag fileLine', fileLine, goLine, 'PCToLine'],
  ['godiag funcAt (FuncInfo, built once per function)', funcAt, goFunc, 'PCToFunc'],
] as const) {
  console.log(`| ${what} | ${ms(t.best)} | ${rate(t.best)} | ${ms(t.first)} | ${vs(t.best, goSeconds, name)} |`);
}
if (goLine !== undefined) console.log(`| Go PCToLine (file, line, func) | ${ms(goLine)} | ${rate(goLine)} | ${ms(go!.pcToLineSeconds!)} | |`);
if (goFunc !== undefined) console.log(`| Go PCToFunc | ${ms(goFunc)} | ${rate(goFunc)} | ${ms(go!.pcToFuncSeconds!)} | |`);
console.log(`load average: ${loadStart} at the start, ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end`);
