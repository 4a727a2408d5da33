/**
 * Reading goroutine dumps: the text of `/debug/pprof/goroutine?debug=2`, of `runtime.Stack(buf, true)` and
 * of a crashing program's standard error (GOTRACEBACK=single|all|system|crash), as printed by the Go runtime
 * (runtime/traceback.go, runtime/panic.go, runtime/signal_unix.go) from Go 1.19 to 1.26.
 *
 * The reader is line-based and strict: every line must be one of the shapes the runtime prints (listed on
 * {@link parseGoroutineDump}); anything else is a {@link GodiagError} naming the byte offset of the line.
 * @module
 */

import { ErrorCode, GodiagError } from '../../internal/errors.js';
import { decodeUtf8, encodeUtf8 } from '../../internal/utf8.js';
import type {
  AncestorTrace,
  CreatedBy,
  DumpItem,
  Frame,
  Goroutine,
  GoroutineDump,
  GoroutineLabel,
  GoroutineRuntimeInfo,
  PanicItem,
  Register,
  SignalItem,
  StackEntry,
} from './model.js';

interface Line {
  text: string;
  offset: number;
}

const HEADER = /^goroutine (\d+)(?: gp=0x([0-9a-f]+) m=(?:nil|(\d+) mp=0x([0-9a-f]+)))? \[(.*)\]:$/s;
const HEADER_EXTRAS = /^(.*?)(?:, (\d+) minutes)?(, locked to thread)?(?:, synctest bubble (\d+))?$/s;
const FILE_LINE = /^\t(.*):(\d+)(?: \+0x([0-9a-f]+))?(?: fp=0x([0-9a-f]+) sp=0x([0-9a-f]+) pc=0x([0-9a-f]+))?$/s;
const ARGS = /^[0-9a-fx?{}, ._]*$/;
const ELIDED = /^\.\.\.(\d+) frames elided\.\.\.$/;
const ADDITIONAL_ELIDED = '...additional frames elided...';
const NON_GO = /^non-Go function at pc=0x([0-9a-f]+)$/;
const CREATED_BY = /^created by (\S+?)(?: in goroutine (\d+))?$/;
const ORIGINATING = /^\[originating from goroutine (\d+)\]:$/;
const STACK_UNAVAILABLE = '\tgoroutine running on other thread; stack unavailable';
const SIGNAL = /^\[signal (.+?) code=0x([0-9a-f]+) addr=0x([0-9a-f]+) pc=0x([0-9a-f]+)\]$/s;
const SIGNAL_NAME = /^(SIG[A-Z0-9]+): (.*)$|^(Signal \d+)$/s;
const SIGNAL_PC = /^PC=0x([0-9a-f]+) m=(\d+) sigcode=(-?\d+)(?: addr=0x([0-9a-f]+))?$/;
const REGISTER = /^([a-z][a-z0-9]*) +0x([0-9a-f]+)$/;
const EXIT_STATUS = /^exit status (\d+)$/;
const MESSAGE_PREFIXES = ['runtime: ', 'fatal: ', 'unexpected fault address ', 'instruction bytes:'];
const MESSAGE_LINES = ['signal arrived during cgo execution', 'panic during panic', 'stack trace unavailable'];

/**
 * Parses a goroutine dump.
 *
 * Accepted lines (in their places): goroutine headers `goroutine N [status, N minutes, locked to thread,
 * synctest bubble N labels:{…}]:` with optional `gp=… m=… mp=…`; frames (`f(args)` + `\tfile:line +0xoff`
 * + optional `fp=… sp=… pc=…`); `...N frames elided...`, `...additional frames elided...`; `non-Go function
 * at pc=…`; `\tgoroutine running on other thread; stack unavailable`; `created by F [in goroutine N]` +
 * `\tfile:line [+0xoff]`; `[originating from goroutine N]:`; `panic: …` (tab-indented nested panics and
 * message continuation lines, ` [recovered]`, ` [recovered, repanicked]`); `fatal error: …`;
 * `[signal …]`; `SIGxxx: description` + `PC=… m=N sigcode=N [addr=…]`; `runtime stack:`; register lines
 * (`rax    0x0`); `-----`; `exit status N`; runtime diagnostics kept as text ({@link MessageItem}); blank
 * lines. Lines may end in `\n` or `\r\n`; the last line may lack its newline (a truncated `runtime.Stack`
 * buffer then parses as far as it is well formed).
 *
 * @param text - the dump, as text or as bytes (UTF-8; ill-formed bytes become U+FFFD as in Go)
 * @throws GodiagError (format `pprof`) for any other line, or when a frame's file line is missing
 */
export function parseGoroutineDump(text: string | Uint8Array): GoroutineDump {
  if (typeof text !== 'string' && !(text instanceof Uint8Array)) {
    throw new TypeError('parseGoroutineDump: expected a string or a Uint8Array');
  }
  const bytes = typeof text === 'string' ? encodeUtf8(text) : text;
  return new DumpParser(splitLines(bytes), bytes.length).parse();
}

function splitLines(bytes: Uint8Array): Line[] {
  const lines: Line[] = [];
  let start = 0;
  const n = bytes.length;
  while (start < n) {
    let end = bytes.indexOf(0x0a, start);
    const next = end < 0 ? n : end + 1;
    if (end < 0) end = n;
    let stop = end;
    if (stop > start && bytes[stop - 1] === 0x0d) stop--;
    lines.push({ text: decodeUtf8(bytes.subarray(start, stop)), offset: start });
    start = next;
  }
  return lines;
}

function hex(s: string): bigint {
  return BigInt('0x' + s);
}

function show(s: string): string {
  return JSON.stringify(s.length > 80 ? s.slice(0, 80) + '…' : s);
}

class DumpParser {
  private i = 0;
  private readonly items: DumpItem[] = [];

  constructor(
    private readonly lines: Line[],
    private readonly size: number,
  ) {}

  parse(): GoroutineDump {
    const lines = this.lines;
    while (this.i < lines.length) {
      const line = lines[this.i]!;
      const t = line.text;
      if (t === '') {
        this.i++;
        continue;
      }
      const header = HEADER.exec(t);
      if (header) {
        this.items.push(this.goroutine(header, line.offset));
        continue;
      }
      if (t === 'runtime stack:') {
        this.i++;
        this.items.push({ kind: 'runtime-stack', frames: this.stack(), offset: line.offset });
        continue;
      }
      if (t.startsWith('panic: ')) {
        this.items.push(this.panic(t.slice(7), false, line.offset));
        continue;
      }
      if (t.startsWith('\tpanic: ') && this.lastKind() === 'panic') {
        this.items.push(this.panic(t.slice(8), true, line.offset));
        continue;
      }
      if (t.startsWith('fatal error: ')) {
        this.i++;
        const message = [t.slice(13), ...this.continuation().map((s) => s.slice(1))].join('\n');
        this.items.push({ kind: 'fatal-error', message, offset: line.offset });
        continue;
      }
      const signal = SIGNAL.exec(t);
      if (signal) {
        this.items.push(this.signal(signal, line.offset));
        this.i++;
        continue;
      }
      const sigName = SIGNAL_NAME.exec(t);
      const pcLine = sigName ? lines[this.i + 1] : undefined;
      const pcMatch = pcLine ? SIGNAL_PC.exec(pcLine.text) : null;
      if (sigName && pcMatch) {
        this.items.push({
          kind: 'signal-received',
          signal: sigName[1] ?? sigName[3]!,
          description: sigName[2] ?? '',
          pc: hex(pcMatch[1]!),
          m: this.int(pcMatch[2]!, pcLine!.offset),
          sigcode: BigInt(pcMatch[3]!),
          addr: pcMatch[4] === undefined ? undefined : hex(pcMatch[4]),
          offset: line.offset,
        });
        this.i += 2;
        continue;
      }
      if (REGISTER.test(t)) {
        const registers: Register[] = [];
        let m: RegExpExecArray | null;
        while (this.i < lines.length && (m = REGISTER.exec(lines[this.i]!.text))) {
          registers.push({ name: m[1]!, value: hex(m[2]!) });
          this.i++;
        }
        this.items.push({ kind: 'registers', registers, offset: line.offset });
        continue;
      }
      if (t === '-----') {
        this.items.push({ kind: 'separator', offset: line.offset });
        this.i++;
        continue;
      }
      const exit = EXIT_STATUS.exec(t);
      if (exit) {
        this.items.push({ kind: 'exit-status', code: this.int(exit[1]!, line.offset), offset: line.offset });
        this.i++;
        continue;
      }
      if (MESSAGE_LINES.includes(t) || MESSAGE_PREFIXES.some((p) => t.startsWith(p))) {
        this.i++;
        const more = t.startsWith('runtime: ') ? this.continuation() : [];
        this.items.push({ kind: 'message', text: [t, ...more].join('\n'), offset: line.offset });
        continue;
      }
      throw this.corrupt(line, 'a goroutine header, panic, fatal error, signal, register or runtime line');
    }
    const goroutines = this.items.filter((x): x is Goroutine => x.kind === 'goroutine');
    const panics = this.items.filter((x): x is PanicItem => x.kind === 'panic');
    const fatal = this.items.find((x) => x.kind === 'fatal-error');
    const signal = this.items.find((x): x is SignalItem => x.kind === 'signal');
    return {
      items: this.items,
      goroutines,
      panics,
      fatalError: fatal?.kind === 'fatal-error' ? fatal.message : undefined,
      signal,
    };
  }

  private lastKind(): DumpItem['kind'] | undefined {
    return this.items[this.items.length - 1]?.kind;
  }

  /** Tab-indented continuation lines (not `\tpanic: `), consumed. */
  private continuation(): string[] {
    const out: string[] = [];
    while (this.i < this.lines.length) {
      const t = this.lines[this.i]!.text;
      if (!t.startsWith('\t') || t.startsWith('\tpanic: ')) break;
      out.push(t);
      this.i++;
    }
    return out;
  }

  private panic(first: string, nested: boolean, offset: number): PanicItem {
    this.i++;
    let message = [first, ...this.continuation().map((s) => s.slice(1))].join('\n');
    let recovered = false;
    let repanicked = false;
    if (message.endsWith(' [recovered, repanicked]')) {
      message = message.slice(0, -' [recovered, repanicked]'.length);
      recovered = repanicked = true;
    } else if (message.endsWith(' [recovered]')) {
      message = message.slice(0, -' [recovered]'.length);
      recovered = true;
    }
    return { kind: 'panic', message, recovered, repanicked, nested, offset };
  }

  private signal(m: RegExpExecArray, offset: number): SignalItem {
    const name = m[1]!;
    const colon = name.indexOf(': ');
    return {
      kind: 'signal',
      signal: colon < 0 ? name : name.slice(0, colon),
      description: colon < 0 ? '' : name.slice(colon + 2),
      code: hex(m[2]!),
      addr: hex(m[3]!),
      pc: hex(m[4]!),
      offset,
    };
  }

  private goroutine(m: RegExpExecArray, offset: number): Goroutine {
    const headerLine = this.lines[this.i]!;
    this.i++;
    let runtime: GoroutineRuntimeInfo | undefined;
    if (m[2] !== undefined) {
      runtime = {
        gp: hex(m[2]),
        m: m[3] === undefined ? undefined : this.int(m[3], offset),
        mp: m[4] === undefined ? undefined : hex(m[4]),
      };
    }
    let body = m[5]!;
    let labels: GoroutineLabel[] | undefined;
    const li = body.indexOf(' labels:{');
    if (li >= 0) {
      labels = parseLabels(body.slice(li + 9));
      if (labels === undefined) throw this.corrupt(headerLine, 'labels of the form labels:{"key": "value", …}');
      body = body.slice(0, li);
    }
    const x = HEADER_EXTRAS.exec(body)!;
    let state = x[1]!;
    const durable = state.endsWith(' (durable)');
    if (durable) state = state.slice(0, -10);
    const scan = state.endsWith(' (scan)');
    if (scan) state = state.slice(0, -7);
    const leaked = state.endsWith(' (leaked)');
    if (leaked) state = state.slice(0, -9);
    if (durable) state += ' (durable)';
    if (state === '') throw this.corrupt(headerLine, 'a goroutine status in the header');

    let stackUnavailable = false;
    if (this.lines[this.i]?.text === STACK_UNAVAILABLE) {
      stackUnavailable = true;
      this.i++;
    }
    const frames = this.stack();
    const createdBy = this.createdBy();
    const ancestors: AncestorTrace[] = [];
    for (;;) {
      const line = this.lines[this.i];
      const o = line ? ORIGINATING.exec(line.text) : null;
      if (!line || !o) break;
      this.i++;
      const ancestorFrames = this.stack();
      ancestors.push({ goroutine: BigInt(o[1]!), frames: ancestorFrames, createdBy: this.createdBy(), offset: line.offset });
    }
    return {
      kind: 'goroutine',
      id: BigInt(m[1]!),
      state,
      waitMinutes: x[2] === undefined ? undefined : this.int(x[2], offset),
      lockedToThread: x[3] !== undefined,
      scan,
      leaked,
      synctestBubble: x[4] === undefined ? undefined : BigInt(x[4]),
      labels,
      runtime,
      stackUnavailable,
      frames,
      createdBy,
      ancestors,
      offset,
    };
  }

  private createdBy(): CreatedBy | undefined {
    const line = this.lines[this.i];
    const m = line ? CREATED_BY.exec(line.text) : null;
    if (!line || !m) return undefined;
    const where = this.fileLine(line, 'created by');
    if (where.fp !== undefined) throw this.corrupt(this.lines[this.i + 1]!, 'the file and line of a go statement without fp/sp/pc');
    this.i += 2;
    return {
      function: m[1]!,
      goroutine: m[2] === undefined ? undefined : BigInt(m[2]),
      file: where.file,
      line: where.line,
      pcOffset: where.pcOffset,
      offset: line.offset,
    };
  }

  /** Frames, elisions and non-Go frames until a line that is none of them. */
  private stack(): StackEntry[] {
    const out: StackEntry[] = [];
    while (this.i < this.lines.length) {
      const line = this.lines[this.i]!;
      const t = line.text;
      const elided = ELIDED.exec(t);
      if (elided) {
        out.push({ kind: 'elided', count: this.int(elided[1]!, line.offset), offset: line.offset });
        this.i++;
        continue;
      }
      if (t === ADDITIONAL_ELIDED) {
        out.push({ kind: 'elided', count: undefined, offset: line.offset });
        this.i++;
        continue;
      }
      const nonGo = NON_GO.exec(t);
      if (nonGo) {
        out.push({ kind: 'non-go', pc: hex(nonGo[1]!), offset: line.offset });
        this.i++;
        continue;
      }
      const call = splitCall(t);
      if (!call) break;
      const where = this.fileLine(line, `function ${call.name}`);
      out.push({
        kind: 'frame',
        function: call.name,
        args: call.args,
        inlined: call.args === '...' && where.pcOffset === undefined,
        file: where.file,
        line: where.line,
        pcOffset: where.pcOffset,
        fp: where.fp,
        sp: where.sp,
        pc: where.pc,
        offset: line.offset,
      } satisfies Frame);
      this.i += 2;
    }
    return out;
  }

  /** The `\tfile:line …` line after `this.lines[this.i]`. */
  private fileLine(
    of: Line,
    what: string,
  ): { file: string; line: number; pcOffset: number | undefined; fp: bigint | undefined; sp: bigint | undefined; pc: bigint | undefined } {
    const next = this.lines[this.i + 1];
    if (!next) {
      throw new GodiagError(ErrorCode.Truncated, {
        format: 'pprof',
        offset: this.size,
        message: `goroutine dump: unexpected end of input: expected the file:line line of ${what} (line at byte ${of.offset})`,
      });
    }
    const m = FILE_LINE.exec(next.text);
    if (!m) throw this.corrupt(next, `a tab-indented file:line line after ${what}`);
    return {
      file: m[1]!,
      line: this.int(m[2]!, next.offset),
      pcOffset: m[3] === undefined ? undefined : this.int(m[3], next.offset, 16),
      fp: m[4] === undefined ? undefined : hex(m[4]),
      sp: m[5] === undefined ? undefined : hex(m[5]),
      pc: m[6] === undefined ? undefined : hex(m[6]),
    };
  }

  private int(s: string, offset: number, radix = 10): number {
    const v = radix === 16 ? Number('0x' + s) : Number(s);
    if (!Number.isSafeInteger(v)) {
      throw new GodiagError(ErrorCode.LimitExceeded, {
        format: 'pprof',
        offset,
        message: `goroutine dump: number ${s} exceeds 2^53`,
      });
    }
    return v;
  }

  private corrupt(line: Line, expected: string): GodiagError {
    return new GodiagError(ErrorCode.Corrupt, {
      format: 'pprof',
      offset: line.offset,
      message: `goroutine dump: expected ${expected}, found ${show(line.text)}`,
    });
  }
}

/** `name(args)` → its parts, when the line has that shape (name without blanks, args of printArgs' alphabet). */
function splitCall(t: string): { name: string; args: string } | undefined {
  if (!t.endsWith(')')) return undefined;
  const open = t.lastIndexOf('(');
  if (open <= 0) return undefined;
  const name = t.slice(0, open);
  const args = t.slice(open + 1, -1);
  if (/\s/.test(name) || !ARGS.test(args)) return undefined;
  return { name, args };
}

/** Parses `"k": "v", "k2": "v2"}` (the text after `labels:{`); undefined if malformed. */
function parseLabels(s: string): GoroutineLabel[] | undefined {
  const out: GoroutineLabel[] = [];
  let i = 0;
  if (s === '}') return out;
  for (;;) {
    const key = parseQuoted(s, i);
    if (!key || !s.startsWith(': ', key.end)) return undefined;
    const value = parseQuoted(s, key.end + 2);
    if (!value) return undefined;
    out.push({ key: key.value, value: value.value });
    i = value.end;
    if (s.startsWith(', ', i)) {
      i += 2;
      continue;
    }
    return i === s.length - 1 && s[i] === '}' ? out : undefined;
  }
}

const ESCAPE_LENGTH: Record<string, number> = { x: 2, u: 4, U: 8 };

/** A string as runtime.printquoted writes it. */
function parseQuoted(s: string, at: number): { value: string; end: number } | undefined {
  if (s[at] !== '"') return undefined;
  let out = '';
  let i = at + 1;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '"') return { value: out, end: i + 1 };
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const e = s[i + 1];
    if (e === 'n') out += '\n';
    else if (e === 'r') out += '\r';
    else if (e === 't') out += '\t';
    else if (e === '\\' || e === '"') out += e;
    else if (e !== undefined && ESCAPE_LENGTH[e] !== undefined) {
      const n = ESCAPE_LENGTH[e]!;
      const digits = s.slice(i + 2, i + 2 + n);
      if (digits.length !== n || !/^[0-9a-f]+$/.test(digits)) return undefined;
      const cp = parseInt(digits, 16);
      if (cp > 0x10ffff) return undefined;
      out += String.fromCodePoint(cp);
      i += 2 + n;
      continue;
    } else return undefined;
    i += 2;
  }
  return undefined;
}
