#!/usr/bin/env bash
# Whole-run timings and peak RSS against depth-anything.cpp's da3-cli on the same GGUF files and
# photo, interleaved (ours, theirs, next file, …, next round) so both see the same machine load.
# Our side runs the compiled package (dist/, `npm run build`), as users run it.
#
#   DA3_CLI=/path/to/da3-cli bench/vs-depth-anything-cpp.sh [--rounds N] [--repeat N] model.gguf ...
#
# Prints per run the tools' own `bench:` lines (load, median forward) and, from one plain
# `depth` run each, the peak RSS (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=2 repeat=3 photo=fixtures/photos/desk.jpg
models=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    *) models+=("$1"); shift ;;
  esac
done
: "${DA3_CLI:?set DA3_CLI to the da3-cli of depth-anything.cpp}"
ours=(node_modules/.bin/node dist/src/cli/main.js depth --backend wasm --threads 2)
theirs=("$DA3_CLI" depth --threads 2)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for round in $(seq "$rounds"); do
  for m in "${models[@]}"; do
    echo "round $round $(basename "$m") ours:   $("${ours[@]}" --model "$m" --input "$photo" --repeat "$repeat" 2>&1 | grep '^bench:')"
    echo "round $round $(basename "$m") theirs: $("${theirs[@]}" --model "$m" --input "$photo" --repeat "$repeat" 2>&1 | grep '^bench:')"
  done
done
# Peak RSS in KiB of one plain run.
rss() {
  /usr/bin/time -f '%M' "$@" >/dev/null 2>"$out/time" || true
  tail -n 1 "$out/time"
}
for m in "${models[@]}"; do
  a=$(rss "${ours[@]}" --model "$m" --input "$photo" --pfm "$out/a.pfm")
  b=$(rss "${theirs[@]}" --model "$m" --input "$photo" --pfm "$out/b.pfm")
  echo "peak RSS $(basename "$m"): ours $a KiB, theirs $b KiB"
done
