/**
 * General registers of `NT_PRSTATUS` (`pr_reg`, the kernel's `user_regs_struct`) for amd64 and arm64, as
 * named registers with `bigint` values.
 * @module
 */

import { ByteCursor } from '../internal/cursor.js';

/** Registers of amd64 in `user_regs_struct` order. */
export const AMD64_REGISTERS = [
  'r15', 'r14', 'r13', 'r12', 'rbp', 'rbx', 'r11', 'r10', 'r9', 'r8', 'rax', 'rcx', 'rdx', 'rsi', 'rdi',
  'orig_rax', 'rip', 'cs', 'eflags', 'rsp', 'ss', 'fs_base', 'gs_base', 'ds', 'es', 'fs', 'gs',
] as const;

/** Registers of arm64 in `user_pt_regs` order: x0–x30, sp, pc, pstate. */
export const ARM64_REGISTERS = [...Array.from({ length: 31 }, (_, i) => `x${i}`), 'sp', 'pc', 'pstate'] as const;

/** What the core reader knows of an architecture's registers. */
export interface RegisterLayout {
  /** GOARCH. */
  arch: 'amd64' | 'arm64';
  /** ELF `e_machine`. */
  machine: number;
  /** Register names in `pr_reg` order (each 8 bytes). */
  names: readonly string[];
  /** The program counter's name. */
  pc: string;
  /** The stack pointer's name. */
  sp: string;
  /** The frame pointer's name (Go keeps frame pointers on both). */
  fp: string;
  /** The link register, where the architecture has one. */
  lr?: string;
}

/** The register layouts, by `e_machine`. */
export const REGISTER_LAYOUTS: ReadonlyMap<number, RegisterLayout> = new Map<number, RegisterLayout>([
  [62, { arch: 'amd64', machine: 62, names: AMD64_REGISTERS, pc: 'rip', sp: 'rsp', fp: 'rbp' }],
  [183, { arch: 'arm64', machine: 183, names: ARM64_REGISTERS, pc: 'pc', sp: 'sp', fp: 'x29', lr: 'x30' }],
]);

/** Named registers: name → value. Ordered as in the kernel's structure. */
export type Registers = Readonly<Record<string, bigint>>;

/** Decodes `pr_reg` bytes by a layout. */
export function decodeRegisters(layout: RegisterLayout, bytes: Uint8Array, little: boolean, baseOffset: number): Registers {
  const c = new ByteCursor(bytes, 'core', { littleEndian: little, baseOffset });
  const out: Record<string, bigint> = {};
  for (const n of layout.names) out[n] = c.u64();
  return out;
}
