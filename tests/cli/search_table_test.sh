#!/bin/bash
# `berth search` prints the table docker CLI 28 prints: the same results
# (tests/fixtures/search_results.json: long, accented, wide, empty
# descriptions, official flags) through tests/fixtures/fake_engine.py (a
# fixture: no packaged Engine answers a chosen search), compared byte for
# byte with the docker CLI's output recorded from CLI 28.2.2
# (search_table*.docker28.txt) and, when the docker CLI on PATH is 23 or
# later, with what it prints now. (CLI 20.10 prints an AUTOMATED column and
# sorts by stars: docs/compatibility.md G9.)
set -u
berth=$1
fixtures=$(cd "$(dirname "$0")/../fixtures" && pwd)
. "$(dirname "$0")/../lib/peers.sh"
export HOME=$dir DOCKER_CONFIG=$dir/docker
unset DOCKER_HOST DOCKER_CONTEXT DOCKER_API_VERSION DOCKER_TLS_VERIFY DOCKER_CERT_PATH
mkdir -p "$DOCKER_CONFIG"

/usr/bin/python3 "$fixtures/fake_engine.py" version 1.44 --search-results "$fixtures/search_results.json" \
  >"$dir/engine.port" &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$dir/engine.port" ] && break; sleep 0.1; done
engine=tcp://127.0.0.1:$(awk '{ print $2 }' "$dir/engine.port")

compare() {  # NAME GOT_FILE WANT_FILE
  if cmp -s "$2" "$3"; then ok; else bad "$1"; diff "$2" "$3" | cat -A | head -20; fi
}
"$berth" -H "$engine" search anything >"$dir/berth.txt" 2>"$dir/err"
compare "berth search: docker CLI 28's table" "$dir/berth.txt" "$fixtures/search_table.docker28.txt"
"$berth" -H "$engine" search --no-trunc anything >"$dir/berth-no-trunc.txt" 2>>"$dir/err"
compare "berth search --no-trunc" "$dir/berth-no-trunc.txt" "$fixtures/search_table_no_trunc.docker28.txt"
[ ! -s "$dir/err" ] && ok || bad "stderr: $(cat "$dir/err")"

major=$(docker -H unix:///nonexistent version --format '{{.Client.Version}}' 2>/dev/null | cut -d. -f1)
echo "docker CLI: $(command -v docker) ($(docker --version))"
if [ "${major:-0}" -ge 23 ] 2>/dev/null; then
  docker -H "$engine" search anything >"$dir/docker.txt" 2>&1
  compare "the docker CLI on PATH prints the recorded table" "$dir/docker.txt" "$fixtures/search_table.docker28.txt"
  docker -H "$engine" search --no-trunc anything >"$dir/docker-no-trunc.txt" 2>&1
  compare "  and --no-trunc" "$dir/docker-no-trunc.txt" "$fixtures/search_table_no_trunc.docker28.txt"
fi

echo "search table: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
