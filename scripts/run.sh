#!/usr/bin/env bash
# The main job. Without arguments: `twin demo` — the firmware simulator (NMC811‖graphite coin cell on a simulated
# Keithley 2450, a diffractometer trigger box), the driver running a two-cycle CC-CV protocol in accelerated time
# with the cut-off by lithium content on, and the twin on the embedded default; writes out/demo/ in the repository.
# With arguments: runs the `twin` CLI with them from the current directory, e.g. scripts/run.sh materials NMC811
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/setup.sh"
dotnet build "$here/src/Twin.Cli" -c Release -v quiet -nologo -clp:ErrorsOnly >&2
twin=(dotnet "$here/src/Twin.Cli/bin/Release/net10.0/twin.dll")
if (($# == 0)); then
  exec "${twin[@]}" demo --out "$here/out/demo"
fi
exec "${twin[@]}" "$@"
