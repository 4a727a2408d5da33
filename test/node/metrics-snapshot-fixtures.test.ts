// Canonical snapshot JSON against Go: every snapshot the metrics-snapshots fixture programs wrote
// (testdata/gen/programs-metrics/metricsnap/snapshot.go, the Go function docs/metrics.md quotes) is read by
// godiag and written back byte for byte — the Go output is the oracle for both reader and writer. The
// values are also checked against the same release's catalogue (metrics.All(), recorded by metricscat).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSnapshotJson, readSnapshots, snapshotJson } from '../../src/metrics/snapshot-json.js';
import type { Snapshot } from '../../src/metrics/snapshot.js';
import { FIXTURES, fixtureBytes, loadManifest } from '../support/fixtures.js';

const manifest = loadManifest();
const fixtures = manifest.fixtures.filter((f) => (f.format as string) === 'metrics-snapshots');

/** The catalogue metricscat recorded for a Go version: name → kind. */
function catalogKinds(goVersion: string): Map<string, string> {
  const entry = manifest.fixtures.find((f) => (f.format as string) === 'metrics-catalog' && f.goVersion === goVersion);
  if (entry === undefined) throw new Error(`no metrics-catalog fixture for ${goVersion}`);
  const lines = readFileSync(join(FIXTURES, entry.path), 'utf8').trimEnd().split('\n');
  return new Map(lines.map((l) => JSON.parse(l) as { name: string; kind: string }).map((m) => [m.name, m.kind]));
}

async function collect(it: AsyncIterable<Snapshot>): Promise<Snapshot[]> {
  const out: Snapshot[] = [];
  for await (const s of it) out.push(s);
  return out;
}

describe('metrics-snapshots fixtures: Go writes, godiag reads and writes back the same bytes', () => {
  it('has the recorded set: 1.16–1.26, each with memstats and current runs', () => {
    const versions = new Set(fixtures.map((f) => f.goVersion));
    for (let m = 16; m <= 26; m++) expect([...versions].some((v) => v.startsWith(`go1.${m}.`)), `go1.${m}`).toBe(true);
    for (const v of versions) {
      const names = fixtures.filter((f) => f.goVersion === v).map((f) => f.path.slice(v.length + 1));
      expect(names).toContain('metrics-memstats.snapshots.json.gz');
      expect(names).toContain('metrics-current.snapshots.json.gz');
    }
  });

  it.each(fixtures.map((f) => [f.path, f] as const))('%s', async (_path, f) => {
    const bytes = fixtureBytes(f);
    const text = new TextDecoder().decode(bytes);
    const lines = text.split('\n');
    expect(lines.pop()).toBe(''); // the file ends in a newline
    expect(lines).toHaveLength(2); // BEFORE and AFTER

    const kinds = catalogKinds(f.goVersion);
    const parsed = lines.map((line) => {
      const s = parseSnapshotJson(line);
      expect(snapshotJson(s)).toBe(line);
      expect(s.goVersion).toBe(f.goVersion);
      expect(s.time).toBeTypeOf('bigint');
      // Every metric of the release, with the catalogue's kind.
      expect([...s.values.keys()]).toEqual([...kinds.keys()]);
      for (const [name, v] of s.values) expect(v.kind, name).toBe(kinds.get(name));
      return s;
    });
    expect(parsed[1]!.time! >= parsed[0]!.time!).toBe(true);

    // The streaming reader gives the same snapshots, whole or fed in small uneven chunks.
    expect(await collect(readSnapshots(bytes))).toEqual(parsed);
    const pieces: Uint8Array[] = [];
    for (let at = 0, n = 1; at < bytes.length; at += n, n = (n * 7 + 3) % 4093 + 1) pieces.push(bytes.subarray(at, at + n));
    expect(await collect(readSnapshots(pieces))).toEqual(parsed);
  });
});
