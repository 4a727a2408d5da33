/**
 * Golden commands of the execution-trace text forms (testdata/gen/cmd/oracle/trace.go): what Go's trace tool
 * prints with `-d=wire` and `-d=footprint`, against `wireDumpText` and `footprintText`.
 */

import { canonicalJson } from '../../src/internal/canonical-json.js';
import { GodiagError } from '../../src/internal/errors.js';
import { footprintText } from '../../src/trace/stats.js';
import { wireDumpText } from '../../src/trace/text/index.js';
import type { Fixture, GoldenCommand } from './fixtures.js';

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
 * Every trace fixture: the wire dump and the footprint table. Old-format traces (before Go 1.22) are rejected
 * by Go's tool and must be by godiag too. The dumps are large, so their goldens are stored gzip-compressed.
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
];
