/**
 * The layout tables of the Go layer (src/core/go/layouts.ts, generated into layout-tables.ts) on the recorded
 * core fixtures (corework built with Go 1.22–1.26, linux/amd64 and linux/arm64):
 * - every table entry equals the executable's DWARF, read by our reader and by Go's debug/dwarf (the
 *   `dwarf-layouts` goldens), and a table has every struct and field of `RUNTIME_FIELDS` that DWARF has;
 * - `RUNTIME_FIELDS` is what the Go layer reads: every struct and field it asks the DWARF layouts for while
 *   reading goroutines, their frames and the summary of every core is listed;
 * - reading a core with the tables gives exactly what reading it with DWARF gives (goroutines, every
 *   goroutine's frames, the summary), also for the executable with its DWARF made invisible (section names
 *   changed, so that the reader finds none), where `openGoProcess` falls back to the tables by itself;
 * - a Go version without a table is the typed error, naming the versions that have one.
 */

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDwarf, type FieldLayout, type StructLayout } from '../../src/core/dwarf/index.js';
import { openCore } from '../../src/core/elf-core.js';
import { openGoProcess, type GoProcess } from '../../src/core/go/index.js';
import { RUNTIME_FIELDS, dwarfLayouts, layoutTableKeys, layoutTablesCovered, releaseOf, tableLayouts, type LayoutSource } from '../../src/core/go/layouts.js';
import { openExecutable } from '../../src/gosym/container/open.js';
import { ErrorCode, isGodiagError } from '../../src/internal/errors.js';
import { dwarfGoldenPath } from '../support/dwarf-goldens.js';
import { GOLDENS, fixtureBytes, loadManifest, type Fixture } from '../support/fixtures.js';
import { coreFixtures, executableOf } from '../support/core-fixtures.js';

const manifest = loadManifest();
const byFormat = (format: Fixture['format']) => manifest.fixtures.filter((f) => f.format === format);
const cores = coreFixtures;
const exes = byFormat('core-exe');

/** The executable with its DWARF section names changed (`.debug_*` → `.xebug_*`, `.zdebug_*` → `.xdebug_*`). */
function withoutDwarf(exe: Uint8Array): Uint8Array {
  const out = exe.slice();
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  // An ELF64 little-endian executable (amd64 and arm64): the section headers and their name table.
  expect([out[4], out[5]]).toEqual([2, 1]);
  const shoff = Number(dv.getBigUint64(0x28, true));
  const shentsize = dv.getUint16(0x3a, true);
  const shnum = dv.getUint16(0x3c, true);
  const strtab = Number(dv.getBigUint64(shoff + dv.getUint16(0x3e, true) * shentsize + 0x18, true));
  const prefix = (at: number, s: string) => [...s].every((c, i) => out[at + i] === c.charCodeAt(0));
  let renamed = 0;
  for (let i = 0; i < shnum; i++) {
    const name = strtab + dv.getUint32(shoff + i * shentsize, true);
    if (prefix(name, '.debug_') || prefix(name, '.zdebug_')) {
      out[name + 1] = 'x'.charCodeAt(0);
      renamed++;
    }
  }
  expect(renamed).toBeGreaterThan(0);
  return out;
}

/** The executable with the Go version of its build info replaced by `version` (of the same length). */
function withGoVersion(exe: Uint8Array, from: string, version: string): Uint8Array {
  expect(version.length).toBe(from.length);
  const out = exe.slice();
  const magic = [0xff, ...new TextEncoder().encode(' Go buildinf:')];
  const at = out.findIndex((_, i) => magic.every((b, k) => out[i + k] === b));
  expect(at).toBeGreaterThanOrEqual(0);
  // Go 1.18+ stores the version inline after the 32-byte header: a varint length, then the string.
  expect(out[at + 32]).toBe(from.length);
  expect(new TextDecoder().decode(out.subarray(at + 33, at + 33 + from.length))).toBe(from);
  out.set(new TextEncoder().encode(version), at + 33);
  return out;
}

/** A layout source recording every struct and field asked for (`Map.get`/`has` of a layout's fields). */
function recording(source: LayoutSource, used: Set<string>): LayoutSource {
  class Recorded extends Map<string, FieldLayout> {
    structName = '';
    override get(k: string) {
      used.add(`${this.structName}.${k}`);
      return super.get(k);
    }
    override has(k: string) {
      used.add(`${this.structName}.${k}`);
      return super.has(k);
    }
  }
  return {
    kind: source.kind,
    description: source.description,
    structLayout(name) {
      used.add(name);
      const l = source.structLayout(name);
      if (l === undefined) return undefined;
      const fields = new Recorded(l.fields);
      fields.structName = name;
      return { ...l, fields } satisfies StructLayout;
    },
  };
}

/** Everything the Go layer reads of a process: goroutines (dead ones too), every goroutine's frames, the summary. */
async function readAll(p: GoProcess) {
  const all = await p.allGoroutines();
  const frames = [];
  for (const g of all) frames.push(await p.frames(g));
  return { all, goroutines: await p.goroutines(), frames, summary: await p.summary(), signal: await p.signalGoroutine(), warnings: p.warnings };
}

describe('tables equal DWARF', () => {
  it('cover every release and GOARCH of the core executables, and nothing else', () => {
    const recorded = new Set(exes.map((f) => `${releaseOf(f.goVersion)}/${f.goarch}`));
    expect(new Set(layoutTableKeys())).toEqual(recorded);
    expect(recorded.size).toBeGreaterThanOrEqual(10);
    for (const arch of ['amd64', 'arm64']) {
      const releases = [...recorded].filter((k) => k.endsWith(`/${arch}`)).map((k) => Number(/^go1\.(\d+)\//.exec(k)?.[1]));
      expect(layoutTablesCovered()).toContain(`go1.${Math.min(...releases)}–go1.${Math.max(...releases)} on linux/${arch}`);
    }
  });

  describe.each(exes.map((f) => [f.path, f] as const))('%s', (_path, f) => {
    it("every entry is our DWARF reader's layout; every listed struct and field DWARF has is in the table", async () => {
      const dwarf = dwarfLayouts(await readDwarf(await openExecutable(fixtureBytes(f))));
      const table = tableLayouts(f.goVersion, f.goarch);
      expect(table?.kind).toBe('tables');
      for (const [name, wanted] of Object.entries(RUNTIME_FIELDS)) {
        const d = dwarf.structLayout(name);
        const t = table?.structLayout(name);
        expect(t === undefined, name).toBe(d === undefined);
        if (d === undefined || t === undefined) continue;
        expect(t.size, name).toBe(d.size);
        const want = [...d.fields].filter(([k]) => wanted.includes(k));
        expect([...t.fields], name).toEqual(want);
      }
      expect(table?.structLayout('runtime.sudog')).toBeUndefined();
    });

    it("every entry is debug/dwarf's layout (the dwarf-layouts golden)", (ctx) => {
      const golden = join(GOLDENS, dwarfGoldenPath(f.path));
      if (!existsSync(golden)) ctx.skip();
      interface GoldenLine {
        name: string;
        size?: number;
        absent?: boolean;
        fields?: { name: string; offset: number; size: number; type: string }[];
      }
      const want = new Map<string, GoldenLine>();
      for (const line of readFileSync(golden, 'utf8').split('\n')) {
        if (line === '') continue;
        const l = JSON.parse(line) as GoldenLine;
        want.set(l.name, l);
      }
      const table = tableLayouts(f.goVersion, f.goarch);
      let compared = 0;
      for (const name of Object.keys(RUNTIME_FIELDS)) {
        const g = want.get(name);
        const t = table?.structLayout(name);
        expect(g, name).toBeDefined();
        if (g?.absent === true) {
          expect(t, name).toBeUndefined();
          continue;
        }
        expect(t?.size, name).toBe(g?.size);
        for (const [field, l] of t?.fields ?? []) {
          const gf = g?.fields?.find((x) => x.name === field);
          expect({ field, offset: l.offset, size: l.size, type: l.typeName }).toEqual({ field, offset: gf?.offset, size: gf?.size, type: gf?.type });
          compared++;
        }
      }
      expect(compared).toBeGreaterThan(40);
    });
  });
});

/** What the Go layer asked for on every core read so far. */
const usedOnAnyCore = new Set<string>();

describe.each(cores.map((c) => [c.path, c] as const))('%s', (_path, core) => {
  const exe = fixtureBytes(executableOf(core));
  const bytes = fixtureBytes(core);
  let viaDwarf: Promise<{ read: Awaited<ReturnType<typeof readAll>>; used: Set<string> }> | undefined;
  const dwarfRead = () =>
    (viaDwarf ??= (async () => {
      const used = new Set<string>();
      const c = await openCore(bytes, { executable: exe });
      const source = recording(dwarfLayouts(await readDwarf(c.executable!)), used);
      const p = await openGoProcess(c, { layouts: source });
      expect(p.layoutSource).toBe('dwarf');
      return { read: await readAll(p), used };
    })());

  it('the Go layer reads no struct or field RUNTIME_FIELDS does not list', async () => {
    const { used, read } = await dwarfRead();
    expect(read.goroutines.length).toBeGreaterThan(0);
    const unlisted = [...used].filter((u) => {
      if (Object.hasOwn(RUNTIME_FIELDS, u)) return false;
      const dot = u.lastIndexOf('.');
      return !(RUNTIME_FIELDS[u.slice(0, dot)]?.includes(u.slice(dot + 1)) ?? false);
    });
    expect(unlisted).toEqual([]);
    expect(used.has('runtime.g.goid')).toBe(true);
    for (const u of used) usedOnAnyCore.add(u);
  });

  it('reads the same with the table as with DWARF', async () => {
    const p = await openGoProcess(await openCore(bytes, { executable: exe }), { layouts: 'tables' });
    expect(p.layoutSource).toBe('tables');
    expect(p.dwarf).toBeUndefined();
    const { read } = await dwarfRead();
    expect(await readAll(p)).toEqual(read);
  });

  it('falls back to the table for the executable without DWARF, with the same results', async () => {
    const stripped = withoutDwarf(exe);
    const c = await openCore(bytes, { executable: stripped });
    await expect(readDwarf(c.executable!)).rejects.toSatisfy((e) => isGodiagError(e, ErrorCode.NotFormat));
    await expect(openGoProcess(c, { layouts: 'dwarf' })).rejects.toSatisfy((e) => isGodiagError(e, ErrorCode.UnsupportedVersion));
    const p = await openGoProcess(c);
    expect(p.layoutSource).toBe('tables');
    expect(p.dwarf).toBeUndefined();
    const { read } = await dwarfRead();
    expect(await readAll(p)).toEqual(read);
    // The default with DWARF present is DWARF.
    const withDwarf = await openGoProcess(await openCore(bytes, { executable: exe }));
    expect(withDwarf.layoutSource).toBe('dwarf');
    expect(withDwarf.dwarf).toBeDefined();
  });
});

describe('a Go version without a table', () => {
  const core = cores[0]!;
  const exe = fixtureBytes(executableOf(core));
  const version = core.goVersion;
  const minor = /^go1\.(\d+)\./.exec(version)?.[1] ?? '';
  const tabled = layoutTableKeys().map((k) => Number(/^go1\.(\d+)\//.exec(k)?.[1]));
  const older = Math.min(...tabled) - 1;
  const newer = Math.max(...tabled) + 1;
  // Same length as the recorded version, so the build info is patched in place.
  const others = [version.replace(`go1.${minor}.`, `go1.${older}.`), version.replace(`go1.${minor}.`, `go1.${newer}.`), `go1.${minor}rc`.padEnd(version.length, '1')];

  it.each(others)('%s without DWARF: unsupported-version, naming the tables and DWARF', async (other) => {
    expect(other.length).toBe(version.length);
    expect(tableLayouts(other, core.goarch)).toBeUndefined();
    const c = await openCore(fixtureBytes(core), { executable: withGoVersion(withoutDwarf(exe), version, other) });
    const err = await openGoProcess(c).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isGodiagError(err, ErrorCode.UnsupportedVersion)).toBe(true);
    const message = err instanceof Error ? err.message : '';
    expect(message).toContain(other);
    expect(message).toContain('DWARF');
    expect(message).toContain(layoutTablesCovered());
  });

  it.each(others)('%s with DWARF: read with it (and refused when tables are asked for)', async (other) => {
    const patched = withGoVersion(exe, version, other);
    const p = await openGoProcess(await openCore(fixtureBytes(core), { executable: patched }));
    expect(p.goVersion).toBe(other);
    expect(p.layoutSource).toBe('dwarf');
    const want = await openGoProcess(await openCore(fixtureBytes(core), { executable: exe }));
    expect((await p.goroutines()).map((g) => g.id)).toEqual((await want.goroutines()).map((g) => g.id));
    await expect(openGoProcess(await openCore(fixtureBytes(core), { executable: patched }), { layouts: 'tables' })).rejects.toSatisfy((e) => isGodiagError(e, ErrorCode.UnsupportedVersion));
  });
});

it('RUNTIME_FIELDS lists nothing the Go layer does not read on some core', () => {
  // Runs after the cores above (tests of a file run in order): the union of what they asked for.
  expect(usedOnAnyCore.size).toBeGreaterThan(0);
  const listed = Object.entries(RUNTIME_FIELDS).flatMap(([name, fields]) => [name, ...fields.map((f) => `${name}.${f}`)]);
  expect(listed.filter((x) => !usedOnAnyCore.has(x))).toEqual([]);
});
