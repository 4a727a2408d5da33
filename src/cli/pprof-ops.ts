/**
 * CLI commands of the profile operations and reports (`godiag pprof merge|diff|folded|top|tree`), to be registered in the pprof
 * format group (`formatGroups.pprof.commands`) of src/cli/commands.ts.
 * @module
 */

import { writeFile } from 'node:fs/promises';
import { dumpProfile } from '../pprof/dump.js';
import { encodeProfile } from '../pprof/encode.js';
import { nativeGzip } from '../node/index.js';
import { parseProfile } from '../pprof/parse.js';
import type { Profile } from '../pprof/profile.js';
import { diffProfiles, foldedStacks, mergeProfiles } from '../pprof/ops/index.js';
import { callTree, topTable } from '../pprof/report/index.js';
import { checkFlags, parseArgs, UsageError, type Args } from './args.js';
import { readInput, type Command, type Io } from './command.js';

/** Single-dash short options accepted by these commands, and their long names. */
const SHORT: Record<string, string> = { '-o': '--output', '-n': '--nodecount' };

/** Parses arguments after turning `-o X` / `-n X` into their long forms. */
function parse(argv: readonly string[], valued: readonly string[], allowed: readonly string[]): Args {
  const args = parseArgs(argv.map((a) => SHORT[a] ?? a), valued);
  checkFlags(args, allowed);
  return args;
}

/** Reads a profile from a CLI file argument (`-` is standard input). */
function readProfile(path: string, io: Io): Promise<Profile> {
  return readInput(path, io, parseProfile);
}

/** A flag's string value, or undefined; a flag given without a value is a usage error. */
function stringFlag(args: Args, name: string): string | undefined {
  const v = args.flags.get(name);
  if (v === true) throw new UsageError(`option --${name} needs a value`);
  return v;
}

/** `--sample-index I`: a number is an index, anything else a sample type name. */
function sampleIndexFlag(args: Args): number | string | undefined {
  const v = stringFlag(args, 'sample-index');
  if (v === undefined) return undefined;
  return /^\d+$/.test(v) ? Number(v) : v;
}

/** Writes a profile (gzip profile.proto, as Go writes it) to `path`, or its canonical JSON to stdout. */
async function output(p: Profile, path: string | undefined, io: Io): Promise<void> {
  if (path === undefined) io.stdout.write(dumpProfile(p) + '\n');
  else await writeFile(path, encodeProfile(p, { compress: nativeGzip() }));
}

const mergeCommand: Command = {
  summary: 'merge profiles of the same type into one (google/pprof Merge)',
  async run(argv, io) {
    const args = parse(argv, ['output'], ['output']);
    const out = stringFlag(args, 'output');
    if (args.positional.length < 1 || out === undefined) throw new UsageError('usage: godiag pprof merge A B… -o OUT');
    const profiles: Profile[] = [];
    for (const path of args.positional) profiles.push(await readProfile(path, io));
    await output(mergeProfiles(profiles), out, io);
  },
};

const diffCommand: Command = {
  summary: 'subtract a base profile from a profile (go tool pprof -base; --diff-base keeps base samples apart)',
  async run(argv, io) {
    const args = parse(argv, ['base', 'output'], ['base', 'output', 'diff-base', 'normalize']);
    const base = stringFlag(args, 'base');
    if (args.positional.length !== 1 || base === undefined) throw new UsageError('usage: godiag pprof diff --base BASE FILE [-o OUT] [--diff-base] [--normalize]');
    const b = await readProfile(base, io);
    const p = await readProfile(args.positional[0]!, io);
    const d = diffProfiles(b, p, { diffBase: args.flags.has('diff-base'), normalize: args.flags.has('normalize') });
    await output(d, stringFlag(args, 'output'), io);
  },
};

const foldedCommand: Command = {
  summary: 'print the samples as folded stacks (root;…;leaf value), for flame graph tools',
  async run(argv, io) {
    const args = parse(argv, ['sample-index'], ['sample-index']);
    if (args.positional.length !== 1) throw new UsageError('usage: godiag pprof folded FILE [--sample-index I]');
    const p = await readProfile(args.positional[0]!, io);
    let text: string;
    try {
      text = foldedStacks(p, sampleIndexFlag(args));
    } catch (e) {
      if (e instanceof RangeError) throw new UsageError(e.message);
      throw e;
    }
    io.stdout.write(text);
  },
};

/** A report command: FILE, `-n N` (nodecount) and `--sample-index I`, printing what `render` returns. */
function reportCommand(
  summary: string,
  usage: string,
  render: (p: Profile, options: { sampleIndex?: number | string; nodeCount?: number }) => string,
): Command {
  return {
    summary,
    async run(argv, io) {
      const args = parse(argv, ['sample-index', 'nodecount'], ['sample-index', 'nodecount']);
      if (args.positional.length !== 1) throw new UsageError(`usage: ${usage}`);
      const n = stringFlag(args, 'nodecount');
      if (n !== undefined && !/^\d+$/.test(n)) throw new UsageError(`-n needs a number of functions, got ${JSON.stringify(n)}`);
      const p = await readProfile(args.positional[0]!, io);
      let text: string;
      try {
        const sampleIndex = sampleIndexFlag(args);
        text = render(p, { ...(sampleIndex !== undefined && { sampleIndex }), ...(n !== undefined && { nodeCount: Number(n) }) });
      } catch (e) {
        if (e instanceof RangeError) throw new UsageError(e.message);
        throw e;
      }
      io.stdout.write(text);
    },
  };
}

const topCommand = reportCommand(
  'print the functions with the largest values, as `go tool pprof -top` does',
  'godiag pprof top FILE [-n N] [--sample-index I]',
  topTable,
);

const treeCommand = reportCommand(
  'print the call graph as text, each function with its callers and callees, as `go tool pprof -tree` does',
  'godiag pprof tree FILE [-n N] [--sample-index I]',
  callTree,
);

/** The operations' commands, keyed by name, for `formatGroups.pprof.commands`. */
export const pprofOpsCommands: Record<string, Command> = {
  merge: mergeCommand,
  diff: diffCommand,
  folded: foldedCommand,
  top: topCommand,
  tree: treeCommand,
};

/** Help lines for the commands, for `formatGroups.pprof.help`. */
export const pprofOpsHelp: string = [
  'godiag pprof merge A B… -o OUT          merge profiles (google/pprof Merge) into a gzip profile',
  'godiag pprof diff --base BASE FILE [-o OUT] [--diff-base] [--normalize]   FILE − BASE (go tool pprof -base)',
  'godiag pprof folded FILE [--sample-index I]   folded stacks for flame graphs',
  'godiag pprof top FILE [-n N] [--sample-index I]   functions by flat value (go tool pprof -top; -n 0: all)',
  'godiag pprof tree FILE [-n N] [--sample-index I]   callers and callees of each function (go tool pprof -tree; -n 80 by default, 0: all)',
].join('\n');
