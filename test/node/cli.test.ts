import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { main } from '../../src/cli/main.js';
import { fakeIo } from '../support/cli.js';
import { fixtureBytes, goldenCommands, goldenPath, loadManifest, ROOT } from '../support/fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'godiag-cli-'));
const manifest = loadManifest();
const trace = manifest.fixtures.find((f) => f.format === 'trace')!;
const inspectCommand = goldenCommands.find((c) => c.name === 'inspect')!;

describe('godiag CLI', () => {
  it('inspect --json prints what the oracle printed for the same file', async () => {
    const path = join(tmp, 'trace.bin');
    writeFileSync(path, fixtureBytes(trace));
    const io = fakeIo();
    expect(await main(['inspect', path, '--json'], io)).toBe(0);
    expect(io.out()).toBe(readFileSync(goldenPath(trace, inspectCommand), 'utf8'));
  });

  it('inspect reads standard input with -', async () => {
    const io = fakeIo([fixtureBytes(trace)]);
    expect(await main(['inspect', '-'], io)).toBe(0);
    expect(io.out()).toMatch(/^Go execution trace, format version 1\.\d+\n$/);
  });

  it('inspect describes storage-compressed files too', async () => {
    const io = fakeIo();
    expect(await main(['inspect', join(ROOT, 'testdata', 'fixtures', trace.path)], io)).toBe(0);
    expect(io.out()).toMatch(/\(gzip-compressed\)/);
  });

  it('exits 1 on malformed input, naming the byte offset', async () => {
    const path = join(tmp, 'junk.txt');
    writeFileSync(path, 'this is not a profile');
    const io = fakeIo();
    expect(await main(['inspect', path], io)).toBe(1);
    expect(io.err()).toMatch(/^godiag: input: data that is not a Go diagnostic format I know .* \(at byte 0\)\n$/);
  });

  it('exits 1 when the file cannot be read', async () => {
    const io = fakeIo();
    expect(await main(['inspect', join(tmp, 'missing')], io)).toBe(1);
    expect(io.err()).toMatch(/ENOENT/);
  });

  it('exits 2 on usage errors', async () => {
    for (const argv of [[], ['inspect'], ['inspect', 'a', 'b'], ['inspect', '--nope', 'x'], ['frobnicate'], ['trace'], ['trace', 'frob', 'x'], ['trace', 'dump'], ['pprof', 'frob', 'x'], ['pprof', 'dump']]) {
      const io = fakeIo();
      expect(await main(argv, io), argv.join(' ')).toBe(2);
    }
    const io = fakeIo();
    await main(['trace', 'frob', 'x'], io);
    expect(io.err()).toMatch(/godiag trace: unknown command "frob"; commands: raw, dump, events, stats, cut, encode/);
    const core = fakeIo();
    await main(['core', 'x'], core);
    expect(core.err()).toMatch(/godiag core: unknown command "x"; commands: info, threads, mappings, goroutines, dump/);
  });

  it('pprof dump prints what the oracle printed', async () => {
    const profile = manifest.fixtures.find((f) => f.format === 'pprof')!;
    const io = fakeIo();
    expect(await main(['pprof', 'dump', join(ROOT, 'testdata', 'fixtures', profile.path)], io)).toBe(0);
    const pprofCommand = goldenCommands.find((c) => c.name === 'pprof')!;
    expect(io.out()).toBe(readFileSync(goldenPath(profile, pprofCommand), 'utf8'));
  });

  it('pprof string prints google/pprof\'s String() of a legacy text profile', async () => {
    const text = manifest.fixtures.find((f) => f.format === 'pprof-text' && f.kind === 'heap')!;
    const io = fakeIo();
    expect(await main(['pprof', 'string', join(ROOT, 'testdata', 'fixtures', text.path)], io)).toBe(0);
    expect(io.out()).toMatch(/^PeriodType: space bytes\nPeriod: \d+\n/);
    expect(io.out()).toMatch(/\nSamples:\nalloc_objects\/count alloc_space\/bytes inuse_objects\/count inuse_space\/bytes\n/);
  });

  it('pprof goroutines prints a crash dump as JSON', async () => {
    const dump = manifest.fixtures.find((f) => f.format === 'goroutine-dump' && f.kind === 'crash-all')!;
    const path = join(tmp, 'crash.txt');
    writeFileSync(path, fixtureBytes(dump));
    const io = fakeIo();
    expect(await main(['pprof', 'goroutines', path], io)).toBe(0);
    const parsed = JSON.parse(io.out()) as { goroutines: { id: string }[] };
    expect(parsed.goroutines.length).toBeGreaterThan(10);
    expect(parsed.goroutines[0]!.id).toBe('1');
  });

  it('--help and --version exit 0', async () => {
    const io = fakeIo();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.out()).toMatch(/godiag inspect FILE/);
    const v = fakeIo();
    expect(await main(['--version'], v)).toBe(0);
    expect(v.out().trim()).toBe((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  });

  it('demo inspects the newest toolchain\'s samples', async () => {
    const io = fakeIo();
    expect(await main(['demo', join(ROOT, 'testdata', 'fixtures')], io)).toBe(0);
    expect(io.out()).toMatch(/execution trace/);
    expect(io.out()).toMatch(/pprof profile \(gzip\)/);
    expect(io.out()).toMatch(/ELF 64-bit little-endian executable, amd64/);
  });

  it('runs as a process through tsx with the documented exit codes', () => {
    const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
    const cli = join(ROOT, 'src', 'cli', 'main.ts');
    expect(execFileSync(tsx, [cli, '--version'], { encoding: 'utf8' }).trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(spawnSync(tsx, [cli, 'inspect'], { encoding: 'utf8' }).status).toBe(2);
    expect(spawnSync(tsx, [cli, 'inspect', join(ROOT, 'package.json')], { encoding: 'utf8' }).status).toBe(1);
  });
});
