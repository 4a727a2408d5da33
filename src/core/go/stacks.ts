/**
 * Every goroutine with its stack, in order, with the reads of the next goroutines' stacks in flight while one
 * is handed out: listing a large core's goroutines waits on the disk once per window, not once per stack.
 * @module
 */

import type { FramesOptions, GoProcess, Goroutine } from './process.js';
import type { UnwindResult } from './unwind.js';

/** A goroutine and its unwound stack. */
export interface GoroutineStack {
  /** The goroutine. */
  goroutine: Goroutine;
  /** Its stack, innermost frame first (as {@link GoProcess.frames} gives it). */
  stack: UnwindResult;
}

/** Options of {@link goroutineStacks}. */
export interface GoroutineStacksOptions extends FramesOptions {
  /**
   * Goroutines unwound ahead of the one handed out (default 32, at most 1024): their reads overlap each
   * other and the caller's work. 1 unwinds one goroutine at a time.
   */
  readAhead?: number;
}

/**
 * Yields each goroutine (default: {@link GoProcess.goroutines}) with its stack, in the given order. The same
 * stacks as calling `frames(g)` for each, faster on a file: up to `readAhead` unwinds run at once. A stack
 * that cannot be unwound rejects when its turn comes, as `frames` would.
 */
export async function* goroutineStacks(
  process: GoProcess,
  goroutines?: readonly Goroutine[],
  options: GoroutineStacksOptions = {},
): AsyncGenerator<GoroutineStack, void, undefined> {
  const gs = goroutines ?? (await process.goroutines());
  const asked = options.readAhead ?? 32;
  const ahead = Number.isFinite(asked) ? Math.max(1, Math.min(Math.floor(asked), 1024)) : 32;
  const frames: FramesOptions = options.maxFrames === undefined ? {} : { maxFrames: options.maxFrames };
  const window = new Map<number, Promise<UnwindResult>>();
  let started = 0;
  for (let i = 0; i < gs.length; i++) {
    for (; started < gs.length && started < i + ahead; started++) {
      const p = process.frames(gs[started]!, frames);
      // Rejections surface when their goroutine's turn comes; until then they must not count as unhandled.
      p.catch(() => undefined);
      window.set(started, p);
    }
    const stack = window.get(i)!;
    window.delete(i);
    yield { goroutine: gs[i]!, stack: await stack };
  }
}
