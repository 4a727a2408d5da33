/**
 * Goldens of the core reader's ELF layer (src/core) against the Go oracle `core-elf`
 * (testdata/gen/cmd/oracle/core_elf.go: debug/elf's program headers, note payloads decoded with
 * encoding/binary): the recorded cores of the `core` fixture set and the Go 1.9 core of the shared corpus.
 *
 * The cores are stored gzip-compressed; the oracle removes that layer itself (`.gz` input), and
 * {@link coreElfGoldenText} does the same with the bytes it is given.
 */

import { gunzipSync } from 'node:zlib';
import { coreElfDump } from '../../src/core/dump.js';
import type { ExtraGolden } from './fixtures.js';

/** The recorded cores (testdata/fixtures/…, stored gzip-compressed). */
export const CORE_FIXTURES = [
  'go1.26.8/linux-amd64/core-kernel.core.gz',
  'go1.26.8/linux-amd64/core-kernel-pie.core.gz',
  'go1.26.8/linux-amd64/core-gcore.core.gz',
  'go1.26.8/linux-arm64/core-qemu.core.gz',
];

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
