/**
 * Walking samples with their stacks expanded to frames: one frame per line of each location, so inlined
 * calls appear as frames of their own (innermost first), as `go tool pprof` shows them.
 * @module
 */

import type { Profile, Sample } from './profile.js';

/** One frame of a sample's stack. */
export interface Frame {
  /** Function name. */
  function: string;
  /** Source file. */
  file: string;
  /** Line number (0 if unknown). */
  line: number;
  /** Instruction address of the location (shared by the frames of one location). */
  address: bigint;
  /** True for a frame inlined into the next one (every line of a location but its last). */
  inlined: boolean;
}

/** A sample with its frames, leaf first. */
export interface ResolvedSample {
  /** The sample itself. */
  sample: Sample;
  /** Frames, leaf first. */
  frames: Frame[];
}

/** Yields every sample with its stack expanded to frames; frames are built as each sample is reached. */
export function* samples(p: Profile): Generator<ResolvedSample, void, undefined> {
  for (const sample of p.sample) {
    const frames: Frame[] = [];
    for (const index of sample.stack) {
      const loc = p.location[index]!;
      const n = loc.line.length;
      if (n === 0) frames.push({ function: '', file: '', line: 0, address: loc.address, inlined: false });
      for (let i = 0; i < n; i++) {
        const ln = loc.line[i]!;
        frames.push({ function: ln.function.name, file: ln.function.filename, line: ln.line, address: loc.address, inlined: i < n - 1 });
      }
    }
    yield { sample, frames };
  }
}
