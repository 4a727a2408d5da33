/**
 * Go's text forms of a trace: the raw text trace format (`Trace Go1.NN` and one event per line, as in Go's
 * `.test` files), what `go tool trace -d=wire` prints, the txtar container of Go's trace tests, and Go string
 * quoting as that format uses it.
 * @module
 */

export { formatRawEvent, formatTextTrace, type DataLine, type FormatEventOptions, type TextTrace } from './format.js';
export { parseTextTrace, type ParseTextOptions } from './parse.js';
export { wireDumpChunks, wireDumpText, type DumpForm, type WireDumpOptions, type WireDumpStreamOptions } from './wire-dump.js';
export { formatTxtar, parseTxtar, type Txtar, type TxtarFile } from './txtar.js';
export { goQuote, goUnquote } from './strconv.js';
export { formatTraceTest, parseTraceTest, type TraceTest, type TraceTestExpectation, type TraceTestFailure, type TraceTestSuccess } from './trace-test.js';
