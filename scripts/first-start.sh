#!/usr/bin/env bash
# On the first start only, `make run` imports the sample roster (serve itself loads no data).
set -euo pipefail
cd "$(dirname "$0")/.."
marker="var/.sample-roster-imported"
if [ ! -f "$marker" ]; then
  mkdir -p var
  .venv/bin/intake roster import samples/roster.csv
  touch "$marker"
fi
