#!/bin/bash
# The berth CLI as users run it: arguments and stdin, stdout, stderr and the
# exit status, on the spec's vectors.
set -u
berth=$1
pass=0 fail=0

# check NAME WANT_EXIT WANT_STDOUT WANT_STDERR -- COMMAND... (stdin from $IN)
check() {
  local name=$1 want_exit=$2 want_out=$3 want_err=$4
  shift 5
  local out err code
  out=$(printf '%s' "${IN-}" | "$@" 2>/tmp/berth_cli_err.$$)
  code=$?
  err=$(cat /tmp/berth_cli_err.$$)
  if [[ $code == "$want_exit" && $out == "$want_out" && $err == "$want_err" ]]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL $name: exit $code (want $want_exit)"
    echo "  stdout: $out"
    echo "  want:   $want_out"
    echo "  stderr: $err"
    echo "  want:   $want_err"
  fi
}

H='eyJ1c2VybmFtZSI6InRlc3R1c2VyIiwicGFzc3dvcmQiOiJ0ZXN0cGFzc3dvcmQiLCJzZXJ2ZXJhZGRyZXNzIjoiZXhhbXBsZS5jb20ifQ=='
J='{"username":"testuser","password":"testpassword","serveraddress":"example.com"}'

IN= check "encode arg" 0 "$H" "" -- "$berth" auth encode "$J"
IN="$J" check "encode stdin" 0 "$H" "" -- "$berth" auth encode
IN= check "encode empty" 0 "e30=" "" -- "$berth" auth encode '{}'
IN= check "encode from config and JSON" 1 "" "berth: --from-config takes the credentials from the configuration, not a JSON argument" -- "$berth" auth encode --from-config ubuntu '{}'
IN= check "encode html" 0 "eyJ1c2VybmFtZSI6ImFcdTAwM2NiIn0=" "" -- "$berth" auth encode '{"username":"a<b"}'
IN= check "encode bad json" 1 "" "invalid character 'x' looking for beginning of value" -- "$berth" auth encode 'x'
IN= check "encode type error" 1 "" "json: cannot unmarshal number into Go struct field AuthConfig.username of type string" -- "$berth" auth encode '{"username":1}'
IN= check "decode arg" 0 "$J" "" -- "$berth" auth decode "$H"
IN="$H
" check "decode stdin with newline" 0 "$J" "" -- "$berth" auth decode
IN= check "decode unpadded" 1 "{}" "invalid X-Registry-Auth header: unexpected EOF" -- "$berth" auth decode "${H%==}"
IN= check "decode illegal" 1 "{}" "invalid X-Registry-Auth header: illegal base64 data at input byte 0" -- "$berth" auth decode '!!!!'
IN= check "decode empty stdin" 0 "{}" "" -- "$berth" auth decode
IN= check "decode body" 0 '{"username":"a"}' "" -- "$berth" auth decode --body '{"username":"a"}{"username":"b"}'
IN= check "decode body empty" 1 "{}" "invalid X-Registry-Auth header: EOF" -- "$berth" auth decode --body
IN= check "json search" 0 '{"star_count":42,"is_official":false,"name":"fakeimage","is_automated":false,"description":"<b>"}' "" -- "$berth" json SearchResult '{"name":"fakeimage","STAR_COUNT":42,"description":"<b>"}'
IN= check "json escape html" 0 '{"IdentityToken":"","Status":"\u003c"}' "" -- "$berth" json AuthenticateOKBody --escape-html '{"Status":"<"}'
IN='{"Name":"docker.io"} trailing' check "json whole input" 1 "" "invalid character 't' after top-level value" -- "$berth" json IndexInfo
IN='{"Name":"docker.io"} trailing' check "json first value" 0 '{"Name":"docker.io","Mirrors":null,"Secure":false,"Official":false}' "" -- "$berth" json IndexInfo --first-value
IN= check "json service config" 0 '{"AllowNondistributableArtifactsCIDRs":null,"AllowNondistributableArtifactsHostnames":null,"InsecureRegistryCIDRs":["127.0.0.0/8"],"IndexConfigs":{"docker.io":{"Name":"docker.io","Mirrors":[],"Secure":true,"Official":true}},"Mirrors":null}' "" -- "$berth" json ServiceConfig '{"InsecureRegistryCIDRs":["127.0.0.1/8"],"IndexConfigs":{"docker.io":{"Name":"docker.io","Mirrors":[],"Secure":true,"Official":true}}}'
IN= check "json bad cidr" 1 "" "invalid CIDR address: 1.2.3.4/33" -- "$berth" json ServiceConfig '{"InsecureRegistryCIDRs":["1.2.3.4/33"]}'
IN= check "json distribution" 0 '{"Descriptor":{"mediaType":"m","digest":"sha256:00","size":7},"Platforms":null}' "" -- "$berth" json DistributionInspect '{"Descriptor":{"mediaType":"m","digest":"sha256:00","size":7}}'

IN= check "ref normalized" 0 '{"string":"docker.io/library/ubuntu:22.04","familiar":"ubuntu:22.04","name":"docker.io/library/ubuntu","domain":"docker.io","path":"library/ubuntu","tag":"22.04"}' "" -- "$berth" ref ubuntu:22.04
IN= check "ref registry" 0 '{"string":"localhost:5000/team/app","familiar":"localhost:5000/team/app","name":"localhost:5000/team/app","domain":"localhost:5000","path":"team/app"}' "" -- "$berth" ref localhost:5000/team/app
ID=dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c
IN= check "ref any id" 0 "{\"string\":\"sha256:$ID\",\"digest\":\"sha256:$ID\"}" "" -- "$berth" ref --any "$ID"
IN= check "ref id refused" 1 "" "invalid repository name ($ID), cannot specify 64-byte hexadecimal strings" -- "$berth" ref "$ID"
IN= check "ref uppercase" 1 "" "invalid reference format: repository name (docker/Docker) must be lowercase" -- "$berth" ref docker/Docker
IN= check "ref bad digest" 1 "" "invalid checksum digest length" -- "$berth" ref "repo@sha256:ffffffffffffffffffffffffffffffffff"

DEFAULT='{"AllowNondistributableArtifactsCIDRs":null,"AllowNondistributableArtifactsHostnames":null,"InsecureRegistryCIDRs":["127.0.0.0/8"],"IndexConfigs":{"docker.io":{"Name":"docker.io","Mirrors":[],"Secure":true,"Official":true}},"Mirrors":null}'
IN= check "config default" 0 "$DEFAULT" "" -- "$berth" config
IN= check "config flags" 0 '{"AllowNondistributableArtifactsCIDRs":null,"AllowNondistributableArtifactsHostnames":null,"InsecureRegistryCIDRs":["10.0.0.0/8","127.0.0.0/8"],"IndexConfigs":{"docker.io":{"Name":"docker.io","Mirrors":["https://m.example.com/"],"Secure":true,"Official":true},"reg:5000":{"Name":"reg:5000","Mirrors":[],"Secure":false,"Official":false}},"Mirrors":["https://m.example.com/"]}' "warning: insecure registry http://reg:5000 should not contain 'http://' and 'http://' has been removed from the insecure registry config" -- "$berth" config --registry-mirror https://m.example.com --insecure-registry http://reg:5000 --insecure-registry 10.0.0.1/8
tmp=$(mktemp -d)
echo '{"registry-mirrors":["https://a"],"debug":true}' > "$tmp/daemon.json"
IN= check "config file" 0 '{"AllowNondistributableArtifactsCIDRs":null,"AllowNondistributableArtifactsHostnames":null,"InsecureRegistryCIDRs":["127.0.0.0/8"],"IndexConfigs":{"docker.io":{"Name":"docker.io","Mirrors":["https://a/"],"Secure":true,"Official":true}},"Mirrors":["https://a/"]}' "" -- "$berth" config --config-file "$tmp/daemon.json"
IN= check "config conflict" 1 "" "unable to configure the Docker daemon with file $tmp/daemon.json: the following directives are specified both as a flag and in the configuration file: registry-mirrors: (from flag: [https://b/], from file: [https://a])" -- "$berth" config --config-file "$tmp/daemon.json" --registry-mirror https://b
IN= check "config missing file" 1 "" "unable to configure the Docker daemon with file $tmp/none.json: open $tmp/none.json: no such file or directory" -- "$berth" config --config-file "$tmp/none.json"
printf ' \n\t\n' > "$tmp/blank.json"
IN= check "config blank file is no configuration (dockerd trims it)" 0 "$DEFAULT" "" -- "$berth" config --config-file "$tmp/blank.json"
IN= check "config file a directory" 1 "" "unable to configure the Docker daemon with file $tmp: read $tmp: is a directory" -- "$berth" config --config-file "$tmp"
IN= check "config bad mirror flag" 1 "" 'invalid argument "ftp://x" for "--registry-mirror" flag: invalid mirror: unsupported scheme "ftp" in "ftp://x"' -- "$berth" config --registry-mirror ftp://x
IN= check "config bad insecure" 1 "" 'insecure registry mytest-.com is not valid: invalid host "mytest-.com"' -- "$berth" config --insecure-registry mytest-.com
IN= check "config mirror password masked" 1 "" 'invalid argument "https://u:xxxxx@m.example.com" for "--registry-mirror" flag: invalid mirror: username/password not allowed in URI "https://u:xxxxx@m.example.com"' -- "$berth" config --registry-mirror https://u:secret@m.example.com
rm -rf "$tmp"

# Endpoints: only loopback names and addresses, so nothing is looked up in DNS.
HUB='{"url":"https://registry-1.docker.io","mirror":false,"official":true,"tls_verify":true,"allow_nondistributable_artifacts":false,"override_path":false,"ca_files":[],"client_certificates":[]}'
IN= check "endpoints pull with mirror" 0 "{\"url\":\"http://127.0.0.1:5001/\",\"mirror\":true,\"official\":false,\"tls_verify\":false,\"allow_nondistributable_artifacts\":false,\"override_path\":false,\"ca_files\":[],\"client_certificates\":[]}
$HUB" "" -- "$berth" endpoints ubuntu:22.04 --registry-mirror http://127.0.0.1:5001
IN= check "endpoints push skips mirrors" 0 "$HUB" "" -- "$berth" endpoints ubuntu --push --registry-mirror http://127.0.0.1:5001
IN= check "endpoints insecure registry" 0 '{"url":"https://localhost:5000","mirror":false,"official":false,"tls_verify":false,"allow_nondistributable_artifacts":true,"override_path":false,"ca_files":[],"client_certificates":[]}
{"url":"http://localhost:5000","mirror":false,"official":false,"tls_verify":false,"allow_nondistributable_artifacts":true,"override_path":false,"ca_files":[],"client_certificates":[]}' "" -- "$berth" endpoints localhost:5000/team/app --allow-nondistributable-artifacts localhost:5000
certs=$(mktemp -d)
mkdir -p "$certs/10.1.2.3:5000"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$certs/k.pem" \
  -out "$certs/10.1.2.3:5000/ca.crt" -subj /CN=berth-test -days 1 >/dev/null 2>&1
IN= check "endpoints certs.d" 0 "{\"url\":\"https://10.1.2.3:5000\",\"mirror\":false,\"official\":false,\"tls_verify\":true,\"allow_nondistributable_artifacts\":false,\"override_path\":false,\"ca_files\":[\"$certs/10.1.2.3:5000/ca.crt\"],\"client_certificates\":[]}" "" -- "$berth" endpoints 10.1.2.3:5000/app --certs-dir "$certs"
touch "$certs/10.1.2.3:5000/client.key"
IN= check "endpoints certs.d error" 1 "" "missing client certificate client.cert for key client.key" -- "$berth" endpoints 10.1.2.3:5000/app --certs-dir "$certs"
rm -f "$certs/10.1.2.3:5000/client.key"
mkdir -p "$certs/10.9.9.9:5000"
printf '[host."http://127.0.0.1:5002"]\n  capabilities = ["pull", "resolve"]\n  override_path = true\n' > "$certs/10.9.9.9:5000/hosts.toml"
IN= check "endpoints hosts.toml" 0 '{"url":"http://127.0.0.1:5002","mirror":true,"official":false,"tls_verify":true,"allow_nondistributable_artifacts":false,"override_path":true,"ca_files":[],"client_certificates":[]}
{"url":"https://10.9.9.9:5000","mirror":false,"official":false,"tls_verify":true,"allow_nondistributable_artifacts":false,"override_path":false,"ca_files":[],"client_certificates":[]}' "" -- "$berth" endpoints 10.9.9.9:5000/app --certs-dir "$certs"
rm -rf "$certs"
IN= check "endpoints bad reference" 1 "" "invalid reference format: repository name (Name) must be lowercase" -- "$berth" endpoints Bad/Name:x

# docker's global flags before the subcommand: --config (over
# $DOCKER_CONFIG; a subcommand's own --config wins), --log-level.
cfg=$(mktemp -d)
mkdir -p "$cfg/a" "$cfg/b"
printf '{"auths":{"r.example.com":{"auth":"YTpi"}}}' >"$cfg/a/config.json"    # a:b
printf '{"auths":{"r.example.com":{"auth":"Yzpk"}}}' >"$cfg/b/config.json"    # c:d
A='eyJ1c2VybmFtZSI6ImEiLCJwYXNzd29yZCI6ImIiLCJzZXJ2ZXJhZGRyZXNzIjoici5leGFtcGxlLmNvbSJ9'
B='eyJ1c2VybmFtZSI6ImMiLCJwYXNzd29yZCI6ImQiLCJzZXJ2ZXJhZGRyZXNzIjoici5leGFtcGxlLmNvbSJ9'
IN= check "--config before the subcommand" 0 "$A" "" -- "$berth" --config "$cfg/a" auth encode --from-config r.example.com/x
IN= check "--config over DOCKER_CONFIG" 0 "$A" "" -- env DOCKER_CONFIG="$cfg/b" "$berth" --config "$cfg/a" auth encode --from-config r.example.com/x
IN= check "DOCKER_CONFIG alone" 0 "$B" "" -- env DOCKER_CONFIG="$cfg/b" "$berth" auth encode --from-config r.example.com/x
IN= check "the subcommand's own --config wins" 0 "$B" "" -- "$berth" --config "$cfg/a" auth encode --from-config r.example.com/x --config "$cfg/b"
IN= check "--config before logout" 0 "Removing login credentials for r.example.com" "" -- "$berth" --config "$cfg/a" logout r.example.com
grep -q r.example.com "$cfg/a/config.json" && { echo "FAIL logout --config"; fail=$((fail + 1)); } || pass=$((pass + 1))
rm -rf "$cfg"
IN= check "log levels in any case, -H host:port as tcp" 1 "" \
  "berth: Cannot connect to the Docker daemon at tcp://127.0.0.1:1. Is the docker daemon running?" -- \
  "$berth" --log-level ERROR -H 127.0.0.1:1 info
IN= check "one -H" 1 "" "berth: Specify only one -H" -- "$berth" -H 127.0.0.1:1 -H 127.0.0.1:2 info
"$berth" --log-level nonsense info >/dev/null 2>/tmp/berth_cli_err.$$ && { echo "FAIL bad log level accepted"; fail=$((fail + 1)); } || pass=$((pass + 1))
grep -q "Unable to parse logging level: nonsense" /tmp/berth_cli_err.$$ && pass=$((pass + 1)) || { echo "FAIL log level words: $(cat /tmp/berth_cli_err.$$)"; fail=$((fail + 1)); }

# Usage errors exit non-zero with a message.
"$berth" json NoSuchType '{}' >/dev/null 2>&1 && { echo "FAIL unknown type accepted"; fail=$((fail + 1)); } || pass=$((pass + 1))
"$berth" >/dev/null 2>&1 && { echo "FAIL no subcommand accepted"; fail=$((fail + 1)); } || pass=$((pass + 1))
"$berth" --version | grep -q '^berth ' && pass=$((pass + 1)) || { echo "FAIL --version"; fail=$((fail + 1)); }

rm -f /tmp/berth_cli_err.$$
echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
