#!/bin/bash
# berth as an Engine API client (berth -H HOST …, berth::EngineClient)
# against berthd, side by side with the docker CLI on the machine: what
# each sends to berthd is captured by tests/fixtures/recording_proxy.py and
# compared byte for byte (X-Registry-Auth headers, the /auth body), and
# berth's output through the Engine is checked against berth's own
# straight to the registry. Everything on 127.0.0.1 and unix sockets in a
# scratch directory; docker-registry with htpasswd holds the images.
set -u
berthd=$1
berth=$2
example=${3:-}  # examples/engine_inspect, when built
fixtures=$(cd "$(dirname "$0")/../fixtures" && pwd)
. "$(dirname "$0")/../lib/peers.sh"
export DOCKER_CONFIG=$dir/docker HOME=$dir
unset DOCKER_HOST DOCKER_CONTEXT DOCKER_API_VERSION DOCKER_TLS_VERIFY DOCKER_CERT_PATH
mkdir -p "$DOCKER_CONFIG"

htpasswd -Bbn alice s3cret > "$dir/htpasswd"
start_registry reg "$(printf 'auth:\n  htpasswd:\n    realm: berth-test\n    path: %s/htpasswd\n' "$dir")" || exit 1
reg=127.0.0.1:$port
bash "$fixtures/make_images.sh" "$reg" "$dir/images" --creds alice:s3cret --tls-verify=false >"$dir/push.log" 2>&1 \
  || { echo "make_images.sh failed:"; cat "$dir/push.log"; exit 1; }

sock=$dir/berth.sock
echo "{}" > "$dir/daemon.json"
bport=$(free_port)
"$berthd" -H "unix://$sock" -H "tcp://127.0.0.1:$bport" --pidfile "" --data-root "$dir/berth-root" --config-file "$dir/daemon.json" --log-level debug \
  --registry-mirror https://mirror.invalid >"$dir/berthd.log" 2>&1 &
pids+=($!)
wait_port "$bport" || { echo "berthd did not start"; cat "$dir/berthd.log"; exit 1; }
# The recording proxy in front of berthd's unix socket.
/usr/bin/python3 "$fixtures/recording_proxy.py" --port 0 --socket "$sock" --log "$dir/sent.log" >"$dir/proxy.port" &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$dir/proxy.port" ] && break; sleep 0.1; done
proxy=tcp://127.0.0.1:$(awk '{ print $2 }' "$dir/proxy.port")
echo "docker CLI: $(command -v docker) ($(docker --version))"
# The API version the docker CLI speaks with berthd: its requests are found
# under /v$api; berth -H negotiates 1.44.
api=$(docker_cli_api_with_berthd)

# The X-Registry-Auth of the last request whose line matches PATTERN.
sent_auth() { grep -E "$1" "$dir/sent.log" | tail -1 | cut -f2; }
sent_body() { grep -E "$1" "$dir/sent.log" | tail -1 | cut -f3; }
clear_sent() { : > "$dir/sent.log"; }

# --- credentials in config.json (the file store) --------------------------------
printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$reg" "$(printf alice:s3cret | base64)" > "$DOCKER_CONFIG/config.json"
clear_sent
docker -H "$proxy" search "$reg/berth" >"$dir/docker-search.out" 2>&1
docker_header=$(sent_auth "GET /v$api/images/search")
clear_sent
"$berth" -H "$proxy" search "$reg/berth" >"$dir/berth-search.out" 2>&1
berth_header=$(sent_auth 'GET /v1.44/images/search')
expect_eq "search: X-Registry-Auth as the docker CLI sends it (config.json)" "$berth_header" "$docker_header"
expect_has "  (and it carries the stored credentials)" "$(echo "$berth_header" | base64 -d 2>/dev/null)" '"username":"alice"'
expect_has "berth search through the Engine lists the images" "$(cat "$dir/berth-search.out")" "$reg/berth/multi"
expect_has "docker search lists the same" "$(cat "$dir/docker-search.out")" "$reg/berth/multi"
expect_eq "berth -H search --format json = berth search --format json (straight to the registry)" \
  "$("$berth" -H "$proxy" search "$reg/berth" --format json 2>/dev/null)" \
  "$("$berth" search "$reg/berth" --format json 2>/dev/null)"

# No credentials for the registry: both send {} ("e30=").
clear_sent
docker -H "$proxy" search "127.0.0.1:1/nothing" >/dev/null 2>&1
docker_header=$(sent_auth "GET /v$api/images/search")
"$berth" -H "$proxy" search "127.0.0.1:1/nothing" >/dev/null 2>&1
berth_header=$(sent_auth 'GET /v1.44/images/search')
expect_eq "search without stored credentials: the same header" "$berth_header" "$docker_header"
expect_eq "  (which is {})" "$berth_header" "e30="

# Distribution inspect: the CLI sends it for `service create --with-registry-auth`
# (the service request after it fails: berthd has no swarm routes).
clear_sent
docker -H "$proxy" service create --detach --with-registry-auth --name web "$reg/berth/multi:1.0" >/dev/null 2>&1
docker_header=$(sent_auth "GET /v$api/distribution/$reg/berth/multi:1.0/json")
clear_sent
through=$("$berth" -H "$proxy" inspect "$reg/berth/multi:1.0" 2>&1)
berth_header=$(sent_auth "GET /v1.44/distribution/$reg/berth/multi:1.0/json")
expect_eq "inspect: X-Registry-Auth as docker service create --with-registry-auth sends it" "$berth_header" "$docker_header"
expect_eq "berth -H inspect = berth inspect (straight to the registry)" "$through" \
  "$("$berth" inspect "$reg/berth/multi:1.0" 2>&1)"
expect_has "  (the digest skopeo pushed)" "$through" "$(awk '$1 == "berth/multi:1.0" { print $3 }' "$dir/images/digests.txt")"

# A pinned older API version goes on the wire.
clear_sent
DOCKER_API_VERSION=1.40 "$berth" -H "$proxy" inspect "$reg/berth/multi:1.0" >/dev/null 2>&1
expect_eq "DOCKER_API_VERSION=1.40: no ping, /v1.40 on the wire" "$(cut -f1 "$dir/sent.log")" \
  "GET /v1.40/distribution/$reg/berth/multi:1.0/json"
DOCKER_HOST=$proxy DOCKER_API_VERSION=1.29 "$berth" inspect x >/dev/null 2>"$dir/err"
expect_eq "distribution inspect needs 1.30 (DOCKER_HOST honoured)" "$(cat "$dir/err")" \
  'berth: x: "distribution inspect" requires API version 1.30, but the Docker daemon API version is 1.29'

# --- login through the Engine, into a credential helper ------------------------
export PATH=$(cd "$(dirname "$0")/../credentials" && pwd):$PATH BERTH_TEST_HELPER_DIR=$dir/keychain
mkdir -p "$BERTH_TEST_HELPER_DIR"
echo '{"credsStore": "berth-test"}' > "$DOCKER_CONFIG/config.json"
clear_sent
printf s3cret | docker -H "$proxy" login "$reg" -u alice --password-stdin >/dev/null 2>&1
docker_body=$(sent_body "POST /v$api/auth")
docker logout "$reg" >/dev/null 2>&1
clear_sent
out=$(printf s3cret | "$berth" -H "$proxy" login "$reg" -u alice --password-stdin 2>&1)
expect_has "berth -H login: the daemon's Status" "$out" "Login Succeeded"
expect_eq "login: the POST /auth body as the docker CLI sends it" "$(sent_body 'POST /v1.44/auth')" "$docker_body"
expect_has "  stored in the credential helper" "$(cat "$BERTH_TEST_HELPER_DIR"/*.json 2>/dev/null)" "$reg"
clear_sent
docker -H "$proxy" service create --detach --with-registry-auth --name web "$reg/berth/multi:1.0" >/dev/null 2>&1
docker_header=$(sent_auth "GET /v$api/distribution/$reg/berth/multi:1.0/json")
"$berth" -H "$proxy" inspect "$reg/berth/multi:1.0" >/dev/null 2>&1
expect_eq "inspect: the same header from the credential helper" \
  "$(sent_auth "GET /v1.44/distribution/$reg/berth/multi:1.0/json")" "$docker_header"
docker -H "$proxy" search "$reg/berth" >/dev/null 2>&1
docker_header=$(sent_auth "GET /v$api/images/search")
"$berth" -H "$proxy" search "$reg/berth" >/dev/null 2>&1
expect_eq "search: the same header from the credential helper" "$(sent_auth 'GET /v1.44/images/search')" "$docker_header"
out=$(printf wrong | "$berth" -H "unix://$sock" login "$reg" -u alice --password-stdin 2>&1)
expect_eq "a wrong password: the daemon's error, exit 1" "$out $?" \
  "berth: Error response from daemon: login attempt to http://$reg/v2/ failed with status: 401 Unauthorized 1"

# --- examples/engine_inspect: the README's program --------------------------------
if [ -n "$example" ]; then
  out=$("$example" -H "unix://$sock" "$reg/berth/multi:1.0" 2>&1)
  expect_has "engine_inspect with the stored credentials" "$out" \
    "$reg/berth/multi:1.0 $(awk '$1 == "berth/multi:1.0" { print $3 }' "$dir/images/digests.txt")"
  out=$(printf s3cret | "$example" -H "unix://$sock" --login alice "$reg/berth/multi:1.0" 2>&1)
  expect_has "engine_inspect --login" "$out" "Login Succeeded"
  expect_has "  then inspects" "$out" "linux/amd64"
fi

# --- berth info ------------------------------------------------------------------
out=$("$berth" -H "unix://$sock" info 2>&1)
expect_has "berth info: the mirrors" "$out" " Registry Mirrors:
  https://mirror.invalid/"
expect_has "berth info: the insecure registries" "$out" " Insecure Registries:
  127.0.0.0/8"
# (The CLI's own struct leaves out the null AllowNondistributableArtifacts*
# members: compare what it shows.)
"$berth" -H "tcp://127.0.0.1:$bport" info --format json >"$dir/berth-info.json"
docker -H "tcp://127.0.0.1:$bport" info --format '{{json .RegistryConfig}}' >"$dir/docker-info.json"
expect_eq "berth info --format json: the daemon's RegistryConfig, as docker info --format shows it" \
  "$(/usr/bin/python3 -c 'import json,sys; b=json.load(open(sys.argv[1]))["RegistryConfig"]; d=json.load(open(sys.argv[2])); print(json.dumps({k: b[k] for k in d}, sort_keys=True))' "$dir/berth-info.json" "$dir/docker-info.json")" \
  "$(/usr/bin/python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])), sort_keys=True))' "$dir/docker-info.json")"
expect_has "-H HOST:PORT is tcp, as the CLI reads it" "$("$berth" -H "127.0.0.1:$bport" info 2>&1)" " Registry Mirrors:"
"$berth" -H "unix://$dir/none.sock" info >/dev/null 2>"$dir/err"
expect_eq "no Engine there: the CLI's words" "$(cat "$dir/err")" \
  "berth: Cannot connect to the Docker daemon at unix://$dir/none.sock. Is the docker daemon running?"

if grep -q s3cret "$dir/berthd.log"; then bad "a password in berthd's log"; else ok; fi
echo "engine client e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
