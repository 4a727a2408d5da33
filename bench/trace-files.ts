/**
 * The traces the trace benchmarks read: the FILEs given, or (with Go on PATH) two traces recorded with
 * testdata/gen/programs-trace (`tracework -workload bench`, 7 s and 21 s: ~150 and ~500 MB).
 */

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Checks the given files, or records two bench traces when none is given; exits with usage on failure. */
export function benchTraceFiles(given: string[], name: string): string[] {
  const files = [...given];
  for (const f of files) {
    if (!existsSync(f)) {
      console.error(`${name}: ${f}: no such file`);
      process.exit(2);
    }
  }
  if (files.length > 0) return files;
  if (spawnSync('go', ['version'], { stdio: 'ignore' }).status !== 0) {
    console.error(`${name}: give a trace FILE (at least 100 MB), or install Go to record one`);
    process.exit(2);
  }
  const dir = mkdtempSync(join(tmpdir(), 'godiag-bench-trace-'));
  const exe = join(dir, 'tracework');
  // The trace programs module is not in go.work (it must build with Go 1.22), hence GOWORK=off.
  execFileSync('go', ['-C', 'testdata/gen/programs-trace', 'build', '-o', exe, './tracework'], { stdio: 'inherit', env: { ...process.env, GOWORK: 'off' } });
  for (const d of ['7s', '21s']) {
    const file = join(dir, `bench-${d}.trace`);
    console.error(`recording ${file} (tracework -workload bench -d ${d})…`);
    execFileSync(exe, ['-workload', 'bench', '-d', d, '-o', file], { stdio: 'inherit' });
    files.push(file);
  }
  return files;
}
