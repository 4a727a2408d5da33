/**
 * The Go layer where the core does not hold what it needs: every walk ends with an explicit reason, never an
 * exception or an endless loop. The recorded Go 1.26 kernel core is read through a view of the core whose memory
 * loses a stack, or lies about it.
 */

import { describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../src/core/elf-core.js';
import { UnavailableMemoryError } from '../../src/core/memory.js';
import { openGoProcess } from '../../src/core/go/index.js';
import { fixtureBytes, loadManifest } from '../support/fixtures.js';

const fixtures = loadManifest().fixtures;
const coreFixture = fixtures.find((f) => f.format === 'core' && f.kind === 'core-kernel' && f.goVersion?.startsWith('go1.26') && f.goarch === 'amd64')!;
const exeFixture = fixtures.find((f) => f.format === 'core-exe' && f.kind === undefined && f.goVersion === coreFixture.goVersion && f.goarch === 'amd64')!;

/** The core with its memory replaced where `override` answers. */
function withMemory(core: Core, override: (address: bigint, length: number) => Promise<Uint8Array> | undefined): Core {
  return new Proxy(core, {
    get(target, prop, receiver) {
      if (prop === 'read') return (a: bigint, n: number) => override(a, n) ?? target.read(a, n);
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as (...args: unknown[]) => unknown).bind(target) : v;
    },
  });
}

describe('core/go robustness', async () => {
  const core = await openCore(fixtureBytes(coreFixture), { executable: fixtureBytes(exeFixture) });
  const proc = await openGoProcess(core);
  // The goroutine 20 calls deep in main.recurse (corework's recursion).
  let recursion = (await proc.goroutines())[0]!;
  for (const g of await proc.goroutines()) {
    if ((await proc.frames(g)).frames.filter((f) => f.function === 'main.recurse').length === 21) recursion = g;
  }

  it('stops at the depth limit', async () => {
    const r = await proc.frames(recursion, { maxFrames: 5 });
    expect(r.complete).toBe(false);
    expect(r.truncated).toBe('more than 5 frames');
    expect(r.frames.length).toBeGreaterThanOrEqual(5);
  });

  it('a stack the core does not hold ends the walk with a reason', async () => {
    const lost = withMemory(core, (a, n) => (a >= recursion.stack.lo && a < recursion.stack.hi ? Promise.reject(new UnavailableMemoryError(a, n, a, 'core-truncated')) : undefined));
    const p = await openGoProcess(lost);
    const g = (await p.goroutines()).find((x) => x.id === recursion.id)!;
    const r = await p.frames(g);
    expect(r.complete).toBe(false);
    expect(r.truncated).toMatch(/in memory the core does not hold/);
    expect(r.frames.length).toBeGreaterThan(0);
  });

  it('a stack whose return addresses all point back into the same function is bounded', async () => {
    // Every word of the stack reads as the recursion's own return address: the walk must still end.
    const full = await proc.frames(recursion);
    const ret = full.frames.find((f) => f.function === 'main.recurse' && f.line === 148)!.pc;
    const word = new Uint8Array(8);
    new DataView(word.buffer).setBigUint64(0, ret, true);
    const lying = withMemory(core, (a, n) => {
      if (!(a >= recursion.stack.lo && a + BigInt(n) <= recursion.stack.hi)) return undefined;
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = word[i % 8]!;
      return Promise.resolve(out);
    });
    const p = await openGoProcess(lying);
    const g = (await p.goroutines()).find((x) => x.id === recursion.id)!;
    const r = await p.frames(g);
    expect(r.complete).toBe(false);
    // Past the top of the stack the real memory (zeros) ends it.
    expect(r.truncated).toBe('the return address of main.recurse reads 0');
    expect(r.frames.every((f) => f.function === 'main.recurse' || f.function.startsWith('runtime.'))).toBe(true);
  });

  it('an unreadable g is reported, the others still read', async () => {
    const target = recursion.address;
    const lost = withMemory(core, (a, n) => (a === target ? Promise.reject(new UnavailableMemoryError(a, n, a, 'unmapped')) : undefined));
    const p = await openGoProcess(lost);
    const gs = await p.goroutines();
    expect(gs.map((g) => g.id)).not.toContain(recursion.id);
    expect(gs.length).toBe((await proc.goroutines()).length - 1);
    expect(p.warnings).toHaveLength(1);
    expect(p.warnings[0]).toMatch(/is unavailable/);
  });

  it('refuses a core opened without its executable', async () => {
    const bare = await openCore(fixtureBytes(coreFixture));
    await expect(openGoProcess(bare)).rejects.toMatchObject({ code: 'unsupported-version' });
  });
});
