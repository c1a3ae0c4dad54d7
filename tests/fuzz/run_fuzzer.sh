#!/bin/sh
# CTest driver for one libFuzzer target: replays the seed corpus and the regression inputs, then
# fuzzes for a bounded time. New inputs go to a scratch corpus in the build tree (the seed corpus
# in tests/fuzz/corpus stays as committed). A crash, leak or UB report fails the test; the input
# is left as crash-* in the scratch folder.
set -eu
fuzzer=$1 seeds=$2 work=$3 seconds=${4:-20}
mkdir -p "$work/corpus" "$work/artifacts"
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "$work/corpus" "$seeds"
