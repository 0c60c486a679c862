#!/usr/bin/env bash
# Installs what building and running the product needs on a fresh Debian machine with the .NET SDK:
# Node.js and npm (the offline report and the dashboard embed uPlot from npm at build time).
# Usage: scripts/setup.sh [--test]   (--test also installs what the tests need: Debian chromium, the
# Mosquitto broker and clients, InfluxDB 1.x, VictoriaMetrics, socat, openssl, pyepics (EPICS base's Channel Access client
# library, the real client of the Channel Access server's tests) and h5py (the HDF5 C library, the independent
# reader of the NeXus file's tests); the tests start their own instances on
# 127.0.0.1 with ports and data directories of their own, so the packaged services are stopped.)
set -euo pipefail

need=()
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [[ "${1:-}" == "--test" ]]; then
  [[ -x /usr/bin/chromium ]] || need+=(chromium)
  [[ -x /usr/sbin/mosquitto ]] || need+=(mosquitto)
  command -v mosquitto_pub >/dev/null 2>&1 || need+=(mosquitto-clients)
  command -v influxd >/dev/null 2>&1 || need+=(influxdb)
  command -v victoria-metrics >/dev/null 2>&1 || need+=(victoria-metrics)
  command -v socat >/dev/null 2>&1 || need+=(socat)
  command -v openssl >/dev/null 2>&1 || need+=(openssl)
  # the system Python (a Python earlier on PATH may not see Debian's packages)
  /usr/bin/python3 -c 'import epics' >/dev/null 2>&1 || need+=(python3-pyepics)
  /usr/bin/python3 -c 'import h5py' >/dev/null 2>&1 || need+=(python3-h5py)
fi

if ((${#need[@]})); then
  echo "setup: installing ${need[*]}" >&2
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: need root to install ${need[*]} (apt-get); run as root or install them yourself" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # No service is started by the packages: tests run their own brokers and databases.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  rm -f /usr/sbin/policy-rc.d
fi

# uPlot for the report and for the dashboard, from the committed lock files.
here=$(cd "$(dirname "$0")/.." && pwd)
if [[ ! -f "$here/dashboards/report/node_modules/uplot/package.json" ]]; then
  (cd "$here/dashboards/report" && npm ci --no-audit --no-fund --loglevel=error)
fi
if [[ ! -f "$here/dashboards/Twin.Dashboard/web/node_modules/uplot/package.json" ]]; then
  (cd "$here/dashboards/Twin.Dashboard/web" && npm ci --no-audit --no-fund --loglevel=error)
fi
