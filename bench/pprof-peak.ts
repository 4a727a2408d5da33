/**
 * Peak memory of the whole user path — stream a file, gunzip, decode — as the process's maximum RSS:
 * `node --import tsx bench/pprof-peak.ts FILE` prints {"maxRss": bytes}; with no FILE it only loads the
 * modules, which gives the baseline to subtract.
 */

import { parseProfile } from '../src/pprof/parse.js';
import { fileSource } from '../src/node/index.js';

const file = process.argv[2];
const samples = file === undefined ? 0 : (await parseProfile(await fileSource(file))).sample.length;
// resourceUsage().maxRSS is in KiB.
console.log(JSON.stringify({ samples, maxRss: process.resourceUsage().maxRSS * 1024 }));
