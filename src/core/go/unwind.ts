/**
 * Stack unwinding of a goroutine, following the runtime's own unwinder (runtime/traceback.go): the frame size
 * from the pclntab's pcsp table, the return address at the top of the caller's frame (amd64) or saved at SP /
 * in the link register (arm64), injected calls (sigpanic, asyncPreempt) taken as traps, and the jump from an M's
 * g0 stack back to the goroutine at `systemstack` / `morestack`. Every step is bounded: a depth limit, a stack
 * pointer that must not go down, and unreadable memory ending the walk with a reason.
 * @module
 */

import { isUnavailable } from '../memory.js';
import type { Pclntab } from '../../gosym/pclntab/index.js';
import type { CoreMemory } from './memory.js';

/** `FuncFlag` bits (Go 1.17+). */
const FLAG_TOP_FRAME = 1;
const FLAG_SP_WRITE = 2;
/** FuncIDs whose frames were injected by a signal handler: the pc above them is not a return address. */
const INJECTED = new Set(['sigpanic', 'asyncPreempt', 'debugCallV2']);
/** FuncIDs that end a stack, whatever their flags say. */
const TOP = new Set(['goexit', 'mstart', 'rt0_go']);

/** One logical frame of a goroutine's stack. Addresses are the process's. */
export interface GoFrame {
  /** Function name (`main.main`, `internal/poll.(*FD).Read`). */
  function: string;
  /** Source file. */
  file: string;
  /** Line. */
  line: number;
  /** The frame's pc (a return address except for the innermost frame and frames above an injected call). */
  pc: bigint;
  /** The frame's stack pointer. */
  sp: bigint;
  /** Entry pc of the physical function. */
  entry: bigint;
  /** `pc − entry` (what tracebacks print as `+0x…`); undefined for inlined frames, which print `(...)`. */
  offset: number | undefined;
  /** A frame of an inlined call. */
  inlined: boolean;
  /** The physical function's FuncID name (`goexit`, `wrapper`, …), for physical frames; `normal` for inlined ones. */
  funcID: string;
  /** Whether a goroutine dump at the default GOTRACEBACK level shows the frame (runtime frames are hidden). */
  shown: boolean;
}

/** The stack of a goroutine. */
export interface UnwindResult {
  /** Frames, innermost first. */
  frames: GoFrame[];
  /** Where the walk began: the thread's registers, the context saved at a system call, or `g.sched`. */
  source: 'thread' | 'syscall' | 'sched';
  /** The walk reached the end of the stack (a top frame such as `runtime.goexit`). */
  complete: boolean;
  /** Why the walk stopped before the end of the stack (unreadable memory, unknown pc, depth limit…). */
  truncated: string | undefined;
}

/** What the unwinder reads. */
export interface UnwindContext {
  /** The core's memory. */
  mem: CoreMemory;
  /** The executable's table (link-time addresses). */
  table: Pclntab;
  /** Load bias (process address − link address). */
  bias: bigint;
  /** `amd64` or `arm64`. */
  goarch: string;
  /** Most physical frames. */
  maxFrames: number;
  /** The goroutine's stack bounds, when known: reads of its stack then run to its top in one piece. */
  stack?: { lo: bigint; hi: bigint };
}

/** Where to start. */
export interface UnwindStart {
  /** pc, sp and (arm64) link register. */
  pc: bigint;
  /** Stack pointer. */
  sp: bigint;
  /** Link register (arm64; 0 when unknown). */
  lr: bigint;
  /** Source of the context. */
  source: UnwindResult['source'];
  /** The goroutine an M's g0 stack leads back to, at systemstack/morestack. */
  jump?: { sched: { pc: bigint; sp: bigint; lr: bigint } } | undefined;
}

/** Most signal frames crossed in one walk (a handler interrupted inside a handler is possible, not more). */
const MAX_SIGNAL_FRAMES = 4;

/**
 * The interrupted registers of a Linux signal frame, from the stack pointer at the handler's entry: amd64
 * `rt_sigframe` (return address, then `ucontext`: flags, link, stack, then `mcontext` gregs with rsp at 15 and
 * rip at 16); arm64 (`siginfo`, 128 bytes, then `ucontext` whose `sigcontext` — fault address, x0–x30, sp, pc —
 * is at offset 176).
 */
async function interrupted(ctx: UnwindContext, entrySp: bigint): Promise<{ pc: bigint; sp: bigint; lr: bigint } | undefined> {
  try {
    if (ctx.goarch === 'arm64') {
      const sc = entrySp + 128n + 176n;
      const [x30, sp, pc] = await ctx.mem.words(sc + 8n + 30n * 8n, 3);
      if (x30 === undefined || sp === undefined || pc === undefined) return undefined;
      return { pc, sp, lr: x30 };
    }
    const gregs = entrySp + 8n + 40n; // past the handler's return address (the sigreturn trampoline)
    const [sp, pc] = await ctx.mem.words(gregs + 15n * 8n, 2);
    if (sp === undefined || pc === undefined) return undefined;
    return { pc, sp, lr: 0n };
  } catch (e) {
    if (!isUnavailable(e)) throw e;
    return undefined;
  }
}

/** The runtime's isExportedRuntime: `runtime.X` with X (and a receiver type) exported. */
function isExportedRuntime(name: string): boolean {
  if (!name.startsWith('runtime.')) return false;
  let rest = name.slice(8);
  let rcvr = '';
  if (rest.startsWith('(')) {
    const i = rest.startsWith('(*') ? 2 : 1;
    const j = rest.indexOf(')');
    if (j < 0) return false;
    rcvr = rest.slice(i, j);
    rest = rest.slice(j + 1);
    if (!rest.startsWith('.')) return false;
    rest = rest.slice(1);
  }
  const upper = (c: string | undefined) => c !== undefined && c >= 'A' && c <= 'Z';
  if (!upper(rest[0])) return false;
  return rcvr === '' || upper(rcvr[0]);
}

/** The runtime's showfuncinfo at traceback level 1 (a goroutine dump with the default GOTRACEBACK). */
export function shownByDefault(name: string, funcID: string, firstFrame: boolean, calleeFuncID: string): boolean {
  if (funcID === 'wrapper' && calleeFuncID !== 'gopanic' && calleeFuncID !== 'sigpanic' && calleeFuncID !== 'panicwrap') return false;
  if (name === 'runtime.gopanic' && !firstFrame) return true;
  return name.includes('.') && (!name.startsWith('runtime.') || isExportedRuntime(name));
}

/** Unwinds from `start`. Never throws for the core's contents: unreadable memory ends the walk with a reason. */
export async function unwind(ctx: UnwindContext, start: UnwindStart): Promise<UnwindResult> {
  const { table, bias } = ctx;
  const words = ctx.mem.blockWords(ctx.stack);
  const lrArch = ctx.goarch === 'arm64';
  const frames: GoFrame[] = [];
  let pc = start.pc;
  let sp = start.sp;
  let lr = start.lr;
  let innermost = true;
  // A thread's pc is where it was stopped, not a return address: looked up as is (the runtime's tracebacktrap).
  let trap = start.source === 'thread';
  let jumped = start.jump === undefined;
  let callee = 'normal';
  let shownCount = 0;
  let crossings = 0;
  const done = (complete: boolean, truncated?: string): UnwindResult => ({ frames, source: start.source, complete, truncated });
  const hex = (v: bigint) => `0x${v.toString(16)}`;
  for (let n = 0; ; n++) {
    if (n >= ctx.maxFrames) return done(false, `more than ${ctx.maxFrames} frames`);
    let f = table.funcAt(pc - bias);
    if (f === undefined) return done(false, `no Go function at pc ${hex(pc)}`);
    let flags = f.flags;
    let fid = f.funcIDName ?? 'normal';
    if (!jumped && start.jump !== undefined && (fid === 'systemstack' || fid === 'morestack')) {
      // On g0: continue on the goroutine's stack, as the runtime's unwinder does.
      jumped = true;
      const s = start.jump.sched;
      if (fid === 'morestack') {
        pc = s.pc;
        lr = s.lr;
        f = table.funcAt(pc - bias);
        if (f === undefined) return done(false, `no Go function at the goroutine's saved pc ${hex(pc)}`);
        flags = f.flags;
        fid = f.funcIDName ?? 'normal';
      } else {
        flags &= ~FLAG_SP_WRITE;
      }
      sp = s.sp;
    }
    const delta = table.spDelta(pc - bias);
    if (delta < 0) return done(false, `no frame size (pcsp) for pc ${hex(pc)} in ${f.name}`);
    let fp = sp + BigInt(delta);
    if (!lrArch) fp += 8n;
    let top = false;
    let spWrite = false;
    try {
      if ((flags & FLAG_TOP_FRAME) !== 0 || TOP.has(fid)) {
        lr = 0n;
        top = true;
      } else if ((flags & FLAG_SP_WRITE) !== 0 && !innermost) {
        lr = 0n;
        spWrite = true;
      } else if (lrArch) {
        if ((innermost && sp < fp) || lr === 0n) lr = await words.u64(sp);
      } else if (lr === 0n) {
        lr = await words.u64(fp - 8n);
      }
    } catch (e) {
      if (!isUnavailable(e)) throw e;
      lr = -1n;
    }
    // Logical frames: the pc of a call is its return address, so the position is looked up at pc − 1.
    const entry = f.entry + bias;
    const symPc = !trap && pc > entry ? pc - 1n : pc;
    const logical = table.lookup(symPc - bias);
    for (const l of logical) {
      const id = l.inlined ? 'normal' : fid;
      const shown = shownByDefault(l.function, id, shownCount === 0, callee);
      callee = id;
      if (shown) shownCount++;
      frames.push({ function: l.function, file: l.file, line: l.line, pc, sp, entry, offset: l.inlined ? undefined : Number(pc - entry), inlined: l.inlined, funcID: id, shown });
    }
    if (f.name === 'runtime.sigtramp' && start.source === 'thread' && crossings < MAX_SIGNAL_FRAMES) {
      // A signal handler's frame: the interrupted context is in the ucontext the kernel pushed.
      crossings++;
      const resumed = await interrupted(ctx, sp + BigInt(delta));
      if (resumed === undefined) return done(false, 'the signal context above runtime.sigtramp is in memory the core does not hold');
      ({ pc, sp, lr } = resumed);
      innermost = true;
      trap = true;
      continue;
    }
    if (top) return done(true);
    if (lr === -1n) return done(false, `the return address of ${f.name} is in memory the core does not hold`);
    if (spWrite) return done(false, `${f.name} writes SP: the unwinder cannot go past it`);
    if (lr === 0n) return done(false, `the return address of ${f.name} reads 0`);
    if (table.funcAt(lr - bias) === undefined) return done(false, `return address ${hex(lr)} of ${f.name} is in no Go function`);
    if (pc === lr && sp === fp) return done(false, `stuck at pc ${hex(pc)} sp ${hex(sp)}`);
    if (fp < sp) return done(false, `frame pointer below the stack pointer at ${f.name}`);
    trap = INJECTED.has(fid);
    pc = lr;
    lr = 0n;
    sp = fp;
    innermost = false;
    if (lrArch && trap) {
      // The arm64 signal handler saved LR on the stack before faking the call.
      try {
        const x = await words.u64(sp);
        sp += 16n;
        if (table.funcAt(pc - bias) === undefined) pc = x;
        else if (table.spDelta(pc - bias) === 0) lr = x;
      } catch (e) {
        if (!isUnavailable(e)) throw e;
        return done(false, `the saved link register above ${f.name} is in memory the core does not hold`);
      }
    }
  }
}
