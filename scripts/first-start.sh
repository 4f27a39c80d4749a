#!/usr/bin/env bash
# On the first start only, `make run` imports the sample roster (serve itself loads no data)
# and creates a first coordinator, printing a one-time login link to the dashboard.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
marker="var/.sample-roster-imported"
if [ ! -f "$marker" ]; then
  .venv/bin/intake roster import samples/roster.csv
  touch "$marker"
fi
coordinator="var/.first-coordinator-created"
if [ ! -f "$coordinator" ]; then
  link="$(.venv/bin/intake coordinator add coordinator@example.se)"
  touch "$coordinator"
  echo
  echo "Open the dashboard with this one-time login link (valid 24 hours, works once):"
  echo "    $link"
  echo "A new link later: .venv/bin/intake coordinator add coordinator@example.se"
  echo
fi
