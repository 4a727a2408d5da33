/**
 * The Go PC/line table reader: {@link Pclntab}.
 * @module
 */

export { Pclntab } from './pclntab.js';
export type { FuncInfo, Frame, LineRun, MemoryRegion, PclntabOptions, PositionOptions, TextSectionMap, PclntabHeader, PclntabLayout, GoFuncMemory, SourcePosition } from './pclntab.js';
export { funcIdTables, funcIdTableFor, goMinorVersion, inferFuncIdNames } from './funcid.js';
export type { FuncIdTable } from './funcid.js';
