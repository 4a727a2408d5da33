// Golden tests: for every recorded fixture, the TypeScript side prints exactly what the Go oracle printed
// (testdata/goldens, derived by `npm run goldens`, re-checked by `npm run goldens:check` when Go is present).

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { goldenJobs, loadManifest, readGolden, storedBytes } from '../support/fixtures.js';

const manifest = loadManifest();

describe('fixture manifest', () => {
  it('lists at least one trace, pprof profile and executable per recorded toolchain', () => {
    const ok = manifest.toolchains.filter((t) => t.status === 'ok').map((t) => t.version);
    expect(ok.length).toBeGreaterThan(0);
    for (const v of ok) {
      const formats = new Set(manifest.fixtures.filter((f) => f.goVersion === v).map((f) => f.format));
      expect([...formats].sort(), v).toEqual(expect.arrayContaining(['elf', 'pprof', 'trace']));
    }
  });

  it.each(manifest.fixtures.map((f) => [f.path, f] as const))('%s matches its sha256 and size', (_path, f) => {
    const bytes = storedBytes(f);
    expect(bytes.length).toBe(f.size);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(f.sha256);
  });
});

describe('goldens from the Go oracle', () => {
  const jobs = goldenJobs(manifest);
  const present = jobs.filter((j) => j.available);
  const absent = jobs.filter((j) => !j.available);
  // The shared corpus exists on development machines and in CI, not in a user's clone.
  if (absent.length > 0) it.skip(`${absent.length} corpus goldens: ../shared/corpus is absent in this clone`, () => {});
  it.each(present.map((j) => [j.id, j] as const))('%s', async (_id, job) => {
    expect(existsSync(job.golden), `missing golden ${job.golden}; run npm run goldens`).toBe(true);
    const golden = readGolden(job.golden);
    expect(await job.run(job.bytes())).toBe(golden);
  });
});
