/** fast-check arbitraries for valid profiles (ids unique, references inside the profile). */
import fc from 'fast-check';
import { SampleTable, type Function, type Label, type Line, type Location, type Mapping, type Profile, type SampleInput } from '../../src/pprof/profile.js';

const u64 = fc.bigInt({ min: 1n, max: 2n ** 64n - 1n });
const i64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const smallInt = fc.integer({ min: -1_000_000, max: 1_000_000 });
const text = fc.string({ maxLength: 12, unit: 'grapheme' });
const ids = (n: number) => fc.uniqueArray(fc.oneof(fc.bigInt({ min: 1n, max: 50n }), u64), { minLength: n, maxLength: n });

/** A valid profile with up to a few dozen of each object. */
export const arbitraryProfile: fc.Arbitrary<Profile> = fc
  .record({
    nTypes: fc.integer({ min: 0, max: 4 }),
    nFunctions: fc.integer({ min: 0, max: 8 }),
    nMappings: fc.integer({ min: 0, max: 3 }),
    nLocations: fc.integer({ min: 0, max: 10 }),
    nSamples: fc.integer({ min: 0, max: 12 }),
  })
  .chain((n) =>
    fc.record({
      types: fc.array(fc.record({ type: text, unit: text }), { minLength: n.nTypes, maxLength: n.nTypes }),
      functionIds: ids(n.nFunctions),
      functions: fc.array(fc.record({ name: text, systemName: text, filename: text, startLine: smallInt }), { minLength: n.nFunctions, maxLength: n.nFunctions }),
      mappingIds: ids(n.nMappings),
      mappings: fc.array(
        fc.record({ start: u64, limit: u64, offset: u64, file: text, buildId: text, hasFunctions: fc.boolean(), hasFilenames: fc.boolean(), hasLineNumbers: fc.boolean(), hasInlineFrames: fc.boolean() }),
        { minLength: n.nMappings, maxLength: n.nMappings },
      ),
      locationIds: ids(n.nLocations),
      locations: fc.array(
        fc.record({
          mapping: fc.nat(),
          hasMapping: fc.boolean(),
          address: fc.oneof(fc.constant(0n), u64),
          lines: fc.array(fc.record({ fn: fc.nat(), line: smallInt, column: smallInt }), { maxLength: n.nFunctions > 0 ? 3 : 0 }),
          isFolded: fc.boolean(),
        }),
        { minLength: n.nLocations, maxLength: n.nLocations },
      ),
      samples: fc.array(
        fc.record({
          stack: fc.array(fc.nat(), { maxLength: n.nLocations > 0 ? 6 : 0 }),
          values: fc.array(i64, { minLength: n.nTypes, maxLength: n.nTypes }),
          labels: fc.array(
            fc.oneof(
              fc.record({ kind: fc.constant('string' as const), key: text, value: text.filter((s) => s !== '') }),
              // A numeric label with value 0 and no unit encodes to nothing (google/pprof drops it too).
              fc.record({ kind: fc.constant('number' as const), key: text, value: i64, unit: text }).filter((l) => l.value !== 0n || l.unit !== ''),
            ),
            { maxLength: 4 },
          ),
        }),
        { maxLength: n.nTypes > 0 ? n.nSamples : 0 },
      ),
      rest: fc.record({
        defaultSampleType: text,
        dropFrames: text,
        keepFrames: text,
        timeNanos: i64,
        durationNanos: i64,
        periodType: fc.record({ type: text, unit: text }),
        period: i64,
        comments: fc.array(text, { maxLength: 3 }),
        docUrl: text,
      }),
    }),
  )
  .map((g): Profile => {
    const functions: Function[] = g.functions.map((f, i) => ({ id: g.functionIds[i]!, ...f }));
    const mappings: Mapping[] = g.mappings.map((m, i) => ({ id: g.mappingIds[i]!, ...m }));
    const locations: Location[] = g.locations.map((l, i) => ({
      id: g.locationIds[i]!,
      mapping: l.hasMapping && mappings.length > 0 ? mappings[l.mapping % mappings.length] : undefined,
      address: l.address,
      line: l.lines.map((ln): Line => ({ function: functions[ln.fn % functions.length]!, line: ln.line, column: ln.column })),
      isFolded: l.isFolded,
    }));
    const inputs: SampleInput[] = g.samples.map((s) => ({
      location: s.stack.map((k) => locations[k % locations.length]!),
      value: s.values,
      label: s.labels.map((l): Label => ({ ...l })),
    }));
    const sample = SampleTable.from(inputs, locations, g.types.length);
    return { sampleType: g.types, sample, mapping: mappings, location: locations, function: functions, ...g.rest };
  });
