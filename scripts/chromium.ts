/**
 * The one place that says how godiag's checks launch Chromium: the system browser (Debian's
 * /usr/bin/chromium, installed by scripts/ensure-chromium.sh), never one downloaded by a test tool.
 * Used by vitest.browser.config.ts and scripts/pack-smoke-browser.ts. GODIAG_CHROMIUM overrides the path.
 */

export const CHROMIUM_PATH = process.env['GODIAG_CHROMIUM'] ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
