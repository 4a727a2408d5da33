/**
 * The recorded fixture set (testdata/fixtures/manifest.json) and its goldens, shared by the golden tests
 * and scripts/goldens.ts so that both sides iterate the same (fixture, command) pairs.
 */

import { readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'fflate';
import { inspect } from '../../src/inspect.js';
import { dumpProfile } from '../../src/pprof/dump.js';
import { parseProfileBytes } from '../../src/pprof/parse.js';
import { profileToString } from '../../src/pprof/string.js';
import { pprofOpsGoldenCommands } from './pprof-ops-goldens.js';
import { traceExtraGoldens, traceGoldenCommands } from './trace-goldens.js';
import { canonicalJson, float } from '../../src/internal/canonical-json.js';
import { decodeUtf8 } from '../../src/internal/utf8.js';
import { GodiagError } from '../../src/internal/errors.js';
import { quoteGolden } from './quote-golden.js';
import { symbolizeExtraGoldens } from './symbolize-goldens.js';
import { prometheusExtraGoldens } from './prometheus-goldens.js';
import { coreExtraGoldens } from './core-goldens.js';
import { dwarfExtraGoldens } from './dwarf-goldens.js';
import { coreDelveReferenceGoldens } from './core-delve-goldens.js';
import { callersPath, gosymDumpText, gosymInlineText, hasCallers, isGosymExecutable } from './gosym-goldens.js';

/** Repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Where fixtures live. */
export const FIXTURES = join(ROOT, 'testdata', 'fixtures');
/** Where goldens live. */
export const GOLDENS = join(ROOT, 'testdata', 'goldens');

/** One manifest entry, as written by testdata/gen/cmd/record. */
export interface Fixture {
  path: string;
  format:
    | 'trace'
    | 'pprof'
    | 'pprof-text'
    | 'goroutine-dump'
    | 'elf'
    | 'macho'
    | 'pe'
    | 'gosym-callers'
    | 'metrics-catalog'
    | 'metrics-snapshots'
    | 'prometheus-text'
    | 'expvar'
    | 'otel-points'
    | 'metrics-otel-snapshots'
    | 'core'
    | 'core-exe'
    | 'core-gdb'
    | 'core-goroutines'
    | 'core-oracle';
  goVersion: string;
  goos: string;
  goarch: string;
  program: string;
  /** What the file holds: for profiles and dumps cpu, heap, allocs, goroutine, …, goroutine-debug2, crash-all; for traces mixed, allocfree, flight-recorder, go-test. */
  kind?: string;
  command: string;
  storage: 'gzip' | 'raw';
  sha256: string;
  size: number;
  originalSize: number;
}

/** The fixture manifest. */
export interface Manifest {
  toolchains: { version: string; status: string }[];
  fixtures: Fixture[];
}

/** Reads testdata/fixtures/manifest.json. */
export function loadManifest(): Manifest {
  return JSON.parse(readFileSync(join(FIXTURES, 'manifest.json'), 'utf8')) as Manifest;
}

/** The stored bytes of a fixture (what is committed). */
export function storedBytes(f: Fixture): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, f.path)));
}

/** The original bytes of a fixture: the storage gzip layer removed, as the oracle sees them. */
export function fixtureBytes(f: Fixture): Uint8Array {
  const stored = storedBytes(f);
  return f.storage === 'gzip' ? gunzipSync(stored) : stored;
}

/** A command whose output is compared with the Go oracle's, fixture by fixture. */
export interface GoldenCommand {
  /** Suffix of the golden file name: `<fixture path without .gz>.<name>.json`. */
  name: string;
  /** Arguments to the oracle before the file name. */
  oracleArgs: string[];
  /** Which fixtures it applies to. */
  appliesTo(f: Fixture): boolean;
  /** The TypeScript side: canonical JSON text, newline-terminated, as `godiag` prints it. */
  run(bytes: Uint8Array, fixture: Fixture): Promise<string>;
  /**
   * When set, an input the oracle rejects has the golden {@link REJECTED} instead of failing the
   * derivation, and the TypeScript side must reject it too (with a GodiagError).
   */
  rejectionsAreGoldens?: boolean;
  /** Store this command's goldens gzip-compressed (whole-profile dumps of every operation add up). */
  compressGoldens?: boolean;
}

/** The golden of an input both sides reject. */
export const REJECTED = '{"rejected":true}\n';

/** Runs a command's TypeScript side, turning a GodiagError into {@link REJECTED}. */
async function orRejected(run: () => Promise<string>): Promise<string> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof GodiagError) return REJECTED;
    throw e;
  }
}

/** `godiag inspect --json` of the bytes. */
async function inspectText(bytes: Uint8Array): Promise<string> {
  return canonicalJson(await inspect(bytes)) + '\n';
}

/** Every golden command; format issues add theirs here. */
export const goldenCommands: GoldenCommand[] = [
  {
    name: 'inspect',
    oracleArgs: ['inspect'],
    // The oracle identifies these with Go's readers (header bytes, google/pprof, debug/elf|macho|pe).
    appliesTo: (f) => ['trace', 'pprof', 'elf', 'macho', 'pe'].includes(f.format),
    run: inspectText,
  },
];

goldenCommands.push({
  name: 'pprof',
  oracleArgs: ['pprof'],
  // google/pprof's ParseData on the profile: protobuf and the legacy text encodings.
  appliesTo: (f) => f.format === 'pprof' || f.format === 'pprof-text',
  run: (bytes) => orRejected(async () => dumpProfile(parseProfileBytes(bytes)) + '\n'),
  rejectionsAreGoldens: true,
});

goldenCommands.push({
  name: 'pprof-string',
  oracleArgs: ['pprof-string'],
  appliesTo: (f) => f.format === 'pprof' || f.format === 'pprof-text',
  run: (bytes) => orRejected(async () => canonicalJson({ string: profileToString(parseProfileBytes(bytes)) }) + '\n'),
  rejectionsAreGoldens: true,
});

goldenCommands.push(...pprofOpsGoldenCommands.map((c) => ({ ...c, compressGoldens: true })));

goldenCommands.push(...traceGoldenCommands);

goldenCommands.push({
  name: 'gosym',
  oracleArgs: ['gosym'],
  appliesTo: isGosymExecutable,
  run: gosymDumpText,
  compressGoldens: true,
});

goldenCommands.push({
  name: 'gosym-inline',
  oracleArgs: ['gosym-inline'],
  appliesTo: (f) => hasCallers(FIXTURES, f),
  run: (bytes, f) => gosymInlineText(bytes, join(FIXTURES, callersPath(f.path))),
});

/** Path of the golden file of a command on a fixture (`.json.gz` for commands whose goldens are large). */
export function goldenPath(f: Fixture, command: GoldenCommand): string {
  return join(GOLDENS, `${f.path.replace(/\.gz$/, '')}.${command.name}.json${command.compressGoldens ? '.gz' : ''}`);
}

/** Reads a golden's text, gunzipping `.gz` goldens. */
export function readGolden(path: string): string {
  const bytes = readFileSync(path);
  return path.endsWith('.gz') ? new TextDecoder().decode(gunzipSync(bytes)) : bytes.toString('utf8');
}

/** The bytes to store for a golden: gzip for `.gz` goldens, deterministic (no timestamp), else the text. */
export function goldenBytes(path: string, text: string): Uint8Array {
  const raw = new TextEncoder().encode(text);
  return path.endsWith('.gz') ? gzipSync(raw, { level: 9, mtime: 0 }) : raw;
}

/** A golden that is not derived from a recorded fixture: an input file checked in beside it. */
export interface ExtraGolden {
  /** Input, relative to the repository root. */
  input: string;
  /** Golden, relative to testdata/goldens. */
  golden: string;
  oracleArgs: string[];
  /**
   * Converts the input file into the bytes both sides read, for an input the oracle cannot read as it is (Go's
   * trace tests are text; Go reads the binary trace its test harness builds from them). The oracle then reads
   * these bytes from a temporary file.
   */
  prepare?(file: Uint8Array): Uint8Array;
  run(bytes: Uint8Array): Promise<string>;
  /** The input is in the shared corpus, which may be absent: then the golden is kept but not compared. */
  corpus?: boolean;
}

/** Goldens of the oracle's own rules: the canonical JSON of floats and byte strings. */
export const extraGoldens: ExtraGolden[] = [
  {
    input: 'testdata/canon/cases.json',
    golden: 'canon/cases.canon.json',
    oracleArgs: ['canon'],
    run: async (bytes) => {
      const cases = JSON.parse(new TextDecoder().decode(bytes)) as { floats: string[]; strings: string[] };
      const view = new DataView(new ArrayBuffer(8));
      const floats = cases.floats.map((h) => {
        view.setBigUint64(0, BigInt('0x' + h));
        return float(view.getFloat64(0));
      });
      const strings = cases.strings.map((b) => decodeUtf8(Uint8Array.from(atob(b), (c) => c.charCodeAt(0))));
      return canonicalJson({ floats, strings }) + '\n';
    },
  },
];

extraGoldens.push(quoteGolden);

extraGoldens.push(...traceExtraGoldens);

/** Where the shared third-party corpus sits (absent in a user's clone: tests that need it skip). */
export const CORPUS = join(ROOT, '..', 'shared', 'corpus');

/** ELF files of the shared corpus (executables of old Go versions, a Go 1.9 core) checked by `inspect`. */
const CORPUS_ELF = [
  'gosym/goretk/gold-linux-386-1.15.0',
  'gosym/goretk/gold-linux-amd64-1.5.0',
  'gosym/goretk/gold-linux-amd64-1.12.0',
  'gosym/goretk/gold-linux-amd64-1.15.0',
  'gosym/goretk/gold-linux-amd64-1.16.0',
  'gosym/goretk/gold-linux-amd64-1.18.0',
  'core/go1.9/core',
  'core/go1.9/tmp/test',
];

for (const path of CORPUS_ELF) {
  extraGoldens.push({
    input: join('..', 'shared', 'corpus', path),
    golden: `corpus/${path}.inspect.json`,
    oracleArgs: ['inspect'],
    run: inspectText,
    corpus: true,
  });
}

extraGoldens.push(...symbolizeExtraGoldens);
extraGoldens.push(...prometheusExtraGoldens);
extraGoldens.push(...coreExtraGoldens);
extraGoldens.push(...dwarfExtraGoldens);

// The older pclntab layouts (Go 1.5–1.18: magics 0xfffffffb, 0xfffffffa, 0xfffffff0), stripped, which current
// toolchains cannot produce.
const CORPUS_GORETK = ['386-1.15.0', 'amd64-1.5.0', 'amd64-1.12.0', 'amd64-1.15.0', 'amd64-1.16.0', 'amd64-1.18.0'];
for (const v of CORPUS_GORETK) {
  const path = `gosym/goretk/gold-linux-${v}`;
  extraGoldens.push({
    input: join('..', 'shared', 'corpus', path),
    golden: `corpus/${path}.gosym.json.gz`,
    oracleArgs: ['gosym'],
    run: gosymDumpText,
    corpus: true,
  });
}

/**
 * A golden the oracle derives that no TypeScript side prints byte for byte: a second reader's view (Delve's reading of
 * a core), which its own test compares field by field with godiag, each systematic difference documented there.
 * `npm run goldens` writes and checks it like the others; test/node/golden.test.ts does not compare it.
 */
export interface ReferenceGolden {
  /** Input, relative to the repository root. */
  input: string;
  /** Golden, relative to testdata/goldens. */
  golden: string;
  oracleArgs: string[];
  /** The test that compares it (a path in the repository). */
  comparedBy: string;
}

/** Every reference golden: Delve's `core-delve` of each recorded core. */
export const referenceGoldens: ReferenceGolden[] = [...coreDelveReferenceGoldens];

/** The reference goldens as jobs for scripts/goldens.ts: a {@link GoldenJob} without a TypeScript side. */
export function referenceGoldenJobs(): Omit<GoldenJob, 'run'>[] {
  return referenceGoldens.map((r) => ({
    id: `${r.oracleArgs.join(' ')} ${r.input}`,
    input: join(ROOT, r.input),
    oracleArgs: r.oracleArgs,
    rejectionsAreGoldens: false,
    golden: join(GOLDENS, r.golden),
    bytes: () => new Uint8Array(readFileSync(join(ROOT, r.input))),
    available: existsSync(join(ROOT, r.input)),
  }));
}

/** One golden to derive or compare: where its input is, what the oracle runs, and the TypeScript side. */
export interface GoldenJob {
  /** A readable name for test titles and messages. */
  id: string;
  /** Absolute path of the input as the oracle reads it (`.gz` = storage layer). */
  input: string;
  oracleArgs: string[];
  /** An oracle failure is the golden {@link REJECTED}. */
  rejectionsAreGoldens: boolean;
  /** Absolute path of the golden file. */
  golden: string;
  /** The input's original bytes (storage gzip removed), or what {@link ExtraGolden.prepare} makes of them. */
  bytes(): Uint8Array;
  /** Set when the oracle must read {@link bytes} (from a temporary file) instead of the file at `input`. */
  prepared?: boolean;
  run(bytes: Uint8Array): Promise<string>;
  /** False when the input is missing (the shared corpus is absent); the job is then skipped. */
  available: boolean;
}

/** Every golden of the project: each command on each fixture it applies to, and the extra goldens. */
export function goldenJobs(manifest: Manifest = loadManifest()): GoldenJob[] {
  const jobs: GoldenJob[] = [];
  for (const f of manifest.fixtures) {
    for (const c of goldenCommands) {
      if (!c.appliesTo(f)) continue;
      jobs.push({
        id: `${c.name} ${f.path}`,
        input: join(FIXTURES, f.path),
        oracleArgs: c.oracleArgs,
        rejectionsAreGoldens: c.rejectionsAreGoldens === true,
        golden: goldenPath(f, c),
        bytes: () => fixtureBytes(f),
        run: (bytes) => c.run(bytes, f),
        available: true,
      });
    }
  }
  for (const e of extraGoldens) {
    const file = () => new Uint8Array(readFileSync(join(ROOT, e.input)));
    const prepare = e.prepare?.bind(e);
    jobs.push({
      id: `${e.oracleArgs.join(' ')} ${e.input}`,
      input: join(ROOT, e.input),
      oracleArgs: e.oracleArgs,
      rejectionsAreGoldens: false,
      golden: join(GOLDENS, e.golden),
      bytes: prepare === undefined ? file : () => prepare(file()),
      ...(prepare === undefined ? {} : { prepared: true }),
      run: e.run,
      available: !e.corpus || existsSync(join(ROOT, e.input)),
    });
  }
  return jobs;
}

/** True when the fixture set is present (it is committed, so always in a clone). */
export const haveFixtures = existsSync(join(FIXTURES, 'manifest.json'));
