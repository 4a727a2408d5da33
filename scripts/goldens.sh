#!/usr/bin/env bash
# npm run goldens / goldens:check — see scripts/goldens.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
exec npx tsx scripts/goldens.ts "$@"
