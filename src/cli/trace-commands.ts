/**
 * CLI commands of execution traces (`godiag trace raw|stats|cut|encode`), registered in the trace format group of
 * src/cli/commands.ts.
 * @module
 */

import { writeFile } from 'node:fs/promises';
import { canonicalJson } from '../internal/canonical-json.js';
import { cutTrace } from '../trace/cut.js';
import { maybeDecompress } from '../internal/compression.js';
import { chunks, readAll, type InputOptions, type Source } from '../internal/input.js';
import { formatFootprint, formatTraceStats, traceStats } from '../trace/stats.js';
import { parseTextTrace } from '../trace/text/parse.js';
import { parseTraceTest } from '../trace/text/trace-test.js';
import { wireDumpChunks } from '../trace/text/wire-dump.js';
import { encodeRawEvents } from '../trace/wire/raw.js';
import { EventJsonLines } from '../trace/events/dump.js';
import { readTrace } from '../trace/events/reader.js';
import { eventMatches, formatEvent, parseDuration, parseEventKind, type EventFilter } from '../trace/events/text.js';
import { EVENT_KINDS, type EventKind } from '../trace/events/event.js';
import { checkFlags, parseArgs, UsageError, type Args } from './args.js';
import { openInput, type Command, type Io } from './command.js';

/** Parses arguments after turning `-o X` into `--output X`. */
function parse(argv: readonly string[], valued: readonly string[], allowed: readonly string[]): Args {
  const args = parseArgs(
    argv.map((a) => (a === '-o' ? '--output' : a)),
    valued,
  );
  checkFlags(args, allowed);
  return args;
}

/**
 * Opens a FILE argument as a trace source, with progress; a gzip or zlib storage layer (as on the stored
 * fixtures) is removed while streaming. `use` runs while the input is open.
 */
async function withTrace<T>(path: string, io: Io, use: (source: Source, options: InputOptions) => Promise<T>): Promise<T> {
  const { source, progress } = await openInput(path, io);
  try {
    const { chunks: plain } = await maybeDecompress(chunks(source, { onProgress: progress.onProgress }));
    return await use(plain, {});
  } finally {
    progress.done();
  }
}

/** Writes to stdout, waiting when the stream asks the writer to slow down (long dumps of big traces). */
async function write(io: Io, text: string): Promise<void> {
  const out = io.stdout;
  if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
}

const rawCommand: Command = {
  summary: 'print the raw events of a trace as `go tool trace -d=wire` does',
  async run(argv, io) {
    const args = parse(argv, [], ['text']);
    if (args.positional.length !== 1) throw new UsageError('usage: godiag trace raw FILE [--text]');
    const form = args.flags.has('text') ? 'text' : 'wire';
    await withTrace(args.positional[0]!, io, async (source, options) => {
      for await (const piece of wireDumpChunks(source, { ...options, form })) await write(io, piece);
    });
  },
};

const statsCommand: Command = {
  summary: 'events, bytes and share per event type, string and stack tables',
  async run(argv, io) {
    const args = parse(argv, [], ['json', 'footprint']);
    if (args.positional.length !== 1 || (args.flags.has('json') && args.flags.has('footprint'))) {
      throw new UsageError('usage: godiag trace stats FILE [--json | --footprint]');
    }
    const stats = await withTrace(args.positional[0]!, io, traceStats);
    if (args.flags.has('json')) await write(io, canonicalJson(stats) + '\n');
    else if (args.flags.has('footprint')) await write(io, formatFootprint(stats));
    else await write(io, formatTraceStats(stats));
  },
};

/** A `--name G` option: a generation number (a positive integer), or undefined when absent. */
function generationFlag(args: Args, name: string): number | undefined {
  const v = args.flags.get(name);
  if (v === undefined) return undefined;
  if (v === true || !/^[1-9]\d{0,15}$/.test(v) || !Number.isSafeInteger(Number(v))) {
    throw new UsageError(`option --${name} needs a generation number (1, 2, …)`);
  }
  return Number(v);
}

const cutCommand: Command = {
  summary: 'write the whole generations FROM..TO of a trace as a smaller valid trace',
  async run(argv, io) {
    const args = parse(argv, ['from', 'to', 'output'], ['from', 'to', 'output']);
    const out = args.flags.get('output');
    if (args.positional.length !== 1 || typeof out !== 'string') {
      throw new UsageError('usage: godiag trace cut FILE [--from G] [--to G] -o OUT');
    }
    const from = generationFlag(args, 'from');
    const to = generationFlag(args, 'to');
    if (from !== undefined && to !== undefined && from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
    const bytes = await withTrace(args.positional[0]!, io, async (source, options) => {
      try {
        return await cutTrace(source, { ...options, ...(from === undefined ? {} : { fromGeneration: from }), ...(to === undefined ? {} : { toGeneration: to }) });
      } catch (e) {
        // A range that selects no generation of this trace is a usage problem, reported with the trace's range.
        if (e instanceof RangeError) throw new UsageError(e.message);
        throw e;
      }
    });
    await writeFile(out, bytes);
  },
};

const encodeCommand: Command = {
  summary: 'write a text trace (or a Go trace test file) as a binary trace',
  async run(argv, io) {
    const args = parse(argv, ['output'], ['output']);
    const out = args.flags.get('output');
    if (args.positional.length !== 1 || typeof out !== 'string') throw new UsageError('usage: godiag trace encode TEXTFILE -o OUT');
    const text = await withTrace(args.positional[0]!, io, (source, options) => readAll(source, options));
    // A Go trace test file is a txtar archive, which starts with its first part's marker line.
    const isTest = text[0] === 0x2d && text[1] === 0x2d && text[2] === 0x20;
    const trace = isTest ? parseTraceTest(text).trace : parseTextTrace(text);
    await writeFile(out, encodeRawEvents(trace.version, trace.events));
  },
};

const dumpCommand: Command = {
  summary: 'print every event as canonical JSON Lines, as golang.org/x/exp/trace reads them',
  async run(argv, io) {
    const args = parse(argv, [], ['stop-at-truncation']);
    if (args.positional.length !== 1) throw new UsageError('usage: godiag trace dump FILE [--stop-at-truncation]');
    const onTruncated = args.flags.has('stop-at-truncation') ? 'stop' : 'throw';
    await withTrace(args.positional[0]!, io, async (source, options) => {
      const json = new EventJsonLines();
      let pending = '';
      try {
        for await (const e of readTrace(source, { ...options, onTruncated })) {
          pending += json.text(e);
          if (pending.length >= 1 << 16) {
            await write(io, pending);
            pending = '';
          }
        }
      } finally {
        // Events read before an error are printed, as the oracle prints them.
        await write(io, pending);
      }
    });
  },
};

/**
 * Takes every `--kind K` / `--kind=K` out of `argv` (parseArgs keeps only the last value of an option, and
 * kinds may be repeated), returning the kinds named, validated, and the other arguments.
 */
function takeKinds(argv: readonly string[], valued: readonly string[]): { kinds: EventKind[] | undefined; rest: string[] } {
  const names: string[] = [];
  const rest: string[] = [];
  let seen = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (a === '--kind' || a.startsWith('--kind=')) {
      const v = a === '--kind' ? argv[++i] : a.slice('--kind='.length);
      if (v === undefined) throw new UsageError('option --kind needs a value');
      seen = true;
      names.push(...v.split(','));
      continue;
    }
    rest.push(a);
    // The value of another option is never taken for --kind (e.g. `--match --kind`).
    if (valued.includes(a.slice(2)) && i + 1 < argv.length) rest.push(argv[++i]!);
  }
  if (!seen) return { kinds: undefined, rest };
  const kinds: EventKind[] = [];
  for (const name of names) {
    const k = parseEventKind(name.trim());
    if (k === undefined) throw new UsageError(`unknown event kind ${JSON.stringify(name)}; valid kinds: ${EVENT_KINDS.join(', ')}`);
    if (!kinds.includes(k)) kinds.push(k);
  }
  return { kinds, rest };
}

/** A `--name T` duration option (see parseDuration), or undefined when absent. */
function durationFlag(args: Args, name: string): number | undefined {
  const v = args.flags.get(name);
  if (v === undefined) return undefined;
  if (v === true) throw new UsageError(`option --${name} needs a duration`);
  try {
    return parseDuration(v);
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(`option --${name}: ${e.message}`);
    throw e;
  }
}

/** The filter of `trace events` from its options. */
function eventFilter(argv: readonly string[]): { path: string; filter: EventFilter; stopAtTruncation: boolean } {
  const valued = ['goroutine', 'from', 'to', 'match'];
  const { kinds, rest } = takeKinds(argv, valued);
  const args = parse(rest, valued, [...valued, 'stop-at-truncation']);
  if (args.positional.length !== 1) {
    throw new UsageError('usage: godiag trace events FILE [--kind K]... [--goroutine G] [--from T] [--to T] [--match REGEXP] [--stop-at-truncation]');
  }
  const filter: { -readonly [K in keyof EventFilter]: EventFilter[K] } = {};
  if (kinds !== undefined) filter.kinds = kinds;
  const g = args.flags.get('goroutine');
  if (g !== undefined) {
    if (g === true || !/^-?\d{1,16}$/.test(g) || !Number.isSafeInteger(Number(g))) throw new UsageError('option --goroutine needs a goroutine ID (an integer)');
    filter.goroutine = Number(g);
  }
  const from = durationFlag(args, 'from');
  const to = durationFlag(args, 'to');
  if (from !== undefined) filter.from = from;
  if (to !== undefined) filter.to = to;
  if (from !== undefined && to !== undefined && from > to) throw new UsageError(`--from ${from} ns is after --to ${to} ns`);
  const match = args.flags.get('match');
  if (match !== undefined) {
    if (match === true) throw new UsageError('option --match needs a regular expression');
    try {
      filter.match = new RegExp(match);
    } catch (e) {
      throw new UsageError(`option --match: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { path: args.positional[0]!, filter, stopAtTruncation: args.flags.has('stop-at-truncation') };
}

const eventsCommand: Command = {
  summary: 'print the events of a trace as `go tool trace -d=parsed` does, optionally filtered',
  async run(argv, io) {
    const { path, filter, stopAtTruncation } = eventFilter(argv);
    await withTrace(path, io, async (source, options) => {
      let origin: number | undefined;
      let pending = '';
      try {
        for await (const e of readTrace(source, { ...options, onTruncated: stopAtTruncation ? 'stop' : 'throw' })) {
          origin ??= e.time;
          // Times only increase, so nothing after the end of the window can match: stop reading there.
          if (filter.to !== undefined && e.time - origin >= filter.to) break;
          if (!eventMatches(e, filter, origin)) continue;
          // As `go tool trace -d=parsed`: each event's text and a newline (a blank line after a stack).
          pending += formatEvent(e, { wallClockZone: 'local' }) + '\n';
          if (pending.length >= 1 << 16) {
            await write(io, pending);
            pending = '';
          }
        }
      } finally {
        // Also on an error: as Go's tool, print every event read before it.
        await write(io, pending);
      }
    });
  },
};

/** Usage lines of the trace commands. */
export const traceHelp = [
  'godiag trace raw FILE [--text]        print every raw event, exactly as `go tool trace -d=wire` prints them;',
  '                                      --text: Go\'s text trace format (a "Trace Go1.NN" header line, and a data',
  '                                      line for every string even when empty), which `trace encode` reads back',
  'godiag trace stats FILE               events, bytes and share per event type; string and stack tables',
  '        [--json | --footprint]        --json: canonical JSON; --footprint: exactly `go tool trace -d=footprint`',
  'godiag trace dump FILE               every event as canonical JSON Lines (stacks defined once, then referred',
  '        [--stop-at-truncation]       to by number), identical to the Go oracle\'s reading with x/exp/trace;',
  '                                      --stop-at-truncation: end at the last complete generation of a cut trace',
  'godiag trace events FILE              every event as `go tool trace -d=parsed` prints it (Go\'s Event.String(),',
  '        [--kind K]... [--goroutine G] wall clock in the local zone); --kind: only these kinds (repeat or',
  '        [--from T] [--to T]           K1,K2; any case); --goroutine: events on G or about G (transitions,',
  '        [--match REGEXP]              labels, ranges); --from/--to: the window [T1, T2) after the first',
  '        [--stop-at-truncation]        event, in ns or with a unit (1.5ms, 200us, 3s); --match: a JavaScript',
  '                                      RegExp found in a function or file:line of the stack or transition stack',
  'godiag trace cut FILE [--from G] [--to G] -o OUT',
  '                                      write generations G..G (as numbered in the trace) as a smaller valid trace',
  'godiag trace encode TEXTFILE -o OUT   write a text trace (or a Go .test file) as a binary trace',
].join('\n');

/** The trace commands by name. */
export const traceCommands: Record<string, Command> = {
  raw: rawCommand,
  dump: dumpCommand,
  events: eventsCommand,
  stats: statsCommand,
  cut: cutCommand,
  encode: encodeCommand,
};
