/**
 * The command registry. `commands` are top-level (`godiag inspect`); `formatGroups` hold the commands
 * of each format (`godiag trace dump`), which each format's reader adds as it arrives.
 * @module
 */

import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { inspect, type Inspected } from '../inspect.js';
import { canonicalJson } from '../internal/canonical-json.js';
import { dumpProfile } from '../pprof/dump.js';
import { parseProfile } from '../pprof/parse.js';
import { profileToString } from '../pprof/string.js';
import { parseGoroutineDump } from '../pprof/goroutines/index.js';
import { readAll } from '../internal/input.js';
import { decompressSync, detectCompression } from '../internal/compression.js';
import { topTable } from '../pprof/report/top.js';
import { pprofOpsCommands, pprofOpsHelp } from './pprof-ops.js';
import { traceCommands, traceHelp } from './trace-commands.js';
import { openBinary } from '../gosym/binary.js';
import { catalog, describe as describeMetric } from '../metrics/catalog.js';
import { metricsCommands, metricsHelp } from './metrics-commands.js';
import { coreCommands, coreHelp } from './core-commands.js';
import { gosymCommands, gosymHelp } from './gosym-commands.js';
import type { Profile } from '../pprof/profile.js';
import { fileSource } from '../node/index.js';
import { readTraceSync } from '../trace/events/reader.js';
import { formatEvent } from '../trace/events/text.js';
import { checkFlags, parseArgs, UsageError } from './args.js';
import { readInput, type Command, type FormatGroup } from './command.js';

export type { Command, FormatGroup, Io } from './command.js';

const inspectCommand: Command = {
  summary: 'detect the format of a file and summarise it',
  async run(argv, io) {
    const args = parseArgs(argv);
    checkFlags(args, ['json']);
    if (args.positional.length !== 1) throw new UsageError('usage: godiag inspect FILE [--json]');
    const result = await readInput(args.positional[0]!, io, inspect);
    io.stdout.write((args.flags.has('json') ? canonicalJson(result) : describe(result)) + '\n');
  },
};

const demoCommand: Command = {
  summary: 'run the readers over the sample files bundled in testdata/',
  async run(argv, io) {
    const args = parseArgs(argv);
    checkFlags(args, []);
    const dir = args.positional[0] ?? join('testdata', 'fixtures');
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as {
      fixtures: { path: string; goVersion: string; kind?: string; format: string }[];
    };
    const newest = manifest.fixtures.map((f) => f.goVersion).sort(compareGoVersions).at(-1);
    // Programs' own outputs recorded beside the samples (the gosym program's runtime frames, gdb's and the runtime's
    // view of a core, metrics.All(), OpenTelemetry's points) are oracle inputs, not samples of a format.
    const oracleInputs = new Set(['gosym-callers', 'core-gdb', 'core-goroutines', 'core-oracle', 'metrics-catalog', 'otel-points']);
    const samples = manifest.fixtures.filter((f) => f.goVersion === newest && !oracleInputs.has(f.format));
    io.stdout.write(`godiag demo: ${samples.length} sample files recorded with ${newest ?? 'no toolchain'}\n\n`);
    for (const f of samples) {
      const path = join(dir, f.path);
      const result = await inspect(await fileSource(path));
      io.stdout.write(`${relative('.', path)}\n  ${describe(result)}\n  ${canonicalJson(result)}\n`);
    }
    const cpu = samples.find((f) => f.format === 'pprof' && f.kind === 'cpu');
    if (cpu) {
      io.stdout.write(`\ngodiag pprof top -n 5 ${join(dir, cpu.path)}\n`);
      io.stdout.write(topTable(await parseProfile(await fileSource(join(dir, cpu.path))), { nodeCount: 5 }));
    }
    const crash = samples.find((f) => f.format === 'goroutine-dump' && f.kind === 'crash-all');
    if (crash) {
      const dump = parseGoroutineDump(await readAll(await fileSource(join(dir, crash.path)), {}).then(maybeGunzip));
      const states = new Map<string, number>();
      for (const g of dump.goroutines) states.set(g.state, (states.get(g.state) ?? 0) + 1);
      io.stdout.write(`\ngodiag pprof goroutines ${join(dir, crash.path)}  (summarised)\n`);
      io.stdout.write(`  ${dump.panics.map((p) => `panic: ${p.message}`).join('; ')}\n`);
      io.stdout.write(`  ${dump.goroutines.length} goroutines: ${[...states].map(([k, n]) => `${n} ${k}`).join(', ')}\n`);
    }
    const trace = samples.find((f) => f.format === 'trace' && f.kind === 'mixed');
    if (trace) {
      const path = join(dir, trace.path);
      const bytes = maybeGunzip(await readAll(await fileSource(path), {}));
      const kinds = new Map<string, number>();
      const logs: string[] = [];
      for (const e of readTraceSync(bytes)) {
        kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
        if (e.kind === 'Log' && logs.length < 2) logs.push(formatEvent(e));
      }
      io.stdout.write(`\ngodiag trace events --kind Log ${path}  (the first 2 of ${kinds.get('Log') ?? 0})\n`);
      io.stdout.write(logs.map((l) => l.replace(/^/gm, '  ')).join('\n') + '\n');
      io.stdout.write(`  events by kind: ${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}\n`);
    }
    const snapshots = samples.find((f) => f.format === 'metrics-snapshots' && f.path.includes('metrics-current'));
    if (snapshots) {
      const path = join(dir, snapshots.path);
      const out: string[] = [];
      await metricsCommands.diff!.run([path], { ...io, stdout: { write: (t: string) => (out.push(t), true) } as unknown as NodeJS.WritableStream });
      const lines = out.join('').trimEnd().split('\n');
      io.stdout.write(`\ngodiag metrics diff ${path}  (the first 6 lines of ${lines.length})\n`);
      io.stdout.write(lines.slice(0, 6).map((l) => `  ${l}\n`).join(''));
    }
    const core = samples.find((f) => f.format === 'core' && f.kind === 'core-kernel');
    const coreExe = samples.find((f) => f.format === 'core-exe' && f.kind === undefined && core !== undefined && f.path.startsWith(dirname(core.path)));
    if (core && coreExe) {
      const args = [join(dir, core.path), '--exe', join(dir, coreExe.path)];
      io.stdout.write(`\ngodiag core info ${args.join(' ')}\n`);
      const out: string[] = [];
      await coreCommands.info!.run(args, { ...io, stdout: { write: (t: string) => (out.push(t), true) } as unknown as NodeJS.WritableStream });
      io.stdout.write(out.join('').replace(/^/gm, '  ').trimEnd() + '\n');
    }
    if (newest !== undefined) {
      const metrics = catalog({ goVersion: newest });
      const goal = describeMetric('/gc/heap/goal:bytes', { goVersion: newest });
      io.stdout.write(`\nruntime/metrics catalogue of ${newest}: ${metrics.length} metrics, e.g. /gc/heap/goal:bytes (${goal?.kind ?? '?'}): ${goal?.description ?? '?'}\n`);
    }
    const exe = samples.find((f) => f.format === 'elf' && f.path.endsWith('linux-amd64/gosym.gz'));
    if (exe) {
      const path = join(dir, exe.path);
      const bin = await openBinary(maybeGunzip(await readAll(await fileSource(path), {})));
      const main = [...bin.functions()].find((f) => f.name === 'main.main');
      io.stdout.write(`\ngodiag gosym info ${path}  (summarised)\n`);
      io.stdout.write(`  ${bin.goVersion ?? 'unknown Go'} ${bin.goos}/${bin.goarch}, pclntab layout ${bin.layout}, ${bin.table.funcCount} functions, ${bin.files().length} files\n`);
      if (main !== undefined) {
        // A pc of main where the compiler inlined calls: the frames the runtime would show there.
        let inlined: ReturnType<typeof bin.lookup> | undefined;
        for (const f of bin.functions()) {
          if (!f.name.startsWith('main.')) continue;
          inlined = bin.lines(f).map((r) => bin.lookup(r.pc)).find((frames) => frames.length > 2);
          if (inlined !== undefined) break;
        }
        io.stdout.write(`  main.main at 0x${main.entry.toString(16)}: ${main.file ?? '?'}:${main.startLine ?? '?'}\n`);
        if (inlined !== undefined) io.stdout.write(`  inlined frames at one pc: ${inlined.map((f) => `${f.function} (${f.file.split('/').at(-1)}:${f.line})`).join(' ← ')}\n`);
      }
    }
  },
};

/** Removes a storage gzip layer (the demo's fixtures may be stored compressed). */
function maybeGunzip(bytes: Uint8Array): Uint8Array {
  return detectCompression(bytes) === 'gzip' ? decompressSync(bytes, 'gzip') : bytes;
}

/** Orders Go versions such as go1.9.2 < go1.22.12 < go1.26.8. */
export function compareGoVersions(a: string, b: string): number {
  const pa = a.replace(/^go/, '').split('.').map(Number);
  const pb = b.replace(/^go/, '').split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** A one-line human summary of an inspect result. */
export function describe(r: Inspected): string {
  const wrapped = 'wrapper' in r && r.wrapper ? ` (${r.wrapper}-compressed)` : '';
  switch (r.format) {
    case 'trace':
      return `Go execution trace, format version ${r.version}${wrapped}`;
    case 'pprof':
      return `pprof profile${r.compression === 'gzip' ? ' (gzip)' : ''}: ${r.samples} samples of ${r.sampleTypes.map((t) => `${t.type}/${t.unit}`).join(', ')}`;
    case 'pprof-legacy-cpu':
      return `Go CPU profile in the legacy binary format${wrapped}`;
    case 'pprof-text':
      return `Go ${r.profile} profile in text form${wrapped}`;
    case 'goroutine-dump':
      return `Go goroutine dump${wrapped}`;
    case 'metrics':
      return `runtime metrics as ${r.encoding}${wrapped}`;
    case 'elf': {
      const kind = ({ 1: 'relocatable', 2: 'executable', 3: 'shared object or PIE', 4: 'core file' } as Record<number, string>)[r.type] ?? `type ${r.type}`;
      return `ELF ${r.class}-bit ${r.byteOrder}-endian ${kind}, ${r.arch ?? `machine ${r.machine}`}, entry 0x${r.entry.toString(16)}${wrapped}`;
    }
    case 'macho': {
      const kind = ({ 1: 'object', 2: 'executable', 4: 'core file', 6: 'dynamic library' } as Record<number, string>)[r.type] ?? `file type ${r.type}`;
      return `Mach-O ${r.bits}-bit ${r.byteOrder}-endian ${kind}, ${r.arch ?? `cpu ${r.cpu}`}${wrapped}`;
    }
    case 'macho-universal':
      return `universal Mach-O: ${r.arches.map((a) => a.arch ?? `cpu ${a.cpu}`).join(', ')}${wrapped}`;
    case 'pe':
      return `PE ${r.bits}-bit image, ${r.arch ?? `machine 0x${r.machine.toString(16)}`}${wrapped}`;
  }
}

/** A pprof command that reads one profile (any encoding google/pprof reads) and prints `render(profile)`. */
function pprofCommand(name: string, render: (p: Profile) => string): Command {
  return {
    summary: `print a profile (${name})`,
    async run(argv, io) {
      const args = parseArgs(argv);
      checkFlags(args, []);
      if (args.positional.length !== 1) throw new UsageError(`usage: godiag pprof ${name} FILE`);
      io.stdout.write(render(await readInput(args.positional[0]!, io, parseProfile)));
    },
  };
}

const goroutinesCommand: Command = {
  summary: 'print a goroutine dump as canonical JSON',
  async run(argv, io) {
    const args = parseArgs(argv);
    checkFlags(args, []);
    if (args.positional.length !== 1) throw new UsageError('usage: godiag pprof goroutines FILE');
    const bytes = await readInput(args.positional[0]!, io, readAll);
    io.stdout.write(canonicalJson(parseGoroutineDump(bytes)) + '\n');
  },
};

/** Top-level commands. */
export const commands: Record<string, Command> = {
  inspect: inspectCommand,
  demo: demoCommand,
};

/** Per-format command groups; each format's reader registers its commands here. */
export const formatGroups: Record<string, FormatGroup> = {
  trace: { help: traceHelp, commands: traceCommands },
  pprof: {
    help: [
      'godiag pprof dump FILE     print the profile as canonical JSON (as the Go oracle prints google/pprof\'s parse)',
      'godiag pprof string FILE   print the profile as google/pprof\'s Profile.String() does',
      'godiag pprof goroutines FILE   print a goroutine dump (debug=2, runtime.Stack, crash output) as canonical JSON',
      pprofOpsHelp,
    ].join('\n'),
    commands: {
      dump: pprofCommand('dump', (p) => dumpProfile(p) + '\n'),
      string: pprofCommand('string', (p) => profileToString(p) + '\n'),
      goroutines: goroutinesCommand,
      ...pprofOpsCommands,
    },
  },
  metrics: { help: metricsHelp, commands: metricsCommands },
  gosym: { help: gosymHelp, commands: gosymCommands },
  core: { help: coreHelp, commands: coreCommands },
};
