/**
 * goroutineStacks (every goroutine with its stack, unwinds overlapping) on the recorded cores: the same stacks, in
 * the same order, as frames(g) one goroutine at a time, whatever the read-ahead; and the unwinder's stack reads,
 * hinted `once` for a page cache, stay inside the goroutine's own stack.
 */

import { describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../src/core/elf-core.js';
import { goroutineStacks, openGoProcess, GoroutineStatus } from '../../src/core/go/index.js';
import { bytesRandomAccess, type RandomAccess, type ReadHint } from '../../src/internal/random-access.js';
import { fixtureBytes } from '../support/fixtures.js';
import { coreFixtures, executableOf } from '../support/core-fixtures.js';

const cores = coreFixtures;

/** The core's bytes as a random-access input that records each read and its hint. */
function recorded(bytes: Uint8Array): { ra: RandomAccess; reads: { offset: number; length: number; hint: ReadHint | undefined }[] } {
  const inner = bytesRandomAccess(bytes);
  const reads: { offset: number; length: number; hint: ReadHint | undefined }[] = [];
  return {
    reads,
    ra: {
      size: inner.size,
      read(offset, length, hint) {
        reads.push({ offset, length, hint });
        return inner.read(offset, length);
      },
    },
  };
}

/** The address a core-file offset holds, through the core's segments. */
function addressOf(core: Core, offset: number): bigint | undefined {
  for (const m of core.mappings()) {
    const b = m.backing;
    if (b.kind !== 'core') continue;
    const rel = offset - b.offset;
    if (rel >= 0 && BigInt(rel) < m.end - m.start) return m.start + BigInt(rel);
  }
  return undefined;
}

describe.each(cores.map((c) => [`${c.goVersion} ${c.goarch} ${c.kind ?? ''} ${c.path}`, c] as const))('%s', (_name, fixture) => {
  it('goroutineStacks gives frames(g) of every goroutine, in order, for any read-ahead', async () => {
    const core = await openCore(fixtureBytes(fixture), { executable: fixtureBytes(executableOf(fixture)) });
    const proc = await openGoProcess(core);
    const gs = await proc.allGoroutines();
    const one: unknown[] = [];
    for (const g of gs) one.push({ id: g.id, stack: await proc.frames(g) });
    expect(one.length).toBeGreaterThan(10);
    for (const readAhead of [1, 3, 32, 2000]) {
      const got: unknown[] = [];
      for await (const { goroutine, stack } of goroutineStacks(proc, gs, { readAhead })) got.push({ id: goroutine.id, stack });
      expect(got).toEqual(one);
    }
    // Without a list: the goroutines a dump shows and the system ones, dead ones skipped.
    const ids: bigint[] = [];
    for await (const { goroutine } of goroutineStacks(proc)) ids.push(goroutine.id);
    expect(ids).toEqual((await proc.goroutines()).map((g) => g.id));
  });

  it("a waiting goroutine's unwind reads, hinted once, lie inside its own stack", async () => {
    const rec = recorded(fixtureBytes(fixture));
    const core = await openCore(rec.ra, { executable: fixtureBytes(executableOf(fixture)) });
    const proc = await openGoProcess(core);
    const waiting = (await proc.goroutines()).filter((g) => g.status === GoroutineStatus.waiting);
    expect(waiting.length).toBeGreaterThan(5);
    for (const g of waiting) {
      rec.reads.length = 0;
      const r = await proc.frames(g);
      expect(r.complete).toBe(true);
      const once = rec.reads.filter((x) => x.hint?.once === true);
      expect(once.length).toBeGreaterThan(0);
      for (const x of once) {
        const at = addressOf(core, x.offset);
        expect(at, `read at core offset ${x.offset}`).toBeDefined();
        expect(at! >= g.stack.lo && at! + BigInt(x.length) <= g.stack.hi, `goroutine ${g.id}: 0x${at!.toString(16)}+${x.length} outside its stack [0x${g.stack.lo.toString(16)}, 0x${g.stack.hi.toString(16)}) sp 0x${g.sched.sp.toString(16)} ${g.state}`).toBe(true);
      }
    }
  });
});
