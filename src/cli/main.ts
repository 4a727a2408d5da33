#!/usr/bin/env node
/**
 * The `godiag` command: a thin shell over the library's readers, for scripts (canonical JSON) and people.
 *
 * Exit status: 0 success, 1 malformed or unreadable input (the message names the byte offset), 2 usage.
 * @module
 */

import { realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GodiagError } from '../internal/errors.js';
import { UsageError } from './args.js';
import { commands, formatGroups, type Io } from './commands.js';

const HELP = `godiag — read the Go runtime's diagnostic formats

usage:
  godiag inspect FILE [--json]      detect the format of FILE and summarise it
  godiag <format> <command> ...     format commands (godiag <format> --help)
  godiag demo [DIR]                 inspect the bundled sample files
  godiag --version

formats: ${Object.keys(formatGroups).join(', ')}
FILE may be - for standard input. Exit status: 0 ok, 1 malformed input, 2 usage.`;

/** Runs the CLI with the given arguments; returns the exit status. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  try {
    const [name, ...rest] = argv;
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      io.stdout.write(HELP + '\n');
      return name === undefined ? 2 : 0;
    }
    if (name === '--version') {
      io.stdout.write(`${await packageVersion()}\n`);
      return 0;
    }
    const top = commands[name];
    if (top) {
      await top.run(rest, io);
      return 0;
    }
    const group = formatGroups[name];
    if (group) {
      const [sub, ...args] = rest;
      const names = Object.keys(group.commands);
      if (sub === undefined || sub === '--help' || sub === '-h') {
        io.stdout.write(group.help + '\n');
        return sub === undefined ? 2 : 0;
      }
      const cmd = group.commands[sub];
      if (!cmd) {
        throw new UsageError(
          names.length === 0
            ? `godiag ${name}: no commands are available yet (${group.help})`
            : `godiag ${name}: unknown command "${sub}"; commands: ${names.join(', ')}`,
        );
      }
      await cmd.run(args, io);
      return 0;
    }
    throw new UsageError(`unknown command "${name}"; run godiag --help`);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`godiag: ${e.message}\n`);
      return 2;
    }
    if (e instanceof GodiagError) {
      io.stderr.write(`godiag: ${e.message}\n`);
      return 1;
    }
    const err = e as NodeJS.ErrnoException;
    if (typeof err?.code === 'string' && err.syscall !== undefined) {
      io.stderr.write(`godiag: ${err.message}\n`);
      return 1;
    }
    throw e;
  }
}

async function packageVersion(): Promise<string> {
  // dist/cli/main.js and src/cli/main.ts both sit two levels below the package root.
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** True when this module is the program being run (directly, through tsx, or through the npm bin link). */
const isEntry = (() => {
  const arg = process.argv[1];
  if (arg === undefined) return false;
  try {
    return realpathSync(arg) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();

if (isEntry) {
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`godiag: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
