/**
 * `inspect`: detect a file's format and summarise it in a few facts. Its JSON form is what
 * `godiag inspect --json` prints and what the Go oracle's `inspect` prints for the same file.
 * @module
 */

import { detect, DETECT_BYTES, type Detected, type DetectedPprof } from './detect.js';
import { chunks, type InputOptions, type Source } from './internal/input.js';
import { StreamReader } from './internal/stream-reader.js';
import { summarizeProfile } from './pprof/summary.js';
import type { ValueType } from './pprof/profile.js';

/** A pprof profile's inspect summary. */
export interface InspectedPprof extends DetectedPprof {
  /** What each sample value measures, in order. */
  sampleTypes: ValueType[];
  /** Number of samples. */
  samples: number;
}

/** What {@link inspect} reports: the detected format, with a summary where one is cheap. */
export type Inspected = Exclude<Detected, DetectedPprof> | InspectedPprof;

/** Detects the format of a source and summarises it; reads only the header unless a summary needs more. */
export async function inspect(source: Source, options: InputOptions = {}): Promise<Inspected> {
  const reader = new StreamReader(chunks(source, options), 'input');
  const head = await reader.peek(DETECT_BYTES);
  const complete = head.length < DETECT_BYTES;
  const found = detect(head, complete);
  if (found.format !== 'pprof') {
    await reader.close();
    return found;
  }
  const summary = await summarizeProfile(reader.rest());
  return { format: 'pprof', ...summary };
}
