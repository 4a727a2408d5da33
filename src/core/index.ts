/**
 * `godiag/core`: ELF core files of Go programs. The ELF layer: {@link openCore} reads a Linux core
 * (kernel, gdb `gcore` or qemu-user) through random access — program headers, notes, threads with their
 * registers (amd64, arm64), the mapped files, and a memory image layered with the executable and mapped files.
 * {@link readDwarf} reads an executable's DWARF (2–5, compressed or not) for the runtime's struct layouts, and
 * {@link openGoProcess} reads the goroutines of a Go 1.22–1.26 core (amd64, arm64) with their stacks.
 * @module godiag/core
 */

export { ErrorCode, GodiagError, isGodiagError } from '../internal/errors.js';
export type { RandomAccess, RandomAccessSource } from '../internal/random-access.js';
export type { DetectedElf } from '../detect.js';
export { openCore, type Core, type CoreNote, type CoreProgramHeader, type CoreThread, type ExecutableCheck, type OpenCoreOptions } from './elf-core.js';
export {
  UnavailableMemoryError,
  isUnavailable,
  permText,
  type Backing,
  type CoreBacking,
  type ExecutableBacking,
  type FileBacking,
  type ZeroBacking,
  type UnavailableBacking,
  type MappedFileRef,
  type Mapping,
  type Permissions,
} from './memory.js';
export { NoteType, noteTypeName, signalName, type AuxvEntry, type FileMapping, type MappedFiles, type NoteBuildIds, type PrPsInfo, type PrStatus, type ProcessTimes, type SigInfo } from './notes.js';
export { AMD64_REGISTERS, ARM64_REGISTERS, REGISTER_LAYOUTS, type RegisterLayout, type Registers } from './registers.js';
export { coreElfDump } from './dump.js';
export { readDwarf, dwarfFromSections, Dwarf, GO_KINDS, type StructLayout, type FieldLayout, type DwarfContainer, type DwarfOptions, type DwarfSections } from './dwarf/index.js';
export type { DwarfType, StructType, StructMember, PointerType, BaseType, TypedefType, ArrayType, FuncType, EnumType, OtherType, GoKind, Enumerator } from './dwarf/index.js';
export {
  openGoProcess,
  GoroutineStatus,
  goroutineDumpText,
  goroutineText,
  shownByDefault,
  goroutineStacks,
  goroutineLabels,
  labelsHeaderText,
  type GoroutineLabelPair,
  type LabelsSource,
  type LabelsOptions,
  dwarfLayouts,
  tableLayouts,
  layoutTablesCovered,
  layoutTableKeys,
  releaseOf,
  RUNTIME_FIELDS,
  type LayoutSource,
  type LayoutSourceKind,
  type GoProcessOptions,
  type GoroutineStack,
  type GoroutineStacksOptions,
  type GoProcess,
  type Goroutine,
  type GoFrame,
  type UnwindResult,
  type FramesOptions,
  type DumpTextOptions,
  type CreatedAt,
  type StackBounds,
  type SavedContext,
  type SyscallContext,
  type ProcessSummary,
  type MachineSummary,
  type ProcessorSummary,
  type MemorySummary,
  type GcSummary,
  type RuntimeStat,
} from './go/index.js';
