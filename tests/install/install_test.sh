#!/bin/sh
# Installs berth into a scratch prefix, then builds a consumer against it
# twice: with find_package(berth) and with pkg-config.
set -eu
build=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$src/consumer" -B "$work/consumer" -G Ninja \
      -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/consumer" >/dev/null
"$work/consumer/consumer"
PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig:$work/prefix/lib/x86_64-linux-gnu/pkgconfig"
export PKG_CONFIG_PATH
c++ -o "$work/consumer_pc" "$src/consumer/main.cc" $(pkg-config --cflags --libs berth)
"$work/consumer_pc" >/dev/null
test -x "$work/prefix/bin/berth"
"$work/prefix/bin/berth" auth encode '{"username":"a"}'
echo "install: find_package and pkg-config consumers built and ran"
