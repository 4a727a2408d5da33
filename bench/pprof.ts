/**
 * pprof decode/encode benchmark: `npm run bench -- pprof` (or `tsx bench/pprof.ts [FILE]`).
 *
 * Input: a large heap profile recorded by testdata/gen/programs/bigheap (when Go is on PATH), else FILE.
 * Compared in the same run: godiag, pprof-format (npm), protobufjs reflection decoding, a bare wire walk with
 * protobufjs's minimal Reader beside the same walk with godiag's ProtoReader, and Go's google/pprof
 * (testdata/gen/cmd/bench-pprof). Best of 5 after a warm-up. Memory is measured by bench/pprof-memory.ts.
 */

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'fflate';
import { Profile as PprofFormatProfile } from 'pprof-format';
import protobuf from 'protobufjs';
import { parseProfile, parseProfileBytes } from '../src/pprof/parse.js';
import { encodeProfile, encodeUncompressed } from '../src/pprof/encode.js';
import { decodeProfile } from '../src/pprof/decode.js';
import { ProtoReader } from '../src/internal/protowire.js';
import { nativeGzip } from '../src/node/index.js';

const dir = mkdtempSync(join(tmpdir(), 'godiag-bench-pprof-'));
const haveGo = spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
let file = process.argv.find((a, i) => i >= 2 && a !== 'pprof' && existsSync(a));
if (!file) {
  if (!haveGo) {
    console.error('bench/pprof: give a profile FILE, or install Go to record one');
    process.exit(2);
  }
  file = join(dir, 'bigheap.pprof');
  console.error('recording a large heap profile (testdata/gen/programs/bigheap)…');
  // The programs module is not in go.work (it must build with old toolchains), hence GOWORK=off.
  execFileSync('go', ['-C', 'testdata/gen/programs', 'run', './bigheap', '-o', file], { stdio: 'inherit', env: { ...process.env, GOWORK: 'off' } });
}
const gz = new Uint8Array(readFileSync(file));
const raw = gz[0] === 0x1f ? gunzipSync(gz) : gz;

interface Row {
  what: string;
  impl: string;
  seconds: number;
  /** Output size, for encoders. */
  bytes?: number;
}
const rows: Row[] = [];
function time(what: string, impl: string, fn: () => unknown): void {
  const out = fn();
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    fn();
    best = Math.min(best, (performance.now() - t) / 1000);
  }
  rows.push({ what, impl, seconds: best, ...(out instanceof Uint8Array ? { bytes: out.length } : {}) });
}

async function timeAsync(what: string, impl: string, fn: () => Promise<unknown>): Promise<void> {
  await fn();
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await fn();
    best = Math.min(best, (performance.now() - t) / 1000);
  }
  rows.push({ what, impl, seconds: best });
}

// profile.proto as a protobufjs reflection schema (field numbers and types from the published .proto).
const root = protobuf.Root.fromJSON({
  nested: {
    Profile: {
      fields: {
        sampleType: { rule: 'repeated', type: 'ValueType', id: 1 },
        sample: { rule: 'repeated', type: 'Sample', id: 2 },
        mapping: { rule: 'repeated', type: 'Mapping', id: 3 },
        location: { rule: 'repeated', type: 'Location', id: 4 },
        function: { rule: 'repeated', type: 'Function', id: 5 },
        stringTable: { rule: 'repeated', type: 'string', id: 6 },
        dropFrames: { type: 'int64', id: 7 },
        keepFrames: { type: 'int64', id: 8 },
        timeNanos: { type: 'int64', id: 9 },
        durationNanos: { type: 'int64', id: 10 },
        periodType: { type: 'ValueType', id: 11 },
        period: { type: 'int64', id: 12 },
        comment: { rule: 'repeated', type: 'int64', id: 13 },
        defaultSampleType: { type: 'int64', id: 14 },
        docUrl: { type: 'int64', id: 15 },
      },
    },
    ValueType: { fields: { type: { type: 'int64', id: 1 }, unit: { type: 'int64', id: 2 } } },
    Sample: {
      fields: {
        locationId: { rule: 'repeated', type: 'uint64', id: 1 },
        value: { rule: 'repeated', type: 'int64', id: 2 },
        label: { rule: 'repeated', type: 'Label', id: 3 },
      },
    },
    Label: { fields: { key: { type: 'int64', id: 1 }, str: { type: 'int64', id: 2 }, num: { type: 'int64', id: 3 }, numUnit: { type: 'int64', id: 4 } } },
    Mapping: {
      fields: {
        id: { type: 'uint64', id: 1 }, memoryStart: { type: 'uint64', id: 2 }, memoryLimit: { type: 'uint64', id: 3 },
        fileOffset: { type: 'uint64', id: 4 }, filename: { type: 'int64', id: 5 }, buildId: { type: 'int64', id: 6 },
        hasFunctions: { type: 'bool', id: 7 }, hasFilenames: { type: 'bool', id: 8 }, hasLineNumbers: { type: 'bool', id: 9 },
        hasInlineFrames: { type: 'bool', id: 10 },
      },
    },
    Location: {
      fields: {
        id: { type: 'uint64', id: 1 }, mappingId: { type: 'uint64', id: 2 }, address: { type: 'uint64', id: 3 },
        line: { rule: 'repeated', type: 'Line', id: 4 }, isFolded: { type: 'bool', id: 5 },
      },
    },
    Line: { fields: { functionId: { type: 'uint64', id: 1 }, line: { type: 'int64', id: 2 }, column: { type: 'int64', id: 3 } } },
    Function: {
      fields: {
        id: { type: 'uint64', id: 1 }, name: { type: 'int64', id: 2 }, systemName: { type: 'int64', id: 3 },
        filename: { type: 'int64', id: 4 }, startLine: { type: 'int64', id: 5 },
      },
    },
  },
});
const ProfileType = root.lookupType('Profile');

// The bare wire walk: visit every field and varint of every message, building nothing.
const NESTED: Record<number, boolean> = { 1: true, 2: true, 3: true, 4: true, 5: true, 11: true };
function walkGodiag(bytes: Uint8Array): number {
  const r = new ProtoReader(bytes);
  let n = 0;
  const walk = (end: number, depth: number) => {
    while (r.nextField(end)) {
      n++;
      if (r.wireType === 2 && (depth === 0 ? NESTED[r.field] : depth === 1 && (r.field === 3 || r.field === 4))) {
        const stop = r.length(end);
        walk(stop, depth + 1);
      } else if (r.wireType === 2 && depth === 1) {
        const stop = r.length(end); // packed scalars
        while (r.pos < stop) r.varint(), n++;
      } else r.skip(end);
    }
  };
  walk(bytes.length, 0);
  return n;
}
function walkProtobufjs(bytes: Uint8Array): number {
  const r = protobuf.Reader.create(bytes);
  let n = 0;
  const walk = (end: number, depth: number) => {
    while (r.pos < end) {
      const tag = r.uint32();
      const field = tag >>> 3;
      const wt = tag & 7;
      n++;
      if (wt === 2 && (depth === 0 ? NESTED[field] : depth === 1 && (field === 3 || field === 4))) {
        const len = r.uint32();
        walk(r.pos + len, depth + 1);
      } else if (wt === 2 && depth === 1) {
        const stop = r.uint32() + r.pos;
        while (r.pos < stop) r.uint64(), n++;
      } else if (wt === 0) r.uint64();
      else r.skipType(wt);
    }
  };
  walk(bytes.length, 0);
  return n;
}

// Each implementation is timed with only its own results alive, so one's garbage does not tax another.
{
  const ours = parseProfileBytes(raw);
  time('decode', 'godiag decodeProfile', () => decodeProfile(raw));
  time('decode (ParseData, gunzip included)', 'godiag parseProfileBytes (fflate)', () => parseProfileBytes(gz));
  await timeAsync('decode (ParseData, gunzip included)', 'godiag parseProfile (native gunzip)', () => parseProfile(gz));
  time('encode', 'godiag encodeUncompressed', () => encodeUncompressed(ours));
  time('encode + gzip', 'godiag encodeProfile (fflate, level 6)', () => encodeProfile(ours));
  time('encode + gzip', 'godiag encodeProfile + nativeGzip (zlib, level 6)', () => encodeProfile(ours, { compress: nativeGzip() }));
  time('encode + gzip', 'godiag encodeProfile + nativeGzip (zlib, level 1)', () => encodeProfile(ours, { compress: nativeGzip({ level: 1 }) }));
}
{
  const theirs = PprofFormatProfile.decode(raw);
  time('decode', 'pprof-format Profile.decode', () => PprofFormatProfile.decode(raw));
  time('encode', 'pprof-format encode', () => theirs.encode());
}
time('decode', 'protobufjs reflection (Type.decode)', () => ProfileType.decode(raw));
time('wire walk', 'godiag ProtoReader', () => walkGodiag(raw));
time('wire walk', 'protobufjs minimal Reader', () => walkProtobufjs(raw));

if (haveGo) {
  const goBench = join(dir, 'bench-pprof');
  execFileSync('go', ['build', '-o', goBench, './testdata/gen/cmd/bench-pprof'], { stdio: 'inherit' });
  const r = JSON.parse(execFileSync(goBench, [file], { encoding: 'utf8' })) as Record<string, number>;
  const names: Record<string, string> = {
    parse: 'decode (ParseData, gunzip included)',
    parseUncompressed: 'decode',
    write: 'encode + gzip',
    writeUncompressed: 'encode',
  };
  const impls: Record<string, string> = {
    parse: 'Go google/pprof ParseData',
    parseUncompressed: 'Go google/pprof ParseData (uncompressed input)',
    write: 'Go google/pprof Write',
    writeUncompressed: 'Go google/pprof WriteUncompressed',
  };
  for (const [k, v] of Object.entries(r)) {
    if (!k.endsWith('Seconds')) continue;
    const name = k.replace('Seconds', '');
    rows.push({ what: names[name] ?? k, impl: impls[name] ?? name, seconds: v, ...(name === 'write' ? { bytes: r.writtenBytes! } : {}) });
  }
}
// Group rows by operation so each comparison reads as one block.
const order = ['decode', 'decode (ParseData, gunzip included)', 'encode', 'encode + gzip', 'wire walk'];
rows.sort((a, b) => order.indexOf(a.what) - order.indexOf(b.what));

// Memory in a clean process of its own (bench/pprof-memory.ts).
const mem = JSON.parse(
  execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/pprof-memory.ts', file], { encoding: 'utf8' }),
) as { retainedBytes: number; peakRssOverBaseline: number };
// The whole user path's peak (stream, gunzip, decode) as max RSS over a process that only loads the code.
const maxRss = (args: string[]) =>
  (JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', 'bench/pprof-peak.ts', ...args], { encoding: 'utf8' })) as { maxRss: number }).maxRss;
const peakOverBaseline = maxRss([file]) - maxRss([]);

console.log(`machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, Node ${process.version}`);
const summary = parseProfileBytes(raw);
console.log(`profile: ${file}: ${(gz.length / 1e6).toFixed(1)} MB gzip, ${(raw.length / 1e6).toFixed(1)} MB uncompressed, ${summary.sample.length} samples, ${summary.location.length} locations, ${summary.function.length} functions`);
console.log('| operation | implementation | best of 5 | MB/s (uncompressed) | output |');
console.log('| --- | --- | --- | --- | --- |');
for (const r of rows) {
  const out = r.bytes === undefined ? '' : `${(r.bytes / 1e6).toFixed(2)} MB`;
  console.log(`| ${r.what} | ${r.impl} | ${(r.seconds * 1000).toFixed(1)} ms | ${(raw.length / r.seconds / 1e6).toFixed(0)} | ${out} |`);
}
console.log(
  `memory (decode alone): retained ${(mem.retainedBytes / 1e6).toFixed(1)} MB (${(mem.retainedBytes / raw.length).toFixed(2)}× the uncompressed size), ` +
    `RSS over baseline right after decoding ${(mem.peakRssOverBaseline / 1e6).toFixed(1)} MB (${(mem.peakRssOverBaseline / raw.length).toFixed(2)}×)`,
);
console.log(
  `peak memory of parseProfile(fileSource(FILE)) — stream, gunzip, decode: max RSS ${(peakOverBaseline / 1e6).toFixed(1)} MB over baseline ` +
    `(${(peakOverBaseline / raw.length).toFixed(2)}× the uncompressed size)`,
);
