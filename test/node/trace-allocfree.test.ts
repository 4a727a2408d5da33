import { describe, expect, it } from 'vitest';
import { EventType, Experiment } from '../../src/trace/spec/index.js';
import { batchEvents, decodeAllocFreeBatch, readGenerationsSync, type AllocFreeBatch } from '../../src/trace/wire/index.js';
import { fixtureBytes, loadManifest } from '../support/fixtures.js';

const allocFree = loadManifest().fixtures.filter((f) => f.format === 'trace' && f.kind === 'allocfree');

describe('AllocFree experimental batches of the recorded fixtures', () => {
  it('has AllocFree fixtures', () => {
    expect(allocFree.length).toBeGreaterThan(0);
  });

  for (const f of allocFree) {
    it(`${f.path}: every batch decodes, and heap object events name types of their generation's table`, () => {
      let infos = 0;
      let typed = 0;
      for (const g of readGenerationsSync(fixtureBytes(f))) {
        const decoded: AllocFreeBatch[] = g.experimentalBatches.filter((b) => b.experiment === Experiment.AllocFree).map((b) => decodeAllocFreeBatch(b));
        const ids = new Set(decoded.flatMap((b) => (b.kind === 'types' ? b.types.map((t) => t.id) : [])));
        for (const b of decoded) {
          if (b.kind === 'info') {
            infos++;
            expect(Number(b.pageSize) & (Number(b.pageSize) - 1)).toBe(0); // a power of two
          } else for (const t of b.types) expect(t.name.length).toBeGreaterThan(0);
        }
        for (const batch of g.batches) {
          for (const ev of batchEvents(g.version, batch)) {
            if (ev.type !== EventType.HeapObject && ev.type !== EventType.HeapObjectAlloc) continue;
            const type = ev.args[2]!;
            if (type !== 0) {
              expect(ids.has(type), `type ${type} of the event at byte ${ev.offset}`).toBe(true);
              typed++;
            }
          }
        }
      }
      expect(infos).toBeGreaterThan(0);
      expect(typed).toBeGreaterThan(0);
    });
  }
});
