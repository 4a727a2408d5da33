// Detect and summarise any Go diagnostic file, streaming it from disk.
// Run: npx tsx --tsconfig tsconfig.test.json docs/examples/inspect-file.ts FILE
import { inspect, isGodiagError } from 'godiag';
import { fileSource } from 'godiag/node';

const path = process.argv[2] ?? 'testdata/fixtures/go1.26.8/linux-amd64/basic-heap.pprof';
try {
  const result = await inspect(await fileSource(path));
  console.log(result.format, result);
} catch (e) {
  if (!isGodiagError(e)) throw e;
  console.error(`${path}: ${e.code} at byte ${e.offset}: ${e.detail}`);
  process.exitCode = 1;
}
