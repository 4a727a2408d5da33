import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { parseGoroutineDump } from '../../src/pprof/goroutines/parse.js';
import { goroutineProfile } from '../../src/pprof/goroutines/profile.js';
import type { CreatedBy, Frame, Goroutine, GoroutineLabel, StackEntry } from '../../src/pprof/goroutines/model.js';
import { ErrorCode, GodiagError } from '../../src/internal/errors.js';

const enc = new TextEncoder();

/** Expects a GodiagError (format pprof) with the given code at the given byte offset. */
function expectError(text: string, code: string, offset: number, detail?: RegExp): void {
  try {
    parseGoroutineDump(text);
  } catch (e) {
    expect(e).toBeInstanceOf(GodiagError);
    const g = e as GodiagError;
    expect([g.format, g.code, g.offset]).toEqual(['pprof', code, offset]);
    if (detail) expect(g.detail).toMatch(detail);
    return;
  }
  expect.fail('expected a GodiagError');
}

function frames(g: Goroutine | undefined): Frame[] {
  return (g?.frames ?? []).filter((e): e is Frame => e.kind === 'frame');
}

describe('parseGoroutineDump: shapes', () => {
  it('reads a debug=2 dump: minutes, locked to thread, inlined frames, generics, created by', () => {
    const text = [
      'goroutine 1 [running]:',
      'main.main()',
      '\t/src/main.go:10 +0x1d',
      '',
      'goroutine 7 [chan receive, 5 minutes, locked to thread]:',
      'sync.(*Mutex).Lock(...)',
      '\tsync/mutex.go:46',
      'main.(*T[...]).m.func1({0xc000010000, 0x2, 0x2}, 0x0?, ...)',
      '\t/src/main.go:20 +0x2a',
      'created by main.start in goroutine 1',
      '\t/src/main.go:30 +0x65',
      '',
      'goroutine 8 [select]:',
      'main.f()',
      '\t/src/main.go:40',
      'created by main.old',
      '\t/src/main.go:50 +0x1',
      '',
    ].join('\n');
    const d = parseGoroutineDump(text);
    expect(d.goroutines.map((g) => [g.id, g.state, g.waitMinutes, g.lockedToThread])).toEqual([
      [1n, 'running', undefined, false],
      [7n, 'chan receive', 5, true],
      [8n, 'select', undefined, false],
    ]);
    const g7 = d.goroutines[1]!;
    expect(frames(g7).map((f) => [f.function, f.args, f.inlined, f.file, f.line, f.pcOffset])).toEqual([
      ['sync.(*Mutex).Lock', '...', true, 'sync/mutex.go', 46, undefined],
      ['main.(*T[...]).m.func1', '{0xc000010000, 0x2, 0x2}, 0x0?, ...', false, '/src/main.go', 20, 0x2a],
    ]);
    expect(g7.createdBy).toEqual({ function: 'main.start', goroutine: 1n, file: '/src/main.go', line: 30, pcOffset: 0x65, offset: text.indexOf('created by main.start') });
    expect(d.goroutines[2]!.createdBy).toMatchObject({ function: 'main.old', goroutine: undefined, line: 50, pcOffset: 1 });
    expect(frames(d.goroutines[2])[0]!.pcOffset).toBeUndefined();
    expect(d.goroutines[0]!.createdBy).toBeUndefined();
    expect(d.panics).toEqual([]);
    expect(frames(g7)[1]!.offset).toBe(text.indexOf('main.(*T'));
  });

  it('reads elided frames of both kinds', () => {
    const d = parseGoroutineDump(
      'goroutine 5 [chan receive]:\nmain.a()\n\ta.go:1 +0x1\n...24 frames elided...\nmain.b()\n\ta.go:2 +0x2\n' +
        '\ngoroutine 6 [sleep]:\nmain.c()\n\ta.go:3 +0x3\n...additional frames elided...\ncreated by main.d\n\ta.go:4 +0x4\n',
    );
    expect(d.goroutines[0]!.frames.map((e) => e.kind)).toEqual(['frame', 'elided', 'frame']);
    expect(d.goroutines[0]!.frames[1]).toMatchObject({ kind: 'elided', count: 24 });
    expect(d.goroutines[1]!.frames[1]).toMatchObject({ kind: 'elided', count: undefined });
    expect(d.goroutines[1]!.createdBy?.function).toBe('main.d');
  });

  it('reads crash headers: panics, signal, gp/m/mp, fp/sp/pc, exit status', () => {
    const text = [
      'panic: first',
      '\tline two [recovered, repanicked]',
      '\tpanic: second [recovered]',
      '\tpanic: third',
      '[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4b2a8b]',
      '',
      'goroutine 1 gp=0xc0000061c0 m=3 mp=0xc000047008 [running]:',
      'panic({0x4d6f40?, 0xc000082120?})',
      '\truntime/panic.go:779 +0x158 fp=0xc00008a9f0 sp=0xc00008a940 pc=0x435798',
      'runtime.goparkunlock(...)',
      '\truntime/proc.go:408',
      'runtime.goexit({})',
      '\truntime/asm_amd64.s:1695 +0x1 fp=0xc00008afe8 sp=0xc00008afe0 pc=0x46e3c1',
      '',
      'goroutine 2 gp=0xc000006700 m=nil [force gc (idle)]:',
      'runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)',
      '\truntime/proc.go:402 +0xce fp=0xc000050fa8 sp=0xc000050f88 pc=0x43d7ae',
      'created by runtime.init.6 in goroutine 1',
      '\truntime/proc.go:314 +0x1a',
      'exit status 2',
    ].join('\n');
    const d = parseGoroutineDump(text);
    expect(d.panics.map((p) => [p.message, p.nested, p.recovered, p.repanicked])).toEqual([
      ['first\nline two', false, true, true],
      ['second', true, true, false],
      ['third', true, false, false],
    ]);
    expect(d.signal).toEqual({ kind: 'signal', signal: 'SIGSEGV', description: 'segmentation violation', code: 1n, addr: 0n, pc: 0x4b2a8bn, offset: text.indexOf('[signal') });
    expect(d.goroutines[0]!.runtime).toEqual({ gp: 0xc0000061c0n, m: 3, mp: 0xc000047008n });
    expect(d.goroutines[1]!.runtime).toEqual({ gp: 0xc000006700n, m: undefined, mp: undefined });
    expect(d.goroutines[1]!.state).toBe('force gc (idle)');
    const [p, inl, goexit] = frames(d.goroutines[0]);
    expect([p!.function, p!.fp, p!.sp, p!.pc, p!.pcOffset]).toEqual(['panic', 0xc00008a9f0n, 0xc00008a940n, 0x435798n, 0x158]);
    expect([inl!.inlined, inl!.fp]).toEqual([true, undefined]);
    expect(goexit!.args).toBe('{}');
    expect(d.items.at(-1)).toEqual({ kind: 'exit-status', code: 2, offset: text.indexOf('exit status') });
  });

  it('reads fatal errors, runtime stacks, messages and goroutines whose stack is unavailable', () => {
    const text = [
      'runtime: goroutine stack exceeds 1000000000-byte limit',
      'runtime: sp=0xc020160398 stack=[0xc020160000, 0xc040160000]',
      'fatal error: stack overflow',
      '\tsecond line',
      '',
      'runtime stack:',
      'runtime.throw({0x4b3a5f?, 0x0?})',
      '\truntime/panic.go:1047 +0x5d fp=0x7ffc5d6e0a40 sp=0x7ffc5d6e0a10 pc=0x434d1d',
      '',
      'goroutine 1 [running]:',
      '\tgoroutine running on other thread; stack unavailable',
      'created by main.x in goroutine 9',
      '\tx.go:1 +0x2',
    ].join('\n');
    const d = parseGoroutineDump(text);
    expect(d.fatalError).toBe('stack overflow\nsecond line');
    expect(d.items.map((i) => i.kind)).toEqual(['message', 'message', 'fatal-error', 'runtime-stack', 'goroutine']);
    const rs = d.items[3]!;
    expect(rs.kind === 'runtime-stack' && rs.frames.length).toBe(1);
    const g = d.goroutines[0]!;
    expect([g.stackUnavailable, g.frames, g.createdBy?.goroutine]).toEqual([true, [], 9n]);
  });

  it('reads a GOTRACEBACK=crash SIGQUIT report: signal, goroutine 0, registers, separators', () => {
    const text = [
      'SIGQUIT: quit',
      'PC=0x4086ae m=0 sigcode=0',
      '',
      'goroutine 0 gp=0x5a95c0 m=0 mp=0x5aa380 [idle]:',
      'internal/runtime/syscall/linux.Syscall6()',
      '\t/usr/local/go/src/internal/runtime/syscall/linux/asm_linux_amd64.s:36 +0xe fp=0x7fff76e13858 sp=0x7fff76e13850 pc=0x4086ae',
      '',
      'goroutine 1 gp=0x3844b32561e0 m=nil [sleep]:',
      'time.Sleep(0x3b9aca00)',
      '\t/usr/local/go/src/runtime/time.go:363 +0x165 fp=0x3844b32a2e68 sp=0x3844b32a2e10 pc=0x47c885',
      '',
      'rax    0xfffffffffffffffc',
      'rflags 0x246',
      'gs     0x0',
      '',
      '-----',
      '',
      'SIGSEGV: segmentation violation',
      'PC=0x0 m=1 sigcode=1 addr=0x10',
      'signal arrived during cgo execution',
      '',
      'goroutine 0 gp=0x3844b32565a0 m=1 mp=0x3844b3290008 [idle]:',
      'r0      0x0',
      'lr      0x11',
      'non-Go function at pc=0x7f00',
    ];
    // A non-Go frame is part of a stack; at top level after registers it is an error.
    expectError(text.join('\n'), ErrorCode.Corrupt, text.join('\n').indexOf('non-Go'));
    const d = parseGoroutineDump(text.slice(0, -1).join('\n') + '\n');
    expect(d.items.map((i) => i.kind)).toEqual([
      'signal-received', 'goroutine', 'goroutine', 'registers', 'separator', 'signal-received', 'message', 'goroutine', 'registers',
    ]);
    expect(d.items[0]).toMatchObject({ signal: 'SIGQUIT', description: 'quit', pc: 0x4086aen, m: 0, sigcode: 0n, addr: undefined });
    expect(d.items[5]).toMatchObject({ signal: 'SIGSEGV', m: 1, sigcode: 1n, addr: 0x10n });
    expect(d.items[3]).toMatchObject({ registers: [{ name: 'rax', value: 0xfffffffffffffffcn }, { name: 'rflags', value: 0x246n }, { name: 'gs', value: 0n }] });
    expect(d.goroutines.map((g) => [g.id, g.state, g.frames.length])).toEqual([[0n, 'idle', 1], [1n, 'sleep', 1], [0n, 'idle', 0]]);
    const withCgo = parseGoroutineDump('goroutine 3 [syscall]:\nnon-Go function at pc=0x7f00\nmain.f()\n\tf.go:1 +0x1\n');
    expect(withCgo.goroutines[0]!.frames.map((e) => e.kind)).toEqual(['non-go', 'frame']);
  });

  it('reads labels (GODEBUG=tracebacklabels=1), scan/leaked markers, bubbles, ancestors', () => {
    const text = [
      'goroutine 19 [chan receive (scan), 3 minutes, synctest bubble 4 labels:{"k": "v\\"\\u00e9", "a]:": "\\x01\\U0001f525\\n"}]:',
      'main.f()',
      '\tf.go:1 +0x1',
      'created by main.g in goroutine 1',
      '\tf.go:2 +0x2',
      '[originating from goroutine 1]:',
      'main.main(...)',
      '\tf.go:3 +0xf9',
      '...additional frames elided...',
      'created by main.h',
      '\tf.go:4',
      '[originating from goroutine 0]:',
      'main.k(...)',
      '\tf.go:5',
    ].join('\n');
    const g = parseGoroutineDump(text).goroutines[0]!;
    expect([g.state, g.scan, g.leaked, g.waitMinutes, g.synctestBubble]).toEqual(['chan receive', true, false, 3, 4n]);
    expect(g.labels).toEqual<GoroutineLabel[]>([
      { key: 'k', value: 'v"é' },
      { key: 'a]:', value: '\u0001🔥\n' },
    ]);
    expect(g.ancestors.map((a) => [a.goroutine, a.frames.map((e) => e.kind), a.createdBy?.function])).toEqual([
      [1n, ['frame', 'elided'], 'main.h'],
      [0n, ['frame'], undefined],
    ]);
    expect(parseGoroutineDump('goroutine 1 [sleep (leaked)]:\n').goroutines[0]).toMatchObject({ state: 'sleep', leaked: true });
    expect(parseGoroutineDump('goroutine 1 [chan receive (durable)]:\n').goroutines[0]!.state).toBe('chan receive (durable)');
    expect(parseGoroutineDump('goroutine 1 [running labels:{}]:\n').goroutines[0]!.labels).toEqual([]);
  });

  it('accepts bytes, CRLF line ends and a missing final newline; offsets are byte offsets', () => {
    const text = 'panic: é\r\n\r\ngoroutine 1 [running]:\r\nmain.main()\r\n\tmain.go:1 +0x1';
    const fromBytes = parseGoroutineDump(enc.encode(text));
    expect(fromBytes).toEqual(parseGoroutineDump(text));
    expect(fromBytes.panics[0]!.message).toBe('é');
    expect(fromBytes.goroutines[0]!.offset).toBe(enc.encode('panic: é\r\n\r\n').length);
    expect(parseGoroutineDump('')).toEqual({ items: [], goroutines: [], panics: [], fatalError: undefined, signal: undefined });
  });

  it('rejects unknown lines and incomplete frames with the offset of the line', () => {
    expectError('hello\n', ErrorCode.Corrupt, 0, /expected a goroutine header.*found "hello"/);
    const prefix = 'goroutine 1 [running]:\nmain.é()\n\tmain.go:1 +0x1\n';
    const at = enc.encode(prefix).length;
    expectError(prefix + 'bogus line\n', ErrorCode.Corrupt, at);
    expectError(prefix + 'main.f()\nmain.g()\n', ErrorCode.Corrupt, at + 'main.f()\n'.length, /tab-indented file:line/);
    expectError(prefix + 'main.f()\n', ErrorCode.Truncated, enc.encode(prefix + 'main.f()\n').length, /file:line line of function main.f/);
    expectError(prefix + 'created by main.x\n\tx.go:1 fp=0x1 sp=0x2 pc=0x3\n', ErrorCode.Corrupt, at + 'created by main.x\n'.length);
    expectError('goroutine 1 [running labels:{"a": b}]:\n', ErrorCode.Corrupt, 0, /labels/);
    expectError('goroutine 1 []:\n', ErrorCode.Corrupt, 0, /status/);
    expectError('\tpanic: orphan\n', ErrorCode.Corrupt, 0);
    expectError('goroutine 1 [running]:\nmain.f()\n\tf.go:99999999999999999\n', ErrorCode.LimitExceeded, enc.encode('goroutine 1 [running]:\nmain.f()\n').length);
  });

  it('rejects non-text input with a TypeError', () => {
    expect(() => parseGoroutineDump(42 as unknown as string)).toThrow(TypeError);
  });
});

describe('goroutineProfile', () => {
  it('counts goroutines per stack and labels, folds inlined frames into locations, drops runtime.goexit', () => {
    const block = (id: number, label: string): string =>
      [
        `goroutine ${id} [chan receive${label}]:`,
        'sync.(*Mutex).Lock(...)',
        '\tsync/mutex.go:46',
        'main.worker(0x1)',
        '\tmain.go:10 +0x1d',
        'main.main()',
        '\tmain.go:20 +0x30',
        'runtime.goexit({})',
        '\truntime/asm_amd64.s:1 +0x1',
        '',
      ].join('\n');
    const d = parseGoroutineDump(block(1, '') + block(2, '') + block(3, ' labels:{"k": "v"}') + 'goroutine 4 [running]:\n\tgoroutine running on other thread; stack unavailable\n');
    const p = goroutineProfile(d);
    expect(p.sampleType).toEqual([{ type: 'goroutine', unit: 'count' }]);
    expect(p.periodType).toEqual({ type: 'goroutine', unit: 'count' });
    expect(p.period).toBe(1n);
    expect(p.sample.length).toBe(2);
    const s0 = p.sample.get(0);
    const s1 = p.sample.get(1);
    expect([s0.value[0], s1.value[0]]).toEqual([2n, 1n]);
    expect(s1.label).toEqual([{ kind: 'string', key: 'k', value: 'v' }]);
    expect(p.location.map((l) => l.line.map((x) => `${x.function.name}:${x.line}`))).toEqual([
      ['sync.(*Mutex).Lock:46', 'main.worker:10'],
      ['main.main:20'],
    ]);
    expect(Array.from(s0.stack)).toEqual([0, 1]);
    expect(p.function.map((f) => [f.id, f.name, f.filename])).toEqual([
      [1n, 'sync.(*Mutex).Lock', 'sync/mutex.go'],
      [2n, 'main.worker', 'main.go'],
      [3n, 'main.main', 'main.go'],
    ]);
    expect(p.mapping).toEqual([]);
  });
});

// --- generated dumps ------------------------------------------------------------------------------------

/** runtime.printquoted. */
function quoted(s: string): string {
  let out = '"';
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\\' || ch === '"') out += '\\' + ch;
    else if (r >= 0x20 && r <= 0x7e) out += ch;
    else if (r < 127) out += '\\x' + r.toString(16).padStart(2, '0');
    else if (r < 0x10000) out += '\\u' + r.toString(16).padStart(4, '0');
    else out += '\\U' + r.toString(16).padStart(8, '0');
  }
  return out + '"';
}

const hex = (v: bigint | number): string => '0x' + v.toString(16);

function formatFileLine(f: { file: string; line: number; pcOffset: number | undefined }): string {
  return `\t${f.file}:${f.line}` + (f.pcOffset === undefined ? '' : ` +${hex(f.pcOffset)}`);
}

function formatStack(entries: StackEntry[]): string[] {
  return entries.map((e) => {
    if (e.kind === 'elided') return e.count === undefined ? '...additional frames elided...' : `...${e.count} frames elided...`;
    if (e.kind === 'non-go') return `non-Go function at pc=${hex(e.pc)}`;
    const extra = e.fp === undefined ? '' : ` fp=${hex(e.fp)} sp=${hex(e.sp!)} pc=${hex(e.pc!)}`;
    return `${e.function}(${e.args})\n${formatFileLine(e)}${extra}`;
  });
}

function formatCreatedBy(c: CreatedBy | undefined): string[] {
  if (!c) return [];
  return [`created by ${c.function}` + (c.goroutine === undefined ? '' : ` in goroutine ${c.goroutine}`), formatFileLine(c)];
}

/** Prints a goroutine as runtime.goroutineheader and traceback1 do. */
function formatGoroutine(g: Goroutine): string {
  let h = `goroutine ${g.id}`;
  if (g.runtime) h += ` gp=${hex(g.runtime.gp)} m=` + (g.runtime.m === undefined ? 'nil' : `${g.runtime.m} mp=${hex(g.runtime.mp!)}`);
  h += ` [${g.state}${g.leaked ? ' (leaked)' : ''}${g.scan ? ' (scan)' : ''}`;
  if (g.waitMinutes !== undefined) h += `, ${g.waitMinutes} minutes`;
  if (g.lockedToThread) h += ', locked to thread';
  if (g.synctestBubble !== undefined) h += `, synctest bubble ${g.synctestBubble}`;
  if (g.labels) h += ` labels:{${g.labels.map((l) => `${quoted(l.key)}: ${quoted(l.value)}`).join(', ')}}`;
  h += ']:';
  const lines = [h];
  if (g.stackUnavailable) lines.push('\tgoroutine running on other thread; stack unavailable');
  lines.push(...formatStack(g.frames), ...formatCreatedBy(g.createdBy));
  for (const a of g.ancestors) lines.push(`[originating from goroutine ${a.goroutine}]:`, ...formatStack(a.frames), ...formatCreatedBy(a.createdBy));
  return lines.join('\n') + '\n';
}

const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const lineNo = fc.integer({ min: 0, max: 1 << 30 });
const pcOffset = fc.option(fc.integer({ min: 1, max: 1 << 24 }), { nil: undefined });
const funcName = fc.constantFrom(
  'main.main', 'main.(*T[...]).m.func1', 'main.main.func2.(*T[...]).m.1', 'sync.(*Mutex).Lock', 'panic',
  'runtime.gopark', 'internal/poll.(*FD).Read', 'golang.org/x/net/http2.(*serverConn).serve', 'type:.eq.main.T', 'main.F[...]',
);
const fileName = fc.oneof(
  fc.constantFrom('main.go', '/src/a b/main.go', 'C:/go/src/x.go', 'runtime/asm_amd64.s', '?', 'ünïcode/fîle.go', 'a:1:2.go'),
  fc.stringMatching(/^[a-zA-Z0-9/._ :+-]{1,30}$/),
);
const args = fc.oneof(
  fc.constantFrom('', '...', '{}', '0x0?', '0x1, 0x2', '{0xc000010000, 0x2, 0x2}, 0x0?, ...', '_, {{0x1?}}'),
  fc.stringMatching(/^[0-9a-fx?{}, ._]{0,20}$/),
);
const frame: fc.Arbitrary<Frame> = fc
  .record({ function: funcName, args, file: fileName, line: lineNo, pcOffset, regs: fc.option(fc.tuple(u64, u64, u64), { nil: undefined }) })
  .map(({ regs, ...f }) => {
    const inlined = f.args === '...' && f.pcOffset === undefined;
    const r = inlined ? undefined : regs;
    return { kind: 'frame', ...f, inlined, fp: r?.[0], sp: r?.[1], pc: r?.[2], offset: 0 };
  });
const entry: fc.Arbitrary<StackEntry> = fc.oneof(
  { weight: 8, arbitrary: frame },
  { weight: 1, arbitrary: fc.option(fc.integer({ min: 1, max: 1e6 }), { nil: undefined }).map((count) => ({ kind: 'elided' as const, count, offset: 0 })) },
  { weight: 1, arbitrary: u64.map((pc) => ({ kind: 'non-go' as const, pc, offset: 0 })) },
);
const createdBy = (inGoroutine: boolean): fc.Arbitrary<CreatedBy> =>
  fc.record({
    function: funcName,
    goroutine: inGoroutine ? fc.option(u64, { nil: undefined }) : fc.constant(undefined),
    file: fileName,
    line: lineNo,
    pcOffset,
    offset: fc.constant(0),
  });
const labelText = fc.string({ unit: 'binary', maxLength: 6 }).filter((s) => !/[\uD800-\uDFFF]/.test(s));
const goroutine: fc.Arbitrary<Goroutine> = fc
  .record({
    id: u64,
    state: fc.constantFrom('running', 'chan receive', 'select (no cases)', 'IO wait', 'syscall', 'sync.Mutex.Lock', 'chan receive (durable)', 'idle'),
    waitMinutes: fc.option(fc.integer({ min: 1, max: 1e6 }), { nil: undefined }),
    lockedToThread: fc.boolean(),
    scan: fc.boolean(),
    leaked: fc.boolean(),
    synctestBubble: fc.option(u64, { nil: undefined }),
    labels: fc.option(fc.array(fc.record({ key: labelText, value: labelText }), { maxLength: 3 }), { nil: undefined }),
    runtime: fc.option(
      fc.oneof(
        u64.map((gp) => ({ gp, m: undefined, mp: undefined })),
        fc.record({ gp: u64, m: fc.integer({ min: 0, max: 1e6 }), mp: u64 }),
      ),
      { nil: undefined },
    ),
    stackUnavailable: fc.boolean(),
    frames: fc.array(entry, { maxLength: 6 }),
    createdBy: fc.option(createdBy(true), { nil: undefined }),
    ancestors: fc.array(
      fc.record({
        goroutine: u64,
        frames: fc.array(frame.map((f) => ({ ...f, args: '...', inlined: f.pcOffset === undefined, fp: undefined, sp: undefined, pc: undefined })), { maxLength: 3 }),
        createdBy: fc.option(createdBy(false), { nil: undefined }),
        offset: fc.constant(0),
      }),
      { maxLength: 2 },
    ),
  })
  .map((g) => ({ kind: 'goroutine' as const, ...g, offset: 0, frames: g.stackUnavailable ? [] : g.frames }));

/** Structural copy without byte offsets. */
function stripOffsets(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripOffsets);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (k !== 'offset') out[k] = stripOffsets(x);
    return out;
  }
  return v;
}

const dumpText = fc
  .record({
    panics: fc.array(fc.stringMatching(/^[a-z =:é]{1,12}$/), { maxLength: 2 }),
    goroutines: fc.array(goroutine, { minLength: 1, maxLength: 4 }),
  })
  .map(({ panics, goroutines }) => ({
    panics,
    goroutines,
    text: panics.map((p, i) => `${i > 0 ? '\t' : ''}panic: ${p}\n`).join('') + (panics.length ? '\n' : '') + goroutines.map(formatGoroutine).join('\n'),
  }));

describe('parseGoroutineDump: generated dumps', () => {
  test.prop([dumpText])('parse back to the data they were printed from', ({ panics, goroutines, text }) => {
    const d = parseGoroutineDump(text);
    expect(stripOffsets(d.goroutines)).toEqual(stripOffsets(goroutines));
    expect(d.panics.map((p) => p.message)).toEqual(panics);
    // Offsets point at the lines they describe.
    const bytes = enc.encode(text);
    for (const g of d.goroutines) expect(new TextDecoder().decode(bytes.subarray(g.offset, g.offset + 10))).toBe('goroutine ');
  });

  test.prop([dumpText, fc.nat()])('a truncated dump parses or is a godiag error', ({ text }, at) => {
    const bytes = enc.encode(text);
    try {
      parseGoroutineDump(bytes.subarray(0, at % (bytes.length + 1)));
    } catch (e) {
      expect(e).toBeInstanceOf(GodiagError);
    }
  });

  test.prop([dumpText, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean()])(
    'a corrupted dump parses or is a godiag error',
    ({ text }, at, byte, insert) => {
      const bytes = enc.encode(text);
      const i = at % (bytes.length + 1);
      const b = insert
        ? Uint8Array.from([...bytes.subarray(0, i), byte, ...bytes.subarray(i)])
        : Uint8Array.from(bytes, (x, k) => (k === i ? byte : x));
      try {
        parseGoroutineDump(b);
      } catch (e) {
        expect(e).toBeInstanceOf(GodiagError);
      }
    },
  );

  test.prop([fc.string({ unit: 'binary', maxLength: 200 })])('arbitrary text parses or is a godiag error', (s) => {
    try {
      parseGoroutineDump(s);
    } catch (e) {
      expect(e).toBeInstanceOf(GodiagError);
    }
  });

  it('long lines do not take quadratic time', () => {
    const long = 'goroutine 1 [running]:\nmain.f()\n\t' + ':1'.repeat(50000) + 'x\n';
    const t = performance.now();
    expect(() => parseGoroutineDump(long)).toThrow(GodiagError);
    const header = 'goroutine 1 [' + ', 1 minutes'.repeat(20000) + ']:\n';
    expect(parseGoroutineDump(header).goroutines.length).toBe(1);
    expect(performance.now() - t).toBeLessThan(2000);
  });
});
