#!/bin/bash
# berthd with the real clients, as users run them: the docker CLI (the
# `docker` on PATH — the machine's own, else Debian's docker.io from
# scripts/setup) and docker-py 5.0.3 (Debian's python3-docker, on
# /usr/bin/python3), against berthd and docker-registry instances this
# script starts on 127.0.0.1 and a unix socket in a temporary directory.
set -u
berthd=$1
berth=$2
fixtures=$(cd "$(dirname "$0")/../fixtures" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
. "$(dirname "$0")/../lib/peers.sh"
export DOCKER_CONFIG=$dir/docker HOME=$dir
unset DOCKER_HOST DOCKER_CONTEXT DOCKER_API_VERSION
# Both clients keep credentials in the test helper (tests/credentials), which
# stands in for a keychain: docker would otherwise pick pass or secretservice
# on its own for a config without credentials, and find them uninitialized.
export PATH=$here/../credentials:$PATH BERTH_TEST_HELPER_DIR=$dir/keychain
mkdir -p "$DOCKER_CONFIG" "$BERTH_TEST_HELPER_DIR"
echo '{"credsStore": "berth-test"}' > "$DOCKER_CONFIG/config.json"

# A registry with htpasswd and test images.
htpasswd -Bbn alice s3cret > "$dir/htpasswd"
rport=$(free_port)
printf 'version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s/data\nhttp:\n  addr: 127.0.0.1:%s\nauth:\n  htpasswd:\n    realm: berth-test\n    path: %s/htpasswd\n' \
  "$dir" "$rport" "$dir" > "$dir/registry.yml"
docker-registry serve "$dir/registry.yml" >"$dir/registry.log" 2>&1 &
pids+=($!)
wait_port "$rport" || { echo "docker-registry did not start"; cat "$dir/registry.log"; exit 1; }
reg=127.0.0.1:$rport
bash "$fixtures/make_images.sh" "$reg" "$dir/images" --creds alice:s3cret --tls-verify=false >"$dir/push.log" 2>&1 \
  || { echo "make_images.sh failed:"; cat "$dir/push.log"; exit 1; }
# And one without auth, for docker-py's search (it sends no credentials).
oport=$(free_port)
printf 'version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s/odata\nhttp:\n  addr: 127.0.0.1:%s\n' \
  "$dir" "$oport" > "$dir/open.yml"
docker-registry serve "$dir/open.yml" >"$dir/open.log" 2>&1 &
pids+=($!)
wait_port "$oport" || { echo "docker-registry (open) did not start"; cat "$dir/open.log"; exit 1; }
open=127.0.0.1:$oport
bash "$fixtures/make_images.sh" "$open" "$dir/openimages" --tls-verify=false >"$dir/push2.log" 2>&1 \
  || { echo "make_images.sh failed:"; cat "$dir/push2.log"; exit 1; }

# berthd on TCP and a unix socket.
bport=$(free_port)
sock=$dir/berth.sock
echo '{"insecure-registries": ["registry.one.test:5000"]}' > "$dir/daemon.json"
"$berthd" -H "tcp://127.0.0.1:$bport" -H "unix://$sock" --pidfile "$dir/berthd.pid" --data-root "$dir/berth-root" --certs-dir "$dir/certs.d" \
  --config-file "$dir/daemon.json" --request-timeout 2 --log-level debug >"$dir/berthd.log" 2>&1 &
berthd_pid=$!
pids+=($berthd_pid)
wait_port "$bport" || { echo "berthd did not start"; cat "$dir/berthd.log"; exit 1; }
tcp=tcp://127.0.0.1:$bport
echo "docker CLI: $(command -v docker) ($(docker --version)); docker-py: $(/usr/bin/python3 -c 'import docker; print(docker.__version__)')"

# --- the docker CLI -----------------------------------------------------------
out=$(docker -H "$tcp" version 2>&1)
expect_has "docker version" "$out" "API version:      1.44 (minimum version 1.24)"
# The client settles on 1.44, or its own version when that is older.
cli_api=$(docker_cli_api)
if [ "$(docker_cli_api_with_berthd)" == "$cli_api" ]; then
  expect_has "docker version: the client's own API $cli_api" "$out" "API version:       $cli_api
"
else
  expect_has "docker version: the client downgraded to 1.44" "$out" "API version:       1.44 (downgraded from $cli_api)"
fi
out=$(docker -H "unix://$sock" info 2>&1)
expect_has "docker info over the unix socket" "$out" "Insecure Registries:"
expect_has "docker info: 127.0.0.0/8" "$out" "127.0.0.0/8"
out=$(docker -H "$tcp" info --format '{{json .RegistryConfig.IndexConfigs}}' 2>&1)
expect_has "docker info --format RegistryConfig" "$out" '"docker.io":{"Name":"docker.io","Mirrors":[],"Secure":true,"Official":true}'

out=$(echo nope | docker -H "$tcp" login "$reg" -u alice --password-stdin 2>&1)
expect_has "docker login, wrong password" "$out" "Error response from daemon: login attempt to http://$reg/v2/ failed with status: 401 Unauthorized"
status=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
  -d "{\"username\":\"alice\",\"password\":\"nope\",\"serveraddress\":\"$reg\"}" "http://127.0.0.1:$bport/v1.44/auth")
expect_has "POST /auth, wrong password: 401 (dockerd: 500)" "$status" "401"
[ ! -e "$DOCKER_CONFIG/config.json" ] || ! grep -q "$reg" "$DOCKER_CONFIG/config.json" && ok || bad "nothing stored after a failed login"
out=$(echo s3cret | docker -H "$tcp" login "$reg" -u alice --password-stdin 2>&1)
expect_has "docker login" "$out" "Login Succeeded"
expect_has "docker stored through the helper" "$(cat "$BERTH_TEST_HELPER_DIR/calls" 2>/dev/null)" "store $reg alice"
header=$("$berth" auth encode --from-config "$reg/berth/multi:1.0")
expect_has "berth reads what docker login stored" "$("$berth" auth decode "$header")" \
  "{\"username\":\"alice\",\"password\":\"s3cret\",\"serveraddress\":\"$reg\"}"

out=$(docker -H "$tcp" search "$reg/multi" 2>&1)
expect_has "docker search (the v2 catalog behind berthd)" "$out" "$reg/berth/multi"
out=$(docker -H "$tcp" search --limit 101 "$reg/multi" 2>&1)
expect_has "docker search --limit 101" "$out" "limit 101 is outside the range of [1, 100]"
out=$(docker -H "$tcp" logout "$reg" 2>&1)
expect_has "docker logout" "$out" "Removing login credentials for $reg"

# --- docker-py ----------------------------------------------------------------
if /usr/bin/python3 "$here/docker_py_e2e.py" "$tcp" "unix://$sock" "$reg" "$dir/images/digests.txt" "$open" \
   >"$dir/py.log" 2>&1; then
  ok
else
  bad "docker-py"; cat "$dir/py.log"
fi
pass=$((pass + $(grep -c '^ok ' "$dir/py.log" || true)))

# --- the daemon itself ------------------------------------------------------------
out=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$bport/v1.45/_ping")
expect_has "a version above 1.44 is refused" "$out" "400"
out=$(curl -s "http://127.0.0.1:$bport/nope")
expect_has "unknown routes" "$out" '{"message":"page not found"}'
out=$(/usr/bin/python3 - "$bport" <<'PY'
import socket, sys
port = int(sys.argv[1])
answers = []
# A 100 KiB header, a 1 MiB header, a 2 MB body: each refused, the daemon stays up.
for request in (b"GET /_ping HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100000 + b"\r\n\r\n",
                b"GET /_ping HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 1100000 + b"\r\n\r\n",
                b"POST /auth HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n" + b"{" * 1000):
    s = socket.create_connection(("127.0.0.1", port))
    try:
        s.sendall(request)
    except OSError:
        pass
    answers.append(s.recv(100).split(b"\r\n")[0].decode())
    s.close()
print(" | ".join(answers))
PY
)
expect_has "oversized headers and bodies refused" "$out" "HTTP/1.1 431 Request Header Fields Too Large | HTTP/1.1 431 Request Header Fields Too Large | HTTP/1.1 413 Payload Too Large"
out=$(curl -s "http://127.0.0.1:$bport/_ping")
expect_has "still serving" "$out" "OK"
out=$(curl -s "http://127.0.0.1:$bport/metrics")
expect_has "metrics" "$out" 'berthd_requests_total{route="/auth",status="200"}'
metric() { curl -s "http://127.0.0.1:$bport/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }
# An uncached inspect with the registry's challenge already known: one
# registry request; the same again: from the cache, none.
# (A serveraddress makes these credentials differ from docker-py's: nothing cached yet.)
auth=$(printf '{"username":"alice","password":"s3cret","serveraddress":"'"$reg"'"}' | base64 -w0 | tr '+/' '-_')
curl -s -H "X-Registry-Auth: $auth" "http://127.0.0.1:$bport/v1.44/distribution/$reg/berth/multi:t1/json" >/dev/null
before=$(metric berthd_registry_requests_total)
body=$(curl -s -H "X-Registry-Auth: $auth" "http://127.0.0.1:$bport/v1.44/distribution/$reg/berth/multi:t2/json")
expect_has "inspect through berthd" "$body" '"mediaType":"application/vnd.oci.image.index.v1+json"'
expect_has "one registry request for an uncached inspect" "$(( $(metric berthd_registry_requests_total) - before ))" "1"
hits=$(metric berthd_inspect_cache_hits_total)
again=$(curl -s -H "X-Registry-Auth: $auth" "http://127.0.0.1:$bport/v1.44/distribution/$reg/berth/multi:t2/json")
expect_has "the same answer from the cache" "$again" "$body"
expect_has "a cache hit, no registry request" "$(( $(metric berthd_inspect_cache_hits_total) - hits )) $(( $(metric berthd_registry_requests_total) - before ))" "1 1"
nocreds=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$bport/v1.44/distribution/$reg/berth/multi:t2/json")
expect_has "the cache never answers another client's credentials" "$nocreds" "500"

# Many clients at once.
clients=()
for i in $(seq 1 40); do curl -s "http://127.0.0.1:$bport/v1.44/version" -o "$dir/par.$i" & clients+=($!); done
wait "${clients[@]}"
good=0; for i in $(seq 1 40); do grep -q '"ApiVersion":"1.44"' "$dir/par.$i" && good=$((good + 1)); done
expect_has "40 concurrent clients" "$good" "40"

# A slow client (half a request) is dropped after --request-timeout (2 s).
out=$(/usr/bin/python3 - "$bport" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /_ping HTTP/1.1\r\nHost: x\r\n")
s.settimeout(10)
start = time.time()
data = s.recv(100)
# The deadline sweep runs once a second: the drop comes 2 to 3 s after.
took = time.time() - start
print("closed" if data == b"" else "answered", "in time" if 1.9 <= took <= 3.5 else "after %.1f s" % took)
PY
)
expect_has "slow client dropped" "$out" "closed in time"

# Pipelined requests on one connection, a HEAD among them: answered in
# order, the HEAD's answer without a body (its Content-Length the GET's).
out=$(/usr/bin/python3 - "$bport" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"HEAD /v1.44/nope HTTP/1.1\r\nHost: x\r\n\r\nGET /v1.44/_ping HTTP/1.1\r\nHost: x\r\n\r\n"
          b"GET /v1.44/nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
s.settimeout(5)
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
parts = data.split(b"HTTP/1.1 ")
print([p.split(b"\r\n")[0].decode() + "|" + p.split(b"\r\n\r\n", 1)[1].decode() for p in parts[1:]])
PY
)
expect_has "pipelined HEAD, GET, GET answered in order, no body for HEAD" "$out" \
  "['404 Not Found|', '200 OK|OK', '404 Not Found|{\"message\":\"page not found\"}\\n']"

# A client that asks for "Expect: 100-continue" gets the interim answer and
# sends its body at once (curl would otherwise wait its --expect100-timeout).
start=$(date +%s%N)
out=$(curl -s --unix-socket "$sock" --expect100-timeout 20 -H 'Expect: 100-continue' \
  -H 'Content-Type: application/json' -d "{\"username\":\"alice\",\"password\":\"s3cret\",\"serveraddress\":\"$reg\"}" \
  http://berthd/v1.44/auth)
elapsed=$((($(date +%s%N) - start) / 1000000))
expect_has "POST /auth with Expect: 100-continue" "$out" "Login Succeeded"
if [ "$elapsed" -lt 10000 ]; then ok; else bad "Expect: 100-continue waited ${elapsed} ms"; fi

# A failed registry request is logged with its error, as dockerd logs it.
dead=$(free_port)
curl -s --unix-socket "$sock" "http://berthd/v1.44/distribution/127.0.0.1:$dead/x/json?q=1" >/dev/null
sleep 0.2
expect_has "a 5xx is logged with its error" "$(cat "$dir/berthd.log")" \
  "Handler for GET /v1.44/distribution/127.0.0.1:$dead/x/json returned error: "

# SIGHUP: new registry options, or the old ones kept when they are invalid.
echo '{"insecure-registries": ["registry.two.test:5000"]}' > "$dir/daemon.json"
kill -HUP "$berthd_pid"; sleep 0.5
out=$(docker -H "$tcp" info --format '{{json .RegistryConfig.IndexConfigs}}' 2>&1)
expect_has "reloaded on SIGHUP" "$out" '"registry.two.test:5000"'
echo '{"insecure-registries": ' > "$dir/daemon.json"
kill -HUP "$berthd_pid"; sleep 0.5
out=$(docker -H "$tcp" info --format '{{json .RegistryConfig.IndexConfigs}}' 2>&1)
expect_has "an invalid configuration keeps the old one" "$out" '"registry.two.test:5000"'
expect_has "and says so" "$(cat "$dir/berthd.log")" "keeping the old configuration"

if grep -q s3cret "$dir/berthd.log"; then bad "a password in berthd's log"; else ok; fi
kill -TERM "$berthd_pid"
for _ in $(seq 1 100); do kill -0 "$berthd_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$berthd_pid" 2>/dev/null; then bad "berthd did not stop on SIGTERM"; else ok; fi
[ ! -e "$sock" ] && [ ! -e "$dir/berthd.pid" ] && ok || bad "socket and pid file removed on stop"
expect_has "graceful stop logged" "$(cat "$dir/berthd.log")" "berthd shutdown complete"

# Bad flags are refused before berthd starts; a -H naming a file that is
# not a socket leaves that file as it was, whether berthd tried it or gave
# up on an earlier address.
for flags in "--worker-threads -1" "--worker-threads 0" "--io-threads -1" "--request-timeout 0" \
             "--request-timeout nan" "--inspect-cache-ttl -5" "--log-level nope" "--log-format xml"; do
  # shellcheck disable=SC2086
  out=$("$berthd" -H "unix://$dir/never.sock" --pidfile "$dir/never.pid" --data-root "$dir/never-root" $flags 2>&1)
  code=$?
  if [ "$code" -ne 0 ] && [ ! -e "$dir/never.pid" ] && [ ! -e "$dir/never.sock" ] && [[ $out == *"${flags%% *}"* ]]; then
    ok
  else
    bad "berthd $flags: exit $code, $out"
  fi
done
echo "important data" > "$dir/notasocket.txt"
busy=$(free_port)
python3 -c 'import socket,sys,time; s=socket.socket(); s.bind(("127.0.0.1",int(sys.argv[1]))); s.listen(); time.sleep(30)' "$busy" &
pids+=($!)
wait_port "$busy"
"$berthd" -H "unix://$dir/notasocket.txt" --pidfile "" --data-root "$dir/berth-root2" >"$dir/start1.log" 2>&1
code1=$?
"$berthd" -H "tcp://127.0.0.1:$busy" -H "unix://$dir/notasocket.txt" --pidfile "" --data-root "$dir/berth-root2" >"$dir/start2.log" 2>&1
code2=$?
if [ "$code1" -ne 0 ] && [ "$code2" -ne 0 ] && [ "$(cat "$dir/notasocket.txt")" = "important data" ]; then
  ok
else
  bad "a failed start must leave a non-socket -H path alone (exit $code1, $code2): $(cat "$dir/start1.log" "$dir/start2.log")"
fi

echo "berthd e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
