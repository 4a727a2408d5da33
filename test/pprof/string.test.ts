import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { formatDuration, formatTime, profileToString } from '../../src/pprof/string.js';
import { SampleTable, type Function, type Location, type Mapping, type Profile } from '../../src/pprof/profile.js';

/** The profile a Go program built by hand and printed with google/pprof's String() (with TZ=UTC). */
function handBuilt(durationNanos: bigint): Profile {
  const fn: Function = { id: 1n, name: 'main.f', systemName: 'main.f·1', filename: '/a/b.go', startLine: 7 };
  const m: Mapping = {
    id: 1n, start: 0x1000n, limit: 0x2000n, offset: 0x10n, file: '/bin/x', buildId: 'abc',
    hasFunctions: true, hasFilenames: false, hasLineNumbers: true, hasInlineFrames: false,
  };
  const l1: Location = {
    id: 1n, mapping: m, address: 0x1234n, isFolded: false,
    line: [{ function: fn, line: 12, column: 3 }, { function: fn, line: 40, column: 0 }],
  };
  const l2: Location = { id: 22n, mapping: undefined, address: 0n, isFolded: true, line: [] };
  const str = (key: string, s: string) => ({ kind: 'string' as const, key, value: s });
  const num = (key: string, n: bigint, unit = '') => ({ kind: 'number' as const, key, value: n, unit });
  return {
    sampleType: [{ type: 'samples', unit: 'count' }, { type: 'cpu', unit: 'nanoseconds' }],
    defaultSampleType: 'cpu',
    sample: SampleTable.from(
      [{
        location: [l1, l2],
        value: [-5n, 1234567890123n],
        // File order is not sorted order: the printer sorts as Go does (by UTF-8 bytes).
        label: [str('é', 'q'), str('z', '1'), num('bytes', 1n), str('a', 'x'), num('n', 3n), str('a', 'y'), num('bytes', 2n, 'kb')],
      }],
      [l1, l2],
      2,
    ),
    mapping: [m],
    location: [l1, l2],
    function: [fn],
    dropFrames: '',
    keepFrames: '',
    timeNanos: 1257894000123456789n,
    durationNanos,
    periodType: { type: 'cpu', unit: 'nanoseconds' },
    period: 10000000n,
    comments: ['hello', 'world'],
    docUrl: 'https://x',
  };
}

describe('profileToString', () => {
  it('prints what google/pprof prints for a hand-built profile', () => {
    expect(profileToString(handBuilt(1n))).toBe(
      [
        'Comment: hello',
        'Comment: world',
        'Doc: https://x',
        'PeriodType: cpu nanoseconds',
        'Period: 10000000',
        'Time: 2009-11-10 23:00:00.123456789 +0000 UTC',
        'Duration: 1ns',
        'Samples:',
        'samples/count cpu/nanoseconds[dflt]',
        '         -5 1234567890123: 1 22 ',
        '                a:[x y] z:[1] é:[q]',
        '                bytes:[1  2 kb] n:[3]',
        'Locations',
        '     1: 0x1234 M=1 main.f /a/b.go:12:3 s=7(main.f·1)',
        '             main.f /a/b.go:40:0 s=7(main.f·1)',
        '    22: 0x0 [F] ',
        'Mappings',
        '1: 0x1000/0x2000/0x10 /bin/x abc [FN][LN]',
        '',
      ].join('\n'),
    );
  });

  // Each pair was printed by Go: `%.4v` of time.Duration keeps the first four runes of its String().
  const durations: [bigint, string][] = [
    [1n, '1ns'], [999n, '999n'], [1000n, '1µs'], [1500n, '1.5µ'], [1000000n, '1ms'], [1500000n, '1.5m'],
    [100000000n, '100m'], [1500000000n, '1.5s'], [3723500000000n, '1h2m'], [59999999999n, '59.9'],
    [-1500000000n, '-1.5'], [7200000000000n, '2h0m'], [-9223372036854775808n, '-256'],
  ];
  it.each(durations)('prints duration %s as Go does', (d, want) => {
    expect(profileToString(handBuilt(d))).toContain(`\nDuration: ${want}\n`);
  });

  it('omits time and duration when zero, and prints a numeric label of value 0 (as Go prints its NumLabel)', () => {
    const p = handBuilt(0n);
    p.timeNanos = 0n;
    p.sample = SampleTable.from([{ location: [...p.location], value: [-5n, 1234567890123n], label: [{ kind: 'number', key: 'k', value: 0n, unit: '' }] }], p.location, 2);
    const s = profileToString(p);
    expect(s).not.toContain('Time:');
    expect(s).not.toContain('Duration:');
    expect(s).toContain('1 22 \n                k:[0]\nLocations\n');
  });
});

describe('formatDuration', () => {
  it('matches Go for whole units', () => {
    expect(formatDuration(0n)).toBe('0s');
    expect(formatDuration(-2562047n * 3600n * 1000000000n - 2836854775808n)).toBe('-2562047h47m16.854775808s');
    expect(formatDuration(61n * 1000000000n)).toBe('1m1s');
    expect(formatDuration(1001n)).toBe('1.001µs');
  });

  test.prop([fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n })])('has the shape of Go durations', (d) => {
    expect(formatDuration(d)).toMatch(/^-?(0s|\d+(\.\d*[1-9])?(ns|µs|ms)|(\d+h)?(\d+m)?\d+(\.\d*[1-9])?s)$/);
  });
});

describe('formatTime', () => {
  it('prints UTC with trailing zeros of the fraction removed', () => {
    expect(formatTime(0n)).toBe('1970-01-01 00:00:00 +0000 UTC');
    expect(formatTime(-1n)).toBe('1969-12-31 23:59:59.999999999 +0000 UTC');
    expect(formatTime(951782400500000000n)).toBe('2000-02-29 00:00:00.5 +0000 UTC');
  });

  test.prop([fc.integer({ min: -8640000000000, max: 8640000000000 })])('agrees with Date on the calendar', (ms) => {
    const iso = new Date(ms).toISOString(); // yyyy-mm-ddThh:mm:ss.sssZ for years 0..9999
    if (!/^\d{4}-/.test(iso)) return;
    expect(formatTime(BigInt(ms) * 1000000n).slice(0, 19)).toBe(iso.slice(0, 10) + ' ' + iso.slice(11, 19));
  });
});
