import { describe, expect, it } from 'vitest';
import { GodiagError } from '../../src/internal/errors.js';
import { parseAddress } from '../../src/gosym/binary.js';

describe('parseAddress', () => {
  it('reads 0x… hexadecimal and decimal, up to 64 bits', () => {
    expect(parseAddress('0x480ce0')).toBe(4721888n);
    expect(parseAddress(' 4721888 ')).toBe(4721888n);
    expect(parseAddress('0xffffffffffffffff')).toBe(2n ** 64n - 1n);
  });

  it('rejects anything else with a RangeError (a caller mistake), not a GodiagError', () => {
    for (const bad of ['', 'main.main', '0x', '-1', '12ab', '0xg']) {
      expect(() => parseAddress(bad), bad).toThrow(RangeError);
      expect(() => parseAddress(bad), bad).not.toThrow(GodiagError);
    }
  });
});
