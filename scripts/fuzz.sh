#!/usr/bin/env bash
# Runs the cargo-fuzz targets of fuzz/ one after the other, nice'd, on one core.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]   fuzz each target for SECONDS (default 600)
#   scripts/fuzz.sh --replay [TARGET...]    run each input of the committed corpus once, then stop
#   scripts/fuzz.sh --list                  the targets
#
# Rayon is held to one thread (RAYON_NUM_THREADS=1) so a run takes one core.
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). Inputs the fuzzer
# finds go to fuzz/work/<target>/ (not committed; copy the interesting ones to
# fuzz/corpus/<target>/), crashes to fuzz/artifacts/<target>/, one log per target to
# fuzz/logs/<target>.log. A summary line per target (executions, coverage, crashes) ends the
# run; the exit status is 1 when a target crashed. `cargo test` replays fuzz/corpus on stable
# without any of this (cs-cli/tests/fuzz_corpus.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export RAYON_NUM_THREADS=${RAYON_NUM_THREADS:-1}

mode=fuzz
seconds=600
case "${1:-}" in
    --replay) mode=replay; shift ;;
    --list) exec cargo +nightly fuzz list ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    ''|*[!0-9]*) ;;
    *) seconds=$1; shift ;;
esac
if [ $# -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo +nightly fuzz list)
fi

# One build for every target (release, debug assertions, address sanitizer, coverage).
nice -n 10 cargo +nightly fuzz build

mkdir -p fuzz/logs
status=0
summary=()
for t in "${targets[@]}"; do
    corpus="$root/fuzz/corpus/$t"
    [ -d "$corpus" ] || { echo "no corpus directory $corpus" >&2; exit 2; }
    log="$root/fuzz/logs/$t.log"
    if [ "$mode" = replay ]; then
        dirs=("$corpus")
        flags=(-runs=0)
    else
        mkdir -p "fuzz/work/$t"
        # New inputs go to the first directory; the committed corpus is only read.
        dirs=("$root/fuzz/work/$t" "$corpus")
        flags=("-max_total_time=$seconds")
    fi
    echo "== $t ($mode${flags[*]/#/ })"
    start=$SECONDS
    if nice -n 10 cargo +nightly fuzz run "$t" "${dirs[@]}" -- \
        "${flags[@]}" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
        result=ok
    else
        result=CRASH
        status=1
        tail -n 40 "$log"
    fi
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$')
    line="$t: $result, ${execs:-?} executions, coverage ${cov:-?}, $((SECONDS - start)) s (log: fuzz/logs/$t.log)"
    echo "$line"
    summary+=("$line")
done
printf '\n'
printf '%s\n' "${summary[@]}"
exit "$status"
