#!/usr/bin/env bash
# Runs every check CI runs (.ci/run calls exactly this). Idempotent: sets up .venv on first use.
#   formatting, clippy, Rust tests + doctests, the Python wheel build and its install test, chromium (for the
#   browser test of `cs report`), pytest, ruff, stubtest.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
start=$SECONDS
step() { printf '\n== %s (%ss)\n' "$*" "$((SECONDS - start))"; }

step "cargo fmt --check"
cargo fmt --all -- --check
step "cargo clippy --all-targets -- -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings
step "Rust tests and doctests"
cargo test --workspace --exclude cs-python --locked
step "build the Python wheel (profile ci: optimised, no LTO) and install it into .venv"
# One build serves pytest, the browser test and the install test. Published wheels are built
# with --release (fat LTO); see README "Install".
wheels="$(pwd)/target/wheels-ci"
rm -rf "$wheels"
(cd cs-python && maturin build --quiet --profile ci --locked --out "$wheels")
wheel=$(ls "$wheels"/cs_core-*.whl)
python -m pip install --quiet --force-reinstall --no-deps "$wheel"
step "install test: the wheel in a fresh venv, outside the repository"
scripts/install_test.sh "$wheel"
step "chromium for the browser test of cs report (Debian's package, installed when missing)"
if ! command -v chromium >/dev/null; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
step "pytest"
python -m pytest tests/python -q -p no:cacheprovider
step "ruff"
ruff check .
ruff format --check .
step "stub check (mypy.stubtest)"
python -m mypy.stubtest cs_core --mypy-config-file mypy.ini --allowlist tests/python/stubtest-allowlist.txt
step "all checks passed"
