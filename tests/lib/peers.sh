# Sourced by the shell tests that start real peers on 127.0.0.1: a scratch
# directory and the background processes, both cleaned up on exit; free
# ports; docker-registry instances; pass/fail counting.
#   dir, pids, pass, fail          set here
#   free_port                      prints a port free on 127.0.0.1
#   wait_port PORT                 waits (15 s at most) until it accepts
#   start_registry NAME YAML       docker-registry in $dir/NAME, extra config YAML; sets $port
#   ok / bad MESSAGE               count a check
#   expect_eq NAME GOT WANT        a check of equality; expect_has NAME HAYSTACK NEEDLE of a part
# shellcheck shell=bash
pass=0 fail=0
dir=$(mktemp -d)
pids=()
peers_cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  rm -rf "$dir"
}
trap peers_cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 1 150); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }

start_registry() {  # NAME EXTRA_YAML; sets port
  port=$(free_port)
  mkdir -p "$dir/$1"
  printf 'version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s/data\nhttp:\n  addr: 127.0.0.1:%s\n%s' \
    "$dir/$1" "$port" "$2" > "$dir/$1/config.yml"
  docker-registry serve "$dir/$1/config.yml" >"$dir/$1/registry.log" 2>&1 &
  pids+=($!)
  wait_port "$port" && return 0
  echo "docker-registry did not start:"; cat "$dir/$1/registry.log"
  return 1
}

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
expect_eq() {  # NAME GOT WANT
  if [ "$2" == "$3" ]; then ok; else bad "$1"; echo "  got:  $2"; echo "  want: $3"; fi
}
expect_has() {  # NAME HAYSTACK NEEDLE
  if [[ $2 == *"$3"* ]]; then ok; else bad "$1"; echo "  got: $2"; echo "  want to contain: $3"; fi
}

# The docker CLI on PATH: the newest Engine API version it speaks, and the
# one it settles on with berthd (1.44 at most); "docker CLI PATH (VERSION)"
# for the log. The tests run with the machine's CLI and with Debian 12's
# 20.10 (API 1.41), and compare berth with the one at hand.
docker_cli_api() { docker -H unix:///nonexistent version --format '{{.Client.DefaultAPIVersion}}' 2>/dev/null; }
docker_cli_api_with_berthd() {
  local own
  own=$(docker_cli_api)
  if [ "$(printf '%s\n1.44\n' "$own" | sort -V | head -1)" == "$own" ]; then echo "$own"; else echo 1.44; fi
}

# hide_programs NAME...: takes the named programs off PATH (each PATH
# directory holding one is replaced by a shadow with links to the rest).
hide_programs() {
  local newpath="" d entry shadow entries name hidden
  IFS=: read -ra entries <<<"$PATH"
  for d in "${entries[@]}"; do
    hidden=""
    for name in "$@"; do [ -e "$d/$name" ] && hidden=1; done
    if [ -n "$hidden" ]; then
      shadow="$dir/path-shadow/$(tr / _ <<<"$d")-$(tr ' ' _ <<<"$*")"
      if [ ! -d "$shadow" ]; then
        mkdir -p "$shadow"
        for entry in "$d"/*; do
          for name in "$@"; do [ "${entry##*/}" == "$name" ] && continue 2; done
          ln -s "$entry" "$shadow/"
        done
      fi
      d=$shadow
    fi
    newpath=${newpath:+$newpath:}$d
  done
  export PATH=$newpath
}

# Takes the docker CLI's default credential stores (pass,
# docker-credential-pass, docker-credential-secretservice) off PATH, so a
# login with no store configured writes config.json as on a machine
# without them — for berth and the docker CLI alike.
hide_default_credential_stores() { hide_programs pass docker-credential-pass docker-credential-secretservice; }
