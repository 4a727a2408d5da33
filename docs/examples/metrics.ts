// What did a Go process do between two reads of its runtime/metrics? Read two snapshots (canonical JSON Lines,
// as the Go snippet in docs/metrics.md writes them), check them against the runtime's invariants, and print
// what changed: counters as rates, the scheduling latency histogram as quantiles, the GC CPU fraction.
// Run: npx tsx --tsconfig tsconfig.test.json docs/examples/metrics.ts [SNAPSHOTS.jsonl]
import { decompressSync, isGodiagError } from 'godiag';
import { delta, gcCpuFraction, histogramQuantile, readSnapshots, validate, type Snapshot } from 'godiag/metrics';
import { fileSource } from 'godiag/node';
import { readFile } from 'node:fs/promises';

const path = process.argv[2] ?? 'testdata/fixtures/go1.26.8/metrics-current.snapshots.json.gz';

try {
  // The fixtures are stored gzip-compressed; a file of your own streams from disk.
  const source = path.endsWith('.gz') ? decompressSync(await readFile(path), 'gzip') : await fileSource(path);
  const snapshots: Snapshot[] = [];
  for await (const s of readSnapshots(source)) snapshots.push(s);
  const [first, last] = [snapshots[0], snapshots.at(-1)];
  if (first === undefined || last === undefined || first === last) throw new Error(`${path}: need at least two snapshots`);

  for (const v of [...validate(first), ...validate(last)]) console.log(`invariant broken: ${v.message}`);

  const seconds = Number((last.time ?? 0n) - (first.time ?? 0n)) / 1e9;
  console.log(`${last.goVersion ?? 'unknown Go'}: ${snapshots.length} snapshots over ${seconds} s`);
  for (const d of delta(first, last).metrics.values()) {
    if (d.type === 'counter' && d.delta !== 0n && d.delta !== 0) {
      console.log(`  ${d.name}: +${d.delta} (${(Number(d.delta) / seconds).toExponential(2)}/s)`);
    } else if (d.type === 'histogram' && d.name === '/sched/latencies:seconds' && d.samples > 0n) {
      const p99 = histogramQuantile(d.value, 0.99);
      console.log(`  ${d.name}: ${d.samples} goroutines scheduled, p99 ${p99?.bound === 'interpolated' ? '≈' : ''}${p99?.value} s`);
    }
  }
  const gc = gcCpuFraction(first, last);
  console.log(gc.status === 'ok' ? `  GC CPU fraction ${(gc.fraction * 100).toFixed(2)} %` : `  GC CPU fraction: ${gc.status}`);
} catch (e) {
  if (!isGodiagError(e)) throw e;
  console.error(`${path}: ${e.message}`); // e.g. "metrics: line 2: … (at byte 51234)"
  process.exitCode = 1;
}
