/**
 * Writes synthetic 64-bit Linux core files with ByteWriter, laid out as the kernel lays them out (ELF header,
 * program headers, one PT_NOTE segment, then the PT_LOAD data), for the property tests of the core reader.
 * The structures follow the kernel's definitions (elf_prstatus, elf_prpsinfo, siginfo_t, the auxiliary
 * vector, the NT_FILE table), written here independently of the reader.
 */

import { ByteWriter } from '../../src/internal/writer.js';

/** A thread: one NT_PRSTATUS, optionally followed by an NT_SIGINFO. */
export interface SynthThread {
  tid: number;
  cursig: number;
  /** `pr_reg`: 27 values for amd64, 34 for arm64. */
  regs: bigint[];
  siginfo?: { signo: number; code: number; word: bigint };
}

/** A PT_LOAD segment. */
export interface SynthLoad {
  vaddr: bigint;
  /** Bytes in the core; `memsz` ≥ their length. */
  data: Uint8Array;
  memsz: bigint;
  flags: number;
}

/** Everything a synthetic core holds. */
export interface SynthCore {
  machine: 62 | 183;
  little: boolean;
  threads: SynthThread[];
  prpsinfo?: { state: number; sname: number; pid: number; uid: number; fname: string; args: string };
  auxv: [bigint, bigint][];
  files?: { pageSize: bigint; mappings: { start: bigint; end: bigint; offset: bigint; path: string }[] };
  /** Other notes (listed, not decoded). */
  extra: { name: string; type: number; desc: Uint8Array }[];
  loads: SynthLoad[];
}

/** Register count of `pr_reg` per machine. */
export const REG_COUNT: Record<62 | 183, number> = { 62: 27, 183: 34 };

function note(w: ByteWriter, name: string, type: number, desc: Uint8Array): void {
  const nameBytes = new TextEncoder().encode(name + '\0');
  w.u32(nameBytes.length).u32(desc.length).u32(type);
  w.bytes(nameBytes);
  while (w.length % 4 !== 0) w.u8(0);
  w.bytes(desc);
  while (w.length % 4 !== 0) w.u8(0);
}

function fixed(text: string, n: number): Uint8Array {
  const out = new Uint8Array(n);
  out.set(new TextEncoder().encode(text).subarray(0, n - 1));
  return out;
}

/** The notes of a synthetic core, in the kernel's order. */
export function writeNotes(c: SynthCore): Uint8Array {
  const w = new ByteWriter(1024, c.little);
  const sub = () => new ByteWriter(512, c.little);
  c.threads.forEach((t, i) => {
    const s = sub();
    s.u32(t.siginfo?.signo ?? 0).u32(t.siginfo?.code ?? 0).u32(0); // pr_info
    s.u16(t.cursig).u16(0);
    s.u64(0n).u64(0n); // sigpend, sighold
    s.u32(t.tid).u32(1).u32(t.tid).u32(t.tid); // pid, ppid, pgrp, sid
    for (let k = 0; k < 8; k++) s.u64(BigInt(k)); // four timevals
    for (const r of t.regs) s.u64(r);
    s.u32(1).u32(0); // fpvalid, padding
    note(w, 'CORE', 1, s.finish());
    if (i === 0 && c.prpsinfo !== undefined) {
      const p = c.prpsinfo;
      const q = sub();
      q.u8(p.state).u8(p.sname).u8(0).u8(0).u32(0);
      q.u64(0x400000n);
      q.u32(p.uid).u32(p.uid).u32(p.pid).u32(1).u32(p.pid).u32(p.pid);
      q.bytes(fixed(p.fname, 16)).bytes(fixed(p.args, 80));
      note(w, 'CORE', 3, q.finish());
    }
    if (t.siginfo !== undefined) {
      const q = sub();
      q.u32(t.siginfo.signo).u32(0).u32(t.siginfo.code).u32(0).u64(t.siginfo.word);
      while (q.length < 128) q.u8(0);
      note(w, 'CORE', 0x53494749, q.finish());
    }
    if (i === 0) {
      const a = sub();
      for (const [k, v] of c.auxv) a.u64(k).u64(v);
      a.u64(0n).u64(0n);
      note(w, 'CORE', 6, a.finish());
      if (c.files !== undefined) {
        const f = sub();
        f.u64(BigInt(c.files.mappings.length)).u64(c.files.pageSize);
        for (const m of c.files.mappings) f.u64(m.start).u64(m.end).u64(m.offset);
        for (const m of c.files.mappings) f.bytes(new TextEncoder().encode(m.path + '\0'));
        note(w, 'CORE', 0x46494c45, f.finish());
      }
    }
  });
  for (const e of c.extra) note(w, e.name, e.type, e.desc);
  return w.finish();
}

/** A whole core file. */
export function writeCore(c: SynthCore): Uint8Array {
  const notes = writeNotes(c);
  const phnum = 1 + c.loads.length;
  const phoff = 64;
  const noteOff = phoff + 56 * phnum;
  let dataOff = noteOff + notes.length;
  dataOff = (dataOff + 7) & ~7;
  const w = new ByteWriter(dataOff + 4096, c.little);
  w.bytes(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, c.little ? 1 : 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
  w.u16(4).u16(c.machine).u32(1); // ET_CORE, machine, version
  w.u64(0n).u64(BigInt(phoff)).u64(0n); // entry, phoff, shoff
  w.u32(0).u16(64).u16(56).u16(phnum).u16(64).u16(0).u16(0);
  // PT_NOTE, then PT_LOADs.
  w.u32(4).u32(4).u64(BigInt(noteOff)).u64(0n).u64(0n).u64(BigInt(notes.length)).u64(0n).u64(4n);
  let off = dataOff;
  for (const l of c.loads) {
    w.u32(1).u32(l.flags).u64(BigInt(off)).u64(l.vaddr).u64(0n).u64(BigInt(l.data.length)).u64(l.memsz).u64(4096n);
    off += l.data.length;
  }
  w.bytes(notes);
  while (w.length < dataOff) w.u8(0);
  for (const l of c.loads) w.bytes(l.data);
  return w.finish();
}
