/**
 * Goldens of the DWARF reader (src/core/dwarf) against the Go oracle `dwarf-layouts`
 * (testdata/gen/cmd/oracle/dwarf_layouts.go: debug/elf and debug/dwarf): the layouts of the runtime structs
 * listed in testdata/gen/cmd/oracle/dwarf_layouts.txt (read by both sides), for every executable recorded
 * with the core fixtures (manifest format `core-exe`).
 *
 * The executables are stored gzip-compressed; the oracle removes that layer itself (`.gz` input), and
 * {@link dwarfLayoutsText} does the same with the bytes it is given.
 */

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { openExecutable } from '../../src/gosym/container/open.js';
import { readDwarf, type Dwarf } from '../../src/core/dwarf/index.js';
import { canonicalJson } from '../../src/internal/canonical-json.js';
// Only types from fixtures.ts: it imports this module, so its values are not initialised yet here.
import type { ExtraGolden, Manifest } from './fixtures.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function loadManifest(): Manifest {
  return JSON.parse(readFileSync(join(ROOT, 'testdata', 'fixtures', 'manifest.json'), 'utf8')) as Manifest;
}

/** The struct names of the shared list, in order. */
export const DWARF_LAYOUT_NAMES: readonly string[] = readFileSync(join(ROOT, 'testdata/gen/cmd/oracle/dwarf_layouts.txt'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));

/** The manifest paths (under testdata/fixtures) of the recorded core executables. */
export function dwarfFixturePaths(manifest: Manifest = loadManifest()): string[] {
  return manifest.fixtures.filter((f) => f.format === 'core-exe').map((f) => f.path);
}

/** The dump of the listed layouts of an opened {@link Dwarf}, as `dwarf-layouts` prints it. */
export function dwarfLayoutsDump(d: Dwarf): string {
  let out = '';
  for (const name of DWARF_LAYOUT_NAMES) {
    const l = d.structLayout(name);
    if (l === undefined) {
      out += canonicalJson({ name, absent: true }) + '\n';
      continue;
    }
    const fields = l.type.members.map((m) => ({ name: m.name, offset: m.offset, size: m.type.byteSize ?? -1, type: m.type.name }));
    out += canonicalJson({ name, size: l.size, fields }) + '\n';
  }
  return out;
}

/** The TypeScript side of `dwarf-layouts`: the executable given as its bytes (gzip removed when present). */
export async function dwarfLayoutsText(bytes: Uint8Array): Promise<string> {
  const raw = bytes[0] === 0x1f && bytes[1] === 0x8b ? new Uint8Array(gunzipSync(bytes)) : bytes;
  return dwarfLayoutsDump(await readDwarf(await openExecutable(raw)));
}

/** The golden of a core executable (path under testdata/fixtures), relative to testdata/goldens. */
export function dwarfGoldenPath(path: string): string {
  return `${path.replace(/\.gz$/, '')}.dwarf-layouts.json`;
}

/** The `dwarf-layouts` goldens: one per recorded core executable of the manifest. */
export const dwarfExtraGoldens: ExtraGolden[] = dwarfFixturePaths().map((path) => ({
  input: `testdata/fixtures/${path}`,
  golden: dwarfGoldenPath(path),
  oracleArgs: ['dwarf-layouts'],
  run: dwarfLayoutsText,
}));
