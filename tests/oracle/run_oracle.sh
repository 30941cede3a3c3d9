#!/bin/sh
# Builds the Go oracle, generates cases with a fixed seed, and compares
# berth with Go on every one. BERTH_ORACLE_CASES / BERTH_ORACLE_SEED in the
# environment override the count and the seed (e.g. 1000000 for a long run).
set -eu
go=$1 src=$2 work=$3 check=$4
cases=${BERTH_ORACLE_CASES:-$5}
seed=${BERTH_ORACLE_SEED:-20261127}
mkdir -p "$work/gocache"
export GOCACHE="$work/gocache" GOPATH="$work/gopath" GOFLAGS=-mod=mod \
       GOPROXY=off GO111MODULE=on GOTOOLCHAIN=local
(cd "$src" && "$go" build -o "$work/oracle" ./cmd/oracle)
"$work/oracle" gen -seed "$seed" -n "$cases" > "$work/cases.txt"
"$work/oracle" run < "$work/cases.txt" > "$work/expected.txt"
"$check" "$work/cases.txt" "$work/expected.txt"
