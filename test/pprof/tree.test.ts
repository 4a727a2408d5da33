import { describe, expect, it } from 'vitest';
import { reportProfile } from '../support/report-profile.js';
import { SampleTable, type Profile } from '../../src/pprof/profile.js';
import { callTree } from '../../src/pprof/report/index.js';

/**
 * A small CPU profile: main.main → main.work (main.helper inlined into it) → runtime.mallocgc, main.work →
 * runtime.mallocgc, main.main → main.helper (a direct call) and a tiny leaf main.tiny under 0.5%.
 */
function synthetic(): Profile {
  return reportProfile((l) => [
    { location: [l.inlined, l.main], ms: 300 },
    { location: [l.malloc, l.inlined, l.main], ms: 150 },
    { location: [l.work, l.main], ms: 40 },
    { location: [l.malloc, l.work, l.main], ms: 10 },
    { location: [l.helper, l.main], ms: 20 },
    { location: [l.tiny, l.main], ms: 1 },
  ]);
}

const SEPARATOR = '----------------------------------------------------------+-------------\n';
const HEADER = 'File: app\nBuild ID: abc123\na comment\nType: cpu\nTime: 2023-11-14 22:13:20 UTC\n';
const LEGEND = SEPARATOR + '      flat  flat%   sum%        cum   cum%   calls calls% + context \t \t \n';

// Expected texts printed by `go tool pprof -tree` (Go 1.26) for these profiles written with encodeProfile.
describe('callTree', () => {
  it('prints what go tool pprof -tree prints: callers above, callees below, inlined calls marked', () => {
    expect(callTree(synthetic())).toBe(
      HEADER +
        'Duration: 1s, Total samples = 521ms (52.10%)\n' +
        'Showing nodes accounting for 520ms, 99.81% of 521ms total\nDropped 1 node (cum <= 2.60ms)\n' +
        LEGEND +
        SEPARATOR +
        '                                             450ms 95.74% |   main.work (inline)\n' +
        '                                              20ms  4.26% |   main.main\n' +
        '     320ms 61.42% 61.42%      470ms 90.21%                | main.helper\n' +
        '                                             150ms 31.91% |   runtime.mallocgc\n' +
        SEPARATOR +
        '                                             150ms 93.75% |   main.helper\n' +
        '                                              10ms  6.25% |   main.work\n' +
        '     160ms 30.71% 92.13%      160ms 30.71%                | runtime.mallocgc\n' +
        SEPARATOR +
        '                                             500ms   100% |   main.main\n' +
        '      40ms  7.68% 99.81%      500ms 95.97%                | main.work\n' +
        '                                             450ms 90.00% |   main.helper (inline)\n' +
        '                                              10ms  2.00% |   runtime.mallocgc\n' +
        SEPARATOR +
        '         0     0% 99.81%      521ms   100%                | main.main\n' +
        '                                             500ms 95.97% |   main.work\n' +
        '                                              20ms  3.84% |   main.helper\n' +
        SEPARATOR,
    );
  });
  it('limits the nodes (-nodecount); edges to dropped nodes disappear', () => {
    expect(callTree(synthetic(), { nodeCount: 2 })).toBe(
      HEADER +
        'Duration: 1s, Total samples = 521ms (52.10%)\n' +
        'Showing nodes accounting for 480ms, 92.13% of 521ms total\nDropped 1 node (cum <= 2.60ms)\nShowing top 2 nodes out of 4\n' +
        LEGEND +
        SEPARATOR +
        '     320ms 61.42% 61.42%      470ms 90.21%                | main.helper\n' +
        '                                             150ms 31.91% |   runtime.mallocgc\n' +
        SEPARATOR +
        '                                             150ms 93.75% |   main.helper\n' +
        '     160ms 30.71% 92.13%      160ms 30.71%                | runtime.mallocgc\n' +
        SEPARATOR,
    );
  });
  it('reports another sample type', () => {
    const text = callTree(synthetic(), { sampleIndex: 'samples' });
    expect(text).toContain('Type: samples\n');
    expect(text).toContain('Duration: 1s, Total samples = 521 \nShowing nodes accounting for 520, 99.81% of 521 total\nDropped 1 node (cum <= 2)\n');
    expect(text).toContain('       320 61.42% 61.42%        470 90.21%                | main.helper\n');
    expect(text).toContain('                                               450 90.00% |   main.helper (inline)\n');
    expect(() => callTree(synthetic(), { sampleIndex: 2 })).toThrow(RangeError);
  });
  it('leaves out edges under 0.1% of the total', () => {
    const p = synthetic();
    const samples = [...p.sample].map((s) => ({ location: Array.from(s.stack, (k) => p.location[k]!), value: s.value }));
    // main.main → runtime.mallocgc directly, 0.4ms of 521.4ms.
    samples.push({ location: [p.location[2]!, p.location[0]!], value: BigInt64Array.of(1n, 400_000n) });
    const text = callTree({ ...p, sample: SampleTable.from(samples, p.location, 2) });
    expect(text).toContain(
      SEPARATOR +
        '                                             150ms 93.52% |   main.helper\n' +
        '                                              10ms  6.23% |   main.work\n' +
        '  160.40ms 30.76% 92.14%   160.40ms 30.76%                | runtime.mallocgc\n' +
        SEPARATOR,
    );
    expect(text).toContain(
      '         0     0% 99.81%   521.40ms   100%                | main.main\n' +
        '                                             500ms 95.90% |   main.work\n' +
        '                                              20ms  3.84% |   main.helper\n' +
        SEPARATOR,
    );
  });
  it('prints only the header and legend for a profile without samples', () => {
    const p = synthetic();
    const empty: Profile = { ...p, sample: SampleTable.from([], p.location, 2), timeNanos: 0n, durationNanos: 0n, comments: [] };
    expect(callTree(empty)).toBe('File: app\nBuild ID: abc123\nType: cpu\nShowing nodes accounting for 0, 0% of 0 total\n' + LEGEND);
  });
  it('leaves its input unchanged', () => {
    const p = synthetic();
    callTree({ ...p, dropFrames: 'runtime\\..*' });
    expect(p.location[2]!.line[0]!.function.name).toBe('runtime.mallocgc');
    expect(p.sample.length).toBe(6);
  });
});
