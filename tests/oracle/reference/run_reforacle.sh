#!/bin/sh
# Builds the reference oracle against Debian's distribution package (GOPATH
# mode), generates cases with a fixed seed and compares berth with it on
# every one. BERTH_REF_ORACLE_CASES / BERTH_REF_ORACLE_SEED override the
# count and the seed.
set -eu
go=$1 src=$2 work=$3 check=$4
cases=${BERTH_REF_ORACLE_CASES:-$5}
seed=${BERTH_REF_ORACLE_SEED:-20261127}
mkdir -p "$work/gocache"
export GOCACHE="$work/gocache" GOPATH=/usr/share/gocode GO111MODULE=off \
       GOPROXY=off GOFLAGS= GOTOOLCHAIN=local
(cd "$src" && "$go" build -o "$work/reforacle" .)
"$work/reforacle" gen -seed "$seed" -n "$cases" > "$work/cases.txt"
"$work/reforacle" run < "$work/cases.txt" > "$work/expected.txt"
"$check" "$work/cases.txt" "$work/expected.txt"
