#!/usr/bin/env bash
# Makes sure the system Chromium that the browser checks drive is present (Debian's /usr/bin/chromium, or
# $GODIAG_CHROMIUM). Test tools' own browser downloads are not used. Installs it with apt-get when running
# as root on a Debian-like system; otherwise says what to do and fails.
set -euo pipefail

chromium=${GODIAG_CHROMIUM:-/usr/bin/chromium}

report() {
  # Debian's wrapper script can print shell noise on stderr; only the version line matters.
  echo "ensure-chromium: using $chromium ($("$chromium" --version 2>/dev/null | head -n 1 || true))"
}

if [[ -x "$chromium" ]]; then
  report
  exit 0
fi

if [[ "$chromium" == /usr/bin/chromium && $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: $chromium is missing; installing the chromium package with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
  if [[ -x "$chromium" ]]; then
    report
    exit 0
  fi
  echo "ensure-chromium: apt-get installed chromium, but $chromium is still missing" >&2
  exit 1
fi

cat >&2 <<EOF
ensure-chromium: no Chromium at $chromium.
  The browser tests and the packaging smoke test need a system Chromium. Either install it
  (Debian/Ubuntu, as root: apt-get update && apt-get install -y chromium) or point GODIAG_CHROMIUM
  at a Chromium/Chrome executable.
EOF
exit 1
