/**
 * What every CLI command shares: the I/O it writes to, the command shape, and opening a FILE argument.
 * @module
 */

import type { InputOptions, Source } from '../internal/input.js';
import { fileSource } from '../node/index.js';
import { UsageError } from './args.js';
import { terminalProgress } from './progress.js';

/** Where a command writes. */
export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream | NodeJS.WritableStream;
  stdin?: AsyncIterable<Uint8Array>;
}

/** One command: it parses its own arguments and throws {@link UsageError} on bad ones. */
export interface Command {
  summary: string;
  run(argv: readonly string[], io: Io): Promise<void>;
}

/** The commands of one format. */
export interface FormatGroup {
  help: string;
  commands: Record<string, Command>;
}

/** Opens a CLI file argument (`-` is standard input) as a source, with progress where it helps. */
export async function openInput(path: string, io: Io): Promise<{ source: Source; progress: ReturnType<typeof terminalProgress> }> {
  const progress = terminalProgress(io.stderr as NodeJS.WriteStream, path);
  if (path === '-') {
    if (!io.stdin) throw new UsageError('standard input is not available');
    return { source: io.stdin, progress };
  }
  return { source: await fileSource(path), progress };
}

/**
 * Opens a CLI file argument and reads it with `read`, showing progress while it runs: the one way commands
 * read their FILE.
 */
export async function readInput<T>(path: string, io: Io, read: (source: Source, options: InputOptions) => Promise<T>): Promise<T> {
  const { source, progress } = await openInput(path, io);
  try {
    return await read(source, { onProgress: progress.onProgress });
  } finally {
    progress.done();
  }
}
