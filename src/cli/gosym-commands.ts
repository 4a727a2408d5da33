/**
 * CLI commands of Go symbol tables (`godiag gosym info|funcs|lookup|lines|dump`), registered in the gosym
 * format group of src/cli/commands.ts. Executables are read through random access (`openFile`), so a lookup
 * in a 200 MB binary reads its headers and symbol table, not the whole file.
 * @module
 */

import { canonicalJson } from '../internal/canonical-json.js';
import { decompressSync, detectCompression } from '../internal/compression.js';
import { readAll } from '../internal/input.js';
import { openBinary, parseAddress, type GoBinary, type OpenBinaryOptions } from '../gosym/binary.js';
import type { BuildInfo, Module } from '../gosym/buildinfo.js';
import { gosymDumpLines, hexAddress } from '../gosym/dump.js';
import type { FuncInfo, Frame } from '../gosym/pclntab/index.js';
import { openFile } from '../node/index.js';
import { goQuote } from '../trace/text/strconv.js';
import { checkFlags, parseArgs, UsageError, type Args } from './args.js';
import type { Command, Io } from './command.js';

/** Parses arguments; every gosym command takes `--arch A` (a member of a universal Mach-O file). */
function parse(argv: readonly string[], allowed: readonly string[]): Args {
  const args = parseArgs(argv, ['arch']);
  checkFlags(args, [...allowed, 'arch']);
  if (args.flags.get('arch') === true) throw new UsageError('option --arch needs a GOARCH (amd64, arm64, …)');
  return args;
}

/**
 * Opens BIN (a path, or `-` for standard input) as a Go binary and runs `use` while it is open. A file is
 * read through random access; a gzip-compressed file (as the stored fixtures are) and standard input
 * cannot be, so they are read into memory first.
 */
async function withBinary<T>(path: string, args: Args, io: Io, use: (bin: GoBinary) => Promise<T>): Promise<T> {
  const options: OpenBinaryOptions = {};
  const arch = args.flags.get('arch');
  if (typeof arch === 'string') options.arch = arch;
  if (path === '-') {
    if (!io.stdin) throw new UsageError('standard input is not available');
    return use(await openBinary(gunzipIfNeeded(await readAll(io.stdin)), options));
  }
  const file = await openFile(path);
  try {
    const head = await file.read(0, Math.min(file.size, 2));
    if (detectCompression(head) === 'gzip') return await use(await openBinary(gunzipIfNeeded(await file.read(0, file.size)), options));
    return await use(await openBinary(file, options));
  } finally {
    await file.close();
  }
}

/** Removes a gzip storage layer; only gzip, since a zlib header's two bytes can begin an executable's data. */
function gunzipIfNeeded(bytes: Uint8Array): Uint8Array {
  return detectCompression(bytes) === 'gzip' ? decompressSync(bytes, 'gzip') : bytes;
}

/** Writes to stdout, waiting when the stream asks the writer to slow down (dumps of big binaries). */
async function write(io: Io, text: string): Promise<void> {
  const out = io.stdout;
  if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
}

/** Collects lines and writes them in pieces of about 64 KiB: one write per line is slow on a pipe. */
class Output {
  private pending = '';
  constructor(private readonly io: Io) {}
  async add(text: string): Promise<void> {
    this.pending += text;
    if (this.pending.length >= 1 << 16) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    await write(this.io, text);
  }
}

/** A PC argument: `0x…` hexadecimal or decimal; anything else is a usage error. */
function pcArgument(text: string): bigint {
  try {
    return parseAddress(text);
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(`PC ${JSON.stringify(text)} is not an address (want 0x… or decimal)`);
    throw e;
  }
}

/** `name+0xoff`, as Go's tracebacks place a pc in its function. */
function placed(fn: FuncInfo, pc: bigint): string {
  return `${fn.name}+0x${(pc - fn.entry).toString(16)}`;
}

/** Go's FuncFlag bits (runtime, Go 1.17+; the same bits in every release since). */
const FUNC_FLAGS: readonly [number, string][] = [
  [1, 'TopFrame'],
  [2, 'SPWrite'],
  [4, 'Asm'],
];

function flagNames(flags: number): string {
  if (flags === 0) return '-';
  const names: string[] = [];
  let rest = flags;
  for (const [bit, name] of FUNC_FLAGS) {
    if ((flags & bit) === 0) continue;
    names.push(name);
    rest &= ~bit;
  }
  if (rest !== 0) names.push(`0x${rest.toString(16)}`);
  return names.join(',');
}

/** What the runtime records as the args size of functions whose arguments it does not know (asm). */
const ARGS_SIZE_UNKNOWN = -0x80000000;

function frameJson(f: Frame): Record<string, unknown> {
  const o: Record<string, unknown> = { function: f.function, file: f.file, line: f.line, inlined: f.inlined };
  if (f.startLine !== undefined) o.startLine = f.startLine;
  if (f.funcID !== undefined) o.funcID = f.funcID;
  if (f.inlineTreeMissing) o.inlineTreeMissing = true;
  return o;
}

/** One PC's lookup as a JSON line: the physical function and the frames, innermost first. */
function lookupJson(bin: GoBinary, pc: bigint): string {
  const fn = bin.funcAt(pc);
  const o: Record<string, unknown> = { pc: hexAddress(pc), frames: bin.lookup(pc).map(frameJson) };
  if (fn !== undefined) {
    o.function = fn.name;
    o.entry = hexAddress(fn.entry);
  }
  return canonicalJson(o) + '\n';
}

/** One PC's lookup as text: a header with the pc in its function, then each frame and its position. */
function lookupText(bin: GoBinary, pc: bigint): string {
  const fn = bin.funcAt(pc);
  if (fn === undefined) return `${hexAddress(pc)}  no function contains this pc\n`;
  let out = `${hexAddress(pc)}  ${placed(fn, pc)}\n`;
  for (const f of bin.lookup(pc)) {
    const marks = (f.inlined ? '  (inlined)' : '') + (f.inlineTreeMissing ? '  (inside inlined code; the inline tree is not available)' : '');
    out += `    ${f.function}${marks}\n        ${f.file}:${f.line}\n`;
  }
  return out;
}

const infoCommand: Command = {
  summary: 'the Go version, target, symbol table layout and build info of a binary',
  async run(argv, io) {
    const args = parse(argv, ['json']);
    if (args.positional.length !== 1) throw new UsageError('usage: godiag gosym info BIN [--json] [--arch A]');
    const path = args.positional[0]!;
    await withBinary(path, args, io, async (bin) => {
      const buildId = await bin.executable.buildId();
      await write(io, args.flags.has('json') ? canonicalJson(infoJson(bin, buildId)) + '\n' : infoText(path, bin, buildId));
    });
  },
};

function infoJson(bin: GoBinary, buildId: { go?: string; gnu?: string }): Record<string, unknown> {
  const t = bin.table;
  const exe = bin.executable;
  const o: Record<string, unknown> = {
    format: exe.format,
    goos: bin.goos,
    goarch: bin.goarch,
    byteOrder: exe.byteOrder,
    pie: exe.pie,
    entry: hexAddress(exe.entry),
    layout: bin.layout,
    ptrSize: t.ptrSize,
    quantum: t.quantum,
    textStart: hexAddress(t.textStart),
    funcs: t.funcCount,
    files: bin.files().length,
    pclntab: { via: bin.pclntabVia, addr: hexAddress(bin.pclntabAddr), size: bin.pclntabSize },
    buildId: { ...buildId },
  };
  if (bin.goVersion !== undefined) o.goVersion = bin.goVersion;
  if (bin.buildInfo !== undefined) o.buildInfo = buildInfoJson(bin.buildInfo);
  return o;
}

function moduleJson(m: Module): Record<string, unknown> {
  const o: Record<string, unknown> = { path: m.path, version: m.version, sum: m.sum };
  if (m.replace !== undefined) o.replace = moduleJson(m.replace);
  return o;
}

function buildInfoJson(b: BuildInfo): Record<string, unknown> {
  return {
    goVersion: b.goVersion,
    path: b.path,
    main: moduleJson(b.main),
    deps: b.deps.map(moduleJson),
    settings: b.settings.map((s) => ({ key: s.key, value: s.value })),
  };
}

const LAYOUT_RELEASES: Record<string, string> = { '1.2': 'Go 1.2–1.15', '1.16': 'Go 1.16–1.17', '1.18': 'Go 1.18–1.19', '1.20': 'Go 1.20+' };

function infoText(path: string, bin: GoBinary, buildId: { go?: string; gnu?: string }): string {
  const t = bin.table;
  const exe = bin.executable;
  const row = (k: string, v: string) => `${k.padEnd(14)}${v}\n`;
  let out = row('file', path);
  out += row('go version', bin.goVersion ?? 'unknown (no build info)');
  out += row('target', `${bin.goos}/${bin.goarch || '?'}`);
  out += row('container', `${exe.format}, ${exe.byteOrder}-endian, entry ${hexAddress(exe.entry)}${exe.pie ? ', position-independent' : ''}`);
  out += row('pclntab', `layout ${bin.layout} (${LAYOUT_RELEASES[bin.layout] ?? '?'}), pointer size ${t.ptrSize}, pc quantum ${t.quantum}, text start ${hexAddress(t.textStart)}`);
  out += row('', `${t.funcCount} functions, ${bin.files().length} files`);
  out += row('', `found by ${bin.pclntabVia} at ${hexAddress(bin.pclntabAddr)}, ${bin.pclntabSize} bytes`);
  if (buildId.go !== undefined) out += row('go build id', buildId.go);
  if (buildId.gnu !== undefined) out += row('gnu build id', buildId.gnu);
  if (bin.buildInfo === undefined) return out + row('build info', 'none');
  // As `go version -m` prints it (runtime/debug's BuildInfo.String without the go line), tab-indented.
  out += 'build info\n';
  for (const line of buildInfoLines(bin.buildInfo)) out += `\t${line}\n`;
  return out;
}

const utf8 = new TextEncoder();

/** The lines of runtime/debug's `BuildInfo.String()` after its `go` line: path, mod, dep, `=>`, build. */
export function buildInfoLines(b: BuildInfo): string[] {
  const lines: string[] = [];
  if (b.path !== '') lines.push(`path\t${b.path}`);
  const mod = (word: string, m: Module): void => {
    if (m.replace === undefined) {
      lines.push(`${word}\t${m.path}\t${m.version}\t${m.sum}`);
      return;
    }
    lines.push(`${word}\t${m.path}\t${m.version}`);
    mod('=>', m.replace);
    // Go ends the replaced module's line too, after the replacement's: an empty line follows.
    lines.push('');
  };
  const m = b.main;
  if (m.path !== '' || m.version !== '' || m.sum !== '' || m.replace !== undefined) mod('mod', m);
  for (const d of b.deps) mod('dep', d);
  for (const s of b.settings) {
    // Quoted exactly where Go's ParseBuildInfo needs quotes to read them back.
    const key = s.key === '' || /[= \t\r\n"`]/.test(s.key) ? goQuote(utf8.encode(s.key)) : s.key;
    const value = /[ \t\r\n"`]/.test(s.value) ? goQuote(utf8.encode(s.value)) : s.value;
    lines.push(`build\t${key}=${value}`);
  }
  return lines;
}

const funcsCommand: Command = {
  summary: 'every function of the symbol table, in entry order',
  async run(argv, io) {
    const args = parse(argv, ['json']);
    if (args.positional.length !== 1) throw new UsageError('usage: godiag gosym funcs BIN [--json] [--arch A]');
    const json = args.flags.has('json');
    await withBinary(args.positional[0]!, args, io, async (bin) => {
      const out = new Output(io);
      if (!json) await out.add('entry\tend\tname\tstartLine\tfile\tfuncID\tflags\targsSize\tmaxFrameSize\n');
      for (const f of bin.functions()) await out.add(json ? funcJson(f) : funcText(f));
      await out.flush();
    });
  },
};

function funcJson(f: FuncInfo): string {
  const o: Record<string, unknown> = {
    name: f.name,
    entry: hexAddress(f.entry),
    end: hexAddress(f.end),
    flags: f.flags,
    argsSize: f.argsSize,
    maxFrameSize: f.maxFrameSize,
  };
  if (f.startLine !== undefined) o.startLine = f.startLine;
  if (f.file !== undefined) o.file = f.file;
  if (f.funcID !== undefined) o.funcID = f.funcID;
  if (f.funcIDName !== undefined) o.funcIDName = f.funcIDName;
  return canonicalJson(o) + '\n';
}

function funcText(f: FuncInfo): string {
  const funcID = f.funcIDName ?? (f.funcID === undefined ? '-' : String(f.funcID));
  const args = f.argsSize === ARGS_SIZE_UNKNOWN ? '?' : String(f.argsSize);
  return `${hexAddress(f.entry)}\t${hexAddress(f.end)}\t${f.name}\t${f.startLine ?? '-'}\t${f.file ?? '-'}\t${funcID}\t${flagNames(f.flags)}\t${args}\t${f.maxFrameSize}\n`;
}

const lookupCommand: Command = {
  summary: 'the frames at each PC, innermost first, inlined calls expanded',
  async run(argv, io) {
    const args = parse(argv, ['json']);
    if (args.positional.length < 2) throw new UsageError('usage: godiag gosym lookup BIN PC... [--json] [--arch A]');
    const pcs = args.positional.slice(1).map(pcArgument);
    await withBinary(args.positional[0]!, args, io, async (bin) => {
      const out = new Output(io);
      for (const pc of pcs) await out.add(args.flags.has('json') ? lookupJson(bin, pc) : lookupText(bin, pc));
      await out.flush();
    });
  },
};

/** Splits `FILE:LINE` at its last colon (a Windows path has one of its own). */
function fileLineArgument(text: string): { file: string; line: number } {
  const i = text.lastIndexOf(':');
  const line = Number(text.slice(i + 1));
  if (i <= 0 || !/^\d{1,9}$/.test(text.slice(i + 1)) || line === 0) throw new UsageError(`${JSON.stringify(text)} is not FILE:LINE (a line number from 1)`);
  return { file: text.slice(0, i), line };
}

/**
 * The table's file for a FILE argument: the name itself, or the one file whose path ends in `/FILE` (so
 * `main.go` or `gosym/main.go` will do when it is unambiguous).
 */
function resolveFile(bin: GoBinary, file: string): string {
  const files = bin.files();
  if (files.includes(file)) return file;
  const matches = files.filter((f) => f.endsWith(`/${file}`) || f.endsWith(`\\${file}`));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new UsageError(`no file ${JSON.stringify(file)} in the symbol table (godiag gosym funcs lists the files of functions)`);
  throw new UsageError(`${JSON.stringify(file)} names ${matches.length} files: ${matches.slice(0, 10).join(', ')}${matches.length > 10 ? ', …' : ''}`);
}

const linesCommand: Command = {
  summary: 'the PCs where the code of FILE:LINE starts (inlined copies included)',
  async run(argv, io) {
    const args = parse(argv, ['json']);
    if (args.positional.length !== 2) throw new UsageError('usage: godiag gosym lines BIN FILE:LINE [--json] [--arch A]');
    const want = fileLineArgument(args.positional[1]!);
    await withBinary(args.positional[0]!, args, io, async (bin) => {
      const file = resolveFile(bin, want.file);
      const out = new Output(io);
      for (const pc of bin.lineToPCs(file, want.line)) {
        if (args.flags.has('json')) {
          await out.add(lookupJson(bin, pc));
          continue;
        }
        const fn = bin.funcAt(pc);
        // The frame whose position this is: the physical function's, or an inlined call's.
        const frame = bin.lookup(pc).find((f) => f.file === file && f.line === want.line);
        const where = fn === undefined ? '?' : placed(fn, pc);
        await out.add(`${hexAddress(pc)}  ${where}${frame?.inlined ? `  (inlined ${frame.function})` : ''}\n`);
      }
      await out.flush();
    });
  },
};

const dumpCommand: Command = {
  summary: 'the symbol table as canonical JSON Lines, identical to the Go oracle (debug/gosym, debug/buildinfo)',
  async run(argv, io) {
    const args = parse(argv, []);
    if (args.positional.length !== 1) throw new UsageError('usage: godiag gosym dump BIN [--arch A]');
    await withBinary(args.positional[0]!, args, io, async (bin) => {
      const out = new Output(io);
      for (const line of gosymDumpLines(bin)) await out.add(line);
      await out.flush();
    });
  },
};

/** Usage lines of the gosym commands. */
export const gosymHelp = [
  'godiag gosym info BIN [--json]        Go version, GOOS/GOARCH, container, pclntab layout, pointer size, pc',
  '                                      quantum, text start, function and file counts, where the pclntab was',
  '                                      found, build IDs, and the build info as `go version -m` prints it',
  'godiag gosym funcs BIN [--json]       every function: entry, end, name, start line, file, funcID, flags,',
  '                                      args size, max frame size (tab-separated with a header, or JSON Lines)',
  'godiag gosym lookup BIN PC... [--json]',
  '                                      the frames at each PC (0x… or decimal, link-time addresses; for a',
  '                                      return address from a stack, subtract 1), innermost first, inlined',
  '                                      calls expanded and marked',
  'godiag gosym lines BIN FILE:LINE [--json]',
  '                                      the PCs where the code of FILE:LINE starts, inlined copies included;',
  '                                      FILE may be a path suffix (main.go) when it names one file',
  'godiag gosym dump BIN                 the symbol table as canonical JSON Lines, identical to the Go oracle\'s',
  '                                      reading with debug/gosym and debug/buildinfo',
  'Every command takes --arch A to pick the member of a universal Mach-O file. BIN is read through random',
  'access (not whole); a gzip-compressed BIN, or - (standard input), is read into memory.',
].join('\n');

/** The gosym commands by name. */
export const gosymCommands: Record<string, Command> = {
  info: infoCommand,
  funcs: funcsCommand,
  lookup: lookupCommand,
  lines: linesCommand,
  dump: dumpCommand,
};
