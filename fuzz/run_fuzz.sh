#!/bin/sh
# Fuzzes one target for a fixed time from the seed corpus (new inputs go to
# a scratch corpus, never into the source tree).
set -eu
target=$1 work=$2 seeds=$3 seconds=$4
mkdir -p "$work/corpus" "$work/artifacts"
exec "$target" "$work/corpus" "$seeds" -max_total_time="$seconds" \
     -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
     -artifact_prefix="$work/artifacts/" -print_final_stats=1
