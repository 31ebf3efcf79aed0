#!/usr/bin/env bash
# The main job: the NPS table of the bundled sample survey, by segment and by quarter.
# Extra arguments go to `cs nps` (e.g. a CSV of your own and --by csm).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$#" -eq 0 ]; then
  set -- examples/data/survey.csv --by segment
fi
cargo run --quiet --release -p cs-cli -- nps "$@"
