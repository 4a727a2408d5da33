#!/usr/bin/env bash
# Packaging smoke test: packs godiag as npm would publish it, installs the tarball into a scratch project
# (offline; fflate comes from the npm cache) and uses it the way consumers do — ESM and CommonJS imports of
# every subpath in Node, the `godiag` bin, and a browser bundle (esbuild) run in the system Chromium.
# Needs a fresh build (npm run build) and, for the browser part, Chromium (scripts/ensure-chromium.sh).
# Usage: scripts/pack-smoke.sh [--keep]   (--keep leaves the scratch directory for inspection)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

keep=0
if [[ "${1:-}" == "--keep" ]]; then keep=1; fi

if [[ ! -f dist/index.js || ! -f dist/cli/main.js ]]; then
  echo "pack-smoke: dist/ is missing; run npm run build first" >&2
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/godiag-pack-smoke.XXXXXX")
if [[ $keep == 1 ]]; then
  trap 'echo "pack-smoke: scratch directory kept at $work"' EXIT
else
  trap 'rm -rf "$work"' EXIT
fi

step() { printf '\n-- pack-smoke: %s\n' "$*"; }

step "npm pack"
tarball_name=$(npm pack --silent --pack-destination "$work" | tail -n 1)
tarball="$work/$tarball_name"
[[ -f "$tarball" ]] || { echo "pack-smoke: npm pack did not produce $tarball" >&2; exit 1; }
echo "$tarball_name ($(wc -c <"$tarball") bytes)"
version=$(node -p 'require("./package.json").version')

app="$work/app"
mkdir -p "$app/www"
cat >"$app/package.json" <<'JSON'
{
  "name": "godiag-pack-smoke",
  "version": "0.0.0",
  "private": true
}
JSON

step "install the tarball into a scratch project (offline)"
(cd "$app" && npm install --offline --no-audit --no-fund --loglevel=error "$tarball")
[[ -f "$app/node_modules/godiag/package.json" ]] || { echo "pack-smoke: godiag is not installed" >&2; exit 1; }

# The installed package's own subpath list, so a new entry point is covered without editing this script.
subpaths=$(cd "$app" && node -p 'Object.keys(require("godiag/package.json").exports).filter((k) => k !== "./package.json").join(" ")')
echo "subpaths: $subpaths"

step "ESM in Node"
cat >"$app/esm.mjs" <<'JS'
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detect, GodiagError, isGodiagError } from 'godiag';
import * as trace from 'godiag/trace';
import * as pprof from 'godiag/pprof';
import * as metrics from 'godiag/metrics';
import * as gosym from 'godiag/gosym';
import * as core from 'godiag/core';
import * as node from 'godiag/node';

const resolved = import.meta.resolve('godiag');
assert.match(resolved, /\/node_modules\/godiag\/dist\/index\.js$/, `godiag resolved to ${resolved}`);

const exportsMap = createRequire(import.meta.url)('godiag/package.json').exports;
for (const key of Object.keys(exportsMap)) {
  if (key === './package.json') continue;
  const spec = key === '.' ? 'godiag' : `godiag/${key.slice(2)}`;
  const m = await import(spec);
  assert.ok(Object.keys(m).length > 0, `${spec} has no exports`);
}

const head = new TextEncoder().encode('go 1.23 trace\0\0\0');
const found = detect(head);
assert.equal(found.format, 'trace');
assert.equal(found.version, '1.23');

// One GodiagError class behind every subpath, so instanceof works whichever entry a caller imported.
for (const [name, m] of Object.entries({ trace, pprof, metrics, gosym, core })) {
  assert.equal(m.GodiagError, GodiagError, `godiag/${name} has its own GodiagError`);
}
let thrown;
try {
  detect(new Uint8Array([0xff, 0xff, 0xff, 0xff]));
} catch (e) {
  thrown = e;
}
assert.ok(thrown instanceof GodiagError, 'detect did not throw a GodiagError');
assert.ok(thrown instanceof trace.GodiagError && thrown instanceof pprof.GodiagError && thrown instanceof core.GodiagError);
assert.ok(isGodiagError(thrown) && trace.isGodiagError(thrown));
assert.equal(thrown.code, 'not-format');

// godiag/node: a real file through fileSource.
const dir = await mkdtemp(join(tmpdir(), 'godiag-smoke-'));
try {
  const file = join(dir, 'trace.out');
  await writeFile(file, head);
  const src = await node.fileSource(file);
  assert.equal(src.size, head.length);
  const parts = [];
  for await (const chunk of src) parts.push(...chunk);
  assert.deepEqual(detect(Uint8Array.from(parts)), found);
} finally {
  await rm(dir, { recursive: true, force: true });
}
console.log(`ESM ok: ${Object.keys(exportsMap).length - 1} subpaths imported, detect -> ${JSON.stringify(found)}`);
JS
(cd "$app" && node esm.mjs)

step "CommonJS in Node"
cat >"$app/cjs.cjs" <<'JS'
const assert = require('node:assert/strict');
const root = require('godiag');
assert.match(require.resolve('godiag'), /[/\\]node_modules[/\\]godiag[/\\]dist[/\\]index\.cjs$/);

const exportsMap = require('godiag/package.json').exports;
const mods = {};
for (const key of Object.keys(exportsMap)) {
  if (key === './package.json') continue;
  const spec = key === '.' ? 'godiag' : `godiag/${key.slice(2)}`;
  mods[spec] = require(spec);
  assert.ok(Object.keys(mods[spec]).length > 0, `${spec} has no exports`);
}

const found = root.detect(new TextEncoder().encode('go 1.23 trace\0\0\0'));
assert.equal(found.format, 'trace');
for (const name of ['trace', 'pprof', 'metrics', 'gosym', 'core']) {
  const m = require(`godiag/${name}`);
  assert.equal(m.GodiagError, root.GodiagError, `godiag/${name} has its own GodiagError (CJS)`);
}
assert.equal(typeof require('godiag/node').fileSource, 'function');
let thrown;
try {
  root.detect(new Uint8Array([0xff, 0xff, 0xff, 0xff]));
} catch (e) {
  thrown = e;
}
assert.ok(thrown instanceof require('godiag/trace').GodiagError, 'CJS: instanceof across subpaths');
console.log(`CJS ok: ${Object.keys(mods).length} subpaths required`);
JS
(cd "$app" && node cjs.cjs)

step "the godiag bin"
got=$(cd "$app" && npx --no-install godiag --version)
[[ "$got" == "$version" ]] || { echo "pack-smoke: godiag --version printed '$got', expected '$version'" >&2; exit 1; }
echo "godiag --version -> $got"
printf 'not a Go diagnostic file\n' >"$app/garbage.bin"
set +e
(cd "$app" && npx --no-install godiag inspect garbage.bin) >"$work/inspect.out" 2>"$work/inspect.err"
status=$?
set -e
if [[ $status -ne 1 ]]; then
  echo "pack-smoke: godiag inspect garbage.bin exited $status, expected 1" >&2
  cat "$work/inspect.out" "$work/inspect.err" >&2
  exit 1
fi
grep -q '^godiag: ' "$work/inspect.err" || { echo "pack-smoke: godiag inspect printed no error message" >&2; exit 1; }
echo "godiag inspect garbage.bin -> exit 1: $(grep -m 1 '^godiag: ' "$work/inspect.err" | head -c 120)"

step "browser bundle in Chromium"
cat >"$app/browser-entry.js" <<'JS'
import { detect, GodiagError } from 'godiag';
import * as pprof from 'godiag/pprof';

const found = detect(new TextEncoder().encode('go 1.23 trace\0\0\0'));
let shared = 'separate-error-classes';
try {
  detect(new Uint8Array([0xff, 0xff, 0xff, 0xff]));
} catch (e) {
  if (e instanceof GodiagError && e instanceof pprof.GodiagError && typeof pprof.summarizeProfile === 'function') {
    shared = 'shared-error-class';
  }
}
document.title = `godiag:${found.format}:${found.version}:${shared}`;
JS
"$root/node_modules/.bin/tsx" "$root/scripts/pack-smoke-browser.ts" "$app"

step "ok"
