/**
 * `godiag gosym dump`: a binary's symbol table as canonical JSON Lines, the shape the Go oracle prints
 * from debug/gosym and debug/buildinfo (docs/oracle.md, "Symbol tables"), so the two compare byte for byte.
 * @module
 */

import { canonicalJson } from '../internal/canonical-json.js';
import type { GoBinary } from './binary.js';
import type { BuildInfo, Module } from './buildinfo.js';

/** An address as the dumps write it: `0x` and lowercase hex. */
export function hexAddress(a: bigint): string {
  return `0x${a.toString(16)}`;
}

/**
 * The dump's lines, one at a time: `Binary`, one `Func` per function (with its positions as debug/gosym's
 * `PCToLine` reports them, quirks included), then `BuildInfo` when the binary has it. Each line ends in `\n`.
 */
export function* gosymDumpLines(bin: GoBinary): Generator<string, void, undefined> {
  const t = bin.table;
  const binary: Record<string, unknown> = {
    kind: 'Binary',
    format: bin.executable.format,
    goos: bin.goos,
    goarch: bin.goarch,
    layout: bin.layout,
    ptrSize: t.ptrSize,
    quantum: t.quantum,
    funcs: t.funcCount,
  };
  if (bin.layout === '1.18' || bin.layout === '1.20') binary.textStart = hexAddress(t.textStart);
  yield canonicalJson(binary) + '\n';
  for (const f of t.functions()) {
    const lines: [string, string, number][] = [];
    let last: [string, string, number] | undefined;
    for (const r of t.lines(f, { asDebugGosym: true })) {
      if (last !== undefined && last[1] === r.file && last[2] === r.line) continue;
      last = [hexAddress(r.pc), r.file, r.line];
      lines.push(last);
    }
    yield canonicalJson({ kind: 'Func', name: f.name, entry: hexAddress(f.entry), end: hexAddress(f.end), lines }) + '\n';
  }
  if (bin.buildInfo !== undefined) yield canonicalJson(buildInfoJson(bin.buildInfo)) + '\n';
}

/** The whole dump as one string. */
export function gosymDump(bin: GoBinary): string {
  let out = '';
  for (const line of gosymDumpLines(bin)) out += line;
  return out;
}

function moduleJson(m: Module): Record<string, unknown> {
  const o: Record<string, unknown> = { path: m.path, version: m.version, sum: m.sum };
  if (m.replace !== undefined) o.replace = moduleJson(m.replace);
  return o;
}

function buildInfoJson(b: BuildInfo): Record<string, unknown> {
  return {
    kind: 'BuildInfo',
    goVersion: b.goVersion,
    path: b.path,
    main: moduleJson(b.main),
    deps: b.deps.map(moduleJson),
    settings: b.settings.map((s) => ({ key: s.key, value: s.value })),
  };
}
