/**
 * `godiag/gosym`: Go symbol tables in executables — the pclntab of every layout (Go 1.2 to 1.26), inlined
 * frames, start lines, FuncIDs, build info — read through random access from ELF, Mach-O (universal too)
 * and PE files, stripped or not.
 *
 * Layers, each usable alone: {@link openExecutable} (containers) → {@link locatePclntab},
 * {@link locateModuledata}, {@link readBuildInfo} → {@link Pclntab} (sync lookups over the table in
 * memory) → {@link openBinary} (all of it composed) → {@link gosymDumpLines} (canonical JSON).
 * @module godiag/gosym
 */

export { ErrorCode, GodiagError, isGodiagError } from '../internal/errors.js';
export type { RandomAccess, RandomAccessSource } from '../internal/random-access.js';
export type { DetectedElf, DetectedMachO, DetectedMachOUniversal, DetectedPe } from '../detect.js';
export * from './container/index.js';
export { Pclntab, funcIdTables, funcIdTableFor, goMinorVersion, inferFuncIdNames } from './pclntab/index.js';
export type { FuncInfo, Frame, LineRun, MemoryRegion, PclntabOptions, PositionOptions, FuncIdTable, PclntabHeader, PclntabLayout, TextSectionMap, GoFuncMemory, SourcePosition } from './pclntab/index.js';
export { readBuildInfo, readRawBuildInfo, parseBuildInfo, type BuildInfo, type BuildSetting, type Module, type RawBuildInfo } from './buildinfo.js';
export { openBinary, parseAddress, type GoBinary, type OpenBinaryOptions } from './binary.js';
export { gosymDump, gosymDumpLines, hexAddress } from './dump.js';
export {
  symbolizeProfile,
  type SymbolizeBinary,
  type SymbolizeOptions,
  type SymbolizeReport,
  type SymbolizeResult,
  type SymbolizedMapping,
  type MappingMatch,
} from './symbolize.js';
