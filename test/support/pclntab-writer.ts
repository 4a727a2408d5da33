/**
 * A synthetic pclntab writer for tests: lays out a table the way Go's linker does (cmd/link pcln.go of each
 * release) for every header layout and `_func` record layout godiag reads, with inline trees in a separate
 * memory region (go:func.* from Go 1.18, read-only data before), so the reader can be checked against a
 * model whose every answer is known.
 */

import { ByteWriter } from '../../src/internal/writer.js';
import { encodeUtf8 } from '../../src/internal/utf8.js';

/** Record layouts, by the first Go release that wrote them. */
export type SynthLayout = 'go1.2' | 'go1.12' | 'go1.13' | 'go1.16' | 'go1.18' | 'go1.20';

/** An inlined call of a synthetic function. */
export interface SynthInline {
  /** Name of the inlined function. */
  name: string;
  /** Offset from the function entry of an instruction of the caller at the call site. */
  parentPc: number;
  /** Index of the parent entry (−1 for calls made by the physical function). */
  parent: number;
  /** Call site file and line (Go 1.12–1.19 record them). */
  file: string;
  line: number;
  funcID?: number;
  /** Line of the inlined function's `func` keyword (Go 1.20+). */
  startLine?: number;
}

/** A synthetic function: pc-value tables as runs `[end offset from entry (exclusive), value]`. */
export interface SynthFunc {
  name: string;
  /** Entry as an offset from the text start. */
  entry: number;
  /** Size in bytes (the next function's entry is at least entry + size). */
  size: number;
  args?: number;
  funcID?: number;
  flag?: number;
  startLine?: number;
  pcsp: Array<[number, number]>;
  pcfile: Array<[number, string]>;
  pcln: Array<[number, number]>;
  /** Inline index runs and the tree. */
  inline?: { runs: Array<[number, number]>; tree: SynthInline[] };
  /** Compilation unit (1.16+): functions of different units index different file lists. */
  cu?: number;
}

/** A synthetic table. */
export interface SynthTable {
  layout: SynthLayout;
  ptrSize: 4 | 8;
  bigEndian?: boolean;
  quantum?: number;
  /** Address of runtime.text. */
  textStart: bigint;
  funcs: SynthFunc[];
  /** Write 0 as the text start of a 1.18+ header (Go 1.26). */
  omitTextStart?: boolean;
}

/** What the writer produced. */
export interface SynthOutput {
  bytes: Uint8Array;
  /** Address the table is loaded at (aligned). */
  addr: bigint;
  /** go:func.* (1.18+) with the inline trees. */
  goFunc?: { addr: bigint; bytes: Uint8Array };
  /** Read-only data holding the inline trees (before 1.18). */
  rodata?: { addr: bigint; bytes: Uint8Array };
  /** All file names in table order. */
  files: string[];
}

const ROdata_ADDR = 0x7000_0000n;
const GOFUNC_ADDR = 0x7800_0000n;
const TABLE_ADDR = 0x6000_0000n;

/** Encodes a pc-value table from runs (equal neighbours merged, as the linker writes them). */
export function encodePcValue(runs: Array<[number, number]>, quantum: number): Uint8Array {
  const w = new ByteWriter(64);
  let prevVal = -1;
  let prevEnd = 0;
  const merged: Array<[number, number]> = [];
  for (const [end, v] of runs) {
    const last = merged[merged.length - 1];
    if (last && last[1] === v) last[0] = end;
    else merged.push([end, v]);
  }
  for (const [end, v] of merged) {
    const d = v - prevVal;
    w.uvarint(BigInt(d < 0 ? ((-d - 1) << 1) | 1 : d << 1));
    const pcd = end - prevEnd;
    if (pcd % quantum !== 0) throw new Error(`run end ${end} is not a multiple of the quantum`);
    w.uvarint(BigInt(pcd / quantum));
    prevVal = v;
    prevEnd = end;
  }
  w.u8(0);
  return w.finish();
}

/** Writes a pclntab of the given layout. */
export function writePclntab(t: SynthTable): SynthOutput {
  const q = t.quantum ?? 1;
  const ps = t.ptrSize;
  const le = !t.bigEndian;
  const l = t.layout;
  const pre118 = l === 'go1.2' || l === 'go1.12' || l === 'go1.13' || l === 'go1.16';
  const magic = l === 'go1.2' || l === 'go1.12' || l === 'go1.13' ? 0xfffffffb : l === 'go1.16' ? 0xfffffffa : l === 'go1.18' ? 0xfffffff0 : 0xfffffff1;

  // Files: a global list (1.2) and per-CU lists (1.16+: unit k lists its files in its own order).
  const files: string[] = [];
  const fileIndex = new Map<string, number>();
  const addFile = (f: string) => {
    if (!fileIndex.has(f)) {
      fileIndex.set(f, files.length);
      files.push(f);
    }
  };
  for (const fn of t.funcs) {
    for (const [, f] of fn.pcfile) addFile(f);
    for (const e of fn.inline?.tree ?? []) addFile(e.file);
  }
  const cuFiles = new Map<number, string[]>();
  for (const fn of t.funcs) {
    const cu = fn.cu ?? 0;
    let list = cuFiles.get(cu);
    if (!list) cuFiles.set(cu, (list = []));
    const names = [...fn.pcfile.map(([, f]) => f), ...(fn.inline?.tree ?? []).map((e) => e.file)];
    for (const f of names) if (!list.includes(f)) list.push(f);
  }
  for (const [cu, list] of cuFiles) if (cu % 2 === 1) list.reverse();
  const cuIds = [...cuFiles.keys()].sort((a, b) => a - b);
  const cuOffset = new Map<number, number>();
  let cuTotal = 0;
  for (const cu of cuIds) {
    cuOffset.set(cu, cuTotal);
    cuTotal += cuFiles.get(cu)!.length;
  }
  const fileNo = (fn: SynthFunc, f: string): number => (pre118 && l !== 'go1.16' ? fileIndex.get(f)! + 1 : cuFiles.get(fn.cu ?? 0)!.indexOf(f));

  // Names: functions then inlined names (deduplicated).
  const nameBytes = new ByteWriter(256, le);
  const nameOff = new Map<string, number>();
  const addName = (n: string) => {
    if (nameOff.has(n)) return;
    nameOff.set(n, nameBytes.length);
    nameBytes.bytes(encodeUtf8(n)).u8(0);
  };
  // The runtime reads name offset 0 as "no name": real tables start with a function name anyway.
  for (const fn of t.funcs) addName(fn.name);
  for (const fn of t.funcs) for (const e of fn.inline?.tree ?? []) addName(e.name);

  // pc-value tables (offset 0 is reserved: it means "no table").
  const pctab = new ByteWriter(256, le);
  pctab.u8(0);
  const addTable = (runs: Array<[number, number]>) => {
    const off = pctab.length;
    pctab.bytes(encodePcValue(runs, q));
    return off;
  };
  const tables = t.funcs.map((fn) => ({
    pcsp: addTable(fn.pcsp),
    pcfile: addTable(fn.pcfile.map(([e, f]) => [e, fileNo(fn, f)])),
    pcln: addTable(fn.pcln),
    inl: fn.inline ? addTable(fn.inline.runs) : 0,
  }));

  // 1.2-magic tables address names from the table start: the names follow the header, the functab and
  // the file table offset.
  const nfunc = t.funcs.length;
  const oldMagic = l === 'go1.2' || l === 'go1.12' || l === 'go1.13';
  const nameBase = oldMagic ? 8 + ps + (2 * nfunc + 1) * ps + 4 : 0;

  // Inline trees, in their region.
  const region = new ByteWriter(256, le);
  region.u64(0n); // nothing at offset 0
  const treeAt: Array<number | undefined> = t.funcs.map((fn) => {
    if (!fn.inline) return undefined;
    while (region.length % 4) region.u8(0);
    const at = region.length;
    for (const e of fn.inline.tree) {
      if (l === 'go1.20') {
        region.u8(e.funcID ?? 0).u8(0).u8(0).u8(0);
        region.u32(nameRef(e.name)).u32(e.parentPc).u32(e.startLine ?? 0);
      } else {
        region.u16(e.parent & 0xffff).u8(e.funcID ?? 0).u8(0);
        region.u32(fileNo(fn, e.file)).u32(e.line).u32(nameRef(e.name)).u32(e.parentPc);
      }
    }
    return at;
  });
  function nameRef(n: string): number {
    return nameOff.get(n)! + nameBase;
  }

  const w = new ByteWriter(4096, le);
  const ptr = (v: number | bigint) => (ps === 8 ? w.u64(BigInt(v)) : w.u32(Number(v)));
  const npcdata = (fn: SynthFunc) => (fn.inline ? (l === 'go1.12' ? 2 : 3) : 2);
  const inlPcdata = l === 'go1.12' ? 1 : 2;
  const inlSlot = l === 'go1.12' ? 2 : l === 'go1.13' ? 4 : 3;
  const end = (i: number) => (i + 1 < nfunc ? t.funcs[i + 1]!.entry : t.funcs[i]!.entry + t.funcs[i]!.size);

  const writeFunc = (i: number, nameOffBase: number, pcBase: number) => {
    const fn = t.funcs[i]!;
    const tb = tables[i]!;
    if (pre118) ptr(t.textStart + BigInt(fn.entry));
    else w.u32(fn.entry);
    w.u32(nameOff.get(fn.name)! + nameOffBase);
    w.u32((fn.args ?? 0) >>> 0);
    w.u32(l === 'go1.2' ? (fn.funcID ?? 0) : 0); // Go 1.10–1.11 FuncID (a frame size before) / deferreturn
    w.u32(tb.pcsp + pcBase).u32(tb.pcfile + pcBase).u32(tb.pcln + pcBase);
    const np = npcdata(fn);
    w.u32(np);
    const nfd = fn.inline ? inlSlot + 1 : 0;
    if (l === 'go1.2') w.u32(nfd);
    else {
      if (l !== 'go1.12' && l !== 'go1.13') w.u32(cuOffset.get(fn.cu ?? 0)!);
      if (l === 'go1.20') w.u32((fn.startLine ?? 0) >>> 0);
      w.u8(fn.funcID ?? 0).u8(l === 'go1.12' || l === 'go1.13' ? 0 : (fn.flag ?? 0)).u8(0).u8(nfd);
    }
    for (let k = 0; k < np; k++) w.u32(k === inlPcdata && fn.inline ? tb.inl + pcBase : 0);
    if (nfd > 0) {
      if (pre118) {
        if (ps === 8 && w.length % 8 !== 0) w.u32(0);
        for (let k = 0; k < nfd; k++) ptr(k === inlSlot ? ROdata_ADDR + BigInt(treeAt[i]!) : 0n);
      } else {
        for (let k = 0; k < nfd; k++) w.u32(k === inlSlot ? treeAt[i]! : 0xffffffff);
      }
    }
  };
  const align = () => {
    while (w.length % ps) w.u8(0);
  };

  if (l === 'go1.2' || l === 'go1.12' || l === 'go1.13') {
    // Header, functab (absolute entries, offsets from the table start), file table offset, records,
    // file table, strings, pc-value tables — all offsets from the table start.
    w.u32(magic).u8(0).u8(0).u8(q).u8(ps);
    ptr(nfunc);
    const functabAt = w.length;
    for (let i = 0; i <= nfunc; i++) {
      ptr(0);
      if (i < nfunc) ptr(0);
    }
    const fileoffAt = w.length;
    w.u32(0);
    // Strings and tables first so their offsets are known, then records.
    const namesAt = w.length;
    if (namesAt !== nameBase) throw new Error('name table misplaced');
    w.bytes(nameBytes.finish());
    const fileStrAt: number[] = [];
    for (const f of files) {
      fileStrAt.push(w.length);
      w.bytes(encodeUtf8(f)).u8(0);
    }
    const pcAt = w.length;
    w.bytes(pctab.finish());
    align();
    const funcAt: number[] = [];
    for (let i = 0; i < nfunc; i++) {
      align();
      funcAt.push(w.length);
      writeFunc(i, namesAt, pcAt);
    }
    align();
    const filetabAt = w.length;
    w.u32(files.length + 1);
    for (const s of fileStrAt) w.u32(s);
    const out = w.finish();
    const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
    const put = (off: number, v: bigint) => (ps === 8 ? dv.setBigUint64(off, v, le) : dv.setUint32(off, Number(v), le));
    for (let i = 0; i <= nfunc; i++) {
      const e = i < nfunc ? t.funcs[i]!.entry : end(nfunc - 1);
      put(functabAt + 2 * i * ps, t.textStart + BigInt(e));
      if (i < nfunc) put(functabAt + (2 * i + 1) * ps, BigInt(funcAt[i]!));
    }
    dv.setUint32(fileoffAt, filetabAt, le);
    return { bytes: out, addr: TABLE_ADDR, rodata: { addr: ROdata_ADDR, bytes: region.finish() }, files };
  }

  // 1.16+: header of words, then funcnametab, cutab, filetab, pctab, and the functab with the records.
  w.u32(magic).u8(0).u8(0).u8(q).u8(ps);
  const nwords = l === 'go1.16' ? 7 : 8;
  const hdrAt = w.length;
  for (let k = 0; k < nwords; k++) ptr(0);
  const funcnameAt = w.length;
  w.bytes(nameBytes.finish());
  const cutabAt = w.length;
  const fileStrOff = new Map<string, number>();
  let fo = 0;
  for (const f of files) {
    fileStrOff.set(f, fo);
    fo += encodeUtf8(f).length + 1;
  }
  for (const cu of cuIds) for (const f of cuFiles.get(cu)!) w.u32(fileStrOff.get(f)!);
  const filetabAt = w.length;
  for (const f of files) w.bytes(encodeUtf8(f)).u8(0);
  const pctabAt = w.length;
  w.bytes(pctab.finish());
  align();
  const pclnAt = w.length;
  const fsz = l === 'go1.16' ? ps : 4;
  const functabAt = w.length;
  for (let i = 0; i < 2 * nfunc + 1; i++) (fsz === 8 ? w.u64(0n) : w.u32(0));
  const funcAt: number[] = [];
  for (let i = 0; i < nfunc; i++) {
    align();
    funcAt.push(w.length - pclnAt);
    writeFunc(i, 0, 0);
  }
  const out = w.finish();
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const put = (off: number, v: bigint, size: number) => (size === 8 ? dv.setBigUint64(off, v, le) : dv.setUint32(off, Number(v), le));
  const words = [BigInt(nfunc), BigInt(files.length)];
  if (l !== 'go1.16') words.push(t.omitTextStart ? 0n : t.textStart);
  words.push(BigInt(funcnameAt), BigInt(cutabAt), BigInt(filetabAt), BigInt(pctabAt), BigInt(pclnAt));
  words.forEach((v, k) => put(hdrAt + k * ps, v, ps));
  for (let i = 0; i <= nfunc; i++) {
    const e = i < nfunc ? t.funcs[i]!.entry : end(nfunc - 1);
    const entryVal = l === 'go1.16' ? t.textStart + BigInt(e) : BigInt(e);
    put(functabAt + 2 * i * fsz, entryVal, fsz);
    if (i < nfunc) put(functabAt + (2 * i + 1) * fsz, BigInt(funcAt[i]!), fsz);
  }
  const regionBytes = region.finish();
  if (pre118) return { bytes: out, addr: TABLE_ADDR, rodata: { addr: ROdata_ADDR, bytes: regionBytes }, files };
  return { bytes: out, addr: TABLE_ADDR, goFunc: { addr: GOFUNC_ADDR, bytes: regionBytes }, files };
}
