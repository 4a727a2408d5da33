/**
 * google/pprof's golden files: for each legacy profile X in the shared corpus with an X.string,
 * profileToString(parseLegacyProfile(X)) must equal X.string (which is google/pprof's `String()` of its
 * own parse). The corpus is a sibling checkout that a user's clone lacks: then the test is skipped.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/fixtures.js';
import { parseLegacyProfile } from '../../src/pprof/legacy/index.js';
import { profileToString } from '../../src/pprof/string.js';

const DIR = join(ROOT, '..', 'shared', 'corpus', 'pprof', 'google-pprof');

describe('google/pprof legacy corpus', () => {
  if (!existsSync(DIR)) {
    it.skip('parses google/pprof testdata exactly as google/pprof prints it: ../shared/corpus is absent', () => {});
    return;
  }
  const inputs = readdirSync(DIR)
    .filter((f) => !f.endsWith('.string') && existsSync(join(DIR, f + '.string')))
    .sort();
  it.each(inputs)('%s', (name) => {
    const p = parseLegacyProfile(new Uint8Array(readFileSync(join(DIR, name))));
    expect(profileToString(p)).toBe(readFileSync(join(DIR, name + '.string'), 'utf8'));
  });
});
