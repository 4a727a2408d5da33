/**
 * Where the Go layer takes the runtime's struct layouts from: the executable's DWARF, or — for an executable
 * without DWARF (linked with `-ldflags=-w`, or stripped) — per-version tables of the layouts the Go layer reads,
 * generated from the DWARF of the core fixtures' executables (src/core/go/layout-tables.ts) and checked against
 * DWARF by test/node/core-layout-tables.test.ts.
 * @module
 */

import type { Dwarf, FieldLayout, StructLayout } from '../dwarf/index.js';
import type { OtherType, StructMember, StructType } from '../dwarf/types.js';
import { LAYOUT_STRUCTS, LAYOUT_TABLES, LAYOUT_TABLE_INDEX, LAYOUT_TABLE_RECORDED } from './layout-tables.js';

/**
 * The runtime structs and fields the Go layer reads (process.ts, summary.ts), by struct name. The tables hold
 * these and nothing else; a field a version does not have is absent from its table, as from its DWARF.
 */
export const RUNTIME_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'runtime.g': ['stack', 'sched', 'syscallsp', 'syscallpc', 'm', 'atomicstatus', 'goid', 'waitsince', 'waitreason', 'lockedm', 'parentGoid', 'gopc', 'startpc', 'labels'],
  'runtime.gobuf': ['sp', 'pc', 'lr', 'bp'],
  'runtime.stack': ['lo', 'hi'],
  'runtime.m': ['g0', 'gsignal', 'procid', 'curg', 'p', 'id', 'alllink'],
  'runtime.p': ['id', 'status', 'm'],
  'runtime.schedt': ['mnext', 'nmfreed', 'nmidle', 'nmspinning', 'npidle'],
  'runtime.gcControllerState': [
    'gcPercent', 'memoryLimit', 'heapMinimum', 'heapLive', 'heapMarked', 'heapInUse', 'heapFree', 'heapReleased',
    'mappedReady', 'totalAlloc', 'totalFree', 'gcPercentHeapGoal',
  ],
  'runtime.mheap': ['pagesInUse'],
  'runtime.mstats': ['stacks_sys', 'mspan_sys', 'mcache_sys', 'buckhash_sys', 'gcMiscSys', 'other_sys', 'last_gc_unix', 'pause_total_ns', 'numgc', 'numforcedgc'],
};

/** Which kind of source the layouts came from. */
export type LayoutSourceKind = 'dwarf' | 'tables';

/** A source of runtime struct layouts for the Go layer. */
export interface LayoutSource {
  /** `dwarf` (the executable's own) or `tables` (this package's per-version tables). */
  readonly kind: LayoutSourceKind;
  /** What it is, for messages: `the executable's DWARF`, `the layout table of go1.24 linux/amd64`. */
  readonly description: string;
  /** The layout of the struct named `name` (`runtime.g`), or undefined when the source has none. */
  structLayout(name: string): StructLayout | undefined;
}

/** The layouts of an executable's DWARF. */
export function dwarfLayouts(dwarf: Dwarf): LayoutSource {
  const cache = new Map<string, StructLayout | undefined>();
  return {
    kind: 'dwarf',
    description: "the executable's DWARF",
    structLayout(name) {
      if (!cache.has(name)) cache.set(name, dwarf.structLayout(name));
      return cache.get(name);
    },
  };
}

/** One field of a table: name, offset, size, the type's name (as DWARF names it). */
export type LayoutTableField = readonly [name: string, offset: number, size: number, typeName: string];

/** One struct of a table: its size and the fields the Go layer reads, in DWARF order. */
export interface LayoutTableStruct {
  /** Size in bytes. */
  readonly size: number;
  /** The fields. */
  readonly fields: readonly LayoutTableField[];
}

/** A layout table: the structs of {@link RUNTIME_FIELDS} one Go release and GOARCH has. */
export type LayoutTable = Readonly<Record<string, LayoutTableStruct>>;

/** Go release (`go1.24`) and GOARCH of a table key. */
const tableKey = (release: string, goarch: string) => `${release}/${goarch}`;

/**
 * The Go release line (`go1.24`) of a build info version, when it is a plain release (`go1.24`, `go1.24.13`).
 * Anything else — `devel …`, release candidates, a version with GOEXPERIMENT (`go1.24.1 X:…`) — has no table:
 * its layouts may differ from the release's.
 */
export function releaseOf(goVersion: string): string | undefined {
  const m = /^go1\.(\d+)(?:\.\d+)?$/.exec(goVersion);
  return m === null ? undefined : `go1.${m[1]}`;
}

/** The (release, GOARCH) pairs that have a table, as `go1.24/amd64`, in order. */
export function layoutTableKeys(): string[] {
  return Object.keys(LAYOUT_TABLE_INDEX);
}

/** What {@link layoutTableKeys} covers, in words: `go1.22–go1.26 on linux/amd64 and linux/arm64`. */
export function layoutTablesCovered(): string {
  const byArch = new Map<string, string[]>();
  for (const k of layoutTableKeys()) {
    const [release = '', arch = ''] = k.split('/');
    byArch.set(arch, [...(byArch.get(arch) ?? []), release]);
  }
  const parts: string[] = [];
  for (const [arch, releases] of byArch) {
    const minor = (r: string) => Number(r.slice('go1.'.length));
    releases.sort((a, b) => minor(a) - minor(b));
    const contiguous = releases.every((r, i) => i === 0 || minor(r) === minor(releases[i - 1] ?? '') + 1);
    const list = releases.length > 1 && contiguous ? `${releases[0]}–${releases[releases.length - 1]}` : releases.join(', ');
    parts.push(`${list} on linux/${arch}`);
  }
  return parts.join(', ');
}

/**
 * The table of a Go version (build info's, `go1.24.13`) and GOARCH, or undefined when there is none (see
 * {@link releaseOf}; GOOS is linux: the tables are of ELF cores).
 */
export function tableLayouts(goVersion: string, goarch: string): LayoutSource | undefined {
  const release = releaseOf(goVersion);
  if (release === undefined) return undefined;
  const key = tableKey(release, goarch);
  const i = Object.hasOwn(LAYOUT_TABLE_INDEX, key) ? LAYOUT_TABLE_INDEX[key] : undefined;
  const refs = i === undefined ? undefined : LAYOUT_TABLES[i];
  if (refs === undefined) return undefined;
  const table: Record<string, LayoutTableStruct> = {};
  for (const [name, k] of Object.entries(refs)) {
    const s = LAYOUT_STRUCTS[k];
    if (s !== undefined) table[name] = s;
  }
  return layoutsOfTable(table, `the layout table of ${release} linux/${goarch} (read from the DWARF of ${LAYOUT_TABLE_RECORDED[key] ?? '?'})`);
}

/** A {@link LayoutSource} over one table. */
export function layoutsOfTable(table: LayoutTable, description: string): LayoutSource {
  const cache = new Map<string, StructLayout>();
  return {
    kind: 'tables',
    description,
    structLayout(name) {
      const s = Object.hasOwn(table, name) ? table[name] : undefined;
      if (s === undefined) return undefined;
      let l = cache.get(name);
      if (l === undefined) {
        l = structLayoutOf(name, s);
        cache.set(name, l);
      }
      return l;
    },
  };
}

/**
 * A table struct as a {@link StructLayout}. Its `type` is rebuilt from the table, not read from DWARF: offset
 * −1, and each member's type an `other` type (tag 0) known only by its name and size.
 */
function structLayoutOf(name: string, s: LayoutTableStruct): StructLayout {
  const fields = new Map<string, FieldLayout>();
  const members: StructMember[] = [];
  for (const [field, offset, size, typeName] of s.fields) {
    fields.set(field, { offset, size, typeName });
    const type: OtherType = { kind: 'other', tag: 0, offset: -1, name: typeName, goKind: undefined, byteSize: size < 0 ? undefined : size };
    members.push({ name: field, offset, embedded: false, type });
  }
  const type: StructType = { kind: 'struct', offset: -1, name, goKind: 'struct', byteSize: s.size < 0 ? undefined : s.size, members, elem: undefined };
  return { size: s.size, fields, type };
}

/** The table of {@link RUNTIME_FIELDS} a layout source gives (what the generator writes for one executable). */
export function layoutTableOf(source: LayoutSource): LayoutTable {
  const out: Record<string, LayoutTableStruct> = {};
  for (const [name, wanted] of Object.entries(RUNTIME_FIELDS)) {
    const l = source.structLayout(name);
    if (l === undefined) continue;
    const fields: LayoutTableField[] = [];
    for (const [field, f] of l.fields) if (wanted.includes(field)) fields.push([field, f.offset, f.size, f.typeName]);
    out[name] = { size: l.size, fields };
  }
  return out;
}
