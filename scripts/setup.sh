#!/usr/bin/env bash
# Installs what building and running the product needs on a fresh Debian machine with the .NET SDK:
# Node.js and npm (the offline report inlines uPlot from npm at build time).
# Usage: scripts/setup.sh [--test]   (--test also installs what the tests need: Debian chromium)
set -euo pipefail

need=()
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [[ "${1:-}" == "--test" ]]; then
  [[ -x /usr/bin/chromium ]] || need+=(chromium)
fi

if ((${#need[@]})); then
  echo "setup: installing ${need[*]}" >&2
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: need root to install ${need[*]} (apt-get); run as root or install them yourself" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# uPlot for the report, from the committed lock file.
here=$(cd "$(dirname "$0")/.." && pwd)
if [[ ! -f "$here/dashboards/report/node_modules/uplot/package.json" ]]; then
  (cd "$here/dashboards/report" && npm ci --no-audit --no-fund --loglevel=error)
fi
