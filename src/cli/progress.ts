/**
 * Progress on stderr for long reads: shown only when stderr is a terminal and the read has taken more
 * than a second, redrawn at most ten times a second, and erased when done.
 * @module
 */

import type { ProgressCallback } from '../internal/input.js';

/** A progress reporter for one read. */
export interface Progress {
  onProgress: ProgressCallback;
  done(): void;
}

/** Creates a progress reporter writing to `stream` (normally `process.stderr`). */
export function terminalProgress(stream: NodeJS.WriteStream, label: string, now = () => Date.now()): Progress {
  const start = now();
  let last = 0;
  let shown = false;
  return {
    onProgress(read, total) {
      if (!stream.isTTY) return;
      const t = now();
      if (t - start < 1000 || t - last < 100) return;
      last = t;
      shown = true;
      const pct = total ? ` ${((100 * read) / total).toFixed(1)}%` : '';
      stream.write(`\r${label}: ${formatBytes(read)}${total ? ` of ${formatBytes(total)}` : ''}${pct}\x1b[K`);
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}

/** Formats a byte count for people: 1.5 MiB. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`;
}
