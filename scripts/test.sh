#!/usr/bin/env bash
# Runs every test. Installs what the tests need when it is missing (Node.js/npm, Debian chromium for the
# headless-browser test of the report), then builds and runs all test projects.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
scripts/setup.sh --test
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
# Build in parallel, then run the test assemblies one after another (-m:1): several of them start real
# brokers, databases, simulators at 600-2400x and timing-checked processes, and on a 2-core machine running
# them side by side starves the time-sensitive ones.
dotnet build Twin.sln -c Release --nologo -v quiet -clp:ErrorsOnly 2>&1 | tee "$log" || status=$?
if [ "$status" -eq 0 ]; then
  dotnet test Twin.sln -c Release --nologo --no-build -m:1 --blame-hang-timeout 15m --blame-hang-dump-type none 2>&1 | tee -a "$log" || status=$?
fi
# One closing line over all test assemblies: "N passed, N failed".
awk '/^(Passed|Failed)! +- +Failed:/ { gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1) } }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
if ! grep -qE '^(Passed|Failed)! ' "$log"; then
  echo "tests: no test assembly ran" >&2
  exit 1
fi
exit "$status"
