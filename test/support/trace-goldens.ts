/**
 * Golden commands of execution traces: the text forms (testdata/gen/cmd/oracle/trace.go), what Go's trace tool
 * prints with `-d=wire` and `-d=footprint`, against `wireDumpText` and `footprintText`; and the events
 * (testdata/gen/cmd/oracle/trace_events.go), what golang.org/x/exp/trace's Reader yields, against
 * `dumpTraceEvents`, and their text, what `go tool trace -d=parsed` prints (testdata/gen/cmd/oracle/trace_parsed.go),
 * against `formatEvent`; both on the fixtures and on the traces of Go's own trace tests in the shared corpus.
 */

import { join } from 'node:path';
import { canonicalJson } from '../../src/internal/canonical-json.js';
import { GodiagError } from '../../src/internal/errors.js';
import { dumpTraceEvents } from '../../src/trace/events/dump.js';
import { readTraceSync } from '../../src/trace/events/reader.js';
import { formatEvent } from '../../src/trace/events/text.js';
import { footprintText } from '../../src/trace/stats.js';
import { parseTraceTest, wireDumpText } from '../../src/trace/text/index.js';
import { encodeRawEvents } from '../../src/trace/wire/index.js';
import type { ExtraGolden, Fixture, GoldenCommand } from './fixtures.js';

// fixtures.ts imports this module, so its REJECTED constant is repeated here rather than imported.
const REJECTED = '{"rejected":true}\n';

/** Renders the TypeScript side; a GodiagError (Go's tool rejects the trace too) is {@link REJECTED}. */
function orRejected(render: (bytes: Uint8Array) => string): (bytes: Uint8Array) => Promise<string> {
  return async (bytes) => {
    try {
      return render(bytes);
    } catch (e) {
      if (e instanceof GodiagError) return REJECTED;
      throw e;
    }
  };
}

const traces = (f: Fixture) => f.format === 'trace';

/** The minor version of a fixture's toolchain: 23 for go1.23.12. */
const goMinor = (f: Fixture) => Number(/^go1\.(\d+)/.exec(f.goVersion)?.[1] ?? 0);

/**
 * AllocFree traces of Go 1.23–1.25 hold experimental event types that Go 1.26's trace tool no longer accepts
 * in those versions (the reference of `trace-footprint`; `trace-wire` falls back to the Go 1.24 or 1.25 tool,
 * see trace.go). Their footprint has no reference, so the command skips them.
 */
const footprintReadable = (f: Fixture) => traces(f) && !(f.kind === 'allocfree' && goMinor(f) < 26);

/**
 * Traces in the wire format of Go 1.22 and later. golang.org/x/exp/trace also converts the old format (Go
 * 1.11–1.21), which godiag does not read yet, so the Go 1.19 and 1.21 fixtures have no events golden.
 */
const newFormatTraces = (f: Fixture) => traces(f) && goMinor(f) >= 22;

/** The TypeScript side of `trace-events`, on the fixtures and on the corpus traces alike. */
const traceEventsRun = orRejected((bytes) => dumpTraceEvents(bytes));

/**
 * Kinds of fixtures whose workload (testdata/gen's `tracework`) logs strings of deliberately ill-formed UTF-8.
 * Go's `Event.String()` quotes a string's bytes, printing those as `\xHH`; godiag decodes trace strings at the
 * wire layer, where they become U+FFFD, so `formatEvent` cannot print the bytes (a documented difference). The
 * `basic` traces (no kind) and the flight-recorder ones log none: for them the texts are identical.
 */
const LOGS_ILL_FORMED_UTF8 = new Set(['mixed', 'allocfree', 'go-test']);

/** The traces of `trace-events` whose strings are all well-formed UTF-8, so Go's text is godiag's. */
const parsedComparable = (f: Fixture) => newFormatTraces(f) && !LOGS_ILL_FORMED_UTF8.has(f.kind ?? '');

/** The TypeScript side of `trace-parsed`: `formatEvent` of every event, one per line as `-d=parsed` prints. */
const traceParsedRun = orRejected((bytes) => canonicalJson({ parsed: [...readTraceSync(bytes)].map((e) => formatEvent(e) + '\n').join('') }) + '\n');

/**
 * Every trace fixture: the wire dump and the footprint table, and the events of the Go 1.22+ ones (and their text,
 * where it does not hold ill-formed UTF-8). Old-format
 * traces (before Go 1.22) are rejected by Go's tool and must be by godiag too. The dumps are large, so their
 * goldens are stored gzip-compressed.
 */
export const traceGoldenCommands: GoldenCommand[] = [
  {
    name: 'trace-wire',
    oracleArgs: ['trace-wire'],
    appliesTo: traces,
    rejectionsAreGoldens: true,
    compressGoldens: true,
    run: orRejected((bytes) => canonicalJson({ wire: wireDumpText(bytes) }) + '\n'),
  },
  {
    name: 'trace-footprint',
    oracleArgs: ['trace-footprint'],
    appliesTo: footprintReadable,
    rejectionsAreGoldens: true,
    compressGoldens: true,
    run: orRejected((bytes) => canonicalJson({ footprint: footprintText(bytes) }) + '\n'),
  },
  {
    // Every event of golang.org/x/exp/trace's Reader, stacks interned (shape in trace_events.go).
    name: 'trace-events',
    oracleArgs: ['trace-events'],
    appliesTo: newFormatTraces,
    rejectionsAreGoldens: true,
    compressGoldens: true,
    run: traceEventsRun,
  },
  {
    // The same events as text: `TZ=UTC go tool trace -d=parsed` of Go 1.26.8 (Event.String() per line).
    name: 'trace-parsed',
    oracleArgs: ['trace-parsed'],
    appliesTo: parsedComparable,
    rejectionsAreGoldens: true,
    compressGoldens: true,
    run: traceParsedRun,
  },
];

/**
 * The trace tests of Go's internal/trace (`../shared/corpus/trace/go-tests`) that expect reading to succeed.
 * They are listed rather than read from the directory so that their goldens stay expected (not stale) where
 * the corpus is absent.
 */
const GO_TRACE_TESTS_SUCCESS = [
  'go122-annotations-stress',
  'go122-annotations',
  'go122-confuse-seq-across-generations',
  'go122-create-syscall-reuse-thread-id',
  'go122-gc-stress',
  'go122-go-create-without-running-g',
  'go122-syscall-steal-proc-ambiguous',
  'go122-syscall-steal-proc-gen-boundary-bare-m',
  'go122-syscall-steal-proc-gen-boundary-reacquire-new-proc-bare-m',
  'go122-syscall-steal-proc-gen-boundary-reacquire-new-proc',
  'go122-syscall-steal-proc-gen-boundary',
  'go122-syscall-steal-proc-reacquire-new-proc-bare-m',
  'go122-syscall-steal-proc-reacquire-new-proc',
  'go122-syscall-steal-proc-self',
  'go122-syscall-steal-proc-simple-bare-m',
  'go122-syscall-steal-proc-simple',
  'go122-syscall-steal-proc-sitting-in-syscall',
  'go122-task-across-generations',
  'go123-sync',
  'go125-sync',
];

/**
 * The binary trace of a Go trace test file, as Go's own test harness builds it from the text form (text reader,
 * then the raw writer); godiag's conversion is byte-exact with Go's (test/node/trace-corpus.test.ts).
 */
function traceTestBinary(file: Uint8Array): Uint8Array {
  const test = parseTraceTest(file);
  // The list above names the SUCCESS tests; a FAILURE test's golden would only record a rejection.
  if (test.expect.kind !== 'success') throw new Error(`trace test expects failure ${JSON.stringify(test.expect.pattern)}, not success`);
  return encodeRawEvents(test.trace.version, test.trace.events);
}

/**
 * `trace-events` and `trace-parsed` on the traces of Go's trace tests that must read without error. The parsed
 * text repeats every stack in full, so its goldens are stored gzip-compressed.
 */
export const traceExtraGoldens: ExtraGolden[] = GO_TRACE_TESTS_SUCCESS.flatMap((name) => {
  const input = join('..', 'shared', 'corpus', 'trace', 'go-tests', `${name}.test`);
  const common = { input, prepare: traceTestBinary, corpus: true };
  return [
    { ...common, golden: `corpus/trace/go-tests/${name}.trace-events.json`, oracleArgs: ['trace-events'], run: traceEventsRun },
    { ...common, golden: `corpus/trace/go-tests/${name}.trace-parsed.json.gz`, oracleArgs: ['trace-parsed'], run: traceParsedRun },
  ];
});
