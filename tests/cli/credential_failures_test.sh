#!/bin/bash
# A credential helper that cannot be read does not stop a read: for each
# way a helper fails (missing, exit status with and without text, killed,
# junk, nothing, no credentials, hung) the X-Registry-Auth value berth
# sends — `auth encode --from-config`, `-H … search`, `-H … inspect` — is
# the one the docker CLI on PATH sends for `docker pull`/`docker search`,
# recorded by tests/fixtures/fake_engine.py (a fixture: no packaged Engine
# logs its headers); berth says what failed once on stderr, without the
# secret. Then the same configurations against a real anonymous
# docker-registry (directly and through berthd): reads succeed, `login`
# and `logout` fail with the CLI's words.
set -u
berth=$1
berthd=$2
fixtures=$(cd "$(dirname "$0")/../fixtures" && pwd)
. "$(dirname "$0")/../lib/peers.sh"
export HOME=$dir DOCKER_CONFIG=$dir/docker
unset DOCKER_HOST DOCKER_CONTEXT DOCKER_API_VERSION DOCKER_TLS_VERIFY DOCKER_CERT_PATH
mkdir -p "$DOCKER_CONFIG" "$dir/bin"
export PATH=$dir/bin:$PATH

# docker-credential-nf2: fails as $HELPER_MODE says.
cat >"$dir/bin/docker-credential-nf2" <<'EOF'
#!/bin/sh
cat >/dev/null
case "$HELPER_MODE" in
  fail) echo "No stored credential for reg.example.com"; exit 1 ;;
  silent-fail) echo "the helper's own complaint" >&2; exit 3 ;;
  killed) kill -9 $$ ;;
  junk) echo "this is not json"; exit 0 ;;
  empty) exit 0 ;;
  notfound) echo "credentials not found in native keychain"; exit 1 ;;
  hang) sleep 3600 ;;
  good) echo '{"ServerURL":"reg.example.com","Username":"bob","Secret":"hunter2"}'; exit 0 ;;
  printfail) echo '{"ServerURL":"reg.example.com","Username":"bob","Secret":"hunter2"}'; exit 1 ;;
esac
EOF
chmod +x "$dir/bin/docker-credential-nf2"

/usr/bin/python3 "$fixtures/fake_engine.py" version 1.44 --log "$dir/engine.log" --log-header X-Registry-Auth \
  >"$dir/engine.port" &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$dir/engine.port" ] && break; sleep 0.1; done
engine=tcp://127.0.0.1:$(awk '{ print $2 }' "$dir/engine.port")
api=$(docker_cli_api_with_berthd)
cli_major=$(docker -H unix:///nonexistent version --format '{{.Client.Version}}' 2>/dev/null | cut -d. -f1)
echo "docker CLI: $(command -v docker) ($(docker --version)), API $api with the fixture"

sent() { grep -F "$1" "$dir/engine.log" | tail -1 | cut -f2; }
docker_pull_header() {
  : >"$dir/engine.log"
  docker -H "$engine" pull reg.example.com/app >/dev/null 2>&1
  sent "POST /v$api/images/create"
}
docker_search_header() {
  : >"$dir/engine.log"
  docker -H "$engine" search reg.example.com/app >/dev/null 2>&1
  sent "GET /v$api/images/search"
}

# check NAME MODE CONFIG [HEADER_BERTH_SENDS]: berth's three reads against
# the docker CLI's headers; with HEADER, also that value.
check() {
  local name=$1 mode=$2 config=$3 want=${4:-}
  echo "$config" >"$DOCKER_CONFIG/config.json"
  export HELPER_MODE=$mode
  local encode err pull search
  encode=$("$berth" auth encode --from-config reg.example.com/app 2>"$dir/err")
  expect_eq "$name: auth encode --from-config exits 0" "$?" "0"
  err=$(cat "$dir/err")
  : >"$dir/engine.log"
  "$berth" -H "$engine" search reg.example.com/app >/dev/null 2>"$dir/err.search"
  local berth_search berth_inspect
  berth_search=$(sent "GET /v1.44/images/search")
  : >"$dir/engine.log"
  "$berth" -H "$engine" inspect reg.example.com/app:1 >/dev/null 2>"$dir/err.inspect"
  berth_inspect=$(sent "GET /v1.44/distribution/reg.example.com/app:1/json")
  [ -n "$want" ] && expect_eq "$name: the header" "$encode" "$want"
  expect_eq "$name: -H search sends what auth encode prints" "$berth_search" "$encode"
  expect_eq "$name: -H inspect sends what auth encode prints" "$berth_inspect" "$encode"
  if [ "$mode" != hang ]; then  # the docker CLI waits for a hung helper for ever
    pull=$(docker_pull_header)
    search=$(docker_search_header)
    if [ "$cli_major" == 20 ] && [ -n "${differs20[$name]:-}" ]; then
      # Docker CLI 20.10 treats the server address differently (see
      # docs/compatibility.md K11); the test says exactly how.
      expect_eq "$name: docker CLI 20.10's header (documented difference)" "$pull" "${differs20[$name]}"
    else
      expect_eq "$name: the header docker pull sends" "$encode" "$pull"
      expect_eq "$name: the header docker search sends" "$berth_search" "$search"
    fi
  fi
  case $mode in
    notfound|good) expect_eq "$name: nothing said" "$err" "" ;;
    *)
      expect_eq "$name: said once" "$(grep -c WARNING <<<"$err")" "1"
      expect_eq "$name: -H search said it once" "$(grep -c WARNING "$dir/err.search")" "1"
      expect_eq "$name: -H inspect said it once" "$(grep -c WARNING "$dir/err.inspect")" "1" ;;
  esac
  if grep -q hunter2 "$dir/err" "$dir/err.search" "$dir/err.inspect"; then bad "$name: a secret on stderr"; else ok; fi
}

declare -A differs20=(
  # 20.10 keeps the file entry's address when the helper has nothing, and
  # sets none when it has credentials.
  ["helper without credentials"]=$(printf '{"email":"e@example.com","serveraddress":"reg.example.com"}' | base64 -w0 | tr '+/' '-_')
  ["helper with credentials"]=$(printf '{"username":"bob","password":"hunter2"}' | base64 -w0 | tr '+/' '-_')
)

check "credsStore desktop, no such helper" desktop '{"auths":{"reg.example.com":{}},"credsStore":"desktop"}' \
  eyJzZXJ2ZXJhZGRyZXNzIjoicmVnLmV4YW1wbGUuY29tIn0=
check "credHelpers nf2 exits 1 with text" fail '{"credHelpers":{"reg.example.com":"nf2"}}' e30=
check "exits 3 printing nothing" silent-fail '{"credHelpers":{"reg.example.com":"nf2"}}' e30=
check "killed" killed '{"credHelpers":{"reg.example.com":"nf2"}}' e30=
check "prints junk" junk '{"credHelpers":{"reg.example.com":"nf2"}}' e30=
check "prints nothing" empty '{"credHelpers":{"reg.example.com":"nf2"}}' e30=
check "the file's credentials when the helper fails" fail \
  '{"auths":{"reg.example.com":{"auth":"YWxpY2U6cHc="}},"credHelpers":{"reg.example.com":"nf2"}}' \
  "$(printf '{"username":"alice","password":"pw","serveraddress":"reg.example.com"}' | base64 -w0 | tr '+/' '-_')"
check "helper without credentials" notfound \
  '{"auths":{"reg.example.com":{"email":"e@example.com"}},"credHelpers":{"reg.example.com":"nf2"}}' \
  "$(printf '{"email":"e@example.com"}' | base64 -w0 | tr '+/' '-_')"
check "helper with credentials" good '{"credHelpers":{"reg.example.com":"nf2"}}' \
  "$(printf '{"username":"bob","password":"hunter2","serveraddress":"reg.example.com"}' | base64 -w0 | tr '+/' '-_')"
check "prints the credentials, then fails" printfail '{"credHelpers":{"reg.example.com":"nf2"}}' e30=
grep -q "bytes not shown: they may hold credentials" "$dir/err" && ok || bad "printfail: $(cat "$dir/err")"
start=$(date +%s)
BERTH_CREDENTIAL_HELPER_TIMEOUT=1 check "hung helper" hang \
  '{"auths":{"reg.example.com":{}},"credHelpers":{"reg.example.com":"nf2"}}' \
  eyJzZXJ2ZXJhZGRyZXNzIjoicmVnLmV4YW1wbGUuY29tIn0=
took=$(( $(date +%s) - start ))
[ "$took" -lt 15 ] && ok || bad "the hung helper took ${took}s"
grep -q "docker-credential-nf2 get did not finish within 1000 ms" "$dir/err" && ok || bad "hung: $(cat "$dir/err")"

# --- against a real registry, directly and through berthd -------------------------
start_registry open "" || exit 1
reg=127.0.0.1:$port
bash "$fixtures/make_images.sh" "$reg" "$dir/images" --tls-verify=false >"$dir/push.log" 2>&1 \
  || { echo "make_images.sh failed:"; cat "$dir/push.log"; exit 1; }
sock=$dir/berth.sock
echo '{}' >"$dir/daemon.json"
"$berthd" -H "unix://$sock" --pidfile "" --data-root "$dir/berth-root" --config-file "$dir/daemon.json" >"$dir/berthd.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do [ -S "$sock" ] && break; sleep 0.1; done
printf '{"auths":{"%s":{}},"credsStore":"desktop"}' "$reg" >"$DOCKER_CONFIG/config.json"
digest=$(awk '$1 == "berth/multi:1.0" { print $3 }' "$dir/images/digests.txt")
out=$("$berth" inspect "$reg/berth/multi:1.0" 2>"$dir/err")
[[ $out == *"$digest"* ]] && ok || bad "inspect with a missing credsStore: $out $(cat "$dir/err")"
expect_eq "  said once" "$(grep -c WARNING "$dir/err")" "1"
out=$("$berth" search "$reg/berth" 2>/dev/null)
[[ $out == *"$reg/berth/multi"* ]] && ok || bad "search with a missing credsStore: $out"
out=$("$berth" -H "unix://$sock" inspect "$reg/berth/multi:1.0" 2>/dev/null)
[[ $out == *"$digest"* ]] && ok || bad "-H inspect with a missing credsStore: $out"
out=$("$berth" -H "unix://$sock" search "$reg/berth" 2>/dev/null)
[[ $out == *"$reg/berth/multi"* ]] && ok || bad "-H search with a missing credsStore: $out"

# A config.json that does not parse: reads go on without stored
# credentials and say so once, as CLI 28 does ("WARNING: Error parsing
# config file (PATH): …"); the file is left as it is.
printf '{"auths":' >"$DOCKER_CONFIG/config.json"
for via in "" "-H unix://$sock"; do
  # shellcheck disable=SC2086
  out=$("$berth" $via inspect "$reg/berth/multi:1.0" 2>"$dir/err")
  [[ $out == *"$digest"* ]] && ok || bad "${via:-direct} inspect with a corrupt config.json: $out $(cat "$dir/err")"
  expect_eq "  warned once (${via:-direct})" "$(grep -c "WARNING: Error parsing config file ($DOCKER_CONFIG/config.json): " "$dir/err")" "1"
  # shellcheck disable=SC2086
  out=$("$berth" $via search "$reg/berth" 2>/dev/null)
  [[ $out == *"$reg/berth/multi"* ]] && ok || bad "${via:-direct} search with a corrupt config.json: $out"
done
expect_eq "corrupt config.json left as it is" "$(cat "$DOCKER_CONFIG/config.json")" '{"auths":'
docker_warning=$(DOCKER_HOST=unix://$sock docker version 2>&1 >/dev/null | head -1)
[[ $docker_warning == "WARNING: Error "*"config file"*"$DOCKER_CONFIG/config.json"* ]] && ok \
  || bad "the docker CLI warns about a corrupt config.json: $docker_warning"
printf '{"auths":{"%s":{}},"credsStore":"desktop"}' "$reg" >"$DOCKER_CONFIG/config.json"

# Writes fail as the docker CLI's do, and leave the file as it was.
before=$(cat "$DOCKER_CONFIG/config.json")
docker_out=$(echo any | docker -H "unix://$sock" login "$reg" -u bob --password-stdin 2>&1)
out=$(echo any | "$berth" login "$reg" -u bob --password-stdin 2>&1)
code=$?
expect_eq "login: exit 1" "$code" "1"
saving='Error saving credentials: error storing credentials - err: exec: "docker-credential-desktop": executable file not found in $PATH, out: ``'
if [ "$cli_major" == 20 ]; then
  # Debian's 20.10 build words a missing helper differently (Go 1.19's
  # exec.ErrDot text); berth keeps the current CLI's words.
  saving20='Error saving credentials: error storing credentials - err: docker-credential-desktop resolves to executable in current directory (./docker-credential-desktop), out: ``'
  [[ $docker_out == *"$saving20"* ]] && ok || bad "docker 20.10 login's words: $docker_out"
else
  [[ $docker_out == *"$saving"* ]] && ok || bad "docker login's words: $docker_out"
fi
expect_eq "login: the docker CLI's words" "$out" "berth: $saving"
out=$(echo any | "$berth" -H "unix://$sock" login "$reg" -u bob --password-stdin 2>&1)
expect_eq "-H login: the same" "$out" "berth: $saving"
expect_eq "login: config.json unchanged" "$(cat "$DOCKER_CONFIG/config.json")" "$before"
out=$("$berth" logout "$reg" 2>&1)
code=$?
expect_eq "logout: exit 1" "$code" "1"
[[ $out == *"WARNING: could not erase credentials:"*"$reg: error erasing credentials - err: exec: \"docker-credential-desktop\": executable file not found in \$PATH, out: \`\`"* ]] \
  && ok || bad "logout's words: $out"
expect_eq "logout: config.json unchanged" "$(cat "$DOCKER_CONFIG/config.json")" "$before"

# Logout: one erase that was tried and failed, nothing removed — said, exit
# 1 (the docker CLI says nothing); no config at all — "Not logged in", exit
# 0, no file written; a hung helper costs one timeout, not one per key.
printf '%s\n' '#!/bin/sh' 'read -r url' 'case $1 in' \
  '  get) if [ "$url" = reg.example.com ]; then echo "{\"ServerURL\":\"reg.example.com\",\"Username\":\"bob\",\"Secret\":\"hunter2\"}"' \
  '       else echo "credentials not found in native keychain"; exit 1; fi ;;' \
  '  erase) echo boom; exit 1 ;;' 'esac' >"$dir/bin/docker-credential-mixed"
chmod +x "$dir/bin/docker-credential-mixed"
echo '{"auths":{"reg.example.com":{}},"credsStore":"mixed"}' >"$DOCKER_CONFIG/config.json"
out=$("$berth" logout reg.example.com 2>&1)
expect_eq "logout: the one erase tried failed: exit 1" "$?" "1"
[[ $out == *"WARNING: could not erase credentials:"*'reg.example.com: error erasing credentials - err: exit status 1, out: `boom`'* ]] \
  && ok || bad "logout's words: $out"
expect_eq "logout with no config at all" "$("$berth" --config "$dir/none" logout reg.example.com 2>&1; echo "exit $?")" \
  "Removing login credentials for reg.example.com
Not logged in to reg.example.com
exit 0"
[ ! -e "$dir/none" ] && ok || bad "logout created $dir/none"
echo '{"auths":{"reg.example.com":{}},"credHelpers":{"reg.example.com":"nf2"}}' >"$DOCKER_CONFIG/config.json"
start=$(date +%s%N)
HELPER_MODE=hang BERTH_CREDENTIAL_HELPER_TIMEOUT=1 "$berth" logout reg.example.com >/dev/null 2>&1
took=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$took" -lt 2500 ] && ok || bad "a hung helper cost ${took} ms on logout (one timeout is 1000 ms)"

echo "credential failures: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
