/**
 * Goldens of Delve's reading of the recorded cores: the Go oracle `core-delve` (testdata/gen/cmd/oracle/core_delve.go:
 * github.com/go-delve/delve's pkg/proc/core, the core with its executable from the manifest) prints every goroutine
 * Delve lists with its stack. No TypeScript side prints that text byte for byte: Delve is a second reader with its own
 * choices, so test/node/core-delve.test.ts compares godiag's goroutines and frames with it field by field, each
 * systematic difference documented and counted. These goldens are derived and checked by `npm run goldens` like the
 * others ({@link ReferenceGolden}), and not by test/node/golden.test.ts.
 */

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// Only types from fixtures.ts: it imports this module, so its values are not initialised yet here.
import type { Manifest, ReferenceGolden } from './fixtures.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function loadManifest(): Manifest {
  return JSON.parse(readFileSync(join(ROOT, 'testdata', 'fixtures', 'manifest.json'), 'utf8')) as Manifest;
}

/** The manifest paths (under testdata/fixtures) of the cores Delve reads: every recorded core (Go 1.22–1.26, amd64 and arm64). */
export function coreDelveFixturePaths(manifest: Manifest = loadManifest()): string[] {
  return manifest.fixtures.filter((f) => f.format === 'core').map((f) => f.path);
}

/** The golden of a core (path under testdata/fixtures), relative to testdata/goldens. */
export function coreDelveGoldenPath(path: string): string {
  return `${path.replace(/\.gz$/, '')}.core-delve.json`;
}

/** The `core-delve` goldens: one per recorded core, compared by test/node/core-delve.test.ts. */
export const coreDelveReferenceGoldens: ReferenceGolden[] = coreDelveFixturePaths().map((path) => ({
  input: `testdata/fixtures/${path}`,
  golden: coreDelveGoldenPath(path),
  oracleArgs: ['core-delve'],
  comparedBy: 'test/node/core-delve.test.ts',
}));

/** A location as the golden prints it (Delve's `proc.Location`): pc as `0x…`, function `''` when Delve has none. */
export interface DelveLocation {
  pc: string;
  function: string;
  file: string;
  line: number;
}

/** A frame of Delve's `GoroutineStacktrace`, innermost first. */
export interface DelveFrame extends DelveLocation {
  inlined: boolean;
}

/** The golden's first line. */
export interface DelveProcess {
  kind: 'Process';
  producer: string;
  goarch: string;
  threads: number[];
  currentThread: number;
  goroutines: number;
}

/** One goroutine as Delve reads it (see core_delve.go for each field's source). */
export interface DelveGoroutine {
  kind: 'Goroutine';
  id: number;
  unreadable?: string;
  status: number;
  waitReason: number;
  waitReasonText?: string;
  thread?: number;
  labels?: Record<string, string>;
  go: DelveLocation;
  startPc: string;
  start: DelveLocation;
  system: boolean;
  frames: DelveFrame[];
  stackError?: string;
}

/** A parsed `core-delve` golden. */
export interface DelveCore {
  process: DelveProcess;
  goroutines: DelveGoroutine[];
}

/** Reads the `core-delve` golden of a core (manifest path). */
export function readCoreDelveGolden(path: string): DelveCore {
  const lines = readFileSync(join(ROOT, 'testdata', 'goldens', coreDelveGoldenPath(path)), 'utf8').trimEnd().split('\n');
  const [head, ...rest] = lines.map((l) => JSON.parse(l) as DelveProcess | DelveGoroutine);
  if (head?.kind !== 'Process') throw new Error(`${path}: the core-delve golden does not start with its Process line`);
  return { process: head, goroutines: rest.filter((g): g is DelveGoroutine => g.kind === 'Goroutine') };
}
