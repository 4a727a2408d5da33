/**
 * `openBinary`: a Go executable's symbol table, ready for lookups. Composes the container layer (find the
 * pclntab, moduledata and `go:func.*` without reading the whole file) with the pclntab layer (sync lookups
 * over the table in memory) and the build info.
 * @module
 */

import { toRandomAccess, type RandomAccessSource } from '../internal/random-access.js';
import { readBuildInfo, type BuildInfo } from './buildinfo.js';
import { locateModuledata, locatePclntab, openExecutable, readGoFunc, type Executable, type ModuleData, type OpenExecutableOptions } from './container/index.js';
import { Pclntab, type FuncInfo, type Frame, type LineRun, type MemoryRegion, type PclntabLayout, type PclntabOptions, type PositionOptions, type SourcePosition } from './pclntab/index.js';

/** Options of {@link openBinary}. */
export interface OpenBinaryOptions extends OpenExecutableOptions {
  /**
   * The Go version that built the binary (`go1.21.3`), when the build info is missing (before Go 1.13, or
   * stripped of it): selects the version's FuncID names. Inferred from the table otherwise.
   */
  goVersion?: string;
}

/** A Go executable: its container, build info and symbol table. */
export interface GoBinary {
  /** The container (ELF, Mach-O, PE) as opened. */
  readonly executable: Executable;
  /** The Go version from the build info (`go1.26.8`), or undefined when the binary has none. */
  readonly goVersion: string | undefined;
  /** GOOS as far as the container tells. */
  readonly goos: string;
  /** GOARCH of the machine. */
  readonly goarch: string;
  /** The build info (Go 1.13+), or undefined. */
  readonly buildInfo: BuildInfo | undefined;
  /** The pclntab layout, named by the first Go release that wrote it. */
  readonly layout: PclntabLayout;
  /** How the pclntab was found. */
  readonly pclntabVia: 'section' | 'symbol' | 'moduledata' | 'scan';
  /** Address of the pclntab. */
  readonly pclntabAddr: bigint;
  /** Size of the pclntab in bytes (what was read of the file to answer lookups). */
  readonly pclntabSize: number;
  /** The moduledata, where the binary's layout needed it (Go 1.18+ text start and `go:func.*`). */
  readonly moduledata: ModuleData | undefined;
  /** The symbol table itself, for everything below and more. */
  readonly table: Pclntab;
  /** Every function in the table's order (by entry). */
  functions(): IterableIterator<FuncInfo>;
  /** The function containing `pc`, if any. */
  funcAt(pc: bigint): FuncInfo | undefined;
  /** The frames at `pc`, innermost first, inlined calls expanded; `[]` when no function contains it. */
  lookup(pc: bigint): Frame[];
  /** The file and line at `pc` (of the innermost frame), if a function contains it. */
  fileLine(pc: bigint, options?: PositionOptions): SourcePosition | undefined;
  /** The runs of pcs with one position in a function. */
  lines(fn: FuncInfo | number, options?: PositionOptions): LineRun[];
  /** The first pc of each run of code at `file:line` (inlined copies included). */
  lineToPCs(file: string, line: number): bigint[];
  /** The source files named by the table. */
  files(): string[];
  /** Releases the input (a file handle), if it has one. */
  close(): Promise<void>;
}

/**
 * Opens a Go executable (ELF, Mach-O, universal Mach-O with `arch`, PE; stripped or not; PIE or not) and
 * reads what lookups need: the headers, the pclntab, the moduledata and `go:func.*` where the layout
 * needs them, and the build info. The rest of the file is not read.
 * @throws GodiagError `not-format` for a file that is not an executable or has no Go symbol table.
 */
export async function openBinary(source: RandomAccessSource, options: OpenBinaryOptions = {}): Promise<GoBinary> {
  const ra = toRandomAccess(source);
  const exe = await openExecutable(ra, options);
  const loc = await locatePclntab(exe);
  const buildInfo = await readBuildInfo(exe);
  const goVersion = options.goVersion ?? buildInfo?.goVersion;
  const tableOptions: PclntabOptions = { byteOrder: exe.byteOrder, addr: loc.addr };
  if (goVersion !== undefined) tableOptions.goVersion = goVersion;
  let moduledata = loc.moduledata;
  const layout = loc.header.layout;
  if (layout === '1.18' || layout === '1.20') {
    // Entries are offsets from runtime.text, and inline trees offsets into go:func.*: both from moduledata.
    moduledata ??= await locateModuledata(exe, loc.addr);
    tableOptions.textStart = moduledata.text;
    // Huge binaries split their text into sections, each placed apart (moduledata's textsectmap).
    if (moduledata.textSections !== undefined && moduledata.textSections.length > 1) tableOptions.textSections = moduledata.textSections;
    const goFunc = await readGoFunc(exe, moduledata, loc);
    if (goFunc !== undefined) tableOptions.goFunc = goFunc;
  } else {
    // Go 1.12–1.17 inline trees are absolute pointers into read-only data.
    const memory = await readOnlyData(exe, loc.addr);
    if (memory.length > 0) tableOptions.memory = memory;
  }
  const table = Pclntab.parse(loc.bytes, tableOptions);
  return {
    executable: exe,
    goVersion: buildInfo?.goVersion,
    goos: exe.goos,
    goarch: exe.goarch,
    buildInfo,
    layout,
    pclntabVia: loc.via,
    pclntabAddr: loc.addr,
    pclntabSize: loc.bytes.length,
    moduledata,
    table,
    functions: () => table.functions(),
    funcAt: (pc) => table.funcAt(pc),
    lookup: (pc) => table.lookup(pc),
    fileLine: (pc, o) => table.fileLine(pc, o),
    lines: (fn, o) => table.lines(fn, o),
    lineToPCs: (file, line) => table.lineToPCs(file, line),
    files: () => table.files(),
    close: async () => {
      await ra.close?.();
    },
  };
}

/** Sections that may hold pre-1.18 inline trees: read-only data, not the pclntab itself. */
const RODATA = ['.rodata', '__rodata', '.rdata', '.data.rel.ro'];

async function readOnlyData(exe: Executable, pclntabAddr: bigint): Promise<MemoryRegion[]> {
  const out: MemoryRegion[] = [];
  for (const name of RODATA) {
    const s = exe.section(name);
    if (s === undefined || s.fileSize === 0 || s.addr === pclntabAddr) continue;
    out.push({ addr: s.addr, bytes: await exe.readSection(s) });
  }
  return out;
}

/**
 * An address written as `0x…` (hexadecimal) or in decimal, as people and Go's tracebacks write pcs.
 * @throws RangeError for anything else (a caller's mistake, not bad input: no GodiagError).
 */
export function parseAddress(text: string): bigint {
  const t = text.trim();
  if (!/^(0x[0-9a-fA-F]+|[0-9]+)$/.test(t)) throw new RangeError(`godiag: not an address: ${JSON.stringify(text)} (want 0x… or decimal)`);
  return BigInt(t);
}
