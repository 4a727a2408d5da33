/**
 * Derives every golden from its fixture with the Go oracle (testdata/gen/cmd/oracle).
 *   tsx scripts/goldens.ts write   — (re)write testdata/goldens
 *   tsx scripts/goldens.ts check   — fail on any difference, missing or stale golden
 * Needs Go; exits 0 with a message when `go` is not on PATH, so `.ci/run` can call it unconditionally.
 */

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { FIXTURES, GOLDENS, REJECTED, ROOT, fixtureBytes, goldenBytes, goldenCommands, goldenJobs, goldenPath, loadManifest, readGolden, referenceGoldenJobs } from '../test/support/fixtures.js';
import { encodeProfile } from '../src/pprof/encode.js';
import { parseProfileBytes } from '../src/pprof/parse.js';

const mode = process.argv[2];
if (mode !== 'write' && mode !== 'check') {
  console.error('usage: tsx scripts/goldens.ts write|check');
  process.exit(2);
}

if (spawnSync('go', ['version'], { stdio: 'ignore' }).status !== 0) {
  console.log('goldens: skipped — Go is not on PATH (goldens are derived with the Go oracle; install Go to check them)');
  process.exit(0);
}

const oracle = join(mkdtempSync(join(tmpdir(), 'godiag-oracle-')), 'oracle');
execFileSync('go', ['build', '-o', oracle, './testdata/gen/cmd/oracle'], { cwd: ROOT, stdio: 'inherit' });

const scratch = mkdtempSync(join(tmpdir(), 'godiag-goldens-'));
const expected = new Set<string>();
let differences = 0;
let compared = 0;
// Reference goldens (Delve's reading of the cores) are derived and checked here too; their own tests compare them.
for (const job of [...goldenJobs(), ...referenceGoldenJobs()]) {
  const path = job.golden;
  expected.add(path);
  if (!job.available) {
    console.log(`goldens: skipped ${job.id}: the shared corpus (../shared/corpus) is not here`);
    continue;
  }
  compared++;
  // A prepared input (a Go trace test, text) is converted first: the oracle reads the converted bytes.
  let input = job.input;
  if (job.prepared === true) {
    input = join(scratch, 'prepared-input');
    writeFileSync(input, job.bytes());
  }
  // TZ=UTC: google/pprof's String() prints the profile's time in the local zone; profileToString uses UTC.
  const r = spawnSync(oracle, [...job.oracleArgs, input], { encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, TZ: 'UTC' } });
  if (r.status === 1 && job.rejectionsAreGoldens) {
    // The reference rejects this input; the golden records that, and the TypeScript side must reject it too.
    r.stdout = REJECTED;
    r.status = 0;
  }
  if (r.status !== 0) {
    console.error(`goldens: oracle ${job.id} failed (exit ${r.status}):\n${r.stderr}`);
    differences++;
    continue;
  }
  if (mode === 'write') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, goldenBytes(path, r.stdout));
  } else if (!existsSync(path)) {
    console.error(`goldens: missing ${relative(ROOT, path)}`);
    differences++;
  } else if (readGolden(path) !== r.stdout) {
    console.error(`goldens: ${relative(ROOT, path)} differs from what the oracle prints now`);
    differences++;
  }
}

// The encoder, proven in Go: every profile fixture, read and written again by godiag (gzip), must read in
// google/pprof exactly as google/pprof's own Write output of the same fixture does.
let reencoded = 0;
for (const fixture of loadManifest().fixtures) {
  if (fixture.format !== 'pprof' && fixture.format !== 'pprof-text') continue;
  const golden = goldenPath(fixture, goldenCommands.find((c) => c.name === 'pprof')!);
  if (!existsSync(golden) || readGolden(golden) === REJECTED) continue;
  const file = join(scratch, 'profile.pb.gz');
  writeFileSync(file, encodeProfile(parseProfileBytes(fixtureBytes(fixture))));
  const ours = spawnSync(oracle, ['pprof', file], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const theirs = spawnSync(oracle, ['pprof-reencode', join(FIXTURES, fixture.path)], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (ours.status !== 0 || theirs.status !== 0 || ours.stdout !== theirs.stdout) {
    console.error(`goldens: ${fixture.path} written by godiag reads differently in google/pprof than written by google/pprof${ours.status !== 0 ? `: ${ours.stderr}` : ''}`);
    differences++;
  } else reencoded++;
}
console.log(`goldens: ${reencoded} profiles written by godiag read in google/pprof exactly as google/pprof's own output`);

// A golden without a fixture is stale: nothing re-derives it any more.
for (const file of walk(GOLDENS)) {
  if (expected.has(file)) continue;
  if (mode === 'write') {
    rmSync(file);
    console.log(`goldens: removed stale ${relative(ROOT, file)}`);
  } else {
    console.error(`goldens: stale ${relative(ROOT, file)} (no fixture or command produces it)`);
    differences++;
  }
}

if (differences > 0) {
  console.error(`goldens: ${differences} problem(s)${mode === 'check' ? '; run `npm run goldens` and review the diff' : ''}`);
  process.exit(1);
}
console.log(`goldens: ${compared} goldens ${mode === 'write' ? 'written' : 'match the oracle'}${compared < expected.size ? ` (${expected.size - compared} skipped)` : ''}`);

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
