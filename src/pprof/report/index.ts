/**
 * Reports of google/pprof's `go tool pprof`: the `-top` text table and the `-tree` call tree.
 * @module
 */

export { topTable, reportSampleIndex, type TopOptions } from './top.js';
export { callTree, type TreeOptions } from './tree.js';
export { scaleValue, scaledLabel, percentage, type ScaledValue } from './measurement.js';
