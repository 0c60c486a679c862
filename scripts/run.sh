#!/usr/bin/env bash
# The main job. Without arguments: replays the shipped LG M50 NMC811 Maccor file through the cathode twin
# (Q_Li = 8.732 A·h, c_Li = 0.80 at the start; DESIGN §7) and writes out/lg-m50/ in the repository.
# With arguments: runs the `twin` CLI with them from the current directory, e.g. scripts/run.sh materials NMC811
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/setup.sh"
dotnet build "$here/src/Twin.Cli" -c Release -v quiet -nologo -clp:ErrorsOnly >&2
twin=(dotnet "$here/src/Twin.Cli/bin/Release/net10.0/twin.dll")
if (($# == 0)); then
  exec "${twin[@]}" replay "$here/samples/lg-m50-nmc811-maccor.txt" --material NMC811 --q-li-ah 8.732 --c-li0 0.80 --out "$here/out/lg-m50"
fi
exec "${twin[@]}" "$@"
