/**
 * Go's trace test files (`internal/trace/testdata/tests/*.test`): a txtar archive of an `expect` part (whether
 * reading the trace must succeed, or fail with an error matching a pattern) and a `trace` part in the text
 * trace format.
 * @module
 */

import { ErrorCode, GodiagError } from '../../internal/errors.js';
import { formatTextTrace, type TextTrace } from './format.js';
import { parseTextTrace, type ParseTextOptions } from './parse.js';
import { goQuote, goUnquote } from './strconv.js';
import { formatTxtar, parseTxtar } from './txtar.js';

/** The expectation that reading the trace succeeds. */
export interface TraceTestSuccess {
  /** Discriminant. */
  kind: 'success';
}

/** The expectation that reading the trace fails. */
export interface TraceTestFailure {
  /** Discriminant. */
  kind: 'failure';
  /** A Go regular expression the error message must match. */
  pattern: string;
}

/** What reading a test's trace must give. */
export type TraceTestExpectation = TraceTestSuccess | TraceTestFailure;

/** A parsed trace test file. */
export interface TraceTest {
  /** The expectation from the `expect` part. */
  expect: TraceTestExpectation;
  /** The trace from the `trace` part. */
  trace: TextTrace;
}

const bad = (message: string) => new GodiagError(ErrorCode.NotFormat, { format: 'trace', offset: 0, message: `not a Go trace test: ${message}` });

/**
 * Parses a trace test file: exactly two txtar parts, `expect` then `trace`. The expectation's first line is
 * `SUCCESS` or `FAILURE <Go-quoted pattern>`.
 * @throws GodiagError `not-format` for another layout or expectation; the text reader's errors for the trace
 * (their offsets count from the start of the `trace` part).
 */
export function parseTraceTest(input: Uint8Array | string, options: ParseTextOptions = {}): TraceTest {
  const archive = parseTxtar(input);
  const names = archive.files.map((f) => f.name);
  if (names.length !== 2 || names[0] !== 'expect' || names[1] !== 'trace') {
    throw bad(`expected the parts "expect" and "trace", found ${JSON.stringify(names)}`);
  }
  return { expect: parseExpectation(archive.files[0]!.data), trace: parseTextTrace(archive.files[1]!.data, options) };
}

function parseExpectation(data: Uint8Array): TraceTestExpectation {
  // Go reads an empty expectation as success.
  if (data.length === 0) return { kind: 'success' };
  let end = data.indexOf(0x0a);
  if (end < 0) end = data.length;
  if (end > 0 && data[end - 1] === 0x0d) end--;
  const line = data.subarray(0, end);
  const space = line.indexOf(0x20);
  const word = new TextDecoder().decode(space < 0 ? line : line.subarray(0, space));
  if (word === 'SUCCESS') return { kind: 'success' };
  if (word === 'FAILURE' && space >= 0) {
    const pattern = goUnquote(line.subarray(space + 1));
    if (pattern !== undefined) return { kind: 'failure', pattern: new TextDecoder().decode(pattern) };
  }
  throw bad(`expected an expectation "SUCCESS" or "FAILURE <quoted pattern>", found ${JSON.stringify(new TextDecoder().decode(line))}`);
}

/** Writes a trace test file as Go's test generator does: `-- expect --`, the expectation, `-- trace --`, the trace. */
export function formatTraceTest(test: TraceTest): Uint8Array {
  const enc = new TextEncoder();
  const expect = test.expect.kind === 'success' ? 'SUCCESS\n' : `FAILURE ${goQuote(enc.encode(test.expect.pattern))}\n`;
  return formatTxtar({
    comment: new Uint8Array(0),
    files: [
      { name: 'expect', data: enc.encode(expect) },
      { name: 'trace', data: enc.encode(formatTextTrace(test.trace)) },
    ],
  });
}
