/**
 * The `core` fixture set (docs/fixtures.md): the recorded cores and, for each, the files recorded beside it —
 * the executable that wrote it, the program's own goroutine dump and its oracle file. One place for the tests of
 * the core reader to find them.
 */

import { openCore, type Core } from '../../src/core/elf-core.js';
import { fixtureBytes, loadManifest, type Fixture } from './fixtures.js';

const manifest = loadManifest();
const byFormat = (format: Fixture['format']) => manifest.fixtures.filter((f) => f.format === format);

/** Every recorded core (kernel, gcore, PIE, qemu-user; Go 1.22–1.26). */
export const coreFixtures: readonly Fixture[] = byFormat('core');

/** The executable of a core: the one recorded for its kind (the PIE), else the plain build of its GOARCH. */
export function executableOf(core: Fixture): Fixture {
  const same = byFormat('core-exe').filter((f) => f.goarch === core.goarch && f.goVersion === core.goVersion);
  const exe = same.find((f) => f.kind === core.kind) ?? same.find((f) => f.kind === undefined);
  if (exe === undefined) throw new Error(`no executable recorded for ${core.path}`);
  return exe;
}

/** The goroutine dump the program printed before the core was written (`core-*.goroutines.txt`). */
export function goroutineDumpOf(core: Fixture): Fixture | undefined {
  return byFormat('core-goroutines').find((f) => f.kind === core.kind && f.goVersion === core.goVersion && f.goarch === core.goarch);
}

/** The program's oracle file beside a core (`core-kernel.oracle.json` beside `core-kernel.core.gz`). */
export function coreOracleOf(core: Fixture): Fixture | undefined {
  return manifest.fixtures.find((f) => f.path === core.path.replace(/\.core\.gz$/, '.oracle.json'));
}

/** The core opened with its executable, from the stored bytes. */
export function openCoreFixture(core: Fixture): Promise<Core> {
  return openCore(fixtureBytes(core), { executable: fixtureBytes(executableOf(core)) });
}
