#!/usr/bin/env bash
# The main job: the portfolio review of Omnico's book of business (the sample company,
# generated in memory as of 2026-06-30): writes report.html (open it in a browser; it prints
# well too), prints the terminal summary and the path of the file. Extra arguments go to
# `cs report` (e.g. `scripts/demo.sh --data examples/data/omnico --as-of 2026-06-30 -o /tmp/r.html`),
# or, when the first one is a command name, to `cs` (e.g. `scripts/demo.sh nps my_survey.csv --by csm`).
set -euo pipefail
cd "$(dirname "$0")/.."
out="report.html"
given=""
if [ "$#" -gt 0 ] && [[ "$1" != -* ]]; then
  exec cargo run --quiet --release -p cs-cli -- "$@"
fi
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    -o | --output) out="${args[i + 1]:-$out}" given=1 ;;
    --output=*) out="${args[i]#--output=}" given=1 ;;
  esac
done
if [ -z "$given" ]; then
  set -- -o "$out" "$@"
fi
cargo run --quiet --release -p cs-cli -- report "$@"
echo "Report: $(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
