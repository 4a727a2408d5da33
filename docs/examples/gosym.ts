// Which calls did the compiler inline into a function? Walk the function's code run by run and print each
// distinct stack of inlined frames, innermost first — what Go's debug/gosym cannot tell you.
// Run: npx tsx --tsconfig tsconfig.test.json docs/examples/gosym.ts [BINARY] [FUNCTION]
import { decompressSync, isGodiagError } from 'godiag';
import { hexAddress, openBinary, type Frame } from 'godiag/gosym';
import { openFile } from 'godiag/node';
import { readFile } from 'node:fs/promises';

const path = process.argv[2] ?? 'testdata/fixtures/go1.26.8/linux-amd64/gosym.gz';
const name = process.argv[3] ?? 'main.chainOuter';

// A real binary is opened for random access: only its headers and symbol table are read, never the whole
// file. The fixtures are stored gzip-compressed, so those are read into memory and decompressed instead.
const source = path.endsWith('.gz') ? decompressSync(await readFile(path), 'gzip') : await openFile(path);
try {
  const bin = await openBinary(source);
  console.log(`Go ${bin.goVersion ?? '(unknown version)'} ${bin.goos}/${bin.goarch}, ${bin.table.funcCount} functions, pclntab layout ${bin.layout}`);

  const fn = [...bin.functions()].find((f) => f.name === name);
  if (fn === undefined) throw new Error(`no function ${name} in ${path}`);
  console.log(`${fn.name} at ${hexAddress(fn.entry)}–${hexAddress(fn.end)}, ${fn.file ?? '?'}:${fn.startLine ?? '?'}`);

  const show = (f: Frame) => `${f.function}${f.inlined ? ' (inlined)' : ''} ${f.file}:${f.line}`;
  const seen = new Set<string>();
  for (const run of bin.lines(fn)) {
    const frames = bin.lookup(run.pc);
    if (!frames.some((f) => f.inlined)) continue; // the function's own code
    const text = frames.map(show).join('\n    called from ');
    if (seen.has(text)) continue;
    seen.add(text);
    console.log(`  ${hexAddress(run.pc)}  ${text}`);
  }
} catch (e) {
  if (!isGodiagError(e)) throw e;
  console.error(`${path}: ${e.message}`); // e.g. "pclntab: no Go pclntab found (…) (at byte 0)"
  process.exitCode = 1;
} finally {
  if (!(source instanceof Uint8Array)) await source.close();
}
