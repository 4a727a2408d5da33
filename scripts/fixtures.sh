#!/usr/bin/env bash
# Records the Go fixtures under testdata/fixtures/ (see testdata/gen/cmd/record).
# Usage: scripts/fixtures.sh [-toolchains go1.19,go1.22.12,...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! command -v go >/dev/null 2>&1; then
  echo "fixtures.sh: the 'go' command is not on PATH; install Go (1.26 or newer) to record fixtures" >&2
  exit 1
fi
exec go run ./testdata/gen/cmd/record "$@"
