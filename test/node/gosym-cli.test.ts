// `godiag gosym …` on the recorded gosym executables. Expectations come from the Go side: the `gosym` goldens
// (debug/elf|macho|pe + debug/gosym + debug/buildinfo, through the oracle), the `gosym-inline` goldens (the
// program's own runtime.CallersFrames), and `go version -m` where Go is installed.

import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { openBinary } from '../../src/gosym/binary.js';
import { GodiagError } from '../../src/internal/errors.js';
import { fakeIo } from '../support/cli.js';
import { CORPUS, FIXTURES, GOLDENS, ROOT, fixtureBytes, goldenCommands, goldenPath, loadManifest, readGolden, type Fixture } from '../support/fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'godiag-gosym-cli-'));
const manifest = loadManifest();
const fixture = (path: string): Fixture => {
  const f = manifest.fixtures.find((x) => x.path === path);
  if (f === undefined) throw new Error(`no fixture ${path}`);
  return f;
};
const dumpCommand = goldenCommands.find((c) => c.name === 'gosym')!;
const inlineCommand = goldenCommands.find((c) => c.name === 'gosym-inline')!;

/** The executable, gunzipped to a temporary file: the CLI then reads it through random access. */
const written = new Map<string, string>();
function binaryFile(f: Fixture): string {
  let path = written.get(f.path);
  if (path === undefined) {
    path = join(tmp, f.path.replace(/\//g, '_').replace(/\.gz$/, ''));
    writeFileSync(path, fixtureBytes(f));
    written.set(f.path, path);
  }
  return path;
}

async function run(...argv: string[]) {
  const io = fakeIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

/** Runs a gosym command that must succeed; returns standard output. */
async function ok(...argv: string[]): Promise<string> {
  const r = await run('gosym', ...argv);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return r.out;
}

const jsonLines = (text: string): Record<string, unknown>[] =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

interface GoldenFunc {
  name: string;
  entry: string;
  end: string;
  lines: [string, string, number][];
}

/** The `gosym` golden of a fixture: its Binary line, Func lines and BuildInfo line. */
function dumpGolden(f: Fixture) {
  const text = readGolden(goldenPath(f, dumpCommand));
  const lines = jsonLines(text);
  return {
    text,
    binary: lines.find((l) => l.kind === 'Binary')!,
    funcs: lines.filter((l) => l.kind === 'Func') as unknown as GoldenFunc[],
    buildInfo: lines.find((l) => l.kind === 'BuildInfo') as { goVersion: string; settings: { key: string; value: string }[] } | undefined,
  };
}

const amd64 = fixture('go1.26.8/linux-amd64/gosym.gz');

describe('godiag gosym dump', () => {
  it('prints the oracle\'s golden, byte for byte (a plain file, read through random access)', async () => {
    for (const path of ['go1.26.8/linux-amd64/gosym.gz', 'go1.13.15/linux-amd64/gosym.gz']) {
      const f = fixture(path);
      expect(await ok('dump', binaryFile(f)), path).toBe(dumpGolden(f).text);
    }
  });

  it('reads a gzip-compressed executable too (the stored fixture as committed)', async () => {
    const f = fixture('go1.26.8/windows-amd64/gosym-stripped.exe.gz');
    expect(await ok('dump', join(FIXTURES, f.path))).toBe(dumpGolden(f).text);
  });
});

describe('godiag gosym info', () => {
  it('prints the Go version of the build info, and the table as the oracle sees it', async () => {
    const g = dumpGolden(amd64);
    const text = await ok('info', binaryFile(amd64));
    expect(text).toMatch(new RegExp(`^go version +${g.buildInfo!.goVersion.replace(/\./g, '\\.')}$`, 'm'));
    expect(text).toMatch(new RegExp(`^target +${String(g.binary.goos)}/${String(g.binary.goarch)}$`, 'm'));
    expect(text).toContain(`${String(g.binary.funcs)} functions`);
    const info = JSON.parse(await ok('info', binaryFile(amd64), '--json')) as Record<string, unknown>;
    expect(info.goVersion).toBe(g.buildInfo!.goVersion);
    for (const key of ['format', 'goos', 'goarch', 'layout', 'ptrSize', 'quantum', 'textStart', 'funcs'] as const) {
      expect(info[key], key).toEqual(g.binary[key]);
    }
    const bi = info.buildInfo as { goVersion: string; settings: unknown };
    expect(bi.goVersion).toBe(g.buildInfo!.goVersion);
    expect(bi.settings).toEqual(g.buildInfo!.settings);
    // Every file of the oracle's positions is one of the table's files.
    const files = new Set(g.funcs.flatMap((fn) => fn.lines.map((l) => l[1])).filter((name) => name !== ''));
    expect(info.files).toBeGreaterThanOrEqual(files.size);
  });

  it('agrees with the oracle on the Go version of every Linux executable of the set', async () => {
    for (const f of manifest.fixtures.filter((x) => x.program === 'gosym' && x.goos === 'linux' && x.format === 'elf')) {
      const info = JSON.parse(await ok('info', binaryFile(f), '--json')) as Record<string, unknown>;
      expect(info.goVersion, f.path).toBe(dumpGolden(f).buildInfo?.goVersion);
    }
  });

  // Go 1.5 and 1.12 wrote no build info (it arrived in Go 1.13): the oracle's dump has no BuildInfo line.
  const old = ['gold-linux-amd64-1.5.0', 'gold-linux-amd64-1.12.0'].map((n) => ({
    input: join(CORPUS, 'gosym', 'goretk', n),
    golden: join(GOLDENS, 'corpus', 'gosym', 'goretk', `${n}.gosym.json.gz`),
  }));
  const haveOld = old.every((o) => existsSync(o.input) && existsSync(o.golden));
  it.skipIf(!haveOld)('says so when a binary has no build info (the goretk corpus\'s Go 1.5 and 1.12 executables; skipped without ../shared/corpus)', async () => {
    for (const o of old) {
      expect(readGolden(o.golden)).not.toMatch(/"kind":"BuildInfo"/);
      const text = await ok('info', o.input);
      expect(text).toMatch(/^go version +unknown \(no build info\)$/m);
      expect(text).toMatch(/^build info +none$/m);
      expect(JSON.parse(await ok('info', o.input, '--json'))).not.toHaveProperty('buildInfo');
    }
  });

  const haveGo = spawnSync('go', ['version'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!haveGo)('prints the build info exactly as `go version -m` does (skipped without Go on PATH)', async () => {
    for (const f of [amd64, fixture('go1.16.15/linux-amd64/gosym.gz'), fixture('go1.26.8/windows-amd64/gosym.exe.gz')]) {
      const path = binaryFile(f);
      const go = spawnSync('go', ['version', '-m', path], { encoding: 'utf8' });
      expect(go.status, go.stderr).toBe(0);
      const text = await ok('info', path);
      const ours = text.slice(text.indexOf('\nbuild info\n') + '\nbuild info\n'.length);
      // `go version -m` prints "FILE: goversion", then the build info's lines indented by a tab.
      expect(ours, f.path).toBe(go.stdout.slice(go.stdout.indexOf('\n') + 1));
    }
  });
});

describe('godiag gosym funcs', () => {
  it('lists every function of the oracle, in its order, with its entry and end', async () => {
    const g = dumpGolden(amd64);
    const funcs = jsonLines(await ok('funcs', binaryFile(amd64), '--json'));
    expect(funcs.map((f) => [f.name, f.entry, f.end])).toEqual(g.funcs.map((f) => [f.name, f.entry, f.end]));
    const text = (await ok('funcs', binaryFile(amd64))).split('\n');
    expect(text[0]).toBe('entry\tend\tname\tstartLine\tfile\tfuncID\tflags\targsSize\tmaxFrameSize');
    expect(text.slice(1, -1).map((l) => l.split('\t').slice(0, 3))).toEqual(g.funcs.map((f) => [f.entry, f.end, f.name]));
  });

  it('gives the file at entry and the start line (Go 1.20+) the oracle and the runtime report', async () => {
    const g = dumpGolden(amd64);
    const funcs = jsonLines(await ok('funcs', binaryFile(amd64), '--json'));
    // Names repeat (ABI wrappers share their function's name): entries do not.
    const byEntry = new Map(funcs.map((f) => [f.entry as string, f]));
    // The oracle's position at a function's entry is its first line entry.
    for (const fn of g.funcs) {
      const first = fn.lines[0];
      if (first === undefined || first[0] !== fn.entry || first[1] === '') continue;
      expect(byEntry.get(fn.entry)!.file, fn.name).toBe(first[1]);
    }
    // Start lines: the runtime's own frames (gosym-inline golden) record them for physical frames.
    const inline = jsonLines(readGolden(goldenPath(amd64, inlineCommand))) as unknown as InlineGolden[];
    let checked = 0;
    for (const l of inline) {
      const outer = l.frames.at(-1)!;
      const f = byEntry.get(l.entry);
      if (f === undefined || outer.startLine === undefined) continue;
      expect(f.startLine, outer.function).toBe(outer.startLine);
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
  });
});

interface InlineGolden {
  scenario: string;
  pc: string;
  entry: string;
  frames: { function: string; file: string; line: number; inlined: boolean; startLine?: number }[];
}

/** A function name as the runtime prints it from Go 1.21 on (type arguments as `[...]`), as the golden has it. */
function printName(name: string, minor: number): string {
  if (minor < 21) return name;
  const i = name.indexOf('[');
  const j = name.lastIndexOf(']');
  return i < 0 || j <= i ? name : `${name.slice(0, i)}[...]${name.slice(j + 1)}`;
}

describe('godiag gosym lookup', () => {
  const cases = ['go1.13.15/linux-amd64/gosym.gz', 'go1.19.8/linux-amd64/gosym-pie.gz', 'go1.26.8/linux-amd64/gosym.gz', 'go1.26.8/linux-arm64/gosym.gz'];
  it.each(cases)('gives the frames the program\'s runtime.CallersFrames gave (%s)', async (path) => {
    const f = fixture(path);
    const minor = Number(/^go1\.(\d+)/.exec(f.goVersion)![1]);
    const golden = jsonLines(readGolden(goldenPath(f, inlineCommand))) as unknown as InlineGolden[];
    const out = jsonLines(await ok('lookup', binaryFile(f), '--json', ...golden.map((g) => g.pc)));
    expect(out).toHaveLength(golden.length);
    out.forEach((o, i) => {
      const g = golden[i]!;
      expect(o.pc).toBe(g.pc);
      expect(o.entry, g.pc).toBe(g.entry);
      const frames = (o.frames as InlineGolden['frames']).map((fr) => {
        const x: InlineGolden['frames'][number] = { function: printName(fr.function, minor), file: fr.file, line: fr.line, inlined: fr.inlined };
        if (minor >= 20 && fr.startLine !== undefined) x.startLine = fr.startLine;
        return x;
      });
      expect(frames, `${g.scenario} ${g.pc}`).toEqual(g.frames);
    });
    expect(golden.some((g) => g.frames.some((fr) => fr.inlined))).toBe(true);
  });

  it('prints frames innermost first, marking inlined ones, and says when no function has the pc', async () => {
    const golden = jsonLines(readGolden(goldenPath(amd64, inlineCommand))) as unknown as InlineGolden[];
    const g = golden.find((x) => x.frames.filter((fr) => fr.inlined).length >= 2)!;
    const text = await ok('lookup', binaryFile(amd64), g.pc, '0x1');
    const expected = g.frames.map((fr) => `    ${fr.function}${fr.inlined ? '  (inlined)' : ''}\n        ${fr.file}:${fr.line}\n`).join('');
    const outer = g.frames.at(-1)!.function;
    expect(text).toBe(`${g.pc}  ${outer}+0x${(BigInt(g.pc) - BigInt(g.entry)).toString(16)}\n${expected}0x1  no function contains this pc\n`);
  });
});

describe('godiag gosym lines', () => {
  it('gives the first pc of each run of FILE:LINE, as the oracle\'s positions (innermost, inlined copies) have them', async () => {
    const g = dumpGolden(amd64);
    const golden = jsonLines(readGolden(goldenPath(amd64, inlineCommand))) as unknown as InlineGolden[];
    // Positions of inlined calls: their code is copied into the callers.
    const targets = new Map<string, { file: string; line: number }>();
    for (const l of golden) for (const fr of l.frames.filter((x) => x.inlined)) targets.set(`${fr.file}:${fr.line}`, fr);
    expect(targets.size).toBeGreaterThan(3);
    for (const [arg, t] of targets) {
      // Where the oracle's (debug/gosym's) position becomes FILE:LINE.
      const want: string[] = [];
      for (const fn of g.funcs) {
        for (const [pc, file, line] of fn.lines) if (file === t.file && line === t.line) want.push(pc);
      }
      const out = jsonLines(await ok('lines', binaryFile(amd64), arg, '--json'));
      expect(out.map((o) => o.pc), arg).toEqual(want);
      expect(want.length).toBeGreaterThan(0);
      // A file name suffix names the same file when it is unambiguous.
      const short = `${t.file.slice(t.file.lastIndexOf('/') + 1)}:${t.line}`;
      const text = await ok('lines', binaryFile(amd64), short);
      expect(text.split('\n').filter((l) => l !== '').map((l) => l.split('  ')[0]), short).toEqual(want);
    }
  });
});

describe('godiag gosym inputs', () => {
  it('reads standard input with -', async () => {
    const io = fakeIo([fixtureBytes(amd64)]);
    expect(await main(['gosym', 'dump', '-'], io)).toBe(0);
    expect(io.err()).toBe('');
    expect(io.out()).toBe(dumpGolden(amd64).text);
  });

  it('--arch picks the member of a universal Mach-O file; without it, the error lists the members', async () => {
    const darwin = fixture('go1.26.8/darwin-arm64/gosym.gz');
    const member = fixtureBytes(darwin);
    // A universal file (big-endian header, 20-byte entries, members aligned to 2^14) holding the arm64
    // executable twice, the second entry labelled x86_64: enough to see which entry --arch follows.
    const align = 1 << 14;
    const second = align + Math.ceil(member.length / align) * align;
    const fat = new Uint8Array(second + member.length);
    const v = new DataView(fat.buffer);
    v.setUint32(0, 0xcafebabe);
    v.setUint32(4, 2);
    [
      [0x0100000c, align],
      [0x01000007, second],
    ].forEach(([cpu, offset], i) => {
      const at = 8 + 20 * i;
      v.setUint32(at, cpu!);
      v.setUint32(at + 4, 0);
      v.setUint32(at + 8, offset!);
      v.setUint32(at + 12, member.length);
      v.setUint32(at + 16, 14);
    });
    fat.set(member, align);
    fat.set(member, second);
    const path = join(tmp, 'universal');
    writeFileSync(path, fat);
    expect(await ok('dump', path, '--arch', 'arm64')).toBe(dumpGolden(darwin).text);
    for (const options of [{}, { arch: 'ppc64' }]) {
      const expected = await openBinary(fat, options).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(expected).toBeInstanceOf(GodiagError);
      const r = await run('gosym', 'info', path, ...('arch' in options ? ['--arch', options.arch] : []));
      expect(r.code).toBe(1);
      expect(r.err).toBe(`godiag: ${(expected as GodiagError).message}\n`);
    }
    expect((await run('gosym', 'info', path)).err).toMatch(/arm64, amd64/);
  });
});

describe('godiag gosym errors', () => {
  it('a file that is not a Go executable: one line with the GodiagError message, exit status 1', async () => {
    const notExe = join(tmp, 'notes.txt');
    writeFileSync(notExe, 'not an executable at all\n');
    // An ELF file cut short: the container reader's truncation error.
    const cut = join(tmp, 'cut.elf');
    writeFileSync(cut, fixtureBytes(amd64).subarray(0, 100_000));
    for (const path of [notExe, cut, join(ROOT, 'package.json')]) {
      const expected = await openBinary(new Uint8Array(readFileSync(path))).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(expected, path).toBeInstanceOf(GodiagError);
      for (const cmd of ['info', 'funcs', 'dump']) {
        const r = await run('gosym', cmd, path);
        expect(r.code, `${cmd} ${path}`).toBe(1);
        expect(r.out).toBe('');
        expect(r.err).toBe(`godiag: ${(expected as GodiagError).message}\n`);
      }
    }
    const missing = await run('gosym', 'info', join(tmp, 'missing'));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^godiag: .*ENOENT.*\n$/);
  });

  it('usage errors exit with status 2', async () => {
    const bin = binaryFile(amd64);
    for (const argv of [
      ['gosym', 'info'],
      ['gosym', 'info', bin, bin],
      ['gosym', 'info', bin, '--nope'],
      ['gosym', 'lookup', bin],
      ['gosym', 'lookup', bin, 'main.main'],
      ['gosym', 'lines', bin, 'main.go'],
      ['gosym', 'lines', bin, 'no-such-file.go:3'],
      ['gosym', 'dump', bin, '--json'],
      ['gosym', 'dump', bin, '--arch'],
      ['gosym', 'frob', bin],
    ]) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err, argv.join(' ')).toMatch(/^godiag: .+\n$/);
    }
  });
});

describe('docs/examples/gosym.ts', () => {
  it('runs as documented', () => {
    const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['--tsconfig', 'tsconfig.test.json', 'docs/examples/gosym.ts'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const golden = jsonLines(readGolden(goldenPath(amd64, inlineCommand))) as unknown as InlineGolden[];
    expect(r.stdout).toContain(`Go ${dumpGolden(amd64).buildInfo!.goVersion} linux/amd64`);
    // The example prints the inlined stacks of main.chainOuter: the runtime's frames at a pc there are among them.
    const g = golden.find((x) => x.frames.at(-1)!.function === 'main.chainOuter' && x.frames.filter((fr) => fr.inlined).length >= 2)!;
    for (const fr of g.frames) expect(r.stdout).toContain(`${fr.function}${fr.inlined ? ' (inlined)' : ''} ${fr.file}:${fr.line}`);
  });
});

