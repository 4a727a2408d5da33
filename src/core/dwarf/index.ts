/**
 * A DWARF reader for what the Go layer of the core reader needs: the runtime's struct layouts, read from
 * the executable's `.debug_info` (DWARF 4 from Go 1.22–1.24, DWARF 5 from Go 1.25 on), compressed or not.
 *
 * {@link readDwarf} decompresses the sections and indexes type names in one pass over `.debug_info`
 * (only the top-level DIEs of each unit, where Go's compiler and linker put types); types are then
 * resolved lazily by name.
 * @module
 */

import { ErrorCode } from '../../internal/errors.js';
import { At, InfoReader } from './info.js';
import { dwarfError, readDwarfSections, type DwarfContainer, type DwarfOptions, type DwarfSections } from './sections.js';
import { Tag, TYPE_TAGS, TypeGraph, type DwarfType, type StructType } from './types.js';

export { readDwarfSections, chdrBytes, zdebugBytes, DWARF_FORMAT, type DwarfContainer, type DwarfOptions, type DwarfSections } from './sections.js';
export { Tag, GO_KINDS, type Enumerator, type ArrayType, type BaseType, type DwarfType, type EnumType, type FuncType, type GoKind, type OtherType, type PointerType, type StructMember, type StructType, type TypeCommon, type TypedefType } from './types.js';

/** One field of a {@link StructLayout}. */
export interface FieldLayout {
  /** Byte offset in the struct. */
  offset: number;
  /** Size of the field's type in bytes (-1 when DWARF does not say). */
  size: number;
  /** Name of the field's type as DWARF records it ('' when unnamed). */
  typeName: string;
}

/** A struct's size and its fields by name (for reading runtime structures out of memory). */
export interface StructLayout {
  /** Size of the struct in bytes (-1 when DWARF does not say). */
  size: number;
  /** Fields by name, in DWARF order. */
  fields: Map<string, FieldLayout>;
  /** The resolved struct type. */
  type: StructType;
}

/** A type entry of the name index: the DIE offset and tag of a named type. */
export interface IndexEntry {
  /** Offset of the DIE in `.debug_info`. */
  offset: number;
  /** Its `DW_TAG_*`. */
  tag: number;
}

/** The debugging information of one executable. */
export class Dwarf {
  private readonly index: Map<string, IndexEntry[]>;
  private readonly graph: TypeGraph;

  /** @internal Use {@link readDwarf}. */
  constructor(index: Map<string, IndexEntry[]>, graph: TypeGraph) {
    this.index = index;
    this.graph = graph;
  }

  /** Every indexed type name. */
  typeNames(): string[] {
    return [...this.index.keys()];
  }

  /**
   * The type named `name`, or undefined. Go names a type's structure (or base type) and a typedef of it
   * alike; the definition is preferred over the typedef.
   */
  type(name: string): DwarfType | undefined {
    const es = this.index.get(name);
    if (es === undefined) return undefined;
    const def = es.find((e) => e.tag !== Tag.typedef) ?? es[0]!;
    return this.graph.get(def.offset);
  }

  /** The type whose DIE is at `offset` of `.debug_info`. */
  typeAt(offset: number): DwarfType {
    return this.graph.get(offset);
  }

  /** The layout of the struct named `name` (typedefs followed), or undefined when there is none. */
  structLayout(name: string): StructLayout | undefined {
    let t = this.type(name);
    for (let i = 0; t !== undefined && (t.kind === 'typedef' || t.kind === 'qualifier'); i++) {
      if (i > 100) throw dwarfError(ErrorCode.Corrupt, '.debug_info', t.offset, `typedef chain of ${name} longer than 100`);
      t = t.type;
    }
    if (t === undefined || t.kind !== 'struct') return undefined;
    const fields = new Map<string, FieldLayout>();
    for (const m of t.members) {
      if (fields.has(m.name)) continue;
      fields.set(m.name, { offset: m.offset, size: m.type.byteSize ?? -1, typeName: m.type.name });
    }
    return { size: t.byteSize ?? -1, fields, type: t };
  }
}

/** Reads the DWARF of an executable and indexes its type names. */
export async function readDwarf(exe: DwarfContainer, options: DwarfOptions = {}): Promise<Dwarf> {
  return dwarfFromSections(await readDwarfSections(exe, options), exe.byteOrder === 'little');
}

/** Builds a {@link Dwarf} over sections already in memory (decompressed). */
export function dwarfFromSections(sections: DwarfSections, littleEndian: boolean): Dwarf {
  const reader = new InfoReader(sections, littleEndian);
  const index = new Map<string, IndexEntry[]>();
  for (const u of reader.units()) {
    if (u.dieOffset >= u.end) continue;
    const cu = reader.die(u, u.dieOffset);
    const base = cu.attrs.get(At.strOffsetsBase);
    if (typeof base === 'bigint') u.strOffsetsBase = Number(base);
    if (!cu.children) continue;
    const c = reader.cursor(u, cu.next);
    let depth = 1;
    while (depth > 0 && !c.atEnd) {
      const at = c.pos;
      const a = reader.abbrevAt(u, c);
      if (a === undefined) {
        depth--;
        continue;
      }
      if (depth === 1 && TYPE_TAGS.has(a.tag)) {
        const name = reader.nameOf(u, c, a);
        if (name !== undefined && name !== '') {
          const list = index.get(name);
          if (list === undefined) index.set(name, [{ offset: at, tag: a.tag }]);
          else list.push({ offset: at, tag: a.tag });
        }
      } else {
        reader.skipAttrs(u, c, a);
      }
      if (a.children) depth++;
    }
  }
  return new Dwarf(index, new TypeGraph(reader));
}
