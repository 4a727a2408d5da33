/**
 * Peak memory of the whole user path — stream a file, gunzip, decode: `node --import tsx bench/pprof-peak.ts
 * FILE` prints {"maxRss": bytes}; with no FILE it only loads the modules, which gives the baseline to subtract.
 *
 * The peak is the process's own high-water mark (VmHWM in /proc/self/status on Linux). `resourceUsage().maxRSS`
 * is the fallback elsewhere, but on Linux it includes the RSS a process inherits from its parent at fork,
 * so under bench/pprof.ts (whose heap holds profiles) it would report the parent's size.
 */

import { readFileSync } from 'node:fs';
import { parseProfile } from '../src/pprof/parse.js';
import { fileSource } from '../src/node/index.js';

function highWaterMark(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // Not Linux.
  }
  // resourceUsage().maxRSS is in KiB.
  return process.resourceUsage().maxRSS * 1024;
}

const file = process.argv[2];
const samples = file === undefined ? 0 : (await parseProfile(await fileSource(file))).sample.length;
console.log(JSON.stringify({ samples, maxRss: highWaterMark() }));
