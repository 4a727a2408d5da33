import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { cutTrace, cutTraceSync } from '../../src/trace/cut.js';
import { encodeTrace } from '../../src/trace/encode.js';
import { readGenerationsSync } from '../../src/trace/wire/index.js';
import { cut, cutPoints, makeSource } from '../support/split.js';
import { normalize, traceData } from '../support/trace-gen.js';

describe('cutTrace', () => {
  test.prop([traceData, fc.nat(), fc.nat(), cutPoints(3000)], { numRuns: 60 })(
    'keeps exactly the chosen whole generations, streaming or not',
    async ({ version, generations }, a, b, points) => {
      const first = generations[0]!.gen;
      const from = first + (a % generations.length);
      const to = from + (b % (first + generations.length - from));
      const bytes = encodeTrace(version, generations);
      const out = cutTraceSync(bytes, { fromGeneration: from, toGeneration: to });
      const kept = generations.filter((g) => g.gen >= from && g.gen <= to);
      expect(normalize([...readGenerationsSync(out)])).toEqual(normalize(kept));
      expect(await cutTrace(makeSource('async-iterable', cut(bytes, points)), { fromGeneration: from, toGeneration: to })).toEqual(out);
      // The whole range is the whole trace, byte for byte.
      expect(cutTraceSync(bytes)).toEqual(bytes);
    },
  );
});
