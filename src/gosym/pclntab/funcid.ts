/**
 * FuncIDs: the small numbers the Go linker stores in each `_func` (and, from Go 1.12, in each inlined-call
 * record) to mark the runtime functions the traceback code treats specially.
 *
 * The numbering is not stable across Go releases: entries were added, renamed, removed and (in Go 1.17/1.18)
 * re-sorted. Each table below is the enumeration of one range of releases, recorded from that release's
 * sources (cmd/internal/objabi/funcid.go, runtime/symtab.go, internal/abi/symtab.go) and checked against
 * the runtime functions of real executables where one was available (see the comment of each table).
 * Index = FuncID value; the names are Go's constant names without the `FuncID_` prefix.
 * @module
 */

/** One release range's FuncID enumeration. */
export interface FuncIdTable {
  /** First Go minor version (1.N) using this table. */
  readonly from: number;
  /** Last Go minor version using it (inclusive). */
  readonly to: number;
  /** Name of each FuncID value (index 0 is always `normal`). */
  readonly names: readonly string[];
}

// Go 1.10: FuncID was a uint32 field of _func (cmd/internal/objabi/funcid.go of Go 1.10).
const go110 = [
  'normal', 'goexit', 'jmpdefer', 'mcall', 'morestack', 'mstart', 'rt0_go', 'asmcgocall', 'sigpanic',
  'runfinq', 'bgsweep', 'forcegchelper', 'timerproc', 'gcBgMarkWorker', 'systemstack_switch', 'systemstack',
  'cgocallback_gofunc', 'gogo', 'externalthreadhandler',
];
// Go 1.11: runtime_main and debugCallV1 added, bgsweep/forcegchelper/timerproc dropped.
const go111 = [
  'normal', 'runtime_main', 'goexit', 'jmpdefer', 'mcall', 'morestack', 'mstart', 'rt0_go', 'asmcgocall',
  'sigpanic', 'runfinq', 'gcBgMarkWorker', 'systemstack_switch', 'systemstack', 'cgocallback_gofunc', 'gogo',
  'externalthreadhandler', 'debugCallV1',
];
// Go 1.12–1.13: a uint8 in _func; gopanic, panicwrap and wrapper added (checked: a Go 1.12 executable).
const go112 = [...go111, 'gopanic', 'panicwrap', 'wrapper'];
// Go 1.14–1.15: handleAsyncEvent and asyncPreempt before wrapper (checked: a Go 1.15 executable).
const go114 = [...go111, 'gopanic', 'panicwrap', 'handleAsyncEvent', 'asyncPreempt', 'wrapper'];
// Go 1.16: the 1.14 numbering with cgocallback_gofunc renamed cgocallback (checked: a Go 1.16 executable).
const go116 = go114.map((n) => (n === 'cgocallback_gofunc' ? 'cgocallback' : n));
// Go 1.17: sorted by name, jmpdefer still there, externalthreadhandler gone, abort and debugCallV2 added
// (checked: a Go 1.17 executable, whose runtime functions carry the IDs of this order).
const go117 = [
  'normal', 'abort', 'asmcgocall', 'asyncPreempt', 'cgocallback', 'debugCallV2', 'gcBgMarkWorker', 'goexit',
  'gogo', 'gopanic', 'handleAsyncEvent', 'jmpdefer', 'mcall', 'morestack', 'mstart', 'panicwrap', 'rt0_go',
  'runfinq', 'runtime_main', 'sigpanic', 'systemstack', 'systemstack_switch', 'wrapper',
];
// Go 1.18–1.21: the 1.17 order without jmpdefer (Go 1.19's cmd/internal/objabi/funcid.go, Go 1.21's
// internal/abi/symtab.go; checked: Go 1.18 and 1.20 executables).
const go118 = go117.filter((n) => n !== 'jmpdefer');
// Go 1.22–1.24: corostart added after cgocallback (internal/abi/symtab.go).
const go122 = [...go118.slice(0, 5), 'corostart', ...go118.slice(5)];
// Go 1.25–1.26: runfinq replaced by runFinalizers and runCleanups after runtime_main.
const go125 = go122.flatMap((n) => (n === 'runfinq' ? [] : n === 'runtime_main' ? [n, 'runFinalizers', 'runCleanups'] : [n]));

/**
 * The recorded tables, by release range. A release without one (a future one) has its names inferred from
 * the executable instead (see {@link inferFuncIdNames}).
 */
export const funcIdTables: readonly FuncIdTable[] = [
  { from: 10, to: 10, names: go110 },
  { from: 11, to: 11, names: go111 },
  { from: 12, to: 13, names: go112 },
  { from: 14, to: 15, names: go114 },
  { from: 16, to: 16, names: go116 },
  { from: 17, to: 17, names: go117 },
  { from: 18, to: 21, names: go118 },
  { from: 22, to: 24, names: go122 },
  { from: 25, to: 26, names: go125 },
];

/** The recorded table of Go 1.`minor`, if any. */
export function funcIdTableFor(minor: number): FuncIdTable | undefined {
  return funcIdTables.find((t) => minor >= t.from && minor <= t.to);
}

/**
 * The Go minor version (the N of "go1.N") in a version string such as `go1.21.3`, `go1.22rc1`,
 * `devel go1.23-abcdef`, or `1.20`; undefined when there is none.
 */
export function goMinorVersion(version: string): number | undefined {
  const m = /(?:^|go)1\.(\d+)/.exec(version);
  return m ? Number(m[1]) : undefined;
}

/** The runtime function a FuncID name stands for (`runtime_main` is `runtime.main`). */
function runtimeName(idName: string): string {
  return idName === 'runtime_main' ? 'runtime.main' : `runtime.${idName}`;
}

/**
 * Picks the FuncID names of an executable whose Go version is unknown (or has no recorded table): of the
 * candidate tables, those under which every function with a non-zero FuncID is the runtime function of
 * that name (or, for `wrapper`, any function). When every consistent table names each observed FuncID the
 * same, that naming is returned; otherwise undefined, since guessing would be a silent wrong answer.
 * @param observed - (FuncID, function name) of every function with a non-zero FuncID.
 */
export function inferFuncIdNames(
  candidates: readonly FuncIdTable[],
  observed: ReadonlyArray<readonly [number, string]>,
): readonly string[] | undefined {
  if (observed.length === 0) return undefined;
  const ok = candidates.filter((t) =>
    observed.every(([id, name]) => {
      const n = t.names[id];
      if (n === undefined || id === 0) return false;
      // debugCall* frames carry the wrapper ID from Go 1.14 on; wrappers are any autogenerated code.
      return n === 'wrapper' || runtimeName(n) === name;
    }),
  );
  const first = ok[0];
  if (first === undefined) return undefined;
  const ids = new Set(observed.map(([id]) => id));
  for (const t of ok) {
    for (const id of ids) if (t.names[id] !== first.names[id]) return undefined;
  }
  // Only the observed IDs are certain; the others are reported as the first consistent table names them
  // only if all consistent tables agree on the whole table.
  const agreeAll = ok.every((t) => t.names.length === first.names.length && t.names.every((n, i) => n === first.names[i]));
  if (agreeAll) return first.names;
  const partial: string[] = [];
  for (const id of ids) partial[id] = first.names[id]!;
  return partial;
}
