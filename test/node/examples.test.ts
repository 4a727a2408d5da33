// The examples in docs/ run as documented (they are type-checked by `npm run typecheck`).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../support/fixtures.js';

const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
const run = (...args: string[]) =>
  spawnSync(tsx, ['--tsconfig', 'tsconfig.test.json', ...args], { cwd: ROOT, encoding: 'utf8' });

describe('docs/examples', () => {
  it('inspect-file.ts summarises a profile and reports a bad file with its offset', () => {
    const ok = run('docs/examples/inspect-file.ts');
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toMatch(/^pprof \{/);
    const bad = run('docs/examples/inspect-file.ts', 'package.json');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/package\.json: not-format at byte 0: /);
  });

  it('pprof-top.ts prints five functions with their flat values', () => {
    const r = run('docs/examples/pprof-top.ts');
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n')).toHaveLength(5);
    expect(r.stdout).toMatch(/^\d+ nanoseconds\t\S+/);
  });

  it('trace-generations.ts prints one line per generation of the flight-recorder trace', () => {
    const r = run('docs/examples/trace-generations.ts');
    expect(r.stderr).toBe('');
    const lines = r.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line).toMatch(/^generation \d+: \d+ strings, \d+ stacks, \d+ CPU samples; \w+ \d+/);
  });

  it('byte-layer.ts round-trips and reports truncation', () => {
    const r = run('docs/examples/byte-layer.ts');
    expect(r.stdout).toBe('true runtime.main\ntrace: unexpected end of input: expected a 32-bit integer (at byte 23)\n');
  });
  it('metrics.ts prints what changed between two recorded snapshots, and reports a bad file by line and byte', () => {
    const ok = run('docs/examples/metrics.ts');
    expect(ok.stderr).toBe('');
    const lines = ok.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^go1\.\d+\.\d+: 2 snapshots over [\d.e-]+ s$/);
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}\/gc\/heap\/allocs:bytes: \+\d+ \([\d.e+]+\/s\)$/));
    expect(lines.at(-1)).toMatch(/^ {2}GC CPU fraction/);
    const bad = run('docs/examples/metrics.ts', 'package.json');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^package\.json: metrics: line 1: .*\(at byte 0\)/);
  });
  it('core.ts names the function of the thread that got the signal, as gdb does', () => {
    const r = run('docs/examples/core.ts');
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/: SIGABRT, \d+ threads\n/);
    expect(r.stdout).toMatch(/^ {2}thread \d+ \(signalled\): runtime\.raise at 0x[0-9a-f]+$/m);
    const bad = run('docs/examples/core.ts', 'package.json', 'package.json');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^package\.json: core: not an ELF file/);
  });
});
