/**
 * A core's goroutines as text in the shape of a Go goroutine dump (`runtime.Stack(buf, true)`, or
 * GOTRACEBACK=system with `system`), so that tools reading dumps (godiag's parseGoroutineDump among them) read
 * cores too.
 * @module
 */

import type { GoProcess, Goroutine } from './process.js';
import { shownByDefault, type GoFrame, type UnwindResult } from './unwind.js';
import { goroutineStacks } from './stacks.js';
import { goroutineLabels, labelsHeaderText, type GoroutineLabelPair } from './labels.js';
import { GodiagError } from '../../internal/errors.js';
import { isUnavailable } from '../memory.js';

/** Options of {@link goroutineDumpText}. */
export interface DumpTextOptions {
  /** Also the runtime's own goroutines and every runtime frame, as GOTRACEBACK=system prints them. Default false. */
  system?: boolean;
}

const hex = (v: bigint | number) => `0x${v.toString(16)}`;

function header(g: Goroutine, labels: readonly GoroutineLabelPair[] | undefined): string {
  let s = `goroutine ${g.id} [${g.state}`;
  if (g.scan) s = `goroutine ${g.id} [${g.state} (scan)`;
  if (g.lockedM !== 0n) s += ', locked to thread';
  // Where Go 1.26 prints them under GODEBUG=tracebacklabels=1.
  return `${s}${labelsHeaderText(labels)}]:`;
}

function frameLines(f: GoFrame): string {
  // Arguments are not decoded: `?` stands for them (physical frames); inlined calls print `(...)` as Go does.
  const call = `${f.function}(${f.inlined ? '...' : '?'})`;
  const at = `\t${f.file}:${f.line}${f.offset === undefined ? '' : ` +${hex(f.offset)}`}`;
  return `${call}\n${at}`;
}

/** The text of one goroutine: header (with its profiler labels, when given), frames and `created by`. */
export function goroutineText(g: Goroutine, stack: UnwindResult, options: DumpTextOptions = {}, labels?: readonly GoroutineLabelPair[]): string {
  const lines = [header(g, labels)];
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
  for await (const { goroutine, stack } of goroutineStacks(proc, gs)) parts.push(goroutineText(goroutine, stack, options, await labelsOrWarning(proc, goroutine)));
  return parts.join('\n\n') + '\n';
}

/**
 * The goroutine's profiler labels; a label set the core holds damaged or only in part becomes a warning in
 * `proc.warnings` and no labels, so that one bad map does not hide the dump.
 */
export async function labelsOrWarning(proc: GoProcess, g: Goroutine): Promise<GoroutineLabelPair[] | undefined> {
  if (g.labelsAddress === 0n) return undefined;
  try {
    return await goroutineLabels(proc, g);
  } catch (e) {
    if (!(e instanceof GodiagError) && !isUnavailable(e)) throw e;
    proc.warnings.push(`goroutine ${g.id}: its labels are unreadable: ${e.message}`);
    return undefined;
  }
}
