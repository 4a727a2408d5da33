import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { funcIdTableFor, funcIdTables, goMinorVersion, inferFuncIdNames } from '../../src/gosym/pclntab/index.js';

/** Go source trees on this machine (the Go on PATH, downloaded toolchains, a distribution's Go 1.19). */
function goRoots(): string[] {
  const roots = ['/usr/local/go', '/usr/lib/go-1.19'];
  const mod = join(homedir(), 'go', 'pkg', 'mod', 'golang.org');
  if (existsSync(mod)) for (const d of readdirSync(mod)) if (d.startsWith('toolchain@')) roots.push(join(mod, d));
  return roots.filter((r) => existsSync(join(r, 'VERSION')));
}

/** The FuncID enumeration of a Go source tree, in order, names without the FuncID prefix. */
function sourceTable(root: string): string[] | undefined {
  for (const rel of ['src/internal/abi/symtab.go', 'src/cmd/internal/objabi/funcid.go']) {
    const p = join(root, rel);
    if (!existsSync(p)) continue;
    const src = readFileSync(p, 'utf8');
    const m = /type FuncID uint8\s*(?:\/\/[^\n]*\n\s*)*const \(([\s\S]*?)\n\)/.exec(src);
    if (!m) continue;
    const names: string[] = [];
    for (const line of m[1]!.split('\n')) {
      const id = /^\s*(FuncID\w*)/.exec(line)?.[1];
      if (!id) continue;
      names.push(id === 'FuncIDNormal' ? 'normal' : id === 'FuncIDWrapper' ? 'wrapper' : id.replace(/^FuncID_/, ''));
    }
    return names;
  }
  return undefined;
}

describe('FuncID tables', () => {
  const roots = goRoots();
  it.skipIf(roots.length === 0)('match the enumeration in the Go sources on this machine', () => {
    let checked = 0;
    for (const root of roots) {
      const version = readFileSync(join(root, 'VERSION'), 'utf8').split('\n')[0]!;
      const names = sourceTable(root);
      const minor = goMinorVersion(version);
      if (!names || minor === undefined) continue;
      expect(funcIdTableFor(minor)?.names, version).toEqual(names);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('cover every release from Go 1.10, without overlaps', () => {
    for (let m = 10; m <= 26; m++) expect(funcIdTables.filter((t) => m >= t.from && m <= t.to)).toHaveLength(1);
    for (const t of funcIdTables) expect(t.names[0]).toBe('normal');
  });

  it('parse Go version strings', () => {
    expect(goMinorVersion('go1.21.3')).toBe(21);
    expect(goMinorVersion('go1.22rc1')).toBe(22);
    expect(goMinorVersion('devel go1.23-abcdef Tue')).toBe(23);
    expect(goMinorVersion('1.20')).toBe(20);
    expect(goMinorVersion('go2')).toBeUndefined();
  });

  it('are inferred from the runtime functions when the version is unknown, and only when unambiguous', () => {
    const t18 = funcIdTableFor(18)!;
    const t22 = funcIdTableFor(22)!;
    const t25 = funcIdTableFor(25)!;
    const obs = (t: { names: readonly string[] }, fns: string[]) =>
      fns.map((n) => [t.names.indexOf(n), n === 'runtime_main' ? 'runtime.main' : `runtime.${n}`] as const);
    expect(inferFuncIdNames([t18, t22, t25], obs(t22, ['goexit', 'mstart', 'runtime_main']))).toEqual(t22.names);
    expect(inferFuncIdNames([t18, t22, t25], obs(t25, ['goexit', 'systemstack', 'runtime_main']))).toEqual(t25.names);
    // abort (1) is the same function in all three: nothing tells them apart.
    expect(inferFuncIdNames([t18, t22, t25], obs(t18, ['abort']))?.[1]).toBe('abort');
    expect(inferFuncIdNames([t18, t22, t25], [[7, 'runtime.mcall']])).toBeUndefined();
    expect(inferFuncIdNames([t18], [])).toBeUndefined();
  });
});
