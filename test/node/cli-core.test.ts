/**
 * `godiag core …` run in-process on the recorded cores. Expectations come from elsewhere: the Go oracle's
 * `core-elf` goldens (debug/elf), and gdb's `info threads` and registers recorded beside each amd64 core.
 */

import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { openCore } from '../../src/core/elf-core.js';
import { openGoProcess } from '../../src/core/go/index.js';
import { canonicalJson } from '../../src/internal/canonical-json.js';
import { openBinary } from '../../src/gosym/binary.js';
import { parseGoroutineDump } from '../../src/pprof/goroutines/index.js';
import { fakeIo } from '../support/cli.js';
import { FIXTURES, GOLDENS, fixtureBytes, loadManifest, readGolden, type Fixture } from '../support/fixtures.js';

async function run(...argv: string[]) {
  const io = fakeIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

const fixtures = loadManifest().fixtures;
const cores = fixtures.filter((f) => f.format === 'core');
const tmp = mkdtempSync(join(tmpdir(), 'godiag-cli-core-'));

/** The executable beside a core: the PIE build for the PIE core, else the plain build of its GOARCH. */
function exeFixtureOf(core: Fixture): Fixture {
  const pie = core.kind === 'core-kernel-pie';
  return fixtures.find((f) => f.format === 'core-exe' && f.goVersion === core.goVersion && f.goarch === core.goarch && (pie ? f.kind === 'core-kernel-pie' : f.kind === undefined))!;
}
const executableOf = (core: Fixture): string => join(FIXTURES, exeFixtureOf(core).path);
const readExecutable = (core: Fixture): Uint8Array => fixtureBytes(exeFixtureOf(core));

/**
 * gdb's view of a core: each thread's LWP and function (`info threads`), and its rip. A frame gdb shows as
 * `0x… in clock_gettime ()` is outside the Go executable (the vDSO): its function is undefined here too.
 */
function gdbThreads(core: Fixture): { tid: number; func: string | undefined; rip: string }[] {
  const gdb = fixtures.find((f) => f.format === 'core-gdb' && f.goVersion === core.goVersion && f.kind === core.kind && f.goarch === core.goarch);
  if (gdb === undefined) return [];
  const text = new TextDecoder().decode(fixtureBytes(gdb));
  // gdb also writes "0x… in" for a Go function when the pc is not at the start of a line (a thread caught
  // mid-statement), and prints a Go function's arguments: Go's names are package-qualified, the vDSO's are not.
  const funcs = [...text.matchAll(/^[* ] +\d+ +LWP (\d+) +(0x[0-9a-f]+ in )?(\S+) \(/gm)].map((m) => ({ tid: Number(m[1]), func: m[2] === undefined || m[3]!.includes('.') ? m[3]! : undefined }));
  const rips = new Map<number, string>();
  for (const block of text.split(/^Thread \d+ \(LWP /m).slice(1)) {
    const tid = Number(/^(\d+)\)/.exec(block)?.[1]);
    const rip = /^rip +(0x[0-9a-f]+)/m.exec(block)?.[1];
    if (rip !== undefined) rips.set(tid, rip);
  }
  return funcs.map((f) => ({ ...f, rip: rips.get(f.tid)! }));
}

describe('godiag core', () => {
  it('has recorded cores, with gdb views of the amd64 ones', () => {
    expect(cores.length).toBeGreaterThanOrEqual(4);
    expect(cores.filter((c) => gdbThreads(c).length > 0).length).toBeGreaterThanOrEqual(3);
  });

  for (const core of cores) {
    const path = join(FIXTURES, core.path);

    it(`dump of ${core.path} prints what the Go oracle (debug/elf) printed`, async () => {
      const r = await run('core', 'dump', path);
      expect(r.err).toBe('');
      expect(r.out).toBe(readGolden(join(GOLDENS, core.path.replace(/\.gz$/, '.core-elf.json'))));
    });

    it(`threads of ${core.path} are gdb's: same ids in the same order, pcs and functions`, async () => {
      const r = await run('core', 'threads', path, '--exe', executableOf(core), '--json');
      expect(r.code).toBe(0);
      const got = r.out
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as { tid: number; pc: string; function?: string; signal?: { name: string } });
      const gdb = gdbThreads(core);
      if (gdb.length > 0) {
        expect(got.map((t) => t.tid)).toEqual(gdb.map((t) => t.tid));
        expect(got.map((t) => t.pc)).toEqual(gdb.map((t) => t.rip));
        // gdb names the innermost inlined function at a pc (a thread caught inside an inlined call, such as
        // atomic.(*Uint32).CompareAndSwap in runtime.casgstatus), godiag the physical one: where they differ, gdb's
        // must be the innermost frame the pclntab gives for the pc (non-PIE cores: pcs are link-time addresses).
        const bin = await openBinary(fixtureBytes(fixtures.find((f) => join(FIXTURES, f.path) === executableOf(core))!));
        const names = got.map((t, i) => {
          const physical = t.function?.replace(/\+0x[0-9a-f]+$/, '');
          const inner = bin.lookup(BigInt(t.pc))[0];
          return physical !== gdb[i]?.func && inner?.inlined === true && inner.function === gdb[i]?.func ? inner.function : physical;
        });
        expect(names).toEqual(gdb.map((t) => t.func));
      } else {
        // No gdb for arm64 here: the program crashed itself with SIGABRT, so the signalled thread is in runtime.raise.
        expect(got.find((t) => t.signal !== undefined)?.function).toMatch(/^runtime\.raise\+0x/);
      }
    });

    it(`mappings of ${core.path} cover every loadable segment debug/elf lists, with its rights`, async () => {
      const r = await run('core', 'mappings', path, '--exe', executableOf(core), '--json');
      expect(r.code).toBe(0);
      const maps = r.out
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as { start: string; end: string; perm: string });
      const progs = readGolden(join(GOLDENS, core.path.replace(/\.gz$/, '.core-elf.json')))
        .split('\n')
        .filter((l) => l.includes('"kind":"Prog"'))
        .map((l) => JSON.parse(l) as { type: number; flags: number; vaddr: string; memsz: string })
        .filter((p) => p.type === 1 && BigInt(p.memsz) > 0n);
      expect(progs.length).toBeGreaterThan(3);
      for (const p of progs) {
        const perm = `${p.flags & 4 ? 'r' : '-'}${p.flags & 2 ? 'w' : '-'}${p.flags & 1 ? 'x' : '-'}`;
        let at = BigInt(p.vaddr);
        const end = at + BigInt(p.memsz);
        for (const m of maps) {
          if (BigInt(m.start) <= at && at < BigInt(m.end) && m.perm === perm) at = BigInt(m.end);
        }
        expect(at >= end, `segment at ${p.vaddr}`).toBe(true);
      }
    });
  }

  for (const core of cores.filter((c) => c.kind === 'core-kernel')) {
    it(`goroutines of ${core.path} read back as the goroutine dump the program printed before it crashed`, async () => {
      const r = await run('core', 'goroutines', join(FIXTURES, core.path), '--exe', executableOf(core));
      expect(r.code).toBe(0);
      const got = parseGoroutineDump(r.out);
      const dumpFixture = fixtures.find((f) => f.format === 'core-goroutines' && f.goVersion === core.goVersion && f.goarch === core.goarch && f.kind === core.kind)!;
      const want = parseGoroutineDump(fixtureBytes(dumpFixture));
      const ids = (d: typeof got) => d.goroutines.map((g) => g.id).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      expect(ids(got)).toEqual(ids(want));
      const funcs = (g: (typeof got.goroutines)[number]) => g.frames.flatMap((f) => (f.kind === 'frame' ? [f.function] : []));
      let blocked = 0;
      for (const w of want.goroutines) {
        const g = got.goroutines.find((x) => x.id === w.id)!;
        // The dump was printed before the crash: only goroutines parked then (and still) are the same now.
        if (['running', 'runnable', 'sleep'].includes(w.state) || g.state !== w.state) continue;
        expect(funcs(g), `goroutine ${w.id}`).toEqual(funcs(w));
        expect(g.createdBy?.function).toBe(w.createdBy?.function);
        blocked++;
      }
      expect(blocked).toBeGreaterThanOrEqual(10);
      // The crashed goroutine comes first, unwound from the signalled thread: main.crash under main.main.
      expect(funcs(got.goroutines[0]!).slice(0, 2)).toEqual(['main.crash', 'main.main']);
      const json = await run('core', 'goroutines', join(FIXTURES, core.path), '--exe', executableOf(core), '--json');
      const rows = json.out.trimEnd().split('\n').map((l) => JSON.parse(l) as { id: string; state: string; complete: boolean; labels?: [string, string][] });
      expect(rows.map((x) => [x.id, x.state])).toEqual(got.goroutines.map((g) => [g.id.toString(), g.state]));
      expect(rows.every((x) => x.complete)).toBe(true);
      // Labels: in the text as Go 1.26 prints them (empty sets print nothing), in JSON as pairs (an empty set as []).
      const textLabels = got.goroutines.filter((g) => g.labels !== undefined).map((g) => [g.id.toString(), g.labels!.map((l) => [l.key, l.value])]);
      const jsonLabels = rows.filter((x) => x.labels !== undefined && x.labels.length > 0).map((x) => [x.id, x.labels]);
      expect(textLabels).toEqual(jsonLabels);
      expect(jsonLabels.length).toBe(7);
      expect(rows.filter((x) => x.labels !== undefined && x.labels.length === 0)).toHaveLength(1);
    });
  }

  it('info names the signal, the thread it hit and its function, and checks the executable', async () => {
    const core = cores.find((c) => c.kind === 'core-kernel')!;
    const r = await run('core', 'info', join(FIXTURES, core.path), '--exe', executableOf(core));
    expect(r.code).toBe(0);
    const gdb = gdbThreads(core)[0]!; // gdb's current thread: the one that got the signal
    expect(r.out).toMatch(new RegExp(`^signal: SIGABRT \\(code -?\\d+\\) in thread ${gdb.tid} at pc ${gdb.rip} \\(${gdb.func!.replace('.', '\\.')}\\+0x[0-9a-f]+\\)$`, 'm'));
    expect(r.out).toMatch(/^ {2}given executable: build ID match, entry point match, load bias 0x0$/m);
    // The Go runtime's summary follows; its goroutine count is the one the goroutines command lists (system ones included).
    expect(r.out).toMatch(/^GOMAXPROCS +\d+ +\(runtime\.gomaxprocs\)$/m);
    const all = await run('core', 'goroutines', join(FIXTURES, core.path), '--exe', executableOf(core), '--system', '--json');
    const count = all.out.trimEnd().split('\n').length;
    expect(r.out).toMatch(new RegExp(`^goroutines +${count} \\(`, 'm'));
    const bare = await run('core', 'info', join(FIXTURES, core.path), '--exe', executableOf(core), '--no-go');
    expect(bare.out).not.toMatch(/GOMAXPROCS/);
    expect(r.out).toMatch(/^layouts: the executable's DWARF$/m);
  });

  it('info --json carries the same summary as the library, and the layout source', async () => {
    const core = cores.find((c) => c.kind === 'core-kernel')!;
    const r = await run('core', 'info', join(FIXTURES, core.path), '--exe', executableOf(core), '--json');
    expect(r.code).toBe(0);
    const o = JSON.parse(r.out) as { go: { layouts: string; summary: unknown }; threads: number };
    const opened = await openCore(fixtureBytes(core), { executable: readExecutable(core) });
    const proc = await openGoProcess(opened);
    expect(o.go.layouts).toBe('dwarf');
    expect(o.go.summary).toEqual(JSON.parse(canonicalJson(await proc.summary())));
    expect(o.threads).toBe(opened.threads().length);
    const bare = JSON.parse((await run('core', 'info', join(FIXTURES, core.path), '--exe', executableOf(core), '--json', '--no-go')).out) as object;
    expect(bare).not.toHaveProperty('go');
  });

  it('refuses an executable that is not the one that wrote the core, unless told not to check', async () => {
    const core = cores.find((c) => c.kind === 'core-kernel')!;
    const pie = cores.find((c) => c.kind === 'core-kernel-pie')!;
    const wrong = await run('core', 'info', join(FIXTURES, core.path), '--exe', executableOf(pie));
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/^godiag: core: /);
    const unchecked = await run('core', 'info', join(FIXTURES, core.path), '--exe', executableOf(pie), '--no-check');
    expect(unchecked.code).toBe(0);
    expect(unchecked.err).not.toBe('');
    const notCore = join(tmp, 'not-a-core');
    writeFileSync(notCore, 'hello');
    expect((await run('core', 'info', notCore)).code).toBe(1);
    expect((await run('core', 'threads')).code).toBe(2);
  });
});
