/**
 * CLI commands of core files (`godiag core info|threads|mappings|dump`), registered in the core format group of
 * src/cli/commands.ts. A core is read through random access (`openFile`): listing its threads reads its headers
 * and notes, not its memory.
 * @module
 */

import { canonicalJson, type JsonValue } from '../internal/canonical-json.js';
import { decompressSync, detectCompression } from '../internal/compression.js';
import type { RandomAccess } from '../internal/random-access.js';
import { openCore, type Core, type CoreThread } from '../core/elf-core.js';
import { openGoProcess, goroutineDumpText, goroutineStacks, labelsOrWarning, type GoFrame, type Goroutine, type GoroutineLabelPair, type UnwindResult } from '../core/go/index.js';
import { summaryText } from '../core/go/summary.js';
import { releaseOf } from '../core/go/layouts.js';
import { coreElfDump } from '../core/dump.js';
import type { Mapping } from '../core/memory.js';
import { openBinary, type GoBinary } from '../gosym/binary.js';
import { hexAddress } from '../gosym/dump.js';
import { openFile } from '../node/index.js';
import { checkFlags, parseArgs, UsageError, type Args } from './args.js';
import type { Command, Io } from './command.js';

/** The help text of the core group. */
export const coreHelp = [
  'godiag core info CORE [--exe EXE] [--json]       the process: command, signal and the thread it hit, executable',
  '                                                 and whether it matches the core, threads, mappings, notes; with',
  '                                                 the executable, the Go runtime\'s summary (GOMAXPROCS, Ms, Ps,',
  '                                                 goroutines, heap and GC figures; --no-go leaves it out)',
  'godiag core threads CORE [--exe EXE] [--json]    each thread: id, pc (and its function, with the executable), sp,',
  '                                                 signal; --registers adds every register',
  'godiag core mappings CORE [--exe EXE] [--json]   the address space: ranges, rights, where the bytes come from',
  'godiag core goroutines CORE [--exe EXE] [--system] [--json]',
  '                                                 every goroutine with its stack, in the shape of a Go goroutine dump',
  '                                                 (the crashed one first); --system adds the runtime\'s own',
  'godiag core dump CORE                            program headers and notes as canonical JSON (the core-elf oracle\'s form)',
  '  EXE: the executable that wrote the core; without it, the path the core names is used when that file exists.',
  '  An executable that does not match the core (build ID, entry point) is an error; --no-check makes it a warning.',
].join('\n');

/** A file opened for the command: random access, or its bytes when stored gzip-compressed. */
interface Opened {
  source: RandomAccess | Uint8Array;
  close(): Promise<void>;
}

async function openPath(path: string): Promise<Opened> {
  const file = await openFile(path);
  const head = await file.read(0, Math.min(file.size, 2));
  if (detectCompression(head) !== 'gzip') return { source: file, close: () => file.close() };
  try {
    return { source: decompressSync(await file.read(0, file.size), 'gzip'), close: async () => undefined };
  } finally {
    await file.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await (await openFile(path, { cache: false })).close();
    return true;
  } catch {
    return false;
  }
}

/**
 * Opens CORE with its executable: `--exe`, else the path the core names (NT_FILE) when it exists here. Runs
 * `use` while both are open.
 */
async function withCore<T>(args: Args, io: Io, use: (core: Core, exe: Opened | undefined) => Promise<T>): Promise<T> {
  const [path, extra] = args.positional;
  if (path === undefined || extra !== undefined) throw new UsageError('usage: godiag core COMMAND CORE [--exe EXE]');
  const exeFlag = args.flags.get('exe');
  if (exeFlag === true) throw new UsageError('option --exe needs the executable\'s path');
  const opened = await openPath(path);
  let exe: Opened | undefined;
  try {
    let exePath = exeFlag;
    if (exePath === undefined) {
      const bare = await openCore(opened.source);
      if (bare.executablePath !== undefined && (await exists(bare.executablePath))) exePath = bare.executablePath;
    }
    if (exePath !== undefined) exe = await openPath(exePath);
    const check = !args.flags.has('no-check');
    const core = await openCore(opened.source, exe === undefined ? { checkExecutable: check } : { executable: exe.source, checkExecutable: check });
    for (const w of core.warnings) io.stderr.write(`godiag: ${path}: ${w}\n`);
    if (exe === undefined && core.executablePath !== undefined) {
      io.stderr.write(`godiag: ${path}: the executable (${core.executablePath}) is not here; give it with --exe to read the memory the core left out\n`);
    }
    return await use(core, exe);
  } finally {
    await exe?.close();
    await opened.close();
  }
}

const hex = (v: bigint): string => hexAddress(v);

/** The function at a pc, with the executable's symbol table (PIE cores are relocated by the load bias). */
function symbolizer(core: Core, bin: GoBinary | undefined): (pc: bigint) => string | undefined {
  if (bin === undefined) return () => undefined;
  const bias = core.executableCheck?.loadBias ?? 0n;
  return (pc) => {
    const fn = bin.funcAt(pc - bias);
    return fn === undefined ? undefined : `${fn.name}+0x${(pc - bias - fn.entry).toString(16)}`;
  };
}

async function goBinary(exe: Opened | undefined): Promise<GoBinary | undefined> {
  if (exe === undefined) return undefined;
  try {
    return await openBinary(exe.source);
  } catch {
    return undefined; // not a Go executable (or no symbol table): threads are listed without functions
  }
}

function threadJson(t: CoreThread, fn: string | undefined, registers: boolean): JsonValue {
  const o: Record<string, JsonValue> = { tid: t.tid, pc: hex(t.pc), sp: hex(t.sp) };
  if (fn !== undefined) o.function = fn;
  if (t.signal !== undefined) o.signal = { name: t.signal.name, code: t.signal.code, ...(t.signal.addr !== undefined ? { addr: hex(t.signal.addr) } : {}) };
  if (registers) o.registers = Object.fromEntries(Object.entries(t.registers).map(([k, v]) => [k, hex(v)]));
  return o;
}

function backingText(m: Mapping): string {
  const b = m.backing;
  switch (b.kind) {
    case 'core':
      return `core @${b.offset}`;
    case 'executable':
      return `executable @${b.offset}`;
    case 'file':
      return `${b.path} @${b.offset}`;
    case 'zero':
      return b.reason === 'bss' ? 'zeros (bss)' : 'zeros (left out of the core)';
    case 'unavailable':
      return `unavailable (${b.reason}${b.path !== undefined ? `: ${b.path}` : ''})`;
  }
}

function mappingJson(m: Mapping): JsonValue {
  const o: Record<string, JsonValue> = { start: hex(m.start), end: hex(m.end), perm: m.permText, backing: { ...m.backing } as JsonValue };
  if (m.file !== undefined) o.file = { path: m.file.path, offset: hex(m.file.offset) };
  return o;
}

const infoCommand: Command = {
  summary: 'describe the process a core file holds',
  async run(argv, io) {
    const args = parseArgs(argv, ['exe']);
    checkFlags(args, ['exe', 'no-check', 'json', 'no-go']);
    await withCore(args, io, async (core, exe) => {
      const name = symbolizer(core, await goBinary(exe));
      const threads = core.threads();
      const crashed = threads.find((t) => t.tid === core.signalThread);
      const check = core.executableCheck;
      if (args.flags.has('json')) {
        const o: Record<string, JsonValue> = {
          size: core.size,
          arch: core.arch,
          machine: core.machine,
          byteOrder: core.byteOrder,
          threads: threads.length,
          mappings: core.mappings().length,
          notes: core.notes.length,
          warnings: [...core.warnings],
        };
        if (core.process !== undefined) o.process = { pid: core.process.pid, ppid: core.process.ppid, uid: core.process.uid, command: core.process.fname, args: core.process.args, state: core.process.stateChar };
        if (core.signal !== undefined) o.signal = { name: core.signal.name, code: core.signal.code, ...(core.signalThread !== undefined ? { thread: core.signalThread } : {}) };
        if (crashed !== undefined) o.crashedThread = threadJson(crashed, name(crashed.pc), false);
        if (core.entry !== undefined) o.entry = hex(core.entry);
        if (core.executablePath !== undefined) o.executablePath = core.executablePath;
        if (check !== undefined) o.executable = { buildId: check.buildId, entry: check.entry, loadBias: hex(check.loadBias) };
        if (core.executable !== undefined && !args.flags.has('no-go')) {
          const proc = await openGoProcess(core);
          o.go = { layouts: proc.layoutSource, summary: await proc.summary() };
          for (const w of proc.warnings) io.stderr.write(`godiag: ${w}\n`);
        }
        io.stdout.write(canonicalJson(o) + '\n');
        return;
      }
      const lines: string[] = [];
      const p = core.process;
      lines.push(`core: ${core.size} bytes, ${core.arch || `machine ${core.machine}`} ${core.byteOrder}-endian`);
      if (p !== undefined) lines.push(`process: pid ${p.pid} (parent ${p.ppid}, uid ${p.uid}), ${JSON.stringify(p.args || p.fname)}, state ${p.stateChar}`);
      if (core.signal !== undefined) {
        const where = crashed !== undefined ? ` in thread ${crashed.tid} at pc ${hex(crashed.pc)}${name(crashed.pc) !== undefined ? ` (${name(crashed.pc)!})` : ''}` : '';
        lines.push(`signal: ${core.signal.name} (code ${core.signal.code}${core.signal.addr !== undefined ? `, addr ${hex(core.signal.addr)}` : ''})${where}`);
      }
      lines.push(`executable: ${core.executablePath ?? '(the core names none)'}${core.entry !== undefined ? `, entry ${hex(core.entry)}` : ''}`);
      if (check !== undefined) lines.push(`  given executable: build ID ${check.buildId}, entry point ${check.entry}, load bias ${hex(check.loadBias)}`);
      else lines.push('  no executable in use: memory the core left out (text, read-only data) is unavailable');
      lines.push(`threads: ${threads.length}; mappings: ${core.mappings().length}; notes: ${core.notes.length}`);
      if (core.executable !== undefined && !args.flags.has('no-go')) {
        // The Go runtime's own view, each number with the runtime field it came from.
        const proc = await openGoProcess(core);
        lines.push('', summaryText(await proc.summary()).trimEnd());
        const release = proc.goVersion === undefined ? undefined : releaseOf(proc.goVersion);
        lines.push(proc.layoutSource === 'dwarf' ? "layouts: the executable's DWARF" : `layouts: godiag's table for ${release ?? proc.goVersion ?? '?'} ${proc.goarch} (the executable has no DWARF)`);
        for (const w of proc.warnings) io.stderr.write(`godiag: ${w}\n`);
      }
      io.stdout.write(lines.join('\n') + '\n');
    });
  },
};

const threadsCommand: Command = {
  summary: 'list the threads of a core file',
  async run(argv, io) {
    const args = parseArgs(argv, ['exe']);
    checkFlags(args, ['exe', 'no-check', 'json', 'registers']);
    await withCore(args, io, async (core, exe) => {
      const name = symbolizer(core, await goBinary(exe));
      const registers = args.flags.has('registers');
      let out = '';
      for (const t of core.threads()) {
        const fn = name(t.pc);
        if (args.flags.has('json')) {
          out += canonicalJson(threadJson(t, fn, registers)) + '\n';
          continue;
        }
        out += `thread ${t.tid}  pc ${hex(t.pc)}${fn !== undefined ? ` ${fn}` : ''}  sp ${hex(t.sp)}${t.signal !== undefined ? `  ${t.signal.name}` : ''}\n`;
        if (registers) out += Object.entries(t.registers).map(([k, v]) => `  ${k.padEnd(8)} ${hex(v)}\n`).join('');
      }
      io.stdout.write(out);
    });
  },
};

const mappingsCommand: Command = {
  summary: 'list the address space of a core file',
  async run(argv, io) {
    const args = parseArgs(argv, ['exe']);
    checkFlags(args, ['exe', 'no-check', 'json']);
    await withCore(args, io, async (core) => {
      let out = '';
      for (const m of core.mappings()) {
        if (args.flags.has('json')) out += canonicalJson(mappingJson(m)) + '\n';
        else out += `${hex(m.start).padStart(18)}-${hex(m.end).padEnd(18)} ${m.permText}  ${backingText(m)}${m.file !== undefined && m.backing.kind !== 'file' ? `  [${m.file.path} @${hex(m.file.offset)}]` : ''}\n`;
      }
      io.stdout.write(out);
    });
  },
};

const dumpCommand: Command = {
  summary: 'print the program headers and notes of a core file as canonical JSON',
  async run(argv, io) {
    const args = parseArgs(argv);
    checkFlags(args, []);
    const [path, extra] = args.positional;
    if (path === undefined || extra !== undefined) throw new UsageError('usage: godiag core dump CORE');
    const opened = await openPath(path);
    try {
      io.stdout.write(await coreElfDump(opened.source));
    } finally {
      await opened.close();
    }
  },
};

function frameJson(f: GoFrame): JsonValue {
  const o: Record<string, JsonValue> = { function: f.function, file: f.file, line: f.line, pc: hex(f.pc), sp: hex(f.sp), inlined: f.inlined, shown: f.shown };
  if (f.offset !== undefined) o.offset = f.offset;
  return o;
}

function goroutineJson(g: Goroutine, stack: UnwindResult, labels: GoroutineLabelPair[] | undefined): JsonValue {
  const o: Record<string, JsonValue> = {
    id: g.id,
    state: g.state,
    status: g.statusName,
    system: g.system,
    parentId: g.parentId,
    stack: { lo: hex(g.stack.lo), hi: hex(g.stack.hi) },
    frames: stack.frames.map(frameJson),
    complete: stack.complete,
    source: stack.source,
  };
  if (g.waitReason !== undefined) o.waitReason = g.waitReason;
  if (g.lockedThread !== undefined) o.lockedThread = g.lockedThread;
  if (g.thread !== undefined) o.thread = g.thread;
  if (g.createdBy !== undefined) o.createdBy = { function: g.createdBy.function, file: g.createdBy.file, line: g.createdBy.line, offset: g.createdBy.offset };
  if (stack.truncated !== undefined) o.truncated = stack.truncated;
  if (labels !== undefined) o.labels = labels;
  return o;
}

const goroutinesCommand: Command = {
  summary: 'list the goroutines of a Go core file with their stacks',
  async run(argv, io) {
    const args = parseArgs(argv, ['exe']);
    checkFlags(args, ['exe', 'no-check', 'json', 'system']);
    await withCore(args, io, async (core) => {
      if (core.executable === undefined) throw new UsageError('godiag core goroutines needs the executable: give it with --exe');
      const proc = await openGoProcess(core);
      const system = args.flags.has('system');
      if (args.flags.has('json')) {
        let out = '';
        const first = await proc.signalGoroutine();
        const all = (await proc.goroutines()).filter((g) => system || !g.system);
        const ordered = first === undefined ? all : [...all.filter((g) => g.address === first.address), ...all.filter((g) => g.address !== first.address)];
        for await (const { goroutine, stack } of goroutineStacks(proc, ordered)) out += canonicalJson(goroutineJson(goroutine, stack, await labelsOrWarning(proc, goroutine))) + '\n';
        io.stdout.write(out);
      } else {
        io.stdout.write(await goroutineDumpText(proc, { system }));
      }
      for (const w of proc.warnings) io.stderr.write(`godiag: ${w}\n`);
    });
  },
};

/** The core commands, by name. */
export const coreCommands: Record<string, Command> = {
  info: infoCommand,
  threads: threadsCommand,
  mappings: mappingsCommand,
  goroutines: goroutinesCommand,
  dump: dumpCommand,
};
