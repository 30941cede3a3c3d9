#!/bin/bash
# `berth ping` against a real docker-registry that this script starts on a
# free 127.0.0.1 port (plain, then with htpasswd auth), and stops.
set -u
berth=$1
pass=0 fail=0
dir=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT

start_registry() {  # extra YAML in $1; sets port and pid
  port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  printf 'version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s/data\nhttp:\n  addr: 127.0.0.1:%s\n%s' \
    "$dir" "$port" "$1" > "$dir/config.yml"
  docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 150); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "docker-registry did not start:"; cat "$dir/registry.log"
  return 1
}
stop_registry() { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=; }

check() {  # NAME WANT_EXIT WANT_STDOUT -- COMMAND...
  local name=$1 want_exit=$2 want_out=$3
  shift 4
  local out code
  out=$("$@" 2>"$dir/err")
  code=$?
  if [[ $code == "$want_exit" && $out == "$want_out" ]]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL $name: exit $code (want $want_exit)"; echo "  stdout: $out"; echo "  want:   $want_out"
    echo "  stderr: $(cat "$dir/err")"
  fi
}

if start_registry ""; then
  check "ping plain registry" 0 "{\"url\":\"http://127.0.0.1:$port\",\"status\":200,\"api_version\":\"registry/2.0\",\"challenges\":[]}" -- "$berth" ping "127.0.0.1:$port"
  stop_registry
else
  fail=$((fail + 1))
fi
echo 'berth:$2y$05$abcdefghijklmnopqrstuu5z0lXkvYmJvxqVgJ2gq1yYCDyPKFJ.e' > "$dir/htpasswd"
if start_registry "auth:
  htpasswd:
    realm: berth-test
    path: $dir/htpasswd
"; then
  check "ping htpasswd registry" 0 "{\"url\":\"http://127.0.0.1:$port\",\"status\":401,\"api_version\":\"registry/2.0\",\"challenges\":[{\"scheme\":\"basic\",\"params\":{\"realm\":\"berth-test\"}}]}" -- "$berth" ping "127.0.0.1:$port/team/app:latest"
  stop_registry
else
  fail=$((fail + 1))
fi
check "ping nothing listening" 1 "" -- "$berth" ping 127.0.0.1:1

echo "ping: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
