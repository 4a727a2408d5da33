/**
 * `Pclntab.spDelta(pc)` (the pcsp table's value at a pc, which the core reader's unwinder uses) on a recorded Go
 * 1.26 executable: 0 at every function's entry (nothing pushed yet), never above the function's frame size, that
 * frame size reached within the function, −1 outside every function. The unwinder's agreement with the program's
 * own goroutine dumps (core-go-fixtures) is the end-to-end check.
 */

import { describe, expect, it } from 'vitest';
import { openBinary } from '../../src/gosym/binary.js';
import { fixtureBytes, loadManifest } from '../support/fixtures.js';

const exe = loadManifest().fixtures.find((f) => f.format === 'core-exe' && f.goVersion?.startsWith('go1.26') && f.goarch === 'amd64' && f.kind === undefined)!;

describe('Pclntab.spDelta', () => {
  it('is 0 at entries, bounded by and reaching the frame size, −1 outside functions', async () => {
    const bin = await openBinary(fixtureBytes(exe));
    let checked = 0;
    for (const f of bin.functions()) {
      if (!f.name.startsWith('main.') && !f.name.startsWith('runtime.gopark') && !f.name.startsWith('runtime.chanrecv')) continue;
      expect(bin.table.spDelta(f.entry)).toBe(0);
      let max = 0;
      for (let pc = f.entry; pc < f.end; pc++) {
        const d = bin.table.spDelta(pc);
        expect(d).toBeLessThanOrEqual(f.maxFrameSize);
        if (d > max) max = d;
      }
      expect(max).toBe(f.maxFrameSize);
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
    const first = bin.functions().next().value!;
    expect(bin.table.spDelta(first.entry - 1n)).toBe(-1);
  });
});
