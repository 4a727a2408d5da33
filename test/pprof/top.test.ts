import { describe, expect, it } from 'vitest';
import { reportProfile } from '../support/report-profile.js';
import { SampleTable, type Location, type Profile } from '../../src/pprof/profile.js';
import { formatFixed, formatGeneral } from '../../src/pprof/report/format.js';
import { percentage, reportSampleIndex, scaledLabel, scaleValue, topTable } from '../../src/pprof/report/index.js';

describe('formatFixed (Go %.Nf)', () => {
  it('rounds the exact binary value, halves to even', () => {
    expect(formatFixed(12.125, 2)).toBe('12.12'); // 12.125 is exact: a tie, to even
    expect(formatFixed(12.375, 2)).toBe('12.38');
    expect(formatFixed(0.125, 2)).toBe('0.12');
    expect(formatFixed(1.005, 2)).toBe('1.00'); // 1.005 is stored just below 1.005
    expect(formatFixed(2.5, 0)).toBe('2');
    expect(formatFixed(3.5, 0)).toBe('4');
  });
  it('pads, keeps the sign of negative zero, spells non-finite values as Go', () => {
    expect(formatFixed(0, 2)).toBe('0.00');
    expect(formatFixed(-0.001, 2)).toBe('-0.00');
    expect(formatFixed(-0, 2)).toBe('-0.00');
    expect(formatFixed(123456789.5, 1)).toBe('123456789.5');
    expect(formatFixed(1e21, 2)).toBe('1000000000000000000000.00');
    expect(formatFixed(NaN, 2)).toBe('NaN');
    expect(formatFixed(-Infinity, 2)).toBe('-Inf');
  });
});

describe('formatGeneral (Go %.Ng)', () => {
  it('prints significant digits without trailing zeros', () => {
    expect(formatGeneral(0.5, 2)).toBe('0.5');
    expect(formatGeneral(0.05, 2)).toBe('0.05');
    expect(formatGeneral(0.62, 2)).toBe('0.62');
    expect(formatGeneral(0.00012, 2)).toBe('0.00012');
    expect(formatGeneral(0.996, 2)).toBe('1');
    expect(formatGeneral(0, 2)).toBe('0');
    expect(formatGeneral(0.125, 2)).toBe('0.12');
  });
  it('switches to the exponent form below 1e-4 and from 10^prec', () => {
    expect(formatGeneral(0.000012, 2)).toBe('1.2e-05');
    expect(formatGeneral(0.00001, 2)).toBe('1e-05');
    expect(formatGeneral(123, 2)).toBe('1.2e+02');
    expect(formatGeneral(99.5, 2)).toBe('1e+02');
    expect(formatGeneral(12, 2)).toBe('12');
    expect(formatGeneral(1e-300, 2)).toBe('1e-300');
  });
});

describe('scaleValue and scaledLabel (measurement.Scale / ScaledLabel)', () => {
  it('auto-scales bytes by powers of 1024', () => {
    expect(scaledLabel(1536n, 'bytes', 'auto')).toBe('1.50kB');
    expect(scaledLabel(2103152n, 'bytes', 'minimum')).toBe('2.01MB');
    expect(scaledLabel(512n, 'bytes', 'auto')).toBe('512B');
    expect(scaledLabel(10485760n, 'bytes', 'kB')).toBe('10240kB');
  });
  it('scales time to the chosen unit', () => {
    expect(scaledLabel(625_670_000n, 'nanoseconds', 'auto')).toBe('625.67ms');
    expect(scaledLabel(10_000_000n, 'nanoseconds', 'ms')).toBe('10ms');
    expect(scaledLabel(2_460_000n, 'nanoseconds', 'ms')).toBe('2.46ms');
    expect(scaledLabel(7_200_000_000_000n, 'nanoseconds', 'auto')).toBe('2hrs');
    expect(scaledLabel(1500n, 'microseconds', 'auto')).toBe('1.50ms');
    expect(scaleValue(1n, 'seconds', 'nanoseconds')).toEqual({ value: 1e9, unit: 'ns' });
  });
  it('prints counts bare, keeps unknown units, and zero as 0', () => {
    expect(scaledLabel(15n, 'count', 'count')).toBe('15');
    expect(scaledLabel(15n, 'count', 'minimum')).toBe('15');
    expect(scaledLabel(7n, 'events', 'events')).toBe('7events');
    expect(scaledLabel(0n, 'nanoseconds', 'ms')).toBe('0');
    expect(scaledLabel(1n, 'nanoseconds', 's')).toBe('0');
  });
  it('scales negative values symmetrically', () => {
    expect(scaledLabel(-1536n, 'bytes', 'auto')).toBe('-1.50kB');
    expect(scaledLabel(-(1n << 63n), 'count', 'count')).toBe('-9223372036854775808');
  });
  it('does not recognise a 3-byte unit by its plural trimming (μs)', () => {
    expect(scaleValue(5n, 'μs', 'minimum')).toEqual({ value: 5, unit: '' });
    expect(scaleValue(5n, 'us', 'minimum')).toEqual({ value: 5, unit: 'us' });
  });
});

describe('percentage (measurement.Percentage)', () => {
  it('is six characters wide', () => {
    expect(percentage(260n, 480n)).toBe('54.17%');
    expect(percentage(10n, 480n)).toBe(' 2.08%');
    expect(percentage(480n, 480n)).toBe('  100%');
    expect(percentage(9998n, 10000n)).toBe('  100%'); // 99.98: within 0.05 of 100
    expect(percentage(9994n, 10000n)).toBe('99.94%');
    expect(percentage(0n, 480n)).toBe('    0%');
    expect(percentage(3n, 480n)).toBe(' 0.62%');
    expect(percentage(1n, 1_000_000n)).toBe('0.0001%');
    expect(percentage(1n, 100_000_000n)).toBe('1e-06%');
  });
  it('uses |value| and is 0% of a zero total', () => {
    expect(percentage(-260n, 480n)).toBe('54.17%');
    expect(percentage(5n, 0n)).toBe('    0%');
  });
});

/** A small CPU profile: main.main → main.work (with main.helper inlined) → runtime.mallocgc, and a tiny leaf. */
function synthetic(): Profile {
  return reportProfile((l) => [
    { location: [l.inlined, l.main], ms: 300 },
    { location: [l.malloc, l.inlined, l.main], ms: 150 },
    { location: [l.work, l.main], ms: 40 },
    { location: [l.tiny, l.main], ms: 1 },
  ]);
}

const HEADER = 'File: app\nBuild ID: abc123\na comment\n';

// Expected texts printed by `go tool pprof -top` (Go 1.26) for this profile written with encodeProfile.
describe('topTable', () => {
  it('prints what go tool pprof -top prints', () => {
    expect(topTable(synthetic())).toBe(
      HEADER +
        'Type: cpu\nTime: 2023-11-14 22:13:20 UTC\nDuration: 1s, Total samples = 491ms (49.10%)\n' +
        'Showing nodes accounting for 490ms, 99.80% of 491ms total\nDropped 1 node (cum <= 2.46ms)\n' +
        '      flat  flat%   sum%        cum   cum%\n' +
        '     300ms 61.10% 61.10%      450ms 91.65%  main.helper (inline)\n' +
        '     150ms 30.55% 91.65%      150ms 30.55%  runtime.mallocgc\n' +
        '      40ms  8.15% 99.80%      490ms 99.80%  main.work\n' +
        '         0     0% 99.80%      491ms   100%  main.main\n',
    );
  });
  it('limits the nodes (-nodecount); edges through dropped nodes lose their inline mark', () => {
    expect(topTable(synthetic(), { nodeCount: 2 })).toBe(
      HEADER +
        'Type: cpu\nTime: 2023-11-14 22:13:20 UTC\nDuration: 1s, Total samples = 491ms (49.10%)\n' +
        'Showing nodes accounting for 450ms, 91.65% of 491ms total\nDropped 1 node (cum <= 2.46ms)\nShowing top 2 nodes out of 4\n' +
        '      flat  flat%   sum%        cum   cum%\n' +
        '     300ms 61.10% 61.10%      450ms 91.65%  main.helper\n' +
        '     150ms 30.55% 91.65%      150ms 30.55%  runtime.mallocgc\n',
    );
  });
  it('reports another sample type; counts have no unit and no duration ratio', () => {
    expect(topTable(synthetic(), { sampleIndex: 'samples' })).toBe(
      HEADER +
        'Type: samples\nTime: 2023-11-14 22:13:20 UTC\nDuration: 1s, Total samples = 491 \n' +
        'Showing nodes accounting for 490, 99.80% of 491 total\nDropped 1 node (cum <= 2)\n' +
        '      flat  flat%   sum%        cum   cum%\n' +
        '       300 61.10% 61.10%        450 91.65%  main.helper (inline)\n' +
        '       150 30.55% 91.65%        150 30.55%  runtime.mallocgc\n' +
        '        40  8.15% 99.80%        490 99.80%  main.work\n' +
        '         0     0% 99.80%        491   100%  main.main\n',
    );
  });
  it('marks a function both inlined and called directly (partial-inline); no File/Time/Duration lines without them', () => {
    const p = synthetic();
    const lHelper: Location = { id: 6n, mapping: undefined, address: 0x402000n, line: [{ function: p.function[2]!, line: 20, column: 0 }], isFolded: false };
    const location = p.location.map((l): Location => ({ ...l, mapping: undefined }));
    location.push(lHelper);
    const samples = [...p.sample].map((s) => ({ location: Array.from(s.stack, (k) => location[k]!), value: s.value }));
    samples.push({ location: [lHelper, location[0]!], value: BigInt64Array.of(20n, 20_000_000n) });
    const q: Profile = { ...p, location, sample: SampleTable.from(samples, location, 2), mapping: [], timeNanos: 0n, durationNanos: 0n, comments: [] };
    expect(topTable(q)).toBe(
      'Type: cpu\nShowing nodes accounting for 510ms, 99.80% of 511ms total\nDropped 1 node (cum <= 2.56ms)\n' +
        '      flat  flat%   sum%        cum   cum%\n' +
        '     320ms 62.62% 62.62%      470ms 91.98%  main.helper (partial-inline)\n' +
        '     150ms 29.35% 91.98%      150ms 29.35%  runtime.mallocgc\n' +
        '      40ms  7.83% 99.80%      490ms 95.89%  main.work\n' +
        '         0     0% 99.80%      511ms   100%  main.main\n',
    );
  });
  it('resolves sample indices as google/pprof does', () => {
    const p = synthetic();
    expect(reportSampleIndex(p)).toBe(1);
    expect(reportSampleIndex(p, 0)).toBe(0);
    expect(reportSampleIndex(p, '0')).toBe(0);
    expect(reportSampleIndex(p, 'inuse_cpu')).toBe(1);
    expect(reportSampleIndex({ ...p, defaultSampleType: 'samples' })).toBe(0);
    expect(() => reportSampleIndex(p, 2)).toThrow(RangeError);
    expect(() => reportSampleIndex(p, 'alloc_space')).toThrow(RangeError);
  });
  it('leaves its input unchanged', () => {
    const p = synthetic();
    topTable({ ...p, dropFrames: 'runtime\\..*' });
    expect(p.location[2]!.line[0]!.function.name).toBe('runtime.mallocgc');
    expect(p.sample.length).toBe(4);
  });
});
