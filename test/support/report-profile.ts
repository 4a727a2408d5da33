/**
 * A small CPU profile for the report tests (`-top`, `-tree`): functions main.main, main.work, main.helper,
 * runtime.mallocgc and main.tiny, and locations for each (one with main.helper inlined into main.work).
 * The expected report texts in those tests were printed by `go tool pprof` for these profiles.
 */
import { SampleTable, type Function, type Location, type Mapping, type Profile } from '../../src/pprof/profile.js';

/** The locations a test's stacks are made of. */
export interface ReportLocations {
  main: Location;
  /** main.helper inlined into main.work. */
  inlined: Location;
  malloc: Location;
  tiny: Location;
  work: Location;
  /** main.helper called directly. */
  helper: Location;
}

/** Builds the profile with the stacks `stacks(locations)` gives, each with a sample count in milliseconds of CPU. */
export function reportProfile(stacks: (l: ReportLocations) => { location: Location[]; ms: number }[]): Profile {
  const mapping: Mapping = { id: 1n, start: 0x400000n, limit: 0x800000n, offset: 0n, file: '/srv/bin/app', buildId: 'abc123', hasFunctions: true, hasFilenames: true, hasLineNumbers: true, hasInlineFrames: true };
  const fn = (id: bigint, name: string): Function => ({ id, name, systemName: name, filename: 'app.go', startLine: 1 });
  const [main, work, helper, malloc, tiny] = [fn(1n, 'main.main'), fn(2n, 'main.work'), fn(3n, 'main.helper'), fn(4n, 'runtime.mallocgc'), fn(5n, 'main.tiny')] as const;
  const loc = (id: bigint, ...fs: Function[]): Location => ({ id, mapping, address: 0x401000n + id, line: fs.map((f, i) => ({ function: f, line: 10 + i, column: 0 })), isFolded: false });
  const l: ReportLocations = { main: loc(1n, main), inlined: loc(2n, helper, work), malloc: loc(3n, malloc), tiny: loc(4n, tiny), work: loc(5n, work), helper: loc(6n, helper) };
  const location = [l.main, l.inlined, l.malloc, l.tiny, l.work, l.helper];
  const sample = SampleTable.from(
    stacks(l).map((s) => ({ location: s.location, value: [BigInt(s.ms), BigInt(s.ms) * 1_000_000n] })),
    location,
    2,
  );
  return {
    sampleType: [{ type: 'samples', unit: 'count' }, { type: 'cpu', unit: 'nanoseconds' }],
    defaultSampleType: '',
    sample,
    mapping: [mapping],
    location,
    function: [main, work, helper, malloc, tiny],
    dropFrames: '',
    keepFrames: '',
    timeNanos: 1_700_000_000_123_456_789n,
    durationNanos: 1_000_000_000n,
    periodType: { type: 'cpu', unit: 'nanoseconds' },
    period: 1_000_000n,
    comments: ['a comment', '# hidden'],
    docUrl: '',
  };
}
