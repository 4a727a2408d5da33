/**
 * The signal a legacy parser raises when the input is not its format, so that the next parser is tried
 * (google/pprof's `errUnrecognized`). Any other failure is a {@link GodiagError} and ends parsing.
 * @module
 */

/** Thrown by a legacy parser that does not recognise its input; never escapes `parseLegacyProfile`. */
export class Unrecognized extends Error {
  /** Byte offset of what was not recognised. */
  readonly offset: number;
  constructor(offset: number, why: string) {
    super(why);
    this.offset = offset;
  }
}
