import { describe, expect, it } from 'vitest';
import { cutTraceSync } from '../../src/trace/cut.js';
import { readGenerationsSync } from '../../src/trace/wire/index.js';
import { fixtureBytes, loadManifest } from '../support/fixtures.js';
import { normalize } from '../support/trace-gen.js';

describe('cutTrace', () => {
  const multi = loadManifest().fixtures.filter((f) => f.format === 'trace' && f.kind === 'flight-recorder');
  it('has flight-recorder fixtures to cut', () => expect(multi.length).toBeGreaterThan(0));
  for (const f of multi) {
    it(`${f.path}: every single generation cuts out on its own`, () => {
      const bytes = fixtureBytes(f);
      const gens = [...readGenerationsSync(bytes)];
      for (const g of gens) {
        const out = cutTraceSync(bytes, { fromGeneration: g.gen, toGeneration: g.gen });
        expect(out.length).toBe(16 + g.end - g.offset);
        expect(normalize([...readGenerationsSync(out)])).toEqual(normalize([g]));
      }
    });
  }

  it('rejects a range with no generation in it, naming the ones there are', () => {
    const bytes = fixtureBytes(loadManifest().fixtures.find((f) => f.path === 'go1.26.8/linux-amd64/basic.trace.gz')!);
    expect(() => cutTraceSync(bytes, { fromGeneration: 50, toGeneration: 60 })).toThrow(/no generation in 50\.\.60: it has generations 1\.\.1/);
    expect(() => cutTraceSync(bytes, { fromGeneration: 3, toGeneration: 2 })).toThrow(RangeError);
  });
});
