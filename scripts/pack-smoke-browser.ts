/**
 * The browser half of scripts/pack-smoke.sh: bundles APP_DIR/browser-entry.js (which imports the installed
 * tarball as `godiag` and `godiag/pprof`) with esbuild for the browser, serves it on a loopback port and
 * loads it in the system Chromium. The entry sets document.title; this checks it.
 *
 * Usage: tsx scripts/pack-smoke-browser.ts APP_DIR
 */

import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.js';

const EXPECTED_TITLE = 'godiag:trace:1.23:shared-error-class';

async function main(): Promise<void> {
  const appArg = process.argv[2];
  if (appArg === undefined) throw new Error('usage: pack-smoke-browser.ts APP_DIR');
  const app = resolve(appArg);

  // platform 'browser' makes esbuild fail on any Node built-in the browser entry points pull in.
  const result = await build({
    absWorkingDir: app,
    entryPoints: [join(app, 'browser-entry.js')],
    outfile: join(app, 'www', 'bundle.js'),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    metafile: true,
    logLevel: 'warning',
  });
  const inputs = Object.keys(result.metafile.inputs);
  if (!inputs.some((p) => p.includes('node_modules/godiag/dist/'))) {
    throw new Error(`the bundle did not come from the installed tarball; inputs: ${inputs.join(', ')}`);
  }
  await writeFile(
    join(app, 'www', 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>pending</title><script type="module" src="bundle.js"></script>\n',
  );

  const files: Record<string, [string, string]> = {
    '/': ['index.html', 'text/html; charset=utf-8'],
    '/bundle.js': ['bundle.js', 'text/javascript; charset=utf-8'],
  };
  const server = createServer((req, res) => {
    if (req.url === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const file = files[req.url ?? ''];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    readFile(join(app, 'www', file[0])).then(
      (body) => res.writeHead(200, { 'content-type': file[1] }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;

  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS], headless: true });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console error: ${m.text()}`);
    });
    await page.goto(`http://127.0.0.1:${port}/`);
    try {
      await page.waitForFunction(() => document.title !== 'pending', undefined, { timeout: 15_000 });
    } catch {
      // Reported below with whatever errors the page logged.
    }
    const title = await page.title();
    if (title !== EXPECTED_TITLE || errors.length > 0) {
      throw new Error(`document.title is ${JSON.stringify(title)}, expected ${JSON.stringify(EXPECTED_TITLE)}\n${errors.join('\n')}`);
    }
    console.log(`browser: ${await browser.version()} ran the bundle (${(await readFile(join(app, 'www', 'bundle.js'))).length} B): title ${JSON.stringify(title)}`);
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((e: unknown) => {
  console.error(`pack-smoke-browser: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
