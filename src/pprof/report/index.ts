/**
 * Reports of google/pprof's `go tool pprof`: today the `-top` text table.
 * @module
 */

export { topTable, reportSampleIndex, type TopOptions } from './top.js';
export { scaleValue, scaledLabel, percentage } from './measurement.js';
