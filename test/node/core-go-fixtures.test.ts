/**
 * The Go layer of the core reader on the recorded cores (the `core` fixture set: corework built with Go 1.22–1.26,
 * the kernel's core, gdb's gcore, the PIE's kernel core on linux/amd64, qemu-user's guest core on linux/arm64).
 *
 * The oracle is the program's own goroutine dump (`runtime.Stack(buf, true)`, printed just before the crash or
 * before gdb attached: `core-*.goroutines.txt`), parsed with godiag's goroutine-dump parser. The dump and the
 * core are moments apart, so only goroutines that cannot have moved are compared in full:
 * - every goroutine of the dump is in the core (and no other user goroutine): ids;
 * - goroutines blocked in the dump (waiting on a channel, mutex, select, sleep, WaitGroup, the network poller,
 *   or in a system call) are blocked identically in the core: state, `locked to thread`, every frame the dump
 *   shows (function, file, line, `+0x` offset or `(...)` for inlined calls) and `created by`;
 * - goroutines runnable or running in the dump (the spinning ones, and goroutine 1, which printed the dump and
 *   then crashed or went to sleep) keep their outer frames: the frames from the goroutine's own function
 *   outwards and `created by` (their innermost frames are wherever the scheduler stopped them);
 * - goroutine 1 of a crash core is unwound from the crashing thread's registers through the signal frame: its
 *   stack holds main.crash called from main.main, under runtime.sigpanic.
 */

import { describe, expect, it } from 'vitest';
import { openCore } from '../../src/core/elf-core.js';
import { goroutineDumpText, openGoProcess, type GoFrame, type Goroutine, type GoProcess } from '../../src/core/go/index.js';
import { parseGoroutineDump } from '../../src/pprof/goroutines/index.js';
import type { Frame as DumpFrame, Goroutine as DumpGoroutine } from '../../src/pprof/goroutines/model.js';
import { fixtureBytes, type Fixture } from '../support/fixtures.js';
import { coreFixtures, executableOf, goroutineDumpOf } from '../support/core-fixtures.js';

const cores = coreFixtures;

/** A frame as compared: what the dump prints of it. */
const frameKey = (f: { function: string; file: string; line: number; offset: number | undefined }) =>
  `${f.function} ${f.file}:${f.line} ${f.offset === undefined ? '(...)' : `+0x${f.offset.toString(16)}`}`;
const dumpKey = (f: DumpFrame) => frameKey({ function: f.function, file: f.file, line: f.line, offset: f.inlined ? undefined : f.pcOffset });
const createdKey = (d: DumpGoroutine) => (d.createdBy === undefined ? 'none' : `${d.createdBy.function} in ${d.createdBy.goroutine ?? 0n} ${d.createdBy.file}:${d.createdBy.line}`);
const ourCreatedKey = (g: Goroutine) => (g.createdBy === undefined || g.id === 1n ? 'none' : `${g.createdBy.function} in ${g.parentId} ${g.createdBy.file}:${g.createdBy.line}`);
/** States whose goroutine cannot move between the dump and the core: everything but running and runnable. */
const blocked = (state: string) => state !== 'running' && state !== 'runnable';

interface Loaded {
  proc: GoProcess;
  dump: Map<bigint, DumpGoroutine>;
  ours: Map<bigint, { g: Goroutine; frames: GoFrame[]; complete: boolean; truncated: string | undefined; source: string }>;
}

async function load(core: Fixture): Promise<Loaded> {
  const dumpFixture = goroutineDumpOf(core);
  if (dumpFixture === undefined) throw new Error(`no goroutine dump for ${core.path}`);
  const opened = await openCore(fixtureBytes(core), { executable: fixtureBytes(executableOf(core)) });
  const proc = await openGoProcess(opened);
  const parsed = parseGoroutineDump(fixtureBytes(dumpFixture));
  const dump = new Map<bigint, DumpGoroutine>();
  for (const item of parsed.items) if (item.kind === 'goroutine') dump.set(item.id, item);
  const ours: Loaded['ours'] = new Map();
  for (const g of await proc.goroutines()) {
    const r = await proc.frames(g);
    ours.set(g.id, { g, frames: r.frames, complete: r.complete, truncated: r.truncated, source: r.source });
  }
  return { proc, dump, ours };
}

describe.each(cores.map((c) => [c.path, c] as const))('%s', (_path, core) => {
  let loaded: Promise<Loaded> | undefined;
  const get = () => (loaded ??= load(core));

  it('reads the executable’s Go version and every goroutine the dump lists, and no other user goroutine', async () => {
    const { proc, dump, ours } = await get();
    expect(proc.goVersion).toBe(core.goVersion);
    const user = [...ours.values()].filter((o) => !o.g.system).map((o) => o.g.id);
    expect(user.sort((a, b) => (a < b ? -1 : 1))).toEqual([...dump.keys()].sort((a, b) => (a < b ? -1 : 1)));
    // The runtime's own goroutines are there too, marked system (the dump hides them).
    expect([...ours.values()].filter((o) => o.g.system).map((o) => o.g.startFunction)).toContain('runtime.forcegchelper');
  });

  it('unwinds every goroutine to its end (runtime.goexit), within its stack bounds', async () => {
    const { ours } = await get();
    for (const o of ours.values()) {
      expect({ id: o.g.id, truncated: o.truncated }).toEqual({ id: o.g.id, truncated: undefined });
      expect(o.complete).toBe(true);
      expect(o.frames[o.frames.length - 1]?.function).toBe('runtime.goexit');
      for (const f of o.frames) if (o.source !== 'thread') expect(f.sp >= o.g.stack.lo && f.sp < o.g.stack.hi).toBe(true);
    }
  });

  it('blocked goroutines: the same state, lock, frames (function, file:line, offset) and creator as the dump', async () => {
    const { dump, ours } = await get();
    let compared = 0;
    const readied: bigint[] = [];
    for (const [id, d] of dump) {
      if (!blocked(d.state)) continue;
      const o = ours.get(id)!;
      // Made runnable between the dump and the core (the connection's reader in some qemu-user cores, which the
      // network poller readied; why under qemu-user is not known): still at the frames where it parked.
      const state = o.g.state === 'runnable' ? d.state : o.g.state;
      if (o.g.state === 'runnable') readied.push(id);
      expect({ id, state, locked: o.g.lockedM !== 0n }).toEqual({ id, state: d.state, locked: d.lockedToThread });
      // A locked goroutine's M is one of the core's threads, which no other goroutine is locked to.
      if (d.lockedToThread) {
        expect(o.g.lockedThread).toBeDefined();
        expect([...ours.values()].filter((x) => x.g.lockedThread === o.g.lockedThread)).toHaveLength(1);
      }
      const want = d.frames.filter((f): f is DumpFrame => f.kind === 'frame').map(dumpKey);
      expect(o.frames.filter((f) => f.shown).map(frameKey)).toEqual(want);
      expect(ourCreatedKey(o.g)).toBe(createdKey(d));
      compared++;
    }
    // corework blocks 13 goroutines (channel ×4, send, mutex, select, sleep ×2, WaitGroup, syscall, poller ×2) and
    // its 8 labelled ones (channel receives inside pprof.Do).
    expect(compared).toBe(21);
    // Only the network reader was seen to move, and only under qemu-user (in one qemu core or another: which one
    // changes from recording to recording).
    for (const id of readied) expect(dump.get(id)!.frames.some((f) => f.kind === 'frame' && f.function === 'main.netRead')).toBe(true);
    if (core.kind !== 'core-qemu') expect(readied).toEqual([]);
  });

  it('runnable and running goroutines keep their outermost frame and creator', async () => {
    const { dump, ours } = await get();
    for (const [id, d] of dump) {
      if (blocked(d.state)) continue;
      const o = ours.get(id)!;
      const want = d.frames.filter((f): f is DumpFrame => f.kind === 'frame').map(dumpKey);
      const got = o.frames.filter((f) => f.shown).map(frameKey);
      // Goroutine 1 printed the dump from main.main and then crashed or slept there: the function only; the
      // others' outermost frame (main.main.func6, returning into the same call) is exact.
      if (id === 1n) expect(got.at(-1)?.split(' ')[0]).toBe(want.at(-1)?.split(' ')[0]);
      else expect(got.at(-1)).toBe(want.at(-1));
      expect(ourCreatedKey(o.g)).toBe(createdKey(d));
    }
  });

  it('goroutine 1: the crash from the signal context, or the sleep of the gcore', async () => {
    const { ours } = await get();
    const o = ours.get(1n)!;
    const names = o.frames.map((f) => f.function);
    if (core.kind === 'core-gcore') {
      // corework -mode wait sleeps in main.main while gdb writes the core.
      expect({ state: o.g.state, source: o.source }).toEqual({ state: 'sleep', source: 'sched' });
      expect(o.frames.filter((f) => f.shown).map((f) => f.function)).toEqual(['time.Sleep', 'main.main']);
      return;
    }
    // It is the goroutine of the thread that received the signal.
    const proc = (await get()).proc;
    expect((await proc.signalGoroutine())?.id).toBe(1n);
    // The nil dereference in main.crash, turned into a panic by the injected sigpanic, ends in the runtime's
    // raise of SIGABRT, interrupted by the signal handler (runtime.sigtramp) that raised it again.
    expect({ state: o.g.state, source: o.source }).toEqual({ state: 'running', source: 'thread' });
    expect(names[0]).toBe('runtime.raise');
    expect(names).toContain('runtime.sigtramp');
    const i = names.indexOf('runtime.sigpanic');
    expect(names.slice(i, i + 3)).toEqual(['runtime.sigpanic', 'main.crash', 'main.main']);
    // The frame above sigpanic is the faulting instruction (no return address): main.crash's load at its entry.
    expect(o.frames[i + 1]!.offset).toBe(0);
  });

  it('the core as a goroutine dump: parseGoroutineDump reads it back as the program printed its blocked goroutines', async () => {
    const { proc, dump } = await get();
    const text = await goroutineDumpText(proc);
    const back = new Map<bigint, DumpGoroutine>();
    for (const item of parseGoroutineDump(text).items) {
      expect(item.kind).toBe('goroutine');
      if (item.kind === 'goroutine') back.set(item.id, item);
    }
    expect([...back.keys()].sort((a, b) => (a < b ? -1 : 1))).toEqual([...dump.keys()].sort((a, b) => (a < b ? -1 : 1)));
    // The goroutine that received the signal comes first, as a crash prints it.
    if (core.kind !== 'core-gcore') expect(text.startsWith('goroutine 1 [running]:\n')).toBe(true);
    for (const [id, d] of dump) {
      if (!blocked(d.state)) continue;
      const b = back.get(id)!;
      const frames = (g: DumpGoroutine) => g.frames.filter((f): f is DumpFrame => f.kind === 'frame').map((f) => [dumpKey(f), f.inlined]);
      expect(frames(b)).toEqual(frames(d));
      expect(createdKey(b)).toBe(createdKey(d));
      expect(b.createdBy?.pcOffset).toBe(d.createdBy?.pcOffset);
      expect(b.lockedToThread).toBe(d.lockedToThread);
      if (b.state !== 'runnable') expect(b.state).toBe(d.state);
    }
  });
});
