/**
 * A file opened for random access with its reads counted: what the benchmarks report as "bytes read". The
 * count is taken beneath any page cache the caller puts in front (`cachedRandomAccess(counted.file)`).
 */

import type { RandomAccess } from 'godiag';
import { openFile } from 'godiag/node';

/** The counting wrapper and its running totals. */
export interface CountedFile {
  /** The file; `close()` closes it. */
  file: RandomAccess & { close(): Promise<void> };
  /** Bytes read so far. */
  bytes(): number;
  /** Reads so far. */
  reads(): number;
}

/** Opens `path` without godiag/node's page cache and counts every read. */
export async function openCountedFile(path: string): Promise<CountedFile> {
  const raw = await openFile(path, { cache: false });
  let bytes = 0;
  let reads = 0;
  const file = {
    size: raw.size,
    read(offset: number, length: number) {
      bytes += length;
      reads++;
      return raw.read(offset, length);
    },
    close: () => raw.close(),
  };
  return { file, bytes: () => bytes, reads: () => reads };
}
