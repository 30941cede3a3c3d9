#!/bin/bash
# berthd serving TCP over TLS as dockerd does (--tls, --tlsverify, the
# default files under DOCKER_CERT_PATH, daemon.json's keys), with the real
# clients: the docker CLI on PATH (DOCKER_TLS_VERIFY/DOCKER_CERT_PATH and
# its --tlsverify flags), docker-py's TLSConfig (Debian's python3-docker on
# /usr/bin/python3), berth -H with its global TLS flags, and curl for the
# clients that must be refused: no certificate, one from another CA, plain
# HTTP, TLS 1.1. Certificates come from tests/fixtures/make_pki.sh; an
# expired one from `openssl ca`. A docker-registry on 127.0.0.1 feeds a pull
# and a save through TLS.
set -u
berthd=$1
berth=$2
fixtures=$(cd "$(dirname "$0")/../fixtures" && pwd)
. "$(dirname "$0")/../lib/peers.sh"
export DOCKER_CONFIG=$dir/docker HOME=$dir
unset DOCKER_HOST DOCKER_CONTEXT DOCKER_API_VERSION DOCKER_TLS_VERIFY DOCKER_CERT_PATH DOCKER_TLS
# requests lets REQUESTS_CA_BUNDLE replace docker-py's own CA file.
unset REQUESTS_CA_BUNDLE CURL_CA_BUNDLE
mkdir -p "$DOCKER_CONFIG"

# --- certificates: the server's, a client's, another CA's, an expired one ------
pki=$dir/pki
bash "$fixtures/make_pki.sh" "$pki" || exit 1
mkdir -p "$dir/server" "$dir/client" "$dir/stranger" "$pki/caroot"
cp "$pki/ca.crt" "$dir/server/ca.pem"; cp "$pki/server.crt" "$dir/server/cert.pem"; cp "$pki/server.key" "$dir/server/key.pem"
cp "$pki/ca.crt" "$dir/client/ca.pem"; cp "$pki/client.crt" "$dir/client/cert.pem"; cp "$pki/client.key" "$dir/client/key.pem"
cp "$pki/ca.crt" "$dir/stranger/ca.pem"; cp "$pki/bad.crt" "$dir/stranger/cert.pem"; cp "$pki/bad.key" "$dir/stranger/key.pem"
touch "$pki/caroot/index.txt"; echo 01 > "$pki/caroot/serial"
printf '[ca]\ndefault_ca = d\n[d]\ndatabase = %s/index.txt\nnew_certs_dir = %s\nserial = %s/serial\npolicy = p\ndefault_md = sha256\n[p]\ncommonName = supplied\n' \
  "$pki/caroot" "$pki/caroot" "$pki/caroot" > "$pki/caroot/ca.cnf"
openssl req -new -key "$pki/server.key" -subj /CN=localhost 2>/dev/null |
  openssl ca -batch -config "$pki/caroot/ca.cnf" -cert "$pki/ca.crt" -keyfile "$pki/ca.key" -in /dev/stdin \
    -out "$pki/expired.crt" -startdate 20200101000000Z -enddate 20210101000000Z -notext >/dev/null 2>&1 \
  || { echo "openssl ca failed"; exit 1; }

start_registry open "" || exit 1
registry=127.0.0.1:$port
bash "$fixtures/make_images.sh" "$registry" "$dir/images" --tls-verify=false >"$dir/push.log" 2>&1 \
  || { echo "make_images.sh failed:"; cat "$dir/push.log"; exit 1; }

# start_berthd NAME ARGS...: berthd in the background, logging to
# $dir/NAME.log; waits for its TCP port $tport (set by the caller).
start_berthd() {
  local name=$1
  shift
  "$berthd" --pidfile "" --data-root "$dir/root-$name" --config-file /dev/null --insecure-registry 127.0.0.0/8 \
    "$@" >"$dir/$name.log" 2>&1 &
  pids+=($!)
  last_pid=$!
  wait_port "$tport" || { echo "berthd $name did not start:"; cat "$dir/$name.log"; return 1; }
}
stop_berthd() { kill "$last_pid" 2>/dev/null; wait "$last_pid" 2>/dev/null; }

# --- --tlsverify with the default files of DOCKER_CERT_PATH ----------------------
tport=$(free_port)
sock=$dir/berth.sock
DOCKER_CERT_PATH=$dir/server start_berthd verify --tlsverify -H "tcp://127.0.0.1:$tport" -H "unix://$sock" || exit 1
verify_pid=$last_pid
tls_env=(env DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$dir/client" DOCKER_HOST="tcp://127.0.0.1:$tport")

out=$("${tls_env[@]}" docker version --format '{{.Server.Version}}' 2>&1)
expect_eq "docker CLI with DOCKER_TLS_VERIFY" "$out" "$("$berthd" --version | awk '{print $2}')"
out=$(docker --tlsverify --tlscacert "$dir/client/ca.pem" --tlscert "$dir/client/cert.pem" \
  --tlskey "$dir/client/key.pem" -H "tcp://127.0.0.1:$tport" info --format '{{json .Warnings}}' 2>&1)
expect_eq "docker CLI --tlsverify flags; no warnings" "$out" "null"
out=$(docker -H "unix://$sock" version --format '{{.Server.Os}}' 2>&1)
expect_eq "the unix socket stays plain" "$out" "linux"

# Streams over TLS: a pull's JSONMessage lines, a save's tar.
out=$("${tls_env[@]}" docker pull "$registry/berth/multi:1.0" 2>&1)
expect_has "pull over TLS" "$out" "Status: Downloaded newer image for $registry/berth/multi:1.0"
"${tls_env[@]}" docker save -o "$dir/over-tls.tar" "$registry/berth/multi:1.0" 2>"$dir/save.err"
docker -H "unix://$sock" save -o "$dir/over-unix.tar" "$registry/berth/multi:1.0" 2>>"$dir/save.err"
if [ -s "$dir/over-tls.tar" ] && cmp -s "$dir/over-tls.tar" "$dir/over-unix.tar"; then ok; else
  bad "save over TLS differs from save over the unix socket"; cat "$dir/save.err"
fi
# An HTTP/1.0 save ends with the connection: the TLS close is clean.
code=$(curl -s --http1.0 -o "$dir/over-tls-10.tar" -w '%{http_code}' --cacert "$pki/ca.crt" --cert "$pki/client.crt" \
  --key "$pki/client.key" "https://127.0.0.1:$tport/v1.44/images/$registry/berth/multi:1.0/get"; echo " rc=$?")
expect_eq "HTTP/1.0 save over TLS" "$code" "200 rc=0"
if cmp -s "$dir/over-tls-10.tar" "$dir/over-unix.tar"; then ok; else bad "HTTP/1.0 save over TLS is not whole"; fi

# docker-py: TLSConfig, and from_env with the same environment.
out=$(/usr/bin/python3 - "$tport" "$dir/client" <<'PY' 2>&1
import sys, docker
port, certs = sys.argv[1], sys.argv[2]
tls = docker.tls.TLSConfig(client_cert=(certs + "/cert.pem", certs + "/key.pem"), ca_cert=certs + "/ca.pem", verify=True)
c = docker.DockerClient(base_url="https://127.0.0.1:" + port, tls=tls, version="auto")
print(c.version()["ApiVersion"], len(c.images.list()))
PY
)
expect_eq "docker-py TLSConfig" "$out" "1.44 1"
out=$(DOCKER_HOST=tcp://127.0.0.1:$tport DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$dir/client /usr/bin/python3 -c \
  'import docker; print(docker.from_env().ping())' 2>&1)
expect_eq "docker-py from_env" "$out" "True"

# berth -H with the global TLS flags, and with the environment.
out=$("$berth" -H "tcp://127.0.0.1:$tport" --tlsverify --tlscacert "$dir/client/ca.pem" --tlscert "$dir/client/cert.pem" \
  --tlskey "$dir/client/key.pem" info 2>&1)
expect_has "berth -H --tlsverify info" "$out" "Server Version:"
out=$("${tls_env[@]}" "$berth" info 2>&1)
expect_has "berth with DOCKER_TLS_VERIFY" "$out" "Server Version:"

# Refused: no certificate, another CA's, plain HTTP, TLS 1.1. Each is logged.
out=$(curl -s --cacert "$pki/ca.crt" "https://127.0.0.1:$tport/_ping" 2>&1; echo "rc=$?")
expect_has "no client certificate: refused" "$out" "rc=56"
out=$(curl -s --cacert "$pki/ca.crt" --cert "$pki/bad.crt" --key "$pki/bad.key" "https://127.0.0.1:$tport/_ping" 2>&1; echo "rc=$?")
[[ $out != *OK* && $out != *rc=0 ]] && ok || bad "a certificate from another CA was served: $out"
out=$("${tls_env[@]}" DOCKER_CERT_PATH="$dir/stranger" docker version 2>&1)
expect_has "docker CLI with another CA's certificate" "$out" "certificate required"
out=$(curl -s "http://127.0.0.1:$tport/_ping" 2>&1)
expect_eq "plain HTTP gets Go's answer" "$out" "Client sent an HTTP request to an HTTPS server."
out=$(curl -s --tls-max 1.1 --tlsv1.1 --cacert "$pki/ca.crt" --cert "$pki/client.crt" --key "$pki/client.key" \
  "https://127.0.0.1:$tport/_ping" 2>&1; echo "rc=$?")
[[ $out != *OK* ]] && ok || bad "TLS 1.1 was served"
sleep 0.2
log=$(cat "$dir/verify.log")
expect_has "refusals are logged" "$log" "http: TLS handshake error from 127.0.0.1:"
expect_has "plain HTTP is logged" "$log" "client sent an HTTP request to an HTTPS server"
# A client that connects and says nothing holds no one up.
exec 7<>"/dev/tcp/127.0.0.1/$tport"
out=$("${tls_env[@]}" docker version --format '{{.Server.Os}}' 2>&1)
expect_eq "served beside a silent client" "$out" "linux"
exec 7>&-
stop_berthd

# --- --tls alone verifies; --tlsverify=false does not --------------------------
tport=$(free_port)
start_berthd tls-alone --tls --tlscacert "$pki/ca.crt" --tlscert "$pki/server.crt" --tlskey "$pki/server.key" \
  -H "tcp://127.0.0.1:$tport" || exit 1
out=$(curl -s --cacert "$pki/ca.crt" "https://127.0.0.1:$tport/_ping" 2>&1; echo " rc=$?")
expect_has "--tls alone asks for a client certificate" "$out" "rc=56"
stop_berthd
tport=$(free_port)
start_berthd no-verify --tlsverify=false --tlscert "$pki/server.crt" --tlskey "$pki/server.key" \
  -H "tcp://127.0.0.1:$tport" || exit 1
out=$(curl -s --cacert "$pki/ca.crt" "https://127.0.0.1:$tport/_ping" 2>&1)
expect_eq "--tlsverify=false: TLS without client certificates" "$out" "OK"
out=$(DOCKER_TLS=1 DOCKER_CERT_PATH=$dir/client DOCKER_HOST=tcp://127.0.0.1:$tport docker info --format '{{json .Warnings}}' 2>&1)
expect_has "/info warns: no client verification" "$out" "API is accessible on https://127.0.0.1:$tport without TLS client verification."
expect_has "the warning tells why" "$out" "attack-surface"
expect_has "the log warns" "$(cat "$dir/no-verify.log")" "Binding to IP address without --tlsverify is insecure"
stop_berthd

# --- plain TCP, and daemon.json's keys -----------------------------------------
tport=$(free_port)
start_berthd plain -H "127.0.0.1:$tport" || exit 1
out=$(docker -H "tcp://127.0.0.1:$tport" info --format '{{json .Warnings}}' 2>&1)
expect_has "/info warns: no encryption" "$out" "WARNING: API is accessible on http://127.0.0.1:$tport without encryption."
stop_berthd
tport=$(free_port)
printf '{"tls": true, "tlscacert": "%s", "tlscert": "%s", "tlskey": "%s", "hosts": ["tcp://127.0.0.1:%s"]}\n' \
  "$pki/ca.crt" "$pki/server.crt" "$pki/server.key" "$tport" > "$dir/daemon.json"
"$berthd" --pidfile "" --data-root "$dir/root-json" --config-file "$dir/daemon.json" >"$dir/json.log" 2>&1 &
pids+=($!)
last_pid=$!
wait_port "$tport" || { bad "berthd with daemon.json TLS did not start"; cat "$dir/json.log"; }
out=$("${tls_env[@]}" DOCKER_HOST="tcp://127.0.0.1:$tport" docker version --format '{{.Server.Os}}' 2>&1)
expect_eq "daemon.json tls, tlscacert, tlscert, tlskey, hosts" "$out" "linux"
out=$(curl -s --cacert "$pki/ca.crt" "https://127.0.0.1:$tport/_ping" 2>&1; echo " rc=$?")
expect_has "daemon.json tls verifies clients" "$out" "rc=56"
stop_berthd
out=$("$berthd" --pidfile "" --data-root "$dir/root-json" --config-file "$dir/daemon.json" -H "tcp://127.0.0.1:1" 2>&1)
expect_has "hosts twice" "$out" "the following directives are specified both as a flag and in the configuration file: hosts: (from flag: [tcp://127.0.0.1:1], from file: [tcp://127.0.0.1:$tport])"

# --- no -H with TLS: tcp://localhost:2376 --------------------------------------
if ! (exec 3<>/dev/tcp/127.0.0.1/2376) 2>/dev/null; then
  tport=2376
  DOCKER_CERT_PATH=$dir/server start_berthd default-port --tlsverify || true
  expect_has "TLS without -H listens on 2376" "$(cat "$dir/default-port.log")" "API listen on tcp://127.0.0.1:2376"
  stop_berthd
fi

# --- bad certificates at start: no start, the file named -----------------------
# refuse NAME WANT ARGS...: berthd must exit non-zero, its error containing WANT.
refuse() {
  local name=$1 want=$2
  shift 2
  local out rc
  out=$(timeout 10 "$berthd" --pidfile "" --data-root "$dir/root-bad" --config-file /dev/null \
    -H "tcp://127.0.0.1:$(free_port)" "$@" 2>&1)
  rc=$?
  out=${out//\\\"/\"}  # the log quotes quotes
  if [ $rc -ne 0 ] && [ $rc -ne 124 ] && [[ $out == *"$want"* ]]; then ok; else
    bad "$name (rc=$rc)"; echo "  got: $out"; echo "  want to contain: $want"
  fi
}
refuse "an expired certificate" "the TLS certificate \"$pki/expired.crt\" expired on" \
  --tlsverify --tlscacert "$pki/ca.crt" --tlscert "$pki/expired.crt" --tlskey "$pki/server.key"
refuse "a key of another certificate" "tls: private key does not match public key" \
  --tlsverify --tlscacert "$pki/ca.crt" --tlscert "$pki/server.crt" --tlskey "$pki/client.key"
refuse "a missing certificate" "open $dir/nothing.pem: no such file or directory" \
  --tlsverify --tlscacert "$pki/ca.crt" --tlscert "$dir/nothing.pem" --tlskey "$pki/server.key"
chmod 000 "$dir/server/key.pem"
if [ "$(id -u)" != 0 ]; then
  refuse "an unreadable key" "open $dir/server/key.pem: permission denied" \
    --tlsverify --tlscacert "$pki/ca.crt" --tlscert "$pki/server.crt" --tlskey "$dir/server/key.pem"
fi
chmod 600 "$dir/server/key.pem"
refuse "a CA file that is not PEM" "failed to append certificates from PEM file: \"$dir/daemon.json\"" \
  --tlsverify --tlscacert "$dir/daemon.json" --tlscert "$pki/server.crt" --tlskey "$pki/server.key"
refuse "verification without a CA" "needs a CA certificate" \
  --tlsverify --tlscert "$pki/server.crt" --tlskey "$pki/server.key"
refuse "a bad -H" "invalid bind address format: ftp://x" -H ftp://x

echo "tls e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
