/**
 * `openExecutable`: picks the container reader from the magic number.
 * @module
 */

import { ErrorCode, GodiagError } from '../../internal/errors.js';
import { toRandomAccess, type RandomAccessSource } from '../../internal/random-access.js';
import { openElf } from './elf.js';
import { openMachO, readUniversal, subRandomAccess } from './macho.js';
import { openPe } from './pe.js';
import type { Executable, OpenExecutableOptions } from './types.js';

/**
 * Opens an ELF, Mach-O (thin or universal) or PE executable. Only the headers are read; everything else
 * is read on demand, so opening a large binary costs a few kilobytes.
 *
 * A universal Mach-O file needs `options.arch` unless it holds a single architecture; the error for a
 * missing or absent architecture lists the ones present.
 * @throws GodiagError `not-format` for other files, `truncated`/`corrupt` for broken headers.
 */
export async function openExecutable(source: RandomAccessSource, options: OpenExecutableOptions = {}): Promise<Executable> {
  const ra = toRandomAccess(source);
  const head = await ra.read(0, Math.min(8, ra.size));
  const b = (i: number) => head[i] ?? -1;
  if (b(0) === 0x7f && b(1) === 0x45 && b(2) === 0x4c && b(3) === 0x46) return openElf(ra);
  if (b(0) === 0x4d && b(1) === 0x5a) return openPe(ra);
  const be = head.length >= 4 ? ((b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3)) >>> 0 : 0;
  if (be === 0xfeedface || be === 0xfeedfacf || be === 0xcefaedfe || be === 0xcffaedfe) return openMachO(ra);
  if (be === 0xcafebabe || be === 0xcafebabf) {
    const members = await readUniversal(ra);
    const list = members.map((m) => m.arch || `cputype ${m.cpu}`).join(', ');
    let pick = members[0]!;
    if (options.arch !== undefined) {
      const found = members.find((m) => m.arch === options.arch);
      if (found === undefined) {
        throw new GodiagError(ErrorCode.NotFormat, { format: 'macho', offset: 0, message: `universal file has no ${options.arch} member (it holds ${list})` });
      }
      pick = found;
    } else if (members.length > 1) {
      throw new GodiagError(ErrorCode.NotFormat, { format: 'macho', offset: 0, message: `universal file holds several architectures (${list}): choose one with the arch option` });
    }
    return openMachO(subRandomAccess(ra, pick.offset, pick.size));
  }
  throw new GodiagError(ErrorCode.NotFormat, { format: 'input', offset: 0, message: 'not an executable godiag reads (ELF, Mach-O or PE)' });
}
