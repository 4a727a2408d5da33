/**
 * Goroutine dumps recorded by testdata/gen/programs/profiles (manifest format `goroutine-dump`) against facts
 * from the Go side:
 *
 * - `goroutine-debug2` and `runtime-stack`: the same process wrote `profiles-goroutine.pprof` (debug=0) a
 *   moment earlier, with the same parked goroutines. The multiset of stacks must be the profile's, under the
 *   rules in {@link stackMatches}.
 * - `crash-all` / `crash-system`: what the program guarantees (crashNow, parkGoroutines): the two panic
 *   messages, goroutine 1 panicking in crashOuter, the 14 parked goroutines with their wait states, the one
 *   locked to its thread, their creator; and their stacks equal those of the debug=2 dump of the same
 *   toolchain (same binary, same code paths), by (function, file, line).
 */

import { describe, expect, it } from 'vitest';
import { fixtureBytes, loadManifest, type Fixture } from '../support/fixtures.js';
import { parseProfileBytes } from '../../src/pprof/parse.js';
import { parseGoroutineDump } from '../../src/pprof/goroutines/parse.js';
import { goroutineProfile } from '../../src/pprof/goroutines/profile.js';
import type { Goroutine, GoroutineDump } from '../../src/pprof/goroutines/model.js';
import type { Profile } from '../../src/pprof/profile.js';

const manifest = loadManifest();
const dumps = manifest.fixtures.filter((f) => f.format === 'goroutine-dump');

/** A frame reduced to what both sides know. */
type Key = string;
const key = (fn: string, file: string, line: number): Key => `${fn} ${file}:${line}`;

/**
 * Which frames a default traceback (GOTRACEBACK=single|all, debug=2, runtime.Stack) shows, by printed name —
 * runtime/traceback.go `showfuncinfo`: names with a dot, not in package runtime unless exported
 * (`runtime.Goexit`); `panic` (runtime.gopanic) always. Wrapper elision cannot be judged from names; the
 * fixtures have no wrappers.
 */
function shownByDefault(fn: string): boolean {
  if (fn === 'panic' || fn === 'runtime.gopanic') return true;
  if (!fn.includes('.')) return false;
  if (!fn.startsWith('runtime.')) return true;
  let rest = fn.slice('runtime.'.length);
  const close = rest.lastIndexOf(').');
  if (rest.startsWith('(') && close >= 0) rest = rest.slice(close + 2);
  return /^[A-Z]/.test(rest);
}

interface ProfileStack {
  frames: Key[];
  /** Physical frames (locations) recorded: a stack at the runtime's depth limit may be cut short. */
  depth: number;
}

/** The profile's stacks, one per goroutine (count expanded), without the goroutine that wrote it. */
function profileStacks(p: Profile): ProfileStack[] {
  const out: ProfileStack[] = [];
  for (const s of p.sample) {
    const frames: Key[] = [];
    const names: string[] = [];
    for (const i of s.stack) {
      for (const l of p.location[i]!.line) {
        names.push(l.function.name);
        if (shownByDefault(l.function.name)) frames.push(key(l.function.name, l.function.filename, l.line));
      }
    }
    if (names.some((n) => n.startsWith('runtime/pprof.write') || n === 'runtime.goroutineProfileWithLabels')) continue;
    for (let c = 0n; c < s.value[0]!; c++) out.push({ frames, depth: s.stack.length });
  }
  return out;
}

interface DumpStack {
  id: bigint;
  /** Frames before an elision marker (or all of them). */
  inner: Key[];
  /** Frames after `...N frames elided...`. */
  outer: Key[];
  /** N, `additional` for `...additional frames elided...`, undefined without a marker. */
  elided: number | 'additional' | undefined;
}

function dumpStack(g: Goroutine, filter: (fn: string) => boolean = () => true): DumpStack {
  const s: DumpStack = { id: g.id, inner: [], outer: [], elided: undefined };
  for (const e of g.frames) {
    if (e.kind === 'elided') s.elided = e.count ?? 'additional';
    else if (e.kind === 'frame' && filter(e.function)) (s.elided === undefined ? s.inner : s.outer).push(key(e.function, e.file, e.line));
  }
  return s;
}

const startsWith = (a: Key[], prefix: Key[]): boolean => prefix.length <= a.length && prefix.every((k, i) => a[i] === k);
const endsWith = (a: Key[], suffix: Key[]): boolean => suffix.length <= a.length && suffix.every((k, i) => a[a.length - suffix.length + i] === k);

/** Go 1.19–1.22 record at most 32 pcs per goroutine-profile stack; Go 1.23+ 128 (GODEBUG profstackdepth). */
function profileDepthLimit(goVersion: string): number {
  const minor = Number(/^go1\.(\d+)/.exec(goVersion)?.[1]);
  return minor >= 23 ? 128 : 32;
}

/**
 * A dump's stack matches a profile stack (runtime frames hidden as the traceback hides them) when:
 * - no elision: the frames are equal — or, if the profile stack is at its depth limit, the profile's are a
 *   prefix of the dump's;
 * - `...N frames elided...` (Go 1.21+: 50 inner, N hidden, 50 outer): the profile starts with the inner
 *   frames, and, unless at its depth limit, has exactly inner + N + outer frames and ends with the outer ones;
 * - `...additional frames elided...` (Go ≤ 1.20: the first 100 frames only): one is a prefix of the other.
 */
function stackMatches(d: DumpStack, p: ProfileStack, limit: number): boolean {
  const cut = p.depth >= limit;
  if (d.elided === undefined) return cut ? startsWith(d.inner, p.frames) : p.frames.join('\n') === d.inner.join('\n');
  if (d.elided === 'additional') return startsWith(d.inner, p.frames) || startsWith(p.frames, d.inner);
  if (cut) return startsWith(p.frames, d.inner) || startsWith(d.inner, p.frames);
  return p.frames.length === d.inner.length + d.elided + d.outer.length && startsWith(p.frames, d.inner) && endsWith(p.frames, d.outer);
}

function load(f: Fixture): GoroutineDump {
  return parseGoroutineDump(fixtureBytes(f));
}

function sibling(f: Fixture, kind: string): Fixture {
  const dir = f.path.slice(0, f.path.lastIndexOf('/'));
  const s = manifest.fixtures.find((x) => x.kind === kind && x.path.startsWith(dir + '/') && x.goVersion === f.goVersion);
  if (!s) throw new Error(`no ${kind} fixture beside ${f.path}`);
  return s;
}

/** Goroutines parkGoroutines started (not goroutine 1, not the runtime's). */
function parked(d: GoroutineDump): Goroutine[] {
  return d.goroutines.filter((g) => g.createdBy?.function === 'main.parkGoroutines.func1');
}

/** A parked goroutine's stack as a comparable string (frames and elision count; runtime frames hidden). */
function parkedStack(g: Goroutine): string {
  const s = dumpStack(g, shownByDefault);
  return JSON.stringify([s.inner, s.elided ?? null, s.outer]);
}

const minor = (f: Fixture): number => Number(/^go1\.(\d+)/.exec(f.goVersion)?.[1]);

describe('goroutine-dump fixtures', () => {
  it('has dumps of every kind', () => {
    expect(new Set(dumps.map((f) => f.kind))).toEqual(new Set(['goroutine-debug2', 'runtime-stack', 'crash-all', 'crash-system']));
  });

  for (const f of dumps) {
    it(`parses ${f.path}`, () => {
      const d = load(f);
      expect(d.goroutines.length).toBeGreaterThanOrEqual(15);
      // Every line is accounted for: the parser throws on unknown lines; here, every goroutine has frames.
      for (const g of d.goroutines) expect(g.frames.length).toBeGreaterThan(0);
      const p = goroutineProfile(d);
      let total = 0n;
      for (const s of p.sample) total += s.value[0]!;
      expect(total).toBe(BigInt(d.goroutines.length));
    });
  }

  for (const f of dumps.filter((x) => x.kind === 'goroutine-debug2' || x.kind === 'runtime-stack')) {
    it(`${f.path}: stacks are those of the debug=0 goroutine profile of the same run`, () => {
      const pf = sibling(f, 'goroutine');
      expect(pf.path.endsWith('.pprof')).toBe(true);
      const profile = parseProfileBytes(fixtureBytes(pf));
      const d = load(f);
      // The goroutine that wrote the dump is running (goroutine 1); the profile's writer is excluded too.
      const writer = d.goroutines.filter((g) => g.state === 'running');
      expect(writer.map((g) => g.id)).toEqual([1n]);
      const fromDump = d.goroutines.filter((g) => g.state !== 'running').map((g) => dumpStack(g));
      const fromProfile = profileStacks(profile);
      expect(fromDump.length).toBe(fromProfile.length);
      const limit = profileDepthLimit(f.goVersion);
      const unmatched = [...fromProfile];
      for (const s of fromDump) {
        const i = unmatched.findIndex((p) => stackMatches(s, p, limit));
        expect(i, `goroutine ${s.id} has no matching stack in ${pf.path}:\n${s.inner.join('\n')}`).toBeGreaterThanOrEqual(0);
        unmatched.splice(i, 1);
      }
      expect(unmatched).toEqual([]);
      // At least the shallow stacks were compared whole (neither side cut or elided).
      expect(fromProfile.filter((p) => p.depth < limit).length).toBeGreaterThanOrEqual(12);
    });
  }

  for (const f of dumps.filter((x) => x.kind === 'crash-all' || x.kind === 'crash-system')) {
    const system = f.kind === 'crash-system';
    it(`${f.path}: what crashNow and parkGoroutines guarantee`, () => {
      const d = load(f);
      expect(d.panics.map((p) => [p.message, p.nested, p.recovered])).toEqual([
        ['assignment to entry in nil map', false, false],
        ['second panic while unwinding: état=0', true, false],
      ]);
      expect(d.fatalError).toBeUndefined();
      expect(d.signal).toBeUndefined();
      expect(d.items.slice(0, 3).map((i) => i.kind)).toEqual(['panic', 'panic', 'goroutine']);

      const g1 = d.goroutines[0]!;
      expect([g1.id, g1.state, g1.createdBy]).toEqual([1n, 'running', undefined]);
      const fns = g1.frames.flatMap((e) => (e.kind === 'frame' ? [e.function] : []));
      const user = fns.filter(shownByDefault);
      expect(user).toEqual([
        ...(system ? ['panic'] : []),
        'main.crashOuter.func1',
        'panic',
        ...(system ? [] : []),
        'main.crashOuter',
        'main.crashOuter',
        'main.crashOuter',
        'main.crashOuter',
        'main.crashNow.func1',
        'runtime/pprof.Do',
        'main.crashNow',
        'main.main',
      ]);
      if (system) expect(fns.slice(-2)).toEqual(['runtime.main', 'runtime.goexit']);

      const ps = parked(d);
      expect(ps.length).toBe(14);
      const states = ps.map((g) => g.state + (g.lockedToThread ? ' [locked]' : '')).sort();
      const semacquire = (s: string): string => (minor(f) >= 21 ? s : 'semacquire');
      expect(states).toEqual(
        [
          'chan receive',
          'chan receive',
          'chan send',
          'select',
          'select (no cases)',
          'chan receive (nil chan)',
          semacquire('sync.Mutex.Lock'),
          semacquire('sync.RWMutex.RLock'),
          semacquire('sync.Mutex.Lock'),
          'sync.Cond.Wait',
          minor(f) >= 24 ? 'sync.WaitGroup.Wait' : 'semacquire',
          'sleep',
          'IO wait',
          'chan receive [locked]',
        ].sort(),
      );
      for (const g of ps) {
        expect(g.createdBy).toMatchObject({
          function: 'main.parkGoroutines.func1',
          goroutine: minor(f) >= 21 ? 1n : undefined,
          file: 'godiag.dev/testdata/gen/programs/profiles/main.go',
          line: 138,
        });
        expect(g.waitMinutes).toBeUndefined();
        expect(g.labels).toBeUndefined();
      }
      // The two recursions are 60 and 120 deep: Go 1.21+ elides the middle of the deeper one (50 + N + 50
      // frames). Go ≤ 1.20 stops after 100 physical frames, counting hidden runtime frames, and prints
      // `...additional frames elided...` only when it printed all 100 (under system); otherwise the stack
      // is cut without a marker.
      const elided = ps.filter((g) => g.frames.some((e) => e.kind === 'elided'));
      expect(elided.length).toBe(minor(f) >= 21 || system ? 1 : 0);

      for (const g of d.goroutines) {
        // gp=/m= headers: Go 1.22+ under GOTRACEBACK=system.
        expect(g.runtime !== undefined).toBe(system && minor(f) >= 22);
        for (const e of g.frames) {
          if (e.kind !== 'frame') continue;
          expect(e.inlined).toBe(e.args === '...');
          // fp/sp/pc on every physical frame under system, never otherwise.
          expect(e.fp !== undefined).toBe(system && !e.inlined);
          expect(e.inlined || e.pcOffset !== undefined).toBe(true);
        }
      }
      if (system) {
        expect(d.goroutines.some((g) => g.frames.some((e) => e.kind === 'frame' && e.function === 'runtime.gopark'))).toBe(true);
        expect(d.goroutines.some((g) => g.createdBy?.function === 'runtime.gcenable')).toBe(true);
      }
    });

    it(`${f.path}: parked goroutines have the stacks of the debug=2 dump of the same toolchain`, () => {
      const d = load(f);
      const debug2 = load(sibling(f, 'goroutine-debug2'));
      // Under system the runtime's frames are shown and counted in elisions: compare the stacks that are
      // not elided, with runtime frames hidden as a default traceback hides them.
      const pick = (gs: Goroutine[]): string[] =>
        gs.filter((g) => !system || !g.frames.some((e) => e.kind === 'elided')).map(parkedStack).sort();
      const mine = pick(parked(d));
      const theirs = pick(parked(debug2));
      if (!system) {
        expect(mine).toEqual(theirs);
      } else {
        // Each shallow stack of the system dump is one of the debug=2 dump's (as a multiset).
        const left = [...theirs];
        for (const s of mine) {
          const i = left.indexOf(s);
          expect(i, s).toBeGreaterThanOrEqual(0);
          left.splice(i, 1);
        }
      }
      expect(mine.length).toBe(14 - parked(d).filter((g) => system && g.frames.some((e) => e.kind === 'elided')).length);
    });
  }
});
