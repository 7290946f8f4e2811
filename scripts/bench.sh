#!/usr/bin/env bash
# Whole-run benchmark of `kubeguard lint` on the 50 MB stream built from the shared corpus.
# Prints wall time, MB/s and peak RSS for each thread count, with the default checks and with
# --add-all-built-in. Needs ../shared and GNU time.
#   scripts/bench.sh [SIZE_MB] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-50}
runs=${2:-3}
bench=/tmp/kubeguard-bench-${size}.yaml
[ -f "$bench" ] || python3 ../shared/corpus/make-bench.py "$bench" "$size"
cargo build --release --locked -q -p kubeguard-cli
bin=target/release/kubeguard
bytes=$(stat -c %s "$bench")
echo "input: $bench ($bytes bytes), --format json, $(nproc) cores"
for checks in default all; do
  flags=()
  [ "$checks" = all ] && flags=(--add-all-built-in)
  for threads in 1 2; do
    best=""
    for _ in $(seq "$runs"); do
      # The stream is 52.4 MB, just over the 50 MiB default file-size limit.
      /usr/bin/time -f "%e %M" -o /tmp/kubeguard-bench.time "$bin" lint -j "$threads" --max-file-size 100Mi \
        --format json "${flags[@]}" "$bench" >/dev/null || true
      read -r secs rss_kb < <(tail -n 1 /tmp/kubeguard-bench.time)
      if [ -z "$best" ] || awk "BEGIN{exit !($secs < ${best%% *})}"; then best="$secs $rss_kb"; fi
    done
    read -r secs rss_kb <<<"$best"
    awk -v s="$secs" -v r="$rss_kb" -v b="$bytes" -v t="$threads" -v c="$checks" \
      'BEGIN{printf "checks=%-7s threads=%d  best of runs: %.2f s  %.1f MB/s  peak RSS %.0f MB (%.1fx input)\n", c, t, s, b/1e6/s, r/1024, r*1024/b}'
  done
done
