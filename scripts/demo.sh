#!/usr/bin/env bash
# The main job: the portfolio report of the bundled sample data (health, renewal risk, NPS,
# onboarding, entitlements, revenue retention, survival). Extra arguments go to `cs` instead,
# e.g. `scripts/demo.sh nps my_survey.csv --by csm` or `scripts/demo.sh report --as-of 2026-09-30`.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$#" -eq 0 ]; then
  set -- report
fi
cargo run --quiet --release -p cs-cli -- "$@"
