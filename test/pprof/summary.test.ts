import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { gzipSync } from 'fflate';
import { summarizeProfile } from '../../src/pprof/summary.js';
import { ErrorCode, GodiagError } from '../../src/internal/errors.js';
import { encodeMessage, makeProfile } from '../support/proto.js';
import { cut, cutPoints, makeSource, SOURCE_KINDS } from '../support/split.js';

const valueTypes = fc.array(fc.record({ type: fc.string({ maxLength: 12 }), unit: fc.string({ maxLength: 8 }) }), { maxLength: 5 });

describe('summarizeProfile', () => {
  test.prop([valueTypes, fc.nat({ max: 50 }), fc.boolean(), cutPoints(3000), fc.constantFrom(...SOURCE_KINDS)])(
    'reports the sample types and count of any profile, raw or gzip, however it arrives',
    async (types, samples, gzip, points, kind) => {
      const raw = makeProfile(types, samples);
      const bytes = gzip ? gzipSync(raw) : raw;
      const summary = await summarizeProfile(makeSource(kind, cut(bytes, points)));
      expect(summary).toEqual({ compression: gzip ? 'gzip' : 'none', sampleTypes: types, samples });
    },
  );

  test.prop([valueTypes.filter((t) => t.length > 0), fc.nat({ max: 20 }), fc.nat()])(
    'a truncated profile is a godiag error',
    async (types, samples, at) => {
      const raw = makeProfile(types, samples);
      const short = raw.subarray(0, at % raw.length);
      const result = await summarizeProfile(short).then(
        (s) => s,
        (e: unknown) => e,
      );
      // A cut between fields leaves a shorter valid message (protobuf has no end marker); the string
      // table is last, so such a cut dangles string indices unless it falls after every referenced one.
      if (result instanceof Error) {
        expect(result).toBeInstanceOf(GodiagError);
        expect([ErrorCode.Truncated, ErrorCode.Corrupt]).toContain((result as GodiagError).code);
      }
    },
  );

  it('names the offset of a dangling string index', async () => {
    const bytes = encodeMessage([[1, [[1, 5], [2, 0]]], [6, new Uint8Array(0)]]);
    await expect(summarizeProfile(bytes)).rejects.toMatchObject({
      code: ErrorCode.Corrupt,
      offset: 0, // the sample_type field that refers to it, as the decoder reports it
      message: 'pprof: string index 5 is out of range: the string table has 1 entries (at byte 0)',
    });
  });

  it('rejects an invalid wire type with its offset', async () => {
    const bytes = new Uint8Array([0x08, 0x01, 0x0b]); // field 1 varint, then field 1 start-group
    await expect(summarizeProfile(bytes)).rejects.toMatchObject({ code: ErrorCode.Corrupt, offset: 2 });
  });
});
