#!/bin/sh
# The ways a project can use berth: installed into a scratch prefix and
# found with find_package(berth) and with pkg-config, and its source tree
# added with add_subdirectory.
set -eu
build=$1 src=$2 work=$3 berth_source=$4
rm -rf "$work" && mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$src/consumer" -B "$work/consumer" -G Ninja \
      -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/consumer" >/dev/null
"$work/consumer/consumer"
PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig:$work/prefix/lib/x86_64-linux-gnu/pkgconfig"
export PKG_CONFIG_PATH
# The .pc file names no -std (the consumer picks its own, C++20 or later)
# and passes on none of its private dependencies' flags.
if pkg-config --cflags berth | grep -qE -- '-std=|TOML_'; then
  echo "berth.pc forces flags on consumers: $(pkg-config --cflags berth)" >&2; exit 1
fi
c++ -std=c++20 -o "$work/consumer_pc" "$src/consumer/main.cc" $(pkg-config --cflags --libs berth)
"$work/consumer_pc" >/dev/null
test -x "$work/prefix/bin/berth"
"$work/prefix/bin/berth" auth encode '{"username":"a"}'
echo "install: find_package and pkg-config consumers built and ran"
# add_subdirectory: configuring checks the parent's settings are kept
# (tests/install/subproject/CMakeLists.txt); the library builds with the
# parent's flags, without optimisation to keep this test short.
cmake -S "$src/subproject" -B "$work/subproject" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
      -DBERTH_SOURCE_DIR="$berth_source" >/dev/null
cmake --build "$work/subproject" -j2 >/dev/null
"$work/subproject/consumer" >/dev/null
echo "add_subdirectory: the parent's settings kept, its consumer built and ran"
