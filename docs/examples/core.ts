// Where did a Go program crash? Open its core with the executable, find the thread that got the signal, name its
// function with the executable's symbol table, and show how much of the address space the core really holds.
// Run: npx tsx --tsconfig tsconfig.test.json docs/examples/core.ts [CORE EXE]
import { decompressSync, isGodiagError, type RandomAccessSource } from 'godiag';
import { openCore } from 'godiag/core';
import { openBinary } from 'godiag/gosym';
import { openFile } from 'godiag/node';
import { readFile } from 'node:fs/promises';

const [corePath, exePath] =
  process.argv.length > 3
    ? [process.argv[2]!, process.argv[3]!]
    : ['testdata/fixtures/go1.26.8/linux-amd64/core-kernel.core.gz', 'testdata/fixtures/go1.26.8/linux-amd64/corework.gz'];

// Real files are read through random access (a core of gigabytes is not read whole); the fixtures are stored
// gzip-compressed, so those are decompressed into memory instead.
const open = async (path: string): Promise<RandomAccessSource> => (path.endsWith('.gz') ? decompressSync(await readFile(path), 'gzip') : await openFile(path));

try {
  const [coreSource, exeSource] = [await open(corePath), await open(exePath)];
  const core = await openCore(coreSource, { executable: exeSource });
  const bin = await openBinary(exeSource);
  const bias = core.executableCheck?.loadBias ?? 0n;
  console.log(`${core.process?.args ?? '?'}: ${core.signal?.name ?? 'no signal'}, ${core.threads().length} threads`);
  for (const t of core.threads()) {
    const fn = bin.funcAt(t.pc - bias);
    console.log(`  thread ${t.tid}${t.tid === core.signalThread ? ' (signalled)' : ''}: ${fn?.name ?? '?'} at 0x${t.pc.toString(16)}`);
  }
  const bytes = (kind: string) => core.mappings().filter((m) => m.backing.kind === kind).reduce((n, m) => n + (m.end - m.start), 0n);
  console.log(`  address space: ${bytes('core')} bytes in the core, ${bytes('executable')} from the executable, ${bytes('zero')} zeros, ${bytes('unavailable')} unavailable`);
  await core.close();
} catch (e) {
  if (!isGodiagError(e)) throw e;
  console.error(`${corePath}: ${e.message}`); // e.g. "core: not an ELF file (no \x7fELF magic) (at byte 0)"
  process.exitCode = 1;
}
