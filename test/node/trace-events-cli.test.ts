// `godiag trace events`: the text of every event (formatEvent, Go's Event.String()) and the filters. The events
// come from readTraceSync, whose output is proven against golang.org/x/exp/trace by the trace-events goldens;
// each filter is checked against a predicate written here, independently of the CLI's.

import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { fakeIo } from '../support/cli.js';
import { FIXTURES, ROOT, fixtureBytes, loadManifest } from '../support/fixtures.js';
import { readTraceSync } from '../../src/trace/events/reader.js';
import { EVENT_KINDS, NO_STACK, type Event, type LogEvent, type SyncEvent } from '../../src/trace/events/event.js';
import { formatEvent, parseDuration } from '../../src/trace/events/text.js';
import { goQuote } from '../../src/trace/text/strconv.js';
import { readRawEventsSync } from '../../src/trace/wire/raw.js';
import { GodiagError } from '../../src/internal/errors.js';

const fixture = loadManifest().fixtures.find((f) => f.path === 'go1.26.8/linux-amd64/tracework-mixed.trace.gz')!;
const stored = join(FIXTURES, fixture.path);
const bytes = fixtureBytes(fixture);
const events = [...readTraceSync(bytes)];
const origin = events[0]!.time;
// The CLI prints the wall clock in the local zone, as `go tool trace` does.
const text = (list: readonly Event[]) => list.map((e) => formatEvent(e, { wallClockZone: 'local' }) + '\n').join('');

async function run(argv: string[], stdin?: Uint8Array[]) {
  const io = fakeIo(stdin);
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

/** Runs `trace events` on the fixture with `options`; expects success and returns standard output. */
async function cli(...options: string[]): Promise<string> {
  const r = await run(['trace', 'events', stored, ...options]);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return r.out;
}

const frames = (e: Event) => [...e.stack.frames, ...(e.kind === 'StateTransition' ? e.transitionStack.frames : [])];

describe('godiag trace events', () => {
  it('prints every event as formatEvent does, each followed by a newline (as go tool trace -d=parsed)', async () => {
    const out = await cli();
    expect(out === text(events)).toBe(true);
    // The first line is the first Sync; events with stacks are followed by their frames and a blank line.
    expect(out.startsWith(`M=-1 P=-1 G=-1 Sync Time=${origin} N=1 `)).toBe(true);
    expect(out).toMatch(/\nStack=\n\t\S.* @ 0x[0-9a-f]+\n\t\t.*:\d+\n\n/);
    // Standard input reads the same.
    const piped = await run(['trace', 'events', '-'], [bytes]);
    expect(piped.out === out).toBe(true);
  });

  it('--kind keeps the kinds named, repeated or as a comma list, in any case', async () => {
    const out = await cli('--kind', 'StateTransition,log', '--kind=REGIONBEGIN');
    const kept = events.filter((e) => e.kind === 'StateTransition' || e.kind === 'Log' || e.kind === 'RegionBegin');
    expect(new Set(kept.map((e) => e.kind)).size).toBe(3);
    expect(out === text(kept)).toBe(true);
  });

  it('--goroutine keeps the events on a goroutine and those about it', async () => {
    const g = events.find((e): e is LogEvent => e.kind === 'Log')!.goroutine;
    const about = (e: Event) =>
      e.goroutine === g ||
      ((e.kind === 'StateTransition' || e.kind === 'Label') && e.resource.kind === 'Goroutine' && e.resource.id === g) ||
      ((e.kind === 'RangeBegin' || e.kind === 'RangeActive' || e.kind === 'RangeEnd') && e.scope.kind === 'Goroutine' && e.scope.id === g);
    const kept = events.filter(about);
    // Some are about the goroutine while another one runs (it is created, unblocked, …).
    expect(kept.some((e) => e.goroutine !== g)).toBe(true);
    expect(await cli('--goroutine', String(g)) === text(kept)).toBe(true);
  });

  it('--from/--to keep the window [from, to) after the first event, in ns or with units', async () => {
    const kept = events.filter((e) => e.time - origin >= 1_500_000 && e.time - origin < 30_000_000);
    expect(kept.length).toBeGreaterThan(0);
    expect(await cli('--from', '1.5ms', '--to', '30ms') === text(kept)).toBe(true);
    expect(await cli('--from=1500000', '--to', '0.03s') === text(kept)).toBe(true);
    expect(await cli('--from', '1500us', '--to', '30000000ns') === text(kept)).toBe(true);
    expect(await cli('--to', '0') === '').toBe(true);
  });

  it('--match finds a frame function or file:line in the stack or the transition stack', async () => {
    const re = /chanrecv|select\.go:\d+$|\.func1$/;
    const kept = events.filter((e) => frames(e).some((f) => re.test(f.func) || re.test(`${f.file}:${f.line}`)));
    // Each part of the expression matches something, and some events (goroutine creations) match by their
    // transition stack only.
    expect(kept.some((e) => frames(e).some((f) => f.func.includes('chanrecv')))).toBe(true);
    expect(kept.some((e) => frames(e).some((f) => f.file.endsWith('select.go')))).toBe(true);
    expect(kept.some((e) => frames(e).some((f) => f.func.endsWith('.func1')))).toBe(true);
    expect(kept.some((e) => !e.stack.frames.some((f) => re.test(f.func) || re.test(`${f.file}:${f.line}`)))).toBe(true);
    expect(await cli('--match', re.source) === text(kept)).toBe(true);
  });

  it('combines the filters', async () => {
    const g = events.find((e): e is LogEvent => e.kind === 'Log')!.goroutine;
    const kept = events.filter(
      (e) =>
        e.kind === 'StateTransition' &&
        e.resource.kind === 'Goroutine' &&
        (e.goroutine === g || e.resource.id === g) &&
        e.time - origin >= 1_000_000 &&
        frames(e).some((f) => /^main\.selects$/.test(f.func)),
    );
    expect(kept.length).toBeGreaterThan(0);
    expect(await cli('--kind', 'statetransition', '--goroutine', String(g), '--from', '1ms', '--match', '^main\\.selects$') === text(kept)).toBe(true);
  });

  it('--stop-at-truncation ends a cut trace after its last complete generation', async () => {
    const raw = readRawEventsSync(bytes).events;
    const cut = bytes.subarray(0, raw[Math.floor(raw.length / 2)]!.offset);
    const file = join(mkdtempSync(join(tmpdir(), 'godiag-events-')), 'cut.trace');
    writeFileSync(file, cut);
    const partial: Event[] = [];
    let error: unknown;
    try {
      for (const e of readTraceSync(cut)) partial.push(e);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GodiagError);
    expect((error as GodiagError).code).toBe('truncated');
    const failed = await run(['trace', 'events', file]);
    expect(failed.code).toBe(1);
    expect(failed.out === text(partial)).toBe(true);
    const stopped = await run(['trace', 'events', file, '--stop-at-truncation']);
    expect(stopped.code).toBe(0);
    expect(stopped.out === text([...readTraceSync(cut, { onTruncated: 'stop' })])).toBe(true);
  });

  it('rejects bad options with exit status 2 and says why', async () => {
    const kind = await run(['trace', 'events', stored, '--kind', 'Sync,Nope']);
    expect(kind.code).toBe(2);
    expect(kind.err).toContain('"Nope"');
    for (const k of EVENT_KINDS) expect(kind.err).toContain(k);
    for (const [argv, message] of [
      [['--from', '5ms', '--to', '1ms'], /after --to/],
      [['--from', 'soon'], /--from: bad duration "soon"/],
      [['--to', '1.5'], /--to: bad duration/],
      [['--to', '-3ms'], /--to: bad duration/],
      [['--match', '('], /--match: /],
      [['--goroutine', 'main'], /--goroutine needs a goroutine ID/],
      [['--kind'], /--kind needs a value/],
      [['--bogus'], /unknown option --bogus/],
      [['extra'], /usage: godiag trace events FILE/],
    ] as const) {
      const r = await run(['trace', 'events', stored, ...argv]);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
    }
  });

  it('is listed in the help of the trace commands', async () => {
    const r = await run(['trace', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('godiag trace events FILE');
  });
});

describe('formatEvent', () => {
  const log = events.find((e): e is LogEvent => e.kind === 'Log')!;
  const sync = events[0] as SyncEvent;

  it('quotes strings as Go\'s strconv.Quote (goQuote, proven against Go by the quote golden) for every rune', () => {
    let all = '';
    for (let r = 0; r <= 0x10ffff; r++) if (r < 0xd800 || r > 0xdfff) all += String.fromCodePoint(r);
    const line = formatEvent({ ...log, stack: NO_STACK, category: all, message: 'a"b\\c\u0000\u00ff\u{1f600}' });
    expect(line.endsWith(`Category=${goQuote(new TextEncoder().encode(all))} Message=${goQuote(new TextEncoder().encode('a"b\\c\u0000\u00ff\u{1f600}'))}`)).toBe(true);
  });

  it('prints a clock snapshot\'s wall clock as RFC 3339 with nanoseconds, trailing zeros dropped', () => {
    expect(sync.clockSnapshot).toBeDefined();
    const c = sync.clockSnapshot!;
    const wall = (wallSec: number, wallNsec: number) => /Wall=(\S+)$/.exec(formatEvent({ ...sync, clockSnapshot: { ...c, wallSec, wallNsec } }))![1];
    // The calendar from JavaScript's Date, an independent implementation, over four centuries.
    for (let sec = -62135596800; sec < 253402300799; sec += 9_876_543_211) {
      const date = new Date(sec * 1000).toISOString().slice(0, 19);
      expect(wall(sec, 0)).toBe(`${date}Z`);
      expect(wall(sec, 120_000_000)).toBe(`${date}.12Z`);
      expect(wall(sec, 1)).toBe(`${date}.000000001Z`);
    }
  });
});

describe('parseDuration', () => {
  it('reads integers as nanoseconds and decimals with units exactly', () => {
    expect([parseDuration('0'), parseDuration('7'), parseDuration('0.1s'), parseDuration('1.005ms'), parseDuration('2m'), parseDuration('1.5h')]).toEqual([
      0, 7, 100_000_000, 1_005_000, 120_000_000_000, 5_400_000_000_000,
    ]);
    for (const bad of ['', 'ms', '1.5', '-1', '1e6', '2 days', '99999999999h']) expect(() => parseDuration(bad), bad).toThrow(RangeError);
  });
});

describe('docs/examples/trace-events.ts', () => {
  it('prints the time of the busiest goroutines by state and reason', () => {
    const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['--tsconfig', 'tsconfig.test.json', 'docs/examples/trace-events.ts'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(line).toMatch(/^goroutine \d+: [\d.]+ms traced; (running|runnable|syscall|waiting: [^,]+) [\d.]+ms/);
    expect(r.stdout).toMatch(/waiting: chan receive [\d.]+ms/);
  });
});
