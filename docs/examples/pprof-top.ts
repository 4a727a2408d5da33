// The functions with the most flat samples in a profile: a five-line `go tool pprof -top`.
// Run: npx tsx --tsconfig tsconfig.test.json docs/examples/pprof-top.ts [PROFILE]
import { parseProfile, samples } from 'godiag/pprof';
import { fileSource } from 'godiag/node';

const profile = await parseProfile(await fileSource(process.argv[2] ?? 'testdata/fixtures/go1.26.8/linux-amd64/basic-cpu.pprof'));
const index = profile.sampleType.length - 1; // the last sample type is the default (cpu/nanoseconds here)
const flat = new Map<string, bigint>();
for (const { sample, frames } of samples(profile)) {
  const leaf = frames[0]?.function ?? '(unknown)';
  flat.set(leaf, (flat.get(leaf) ?? 0n) + sample.value[index]!);
}
const top = [...flat].sort((a, b) => (b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : 0)).slice(0, 5);
for (const [fn, v] of top) console.log(`${v} ${profile.sampleType[index]!.unit}\t${fn}`);
