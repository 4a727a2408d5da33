/**
 * The golden commands of `godiag/gosym`: `gosym` (the symbol table as debug/gosym and debug/buildinfo see
 * it) and `gosym-inline` (inlined frames, against the gosym program's own runtime.CallersFrames output
 * stored beside each executable it ran). Schemas: docs/oracle.md, "Symbol tables".
 */

import { existsSync, readFileSync } from 'node:fs';
import { canonicalJson } from '../../src/internal/canonical-json.js';
import { openBinary } from '../../src/gosym/binary.js';
import { gosymDump, hexAddress } from '../../src/gosym/dump.js';
import type { Frame } from '../../src/gosym/pclntab/index.js';

/** What the gosym golden commands need of a fixture (a subset of the manifest entry). */
export interface GosymFixture {
  path: string;
  format: string;
  program: string;
}

/** The executables of the gosym program. */
export function isGosymExecutable(f: GosymFixture): boolean {
  return f.program === 'gosym' && (f.format === 'elf' || f.format === 'macho' || f.format === 'pe');
}

/** The program's output beside an executable (`gosym-pie.gz` → `gosym-pie.callers.json`). */
export function callersPath(executablePath: string): string {
  return executablePath.replace(/\.gz$/, '') + '.callers.json';
}

/** `godiag gosym dump` of the bytes. */
export async function gosymDumpText(bytes: Uint8Array): Promise<string> {
  return gosymDump(await openBinary(bytes));
}

interface CallersFrame {
  pc: string;
  entry: string;
  function: string;
  inlined: boolean;
}

/** A function name as the runtime prints it from Go 1.21 on: a generic instantiation's type arguments as `[...]`. */
function printName(name: string): string {
  const i = name.indexOf('[');
  const j = name.lastIndexOf(']');
  return i < 0 || j <= i ? name : `${name.slice(0, i)}[...]${name.slice(j + 1)}`;
}

/**
 * `gosym-inline`: for each physical frame the program captured (a run of inlined frames and the frame of the
 * function holding them), godiag's `lookup` at the static pc, printed as the runtime printed its frames.
 * Only the pcs and the grouping come from the program's output; the frames are godiag's.
 */
export async function gosymInlineText(bytes: Uint8Array, callersFile: string): Promise<string> {
  const bin = await openBinary(bytes);
  const lines = readFileSync(callersFile, 'utf8').split('\n').filter((l) => l !== '');
  const program = JSON.parse(lines[0]!) as { goVersion: string; mainEntry: string };
  const minor = Number(/^go1\.(\d+)/.exec(program.goVersion)?.[1] ?? 0);
  const main = [...bin.functions()].find((f) => f.name === 'main.main');
  if (main === undefined) throw new Error('no main.main');
  const bias = BigInt.asUintN(64, BigInt(program.mainEntry) - main.entry);
  let out = '';
  for (const l of lines.slice(1)) {
    const s = JSON.parse(l) as { name: string; frames: CallersFrame[] };
    let group: CallersFrame[] = [];
    for (const f of s.frames) {
      group.push(f);
      if (f.inlined) continue;
      const pc = BigInt.asUintN(64, BigInt(group[0]!.pc) - bias);
      const frames = bin.lookup(pc);
      const fn = bin.funcAt(pc);
      out +=
        canonicalJson({
          scenario: s.name,
          pc: hexAddress(pc),
          entry: hexAddress(fn?.entry ?? 0n),
          frames: frames.map((fr: Frame) => {
            const o: Record<string, unknown> = { function: minor >= 21 ? printName(fr.function) : fr.function, file: fr.file, line: fr.line, inlined: fr.inlined };
            if (minor >= 20 && fr.startLine !== undefined) o.startLine = fr.startLine;
            return o;
          }),
        }) + '\n';
      group = [];
    }
  }
  return out;
}

/** Whether an executable has the program's output beside it (it ran here). */
export function hasCallers(fixturesDir: string, f: GosymFixture): boolean {
  return isGosymExecutable(f) && existsSync(`${fixturesDir}/${callersPath(f.path)}`);
}
