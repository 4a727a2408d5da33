/**
 * The one error class godiag throws for malformed or unsupported input.
 *
 * Every reader reports bad bytes the same way: which format it was reading, the byte offset where the
 * problem was found, a stable machine-readable `code`, and a sentence a person can act on.
 * @module
 */

/** Stable codes of {@link GodiagError}; compare against these, never against messages. */
export const ErrorCode = {
  /** The input is not this format at all (wrong magic, wrong header). */
  NotFormat: 'not-format',
  /** The format is recognised, but this version of it is not supported (yet). */
  UnsupportedVersion: 'unsupported-version',
  /** The input ends before a structure it promised is complete. */
  Truncated: 'truncated',
  /** The bytes are present but inconsistent: a bad value, a dangling reference, a bad checksum. */
  Corrupt: 'corrupt',
  /** A length or count read from the input exceeds one of godiag's documented limits. */
  LimitExceeded: 'limit-exceeded',
} as const;

/** One of the values of {@link ErrorCode}. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The formats godiag reads; names the layer that found a problem. */
export type FormatName =
  | 'trace'
  | 'pprof'
  | 'metrics'
  | 'gosym'
  | 'core'
  | 'elf'
  | 'macho'
  | 'pe'
  | 'pclntab'
  | 'buildinfo'
  | 'dwarf'
  | 'gzip'
  | 'zlib'
  | 'input';

/** Options for constructing a {@link GodiagError}. */
export interface GodiagErrorOptions {
  /** The format being read. */
  format: FormatName;
  /** Byte offset in the (decompressed) input where the problem was found. */
  offset: number;
  /** What went wrong, including what was expected and what was found. */
  message: string;
  /** The underlying error, if one was caught. */
  cause?: unknown;
}

/**
 * Thrown for every kind of malformed, truncated, unsupported or over-limit input.
 *
 * The `message` reads `<format>: <what> (at byte <offset>)`, so it is useful on its own in logs.
 */
export class GodiagError extends Error {
  /** Why the input was rejected. */
  readonly code: ErrorCode;
  /** Which format (or layer, such as `gzip`) found the problem. */
  readonly format: FormatName;
  /** Byte offset of the problem in the input the format reader saw (after decompression). */
  readonly offset: number;
  /** The message without the format prefix and offset suffix. */
  readonly detail: string;

  constructor(code: ErrorCode, options: GodiagErrorOptions) {
    super(`${options.format}: ${options.message} (at byte ${options.offset})`, { cause: options.cause });
    this.name = 'GodiagError';
    this.code = code;
    this.format = options.format;
    this.offset = options.offset;
    this.detail = options.message;
  }
}

/** True if `e` is a {@link GodiagError}, optionally with the given code. */
export function isGodiagError(e: unknown, code?: ErrorCode): e is GodiagError {
  return e instanceof GodiagError && (code === undefined || e.code === code);
}

/** Shorthand used by readers: the input ended early. */
export function truncated(format: FormatName, offset: number, expected: string): GodiagError {
  return new GodiagError(ErrorCode.Truncated, {
    format,
    offset,
    message: `unexpected end of input: expected ${expected}`,
  });
}

/** Shorthand used by readers: a value is inconsistent. */
export function corrupt(format: FormatName, offset: number, message: string): GodiagError {
  return new GodiagError(ErrorCode.Corrupt, { format, offset, message });
}
