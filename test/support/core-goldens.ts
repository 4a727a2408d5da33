/**
 * Goldens of the core reader's ELF layer (src/core) against the Go oracle `core-elf`
 * (testdata/gen/cmd/oracle/core_elf.go: debug/elf's program headers, note payloads decoded with
 * encoding/binary): the recorded cores of the `core` fixture set and the Go 1.9 core of the shared corpus.
 *
 * The cores are stored gzip-compressed; the oracle removes that layer itself (`.gz` input), and
 * {@link coreElfGoldenText} does the same with the bytes it is given.
 */

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { coreElfDump } from '../../src/core/dump.js';
import type { ExtraGolden } from './fixtures.js';

/**
 * The recorded cores (testdata/fixtures/…, stored gzip-compressed): every manifest entry of format `core`, so that
 * recording the set for another toolchain brings its goldens along. The manifest is read here rather than through
 * fixtures.ts, which imports this module (its constants are not initialised yet when this one runs).
 */
export const CORE_FIXTURES: string[] = (
  JSON.parse(
    readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'testdata', 'fixtures', 'manifest.json'), 'utf8'),
  ) as { fixtures: { path: string; format: string }[] }
).fixtures
  .filter((f) => f.format === 'core')
  .map((f) => f.path);

/** The TypeScript side of `core-elf`: the dump of a core given as its bytes (gzip removed when present). */
export async function coreElfGoldenText(bytes: Uint8Array): Promise<string> {
  const raw = bytes[0] === 0x1f && bytes[1] === 0x8b ? new Uint8Array(gunzipSync(bytes)) : bytes;
  return coreElfDump(raw);
}

/** The `core-elf` goldens: one per recorded core, and the corpus core. */
export const coreExtraGoldens: ExtraGolden[] = [
  ...CORE_FIXTURES.map((path) => ({
    input: `testdata/fixtures/${path}`,
    golden: `${path.replace(/\.gz$/, '')}.core-elf.json`,
    oracleArgs: ['core-elf'],
    run: coreElfGoldenText,
  })),
  {
    input: '../shared/corpus/core/go1.9/core',
    golden: 'corpus/core/go1.9/core.core-elf.json',
    oracleArgs: ['core-elf'],
    run: coreElfGoldenText,
    corpus: true,
  },
];
