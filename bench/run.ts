/**
 * Byte-layer benchmarks: `npm run bench`. Each operation is timed in TypeScript and, when Go is on PATH,
 * by the Go reference on the same input in the same run; raw byte scanning gives the hardware limit.
 * Best of 7 repetitions after a warm-up. Results go to stdout as a Markdown table.
 */

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { gunzipSync as nodeGunzip } from 'node:zlib';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'fflate';
import { ByteCursor } from '../src/internal/cursor.js';
import { ByteWriter } from '../src/internal/writer.js';
import { decompress, decompressSync } from '../src/internal/compression.js';
import { chunks } from '../src/internal/input.js';
import { loadManifest, fixtureBytes } from '../test/support/fixtures.js';

interface Row {
  op: string;
  impl: string;
  bytes: number;
  seconds: number;
  items?: number;
}
const rows: Row[] = [];

async function time(op: string, impl: string, bytes: number, fn: () => number | Promise<number>): Promise<void> {
  let items = await fn(); // warm-up
  let best = Infinity;
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    items = await fn();
    best = Math.min(best, (performance.now() - t) / 1000);
  }
  rows.push({ op, impl, bytes, seconds: best, items });
}

// Trace-like varints: mostly small (event args, time deltas), some large (ids, timestamps).
function varintBuffer(count: number): Uint8Array {
  const w = new ByteWriter(count * 3);
  let s = 0x2545f491;
  for (let i = 0; i < count; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    const r = s % 100;
    const v = r < 70 ? s % 128 : r < 95 ? s % 1_000_000 : s * 4096 + (s % 4096);
    w.uvarint(v);
  }
  return w.finish();
}

const dir = mkdtempSync(join(tmpdir(), 'godiag-bench-'));
const haveGo = spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
let goBench: string | undefined;
if (haveGo) {
  goBench = join(dir, 'bench');
  execFileSync('go', ['build', '-o', goBench, './testdata/gen/cmd/bench'], { stdio: 'inherit' });
}
function goTime(op: string, file: string, bytes: number): void {
  if (!goBench) return;
  const r = JSON.parse(execFileSync(goBench, [op, file], { encoding: 'utf8' })) as { seconds: number; items: number };
  rows.push({ op, impl: 'Go (reference)', bytes, seconds: r.seconds, items: r.items });
}

// 1. Hardware limit: touch every byte.
const varints = varintBuffer(4_000_000);
const varintFile = join(dir, 'varints.bin');
writeFileSync(varintFile, varints);
await time('uvarint', 'raw byte scan (limit)', varints.length, () => {
  let x = 0;
  for (let i = 0; i < varints.length; i++) x = (x + varints[i]!) | 0;
  return x === 42 ? -1 : 0; // no items: this row is the byte-touching limit
});
await time('uvarint', 'ByteCursor.uvarintNumber', varints.length, () => {
  const c = new ByteCursor(varints, 'trace');
  let n = 0;
  while (!c.atEnd) {
    c.uvarintNumber();
    n++;
  }
  return n;
});
await time('uvarint', 'ByteCursor.uvarint (bigint)', varints.length, () => {
  const c = new ByteCursor(varints, 'trace');
  let n = 0;
  while (!c.atEnd) {
    c.uvarint();
    n++;
  }
  return n;
});
goTime('uvarint', varintFile, varints.length);

// 2. gunzip: every fixture's original bytes concatenated (executables, traces, profiles), gzip level 6.
const manifest = loadManifest();
const original = Buffer.concat(manifest.fixtures.filter((f) => f.storage === 'gzip').map((f) => fixtureBytes(f)));
const packed = gzipSync(original, { level: 6 });
const packedFile = join(dir, 'fixtures.gz');
writeFileSync(packedFile, packed);
await time('gunzip', 'decompressSync (fflate, CRC checked)', original.length, () => decompressSync(packed, 'gzip').length);
await time('gunzip', 'decompress stream, 1 MiB chunks', original.length, async () => {
  let n = 0;
  const input = (function* () {
    for (let i = 0; i < packed.length; i += 1 << 20) yield packed.subarray(i, i + (1 << 20));
  })();
  for await (const c of decompress(chunks(input), 'gzip')) n += c.length;
  return n;
});
await time('gunzip', 'node:zlib gunzipSync (native)', original.length, () => nodeGunzip(packed).length);
goTime('gunzip', packedFile, original.length);

console.log(`machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, Node ${process.version}`);
console.log('| operation | implementation | input | best of 7 | throughput |');
console.log('| --- | --- | --- | --- | --- |');
for (const r of rows) {
  const mbps = r.bytes / r.seconds / 1e6;
  const extra = r.op === 'uvarint' && r.items && r.items > 0 ? `, ${(r.items / r.seconds / 1e6).toFixed(0)} M varints/s` : '';
  console.log(`| ${r.op} | ${r.impl} | ${(r.bytes / 1e6).toFixed(1)} MB | ${(r.seconds * 1000).toFixed(1)} ms | ${mbps.toFixed(0)} MB/s${extra} |`);
}
