/**
 * A core's goroutines as text in the shape of a Go goroutine dump (`runtime.Stack(buf, true)`, or
 * GOTRACEBACK=system with `system`), so that tools reading dumps (godiag's parseGoroutineDump among them) read
 * cores too.
 * @module
 */

import type { GoProcess, Goroutine } from './process.js';
import { shownByDefault, type GoFrame, type UnwindResult } from './unwind.js';
import { goroutineStacks } from './stacks.js';

/** Options of {@link goroutineDumpText}. */
export interface DumpTextOptions {
  /** Also the runtime's own goroutines and every runtime frame, as GOTRACEBACK=system prints them. Default false. */
  system?: boolean;
}

const hex = (v: bigint | number) => `0x${v.toString(16)}`;

function header(g: Goroutine): string {
  let s = `goroutine ${g.id} [${g.state}`;
  if (g.scan) s = `goroutine ${g.id} [${g.state} (scan)`;
  if (g.lockedM !== 0n) s += ', locked to thread';
  return `${s}]:`;
}

function frameLines(f: GoFrame): string {
  // Arguments are not decoded: `?` stands for them (physical frames); inlined calls print `(...)` as Go does.
  const call = `${f.function}(${f.inlined ? '...' : '?'})`;
  const at = `\t${f.file}:${f.line}${f.offset === undefined ? '' : ` +${hex(f.offset)}`}`;
  return `${call}\n${at}`;
}

/** The text of one goroutine: header, frames and `created by`. */
export function goroutineText(g: Goroutine, stack: UnwindResult, options: DumpTextOptions = {}): string {
  const lines = [header(g)];
  for (const f of stack.frames) if (options.system === true || f.shown) lines.push(frameLines(f));
  if (stack.truncated !== undefined) lines.push(`...stack unwinding stopped: ${stack.truncated}...`);
  const c = g.createdBy;
  // As the runtime: not for goroutine 1, and only where the creating function is a frame it would show.
  if (c !== undefined && g.id !== 1n && (options.system === true || shownByDefault(c.function, 'normal', false, 'normal'))) {
    lines.push(`created by ${c.function}${g.parentId !== 0n ? ` in goroutine ${g.parentId}` : ''}`);
    lines.push(`\t${c.file}:${c.line} +${hex(c.offset)}`);
  }
  return lines.join('\n');
}

/**
 * Every goroutine of the process as a goroutine dump: the goroutine that received the core's signal first (as the
 * crashing goroutine prints first), then the others in `runtime.allgs` order; system goroutines only with
 * `system`.
 */
export async function goroutineDumpText(proc: GoProcess, options: DumpTextOptions = {}): Promise<string> {
  const gs = (await proc.goroutines()).filter((g) => options.system === true || !g.system);
  const first = await proc.signalGoroutine();
  if (first !== undefined) {
    const i = gs.findIndex((g) => g.address === first.address);
    if (i > 0) gs.unshift(...gs.splice(i, 1));
  }
  const parts: string[] = [];
  for await (const { goroutine, stack } of goroutineStacks(proc, gs)) parts.push(goroutineText(goroutine, stack, options));
  return parts.join('\n\n') + '\n';
}
