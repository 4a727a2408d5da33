// The trace commands of the CLI print what the library computes (whose output is proven against Go's trace tool
// by the trace-wire and trace-footprint goldens), read every kind of FILE, and fail with the usual exit codes.

import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { fakeIo } from '../support/cli.js';
import { canonicalJson } from '../../src/internal/canonical-json.js';
import { footprintText, formatTraceStats, traceStatsSync } from '../../src/trace/stats.js';
import { formatTraceTest, parseTextTrace, wireDumpText } from '../../src/trace/text/index.js';
import { encodeRawEvents, readRawEventsSync } from '../../src/trace/wire/index.js';
import { EventType } from '../../src/trace/spec/index.js';
import { cutTraceSync } from '../../src/trace/cut.js';
import { FIXTURES, fixtureBytes, loadManifest } from '../support/fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'godiag-trace-cli-'));
// The smallest Go 1.25 trace keeps the test quick.
const fixture = loadManifest()
  .fixtures.filter((f) => f.format === 'trace' && f.goVersion.startsWith('go1.25'))
  .sort((a, b) => a.originalSize - b.originalSize)[0]!;
const bytes = fixtureBytes(fixture);
const plain = join(tmp, 'trace.bin');
writeFileSync(plain, bytes);
const stored = join(FIXTURES, fixture.path);

async function run(argv: string[], stdin?: Uint8Array[]) {
  const io = fakeIo(stdin);
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('godiag trace', () => {
  it('raw prints the -d=wire text of a trace file, of its storage-gzipped copy and of standard input', async () => {
    const expected = wireDumpText(bytes);
    for (const r of [await run(['trace', 'raw', plain]), await run(['trace', 'raw', stored]), await run(['trace', 'raw', '-'], [bytes])]) {
      expect(r.code).toBe(0);
      expect(r.out === expected).toBe(true);
    }
  });

  it('raw --text writes the text format, which encode turns back into a trace with the same events', async () => {
    const text = await run(['trace', 'raw', '--text', plain]);
    expect(text.code).toBe(0);
    expect(text.out.startsWith(`Trace Go${parseTextTrace(text.out).version}\n`)).toBe(true);
    const textFile = join(tmp, 'trace.txt');
    writeFileSync(textFile, text.out);
    const out = join(tmp, 'encoded.bin');
    expect((await run(['trace', 'encode', textFile, '-o', out])).code).toBe(0);
    expect(wireDumpText(new Uint8Array(readFileSync(out))) === wireDumpText(bytes)).toBe(true);
  });

  it('encode reads a Go trace test file (txtar) too', async () => {
    const trace = parseTextTrace('Trace Go1.25\nEventBatch gen=1 m=1 time=5 size=2\nFrequency freq=100\n');
    const testFile = join(tmp, 'sync.test');
    writeFileSync(testFile, formatTraceTest({ expect: { kind: 'success' }, trace }));
    const out = join(tmp, 'from-test.bin');
    expect((await run(['trace', 'encode', testFile, '--output', out])).code).toBe(0);
    expect(new Uint8Array(readFileSync(out))).toEqual(encodeRawEvents(trace.version, trace.events));
  });

  it('stats prints the summary, --footprint the -d=footprint table, --json canonical JSON', async () => {
    const stats = traceStatsSync(bytes);
    const human = await run(['trace', 'stats', plain]);
    expect(human.code).toBe(0);
    expect(human.out).toBe(formatTraceStats(stats));
    expect(human.out).toMatch(/^trace format go 1\.25: \d+ bytes, \d+ events\nstring table: \d+ strings/);
    const footprint = await run(['trace', 'stats', '--footprint', stored]);
    expect(footprint.out).toBe(footprintText(bytes));
    const json = await run(['trace', 'stats', '--json', plain]);
    expect(json.out).toBe(canonicalJson(stats) + '\n');
  });

  it('cut writes the chosen whole generations, as cutTrace does', async () => {
    const mixed = loadManifest().fixtures.find((f) => f.format === 'trace' && f.kind === 'mixed' && f.goVersion.startsWith('go1.26'))!;
    const input = join(FIXTURES, mixed.path);
    const whole = fixtureBytes(mixed);
    const gens = (b: Uint8Array) => [...new Set(readRawEventsSync(b).events.filter((e) => e.type === EventType.EventBatch).map((e) => e.args[0]))];
    expect(gens(whole).length).toBeGreaterThanOrEqual(3);
    const out = join(tmp, 'cut.bin');
    expect((await run(['trace', 'cut', input, '--from', '2', '--to', '3', '-o', out])).code).toBe(0);
    const cut = new Uint8Array(readFileSync(out));
    expect(cut).toEqual(cutTraceSync(whole, { fromGeneration: 2, toGeneration: 3 }));
    expect(gens(cut)).toEqual([2, 3]);
    const none = await run(['trace', 'cut', input, '--from', '999', '-o', out]);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/no generation in 999\.\./);
    for (const bad of [['--from', '0'], ['--from', 'x'], ['--from', '3', '--to', '2']]) {
      expect((await run(['trace', 'cut', input, ...bad, '-o', out])).code, bad.join(' ')).toBe(2);
    }
  });

  it('lists its commands', async () => {
    const r = await run(['trace', '--help']);
    expect(r.code).toBe(0);
    for (const c of ['raw', 'stats', 'cut', 'encode']) expect(r.out).toContain(`godiag trace ${c}`);
  });

  it('exits 1 with the reader\'s message for bad input, 2 for bad usage', async () => {
    const junk = join(tmp, 'junk');
    writeFileSync(junk, 'not a trace at all, clearly');
    const bad = await run(['trace', 'raw', junk]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^godiag: trace: not an execution trace.*\(at byte 0\)\n$/);
    const cutShort = join(tmp, 'short.bin');
    // Cut inside an event (a cut between events leaves a valid raw stream).
    const events = readRawEventsSync(bytes).events;
    const inside = events.find((e, i) => i >= events.length / 2 && e.args.length > 0)!;
    writeFileSync(cutShort, bytes.subarray(0, inside.offset + 1));
    const short = await run(['trace', 'raw', cutShort]);
    expect(short.code).toBe(1);
    expect(wireDumpText(bytes).startsWith(short.out)).toBe(true);
    const badText = join(tmp, 'bad.txt');
    writeFileSync(badText, 'Trace Go1.25\nNoSuchEvent x=1\n');
    const enc = await run(['trace', 'encode', badText, '-o', join(tmp, 'never.bin')]);
    expect(enc.code).toBe(1);
    expect(enc.err).toMatch(/line 2: unknown event "NoSuchEvent"/);
    for (const argv of [['trace', 'raw'], ['trace', 'raw', plain, '--bogus'], ['trace', 'stats', plain, '--json', '--footprint'], ['trace', 'encode', plain]]) {
      expect((await run(argv)).code, argv.join(' ')).toBe(2);
    }
  });
});
