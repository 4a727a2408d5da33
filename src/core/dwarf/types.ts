/**
 * Types described by DWARF, resolved lazily from their DIEs: a type's referenced types (a member's type,
 * a pointer's target) are read only when asked for, and each DIE becomes one object, so self-referential
 * types (a struct with a pointer to itself) are a cycle of objects rather than an endless walk.
 * @module
 */

import { ErrorCode } from '../../internal/errors.js';
import { Limits } from '../../internal/limits.js';
import { At, type AttrValue, type Die, type InfoReader, type Unit } from './info.js';
import { dwarfError } from './sections.js';

/** `DW_TAG_*` codes the reader uses. */
export const Tag = {
  arrayType: 0x01, classType: 0x02, enumerationType: 0x04, member: 0x0d, pointerType: 0x0f,
  compileUnit: 0x11, structureType: 0x13, subroutineType: 0x15, typedef: 0x16, unionType: 0x17,
  subrangeType: 0x21, baseType: 0x24, constType: 0x26, enumerator: 0x28, volatileType: 0x35,
  restrictType: 0x37, unspecifiedType: 0x3b, atomicType: 0x47, formalParameter: 0x05,
} as const;

/** Tags of type DIEs: the ones the name index holds. */
export const TYPE_TAGS: ReadonlySet<number> = new Set<number>([
  Tag.arrayType, Tag.classType, Tag.enumerationType, Tag.pointerType, Tag.structureType, Tag.subroutineType,
  Tag.typedef, Tag.unionType, Tag.baseType, Tag.unspecifiedType,
]);

/** Go's `reflect.Kind` names by number, from Go's `DW_AT_go_kind`. */
export const GO_KINDS = [
  'invalid', 'bool', 'int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64',
  'uintptr', 'float32', 'float64', 'complex64', 'complex128', 'array', 'chan', 'func', 'interface', 'map',
  'ptr', 'slice', 'string', 'struct', 'unsafe.Pointer',
] as const;

/** A Go `reflect.Kind` name, as Go's `DW_AT_go_kind` records it. */
export type GoKind = (typeof GO_KINDS)[number];

/** What every resolved type has. */
export interface TypeCommon {
  /** Offset of the type's DIE in `.debug_info`. */
  readonly offset: number;
  /** `DW_AT_name` ('' when unnamed). */
  readonly name: string;
  /** Go's kind of the type, when the producer is Go (`DW_AT_go_kind`). */
  readonly goKind: GoKind | undefined;
  /** Size in bytes: `DW_AT_byte_size`, a typedef's target's, count × element for arrays; undefined if unknown. */
  readonly byteSize: number | undefined;
}

/** A member of a struct or union. */
export interface StructMember {
  /** Member name. */
  readonly name: string;
  /** Byte offset in the struct (0 for union members). */
  readonly offset: number;
  /** True for a Go embedded field. */
  readonly embedded: boolean;
  /** The member's type (resolved on first access). */
  readonly type: DwarfType;
}

/** A struct, class or union. Go's slices, strings and interfaces are structs with `goKind` set. */
export interface StructType extends TypeCommon {
  /** Discriminant. */
  readonly kind: 'struct' | 'union';
  /** Members in DIE order. */
  readonly members: readonly StructMember[];
  /** The element type of a Go slice (`DW_AT_go_elem`), resolved on access. */
  readonly elem: DwarfType | undefined;
}

/** A pointer. */
export interface PointerType extends TypeCommon {
  /** Discriminant. */
  readonly kind: 'pointer';
  /** The pointed-to type; undefined for `void *` (Go's unsafe.Pointer). */
  readonly target: DwarfType | undefined;
}

/** A base type (integer, float, boolean, …). */
export interface BaseType extends TypeCommon {
  /** Discriminant. */
  readonly kind: 'base';
  /** `DW_AT_encoding` (`DW_ATE_*`: 2 boolean, 4 float, 5 signed, 7 unsigned, …). */
  readonly encoding: number;
}

/** A typedef (Go names each named type with one). */
export interface TypedefType extends TypeCommon {
  /** Discriminant. */
  readonly kind: 'typedef' | 'qualifier';
  /** The type named; undefined when the DIE has no `DW_AT_type`. */
  readonly type: DwarfType | undefined;
}

/** An array. */
export interface ArrayType extends TypeCommon {
  /** Discriminant. */
  readonly kind: 'array';
  /** Element type. */
  readonly element: DwarfType;
  /** Element count (-1 when unknown). */
  readonly count: number;
}

/** A function type. */
export interface FuncType extends TypeCommon {
  /** Discriminant. */
  readonly kind: 'func';
}

/** An enumeration. */
export interface EnumType extends TypeCommon {
  /** Discriminant. */
  readonly kind: 'enum';
  /** Enumerators in order. */
  readonly values: readonly Enumerator[];
}

/** One enumerator of an {@link EnumType}. */
export interface Enumerator {
  /** Its name. */
  readonly name: string;
  /** Its value (`DW_AT_const_value`). */
  readonly value: bigint;
}

/** A type of a tag this reader does not model further (`DW_TAG_unspecified_type`, …). */
export interface OtherType extends TypeCommon {
  /** Discriminant. */
  readonly kind: 'other';
  /** `DW_TAG_*`. */
  readonly tag: number;
}

/** A resolved DWARF type. */
export type DwarfType = StructType | PointerType | BaseType | TypedefType | ArrayType | FuncType | EnumType | OtherType;

const INFO = '.debug_info';

/** Builds and caches type objects by DIE offset. */
export class TypeGraph {
  private readonly r: InfoReader;
  private readonly cache = new Map<number, DwarfType>();
  private readonly sizes = new Map<number, number | undefined>();
  /** `DW_AT_byte_size` (or a pointer's address size) by DIE offset, recorded when the type is built. */
  private readonly ownSizes = new Map<number, number | undefined>();
  private readonly sizing = new Set<number>();

  constructor(reader: InfoReader) {
    this.r = reader;
  }

  /** The type whose DIE is at `offset`. */
  get(offset: number): DwarfType {
    const hit = this.cache.get(offset);
    if (hit !== undefined) return hit;
    const u = this.r.unitAt(offset);
    const die = this.r.die(u, offset);
    const t = this.build(u, die);
    this.cache.set(offset, t);
    return t;
  }

  /** Size of the type at `offset`; a cycle of typedefs or arrays is corrupt. */
  sizeOf(offset: number): number | undefined {
    if (this.sizes.has(offset)) return this.sizes.get(offset);
    if (this.sizing.has(offset)) throw dwarfError(ErrorCode.Corrupt, INFO, offset, 'type size depends on itself (a cycle of typedefs or arrays)');
    if (this.sizing.size > 1000) throw dwarfError(ErrorCode.LimitExceeded, INFO, offset, 'type chain deeper than 1000');
    this.sizing.add(offset);
    try {
      const t = this.get(offset);
      let size: number | undefined;
      switch (t.kind) {
        case 'typedef':
        case 'qualifier':
          size = t.type === undefined ? undefined : this.sizeOf(t.type.offset);
          break;
        case 'array': {
          const e = this.sizeOf(t.element.offset);
          size = t.count < 0 ? 0 : e === undefined ? undefined : t.count * e;
          break;
        }
        default:
          size = this.ownSizes.get(offset);
      }
      this.sizes.set(offset, size);
      return size;
    } finally {
      this.sizing.delete(offset);
    }
  }

  private build(u: Unit, die: Die): DwarfType {
    const graph = this;
    const offset = die.offset;
    const name = str(die.attrs.get(At.name));
    const kindNum = num(die.attrs.get(At.goKind));
    const goKind: GoKind | undefined = kindNum === undefined ? undefined : GO_KINDS[kindNum];
    // A pointer without DW_AT_byte_size has the unit's address size (as debug/dwarf assumes).
    const ownByteSize = num(die.attrs.get(At.byteSize)) ?? (die.tag === Tag.pointerType ? u.addrSize : undefined);
    const typeRef = ref(die.attrs.get(At.type));
    this.ownSizes.set(offset, ownByteSize);
    // Spread into each result; byteSize is a getter defined per result (a spread would call it).
    const common = { offset, name, goKind };
    switch (die.tag) {
      case Tag.structureType:
      case Tag.classType:
      case Tag.unionType: {
        const elemRef = ref(die.attrs.get(At.goElem));
        const members = die.children ? this.members(u, die) : [];
        return {
          ...common,
          get byteSize(): number | undefined {
            return graph.sizeOf(offset);
          },
          kind: die.tag === Tag.unionType ? 'union' : 'struct',
          members,
          get elem(): DwarfType | undefined {
            return elemRef === undefined ? undefined : graph.get(elemRef);
          },
        };
      }
      case Tag.pointerType:
        return {
          ...common,
          get byteSize(): number | undefined {
            return graph.sizeOf(offset);
          },
          kind: 'pointer',
          get target(): DwarfType | undefined {
            return typeRef === undefined ? undefined : graph.get(typeRef);
          },
        };
      case Tag.baseType:
        return { ...common, get byteSize(): number | undefined { return graph.sizeOf(offset); }, kind: 'base', encoding: num(die.attrs.get(At.encoding)) ?? 0 };
      case Tag.typedef:
      case Tag.constType:
      case Tag.volatileType:
      case Tag.restrictType:
      case Tag.atomicType:
        return {
          ...common,
          get byteSize(): number | undefined {
            return graph.sizeOf(offset);
          },
          kind: die.tag === Tag.typedef ? 'typedef' : 'qualifier',
          get type(): DwarfType | undefined {
            return typeRef === undefined ? undefined : graph.get(typeRef);
          },
        };
      case Tag.arrayType: {
        if (typeRef === undefined) throw dwarfError(ErrorCode.Corrupt, INFO, offset, 'array type without an element type');
        const count = die.children ? this.arrayCount(u, die) : -1;
        return {
          ...common,
          get byteSize(): number | undefined {
            return graph.sizeOf(offset);
          },
          kind: 'array',
          count,
          get element(): DwarfType {
            return graph.get(typeRef);
          },
        };
      }
      case Tag.subroutineType:
        return { ...common, get byteSize(): number | undefined { return graph.sizeOf(offset); }, kind: 'func' };
      case Tag.enumerationType: {
        const values: Enumerator[] = [];
        if (die.children) {
          for (const d of this.children(u, die)) {
            if (d.tag !== Tag.enumerator) continue;
            const v = d.attrs.get(At.constValue);
            values.push({ name: str(d.attrs.get(At.name)), value: typeof v === 'bigint' ? v : 0n });
          }
        }
        return { ...common, get byteSize(): number | undefined { return graph.sizeOf(offset); }, kind: 'enum', values };
      }
      default:
        if (!TYPE_TAGS.has(die.tag) && die.tag !== Tag.unspecifiedType) {
          throw dwarfError(ErrorCode.Corrupt, INFO, offset, `entry with tag 0x${die.tag.toString(16)} is not a type`);
        }
        return { ...common, get byteSize(): number | undefined { return graph.sizeOf(offset); }, kind: 'other', tag: die.tag };
    }
  }

  private members(u: Unit, die: Die): StructMember[] {
    const graph = this;
    const out: StructMember[] = [];
    for (const d of this.children(u, die)) {
      if (d.tag !== Tag.member) continue;
      const tref = ref(d.attrs.get(At.type));
      if (tref === undefined) throw dwarfError(ErrorCode.Corrupt, INFO, d.offset, 'member without a type');
      out.push({
        name: str(d.attrs.get(At.name)),
        offset: memberOffset(d),
        embedded: d.attrs.get(At.goEmbeddedField) === true || num(d.attrs.get(At.goEmbeddedField)) === 1,
        get type(): DwarfType {
          return graph.get(tref);
        },
      });
    }
    return out;
  }

  private arrayCount(u: Unit, die: Die): number {
    for (const d of this.children(u, die)) {
      if (d.tag !== Tag.subrangeType) continue;
      const count = num(d.attrs.get(At.count));
      if (count !== undefined) return count;
      const upper = num(d.attrs.get(At.upperBound));
      if (upper !== undefined) return upper - (num(d.attrs.get(At.lowerBound)) ?? 0) + 1;
      return -1;
    }
    return -1;
  }

  /** The direct children of a DIE, skipping grandchildren. */
  private children(u: Unit, parent: Die): Die[] {
    const out: Die[] = [];
    let pos = parent.next;
    for (;;) {
      const c = this.r.cursor(u, pos);
      if (c.atEnd) throw dwarfError(ErrorCode.Truncated, INFO, u.end, `children of the entry at ${parent.offset} run past the end of the unit`);
      const a = this.r.abbrevAt(u, c);
      if (a === undefined) return out;
      const d = this.r.die(u, pos);
      if (out.length >= Limits.maxItems) throw dwarfError(ErrorCode.LimitExceeded, INFO, pos, 'too many children');
      out.push(d);
      pos = d.children ? this.skipChildren(u, d.next) : d.next;
    }
  }

  /** The offset just past the children list starting at `pos` (and its terminating 0). */
  skipChildren(u: Unit, pos: number): number {
    const c = this.r.cursor(u, pos);
    let depth = 1;
    while (depth > 0) {
      if (c.atEnd) throw dwarfError(ErrorCode.Truncated, INFO, u.end, 'entries run past the end of the unit');
      const a = this.r.abbrevAt(u, c);
      if (a === undefined) {
        depth--;
        continue;
      }
      this.r.skipAttrs(u, c, a);
      if (a.children) depth++;
    }
    return c.pos;
  }
}

/** A member's `DW_AT_data_member_location`: a constant, or an expression `DW_OP_plus_uconst n`. */
function memberOffset(d: Die): number {
  const v = d.attrs.get(At.dataMemberLocation);
  if (v === undefined) return 0;
  if (typeof v === 'bigint') {
    if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) throw dwarfError(ErrorCode.Corrupt, INFO, d.offset, `member offset ${v}`);
    return Number(v);
  }
  if (v instanceof Uint8Array && v.length >= 2 && v[0] === 0x23) {
    let n = 0;
    let mul = 1;
    for (let i = 1; i < v.length && i < 9; i++) {
      const b = v[i]!;
      n += (b & 0x7f) * mul;
      if (b < 0x80) return n;
      mul *= 128;
    }
  }
  throw dwarfError(ErrorCode.Corrupt, INFO, d.offset, 'member location is not a constant offset');
}

function str(v: AttrValue | undefined): string {
  return typeof v === 'string' ? v : '';
}

function num(v: AttrValue | undefined): number | undefined {
  if (typeof v !== 'bigint') return undefined;
  if (v < BigInt(Number.MIN_SAFE_INTEGER) || v > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return Number(v);
}

function ref(v: AttrValue | undefined): number | undefined {
  return typeof v === 'object' && v !== null && 'ref' in v ? v.ref : undefined;
}
