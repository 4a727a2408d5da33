import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { parseTraceHeader } from '../../src/trace/header.js';
import { ErrorCode, GodiagError } from '../../src/internal/errors.js';

const header = (text: string) => {
  const b = new Uint8Array(16);
  b.set(new TextEncoder().encode(text));
  return b;
};

describe('parseTraceHeader', () => {
  test.prop([fc.integer({ min: 5, max: 999 })])('reads every 1.N version', (minor) => {
    const h = parseTraceHeader(header(`go 1.${minor} trace`));
    expect(h).toEqual({ version: `1.${minor}`, minor, generational: minor >= 22 });
  });

  it('rejects other data as not-format, naming what it found', () => {
    expect(() => parseTraceHeader(header('go 2.1 trace'))).toThrow(/found "go 2.1 trace"/);
    expect(() => parseTraceHeader(header('go 1.22 trace!'))).toThrow(GodiagError);
    const padded = header('go 1.22 trace');
    padded[15] = 1;
    expect(() => parseTraceHeader(padded)).toThrow(expect.objectContaining({ code: ErrorCode.NotFormat }));
  });

  it('reports a short header as truncated at its end', () => {
    expect(() => parseTraceHeader(new TextEncoder().encode('go 1.22'))).toThrow(
      expect.objectContaining({ code: ErrorCode.Truncated, offset: 7 }),
    );
  });
});
