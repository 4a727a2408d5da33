/**
 * Layer A of `godiag/gosym`: executables (ELF, Mach-O, PE) read through random access, and the Go
 * tables found in them (pclntab, moduledata, `go:func.*`).
 * @module
 */

export type {
  Executable,
  ExecutableBuildId,
  ExecutableSection,
  ExecutableSegment,
  ExecutableSymbol,
  OpenExecutableOptions,
} from './types.js';
export { openExecutable } from './open.js';
export { locatePclntab, parsePclntabHeader, type PclntabHeaderInfo, type PclntabLayout, type PclntabLocation } from './pclntab.js';
export { locateModuledata, readGoFunc, type GoFuncRegion, type ModuleData, type TextSection } from './moduledata.js';
