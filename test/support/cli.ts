/** A fake terminal for running the CLI in-process in tests. */

import type { Io } from '../../src/cli/commands.js';

/** An {@link Io} that collects what the CLI writes; `stdin` chunks, when given, are its standard input. */
export function fakeIo(stdin?: Uint8Array[]): Io & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream,
    stderr: { write: (s: string) => ((err += s), true), isTTY: false } as unknown as NodeJS.WriteStream,
    ...(stdin
      ? {
          stdin: (async function* () {
            yield* stdin;
          })(),
        }
      : {}),
    out: () => out,
    err: () => err,
  };
}
