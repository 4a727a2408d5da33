// Walk a Go execution trace generation by generation: event counts per type, and the busiest stack.
// Run: npx tsx --tsconfig tsconfig.test.json docs/examples/trace-generations.ts [TRACE]
import { maybeDecompress } from 'godiag';
import { batchEvents, readGenerations, specsFor } from 'godiag/trace';
import { fileSource } from 'godiag/node';

const path = process.argv[2] ?? 'testdata/fixtures/go1.26.8/linux-amd64/tracework-flight.trace.gz';
// The fixtures are stored gzip-compressed; maybeDecompress passes a plain trace through unchanged.
const { chunks: source } = await maybeDecompress(await fileSource(path));

for await (const g of readGenerations(source)) {
  const specs = specsFor(g.version);
  const counts = new Map<string, number>();
  for (const batch of g.batches) {
    for (const ev of batchEvents(g.version, batch)) {
      const name = specs.byType[ev.type]!.name;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
  }
  const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 3);
  console.log(`generation ${g.gen}: ${g.strings.size} strings, ${g.stacks.size} stacks, ${g.cpuSamples.length} CPU samples; ${top.map(([n, c]) => `${n} ${c}`).join(', ')}`);
}
