/**
 * The Go layer of the core reader: goroutines and their stacks, read through the executable's DWARF and
 * pclntab. {@link openGoProcess} takes a core opened with its executable.
 * @module
 */

export { openGoProcess, GoroutineStatus, type GoProcess, type Goroutine, type FramesOptions, type GoProcessOptions, type CreatedAt, type StackBounds, type SavedContext, type SyscallContext } from './process.js';
export { unwind, shownByDefault, type GoFrame, type UnwindResult, type UnwindContext, type UnwindStart } from './unwind.js';
export { goroutineDumpText, goroutineText, labelsOrWarning, type DumpTextOptions } from './format.js';
export { goroutineLabels, labelsHeaderText, type GoroutineLabelPair, type LabelsSource, type LabelsOptions } from './labels.js';
export { readSummary, summaryText, type ProcessSummary, type MachineSummary, type ProcessorSummary, type MemorySummary, type GcSummary, type RuntimeStat, type SummaryContext } from './summary.js';
export { goSymbolsOf, type GoSymbols } from './binary.js';
export { CoreMemory, StructView } from './memory.js';
export { RUNTIME_FIELDS, dwarfLayouts, tableLayouts, layoutsOfTable, layoutTableOf, layoutTableKeys, layoutTablesCovered, releaseOf, type LayoutSource, type LayoutSourceKind, type LayoutTable, type LayoutTableStruct, type LayoutTableField } from './layouts.js';
export { goroutineStacks, type GoroutineStack, type GoroutineStacksOptions } from './stacks.js';
