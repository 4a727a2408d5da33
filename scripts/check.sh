#!/usr/bin/env bash
# `npm run check`: everything a release needs beyond the unit tests in Node (npm test), in order, stopping
# at the first failure:
#   1. build (tsup)                          5. API docs (typedoc, warnings are errors)
#   2. publint --strict on the packed tarball 6. unit tests in headless Chromium (vitest browser mode)
#   3. are-the-types-wrong on the tarball    7. packaging smoke test (scripts/pack-smoke.sh)
#   4. bundle sizes (size-limit)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

started=$SECONDS
section() {
  printf '\n==== %s ====  (%ss)\n' "$*" "$((SECONDS - started))"
}

section "1/7 build (tsup)"
npm run --silent build

work=$(mktemp -d "${TMPDIR:-/tmp}/godiag-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
tarball="$work/$(npm pack --silent --pack-destination "$work" | tail -n 1)"
echo "packed $(basename "$tarball") ($(wc -c <"$tarball") bytes)"

section "2/7 publint (strict: warnings fail)"
publint run --strict --level suggestion "$tarball"

section "3/7 are-the-types-wrong (profile node16: node10 ignored, node16 CJS/ESM and bundler checked)"
# Entry points are discovered from package.json "exports" (., ./trace, ./pprof, ./metrics, ./gosym,
# ./core, ./node, ./package.json); node10 resolution cannot see subpaths, so the node16 profile skips it.
attw --profile node16 --format table-flipped "$tarball"

section "4/7 bundle sizes (size-limit, .size-limit.json)"
size-limit

section "5/7 API docs (typedoc, typedoc.json -> docs/api)"
typedoc

section "Chromium for the browser checks"
bash scripts/ensure-chromium.sh

section "6/7 unit tests in headless Chromium (vitest.browser.config.ts)"
# VITEST_JSON (set by .ci/run) also writes vitest's JSON report there, for the CI's pass/fail summary.
browser_reporters=()
if [[ -n "${VITEST_JSON:-}" ]]; then
  mkdir -p "$(dirname "$VITEST_JSON")"
  browser_reporters=(--reporter=default --reporter=json "--outputFile.json=$VITEST_JSON")
fi
vitest run --config vitest.browser.config.ts "${browser_reporters[@]}"

section "7/7 packaging smoke test (scripts/pack-smoke.sh)"
bash scripts/pack-smoke.sh

printf "\n==== check passed in %ss ====\n" "$((SECONDS - started))"
