#!/bin/bash
# `berth login`, `berth search`, `berth inspect` as a user runs them, against
# real docker-registry instances this script starts on free 127.0.0.1 ports
# (plain, and with htpasswd), with images pushed by skopeo.
set -u
berth=$1
fixtures=$(cd "$(dirname "$0")/../fixtures" && pwd)
. "$(dirname "$0")/../lib/peers.sh"

check() {  # NAME WANT_EXIT WANT_STDOUT WANT_STDERR_PART -- COMMAND...
  local name=$1 want_exit=$2 want_out=$3 want_err=$4
  shift 5
  local out code
  out=$("$@" 2>"$dir/err")
  code=$?
  if [[ $code == "$want_exit" && $out == "$want_out" && $(cat "$dir/err") == *"$want_err"* ]]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL $name: exit $code (want $want_exit)"; echo "  stdout: $out"; echo "  want:   $want_out"
    echo "  stderr: $(cat "$dir/err")"; echo "  want in stderr: $want_err"
  fi
}

digest_of() { awk -v n="$1" '$1 == n { print $3 }' "$2/digests.txt"; }
size_of() { awk -v n="$1" '$1 == n { print $4 }' "$2/digests.txt"; }

start_registry plain "" || exit 1
plain=127.0.0.1:$port
bash "$fixtures/make_images.sh" "$plain" "$dir/images" --tls-verify=false >"$dir/push.log" 2>&1 \
  || { echo "make_images.sh failed:"; cat "$dir/push.log"; exit 1; }

multi=$(digest_of berth/multi:1.0 "$dir/images")
multi_size=$(size_of berth/multi:1.0 "$dir/images")
v2=$(digest_of berth/docker-v2:1.0 "$dir/images")
v2_size=$(size_of berth/docker-v2:1.0 "$dir/images")
multi_json="{\"Descriptor\":{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"digest\":\"$multi\",\"size\":$multi_size},\"Platforms\":[{\"architecture\":\"amd64\",\"os\":\"linux\"},{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"},{\"architecture\":\"amd64\",\"os\":\"windows\",\"os.version\":\"10.0.17763.5329\"}]}"
v2_json="{\"Descriptor\":{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"digest\":\"$v2\",\"size\":$v2_size},\"Platforms\":[{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"}]}"

check "inspect an index" 0 "$multi_json" "" -- "$berth" inspect "$plain/berth/multi:1.0"
check "inspect several, in order" 0 "$v2_json
$multi_json
$multi_json" "" -- "$berth" inspect "$plain/berth/docker-v2:1.0" "$plain/berth/multi:1.0" "$plain/berth/multi@$multi"
check "inspect a missing tag" 1 "$multi_json" "berth: $plain/berth/multi:nope: manifest unknown: manifest unknown" -- \
  "$berth" inspect "$plain/berth/multi:1.0" "$plain/berth/multi:nope"
check "inspect an image ID" 1 "" "no manifest found for full image ID" -- "$berth" inspect "$(printf 'a%.0s' $(seq 64))"

check "search json" 0 "[{\"star_count\":0,\"is_official\":false,\"name\":\"$plain/berth/multi\",\"is_automated\":false,\"description\":\"\"}]" \
  "berth: answered by v2 catalog at http://$plain/v2/_catalog" -- "$berth" search "$plain/multi" --format json
# The docker CLI 28's columns, each as wide as its widest cell plus 3 and
# at least 10; the last one unpadded.
name="$plain/berth/docker-list"
table=$(printf '%-*s%-14s%-10sOFFICIAL\n%-*s%-14s%-10s' \
  $((${#name} + 3)) NAME DESCRIPTION STARS $((${#name} + 3)) "$name" "" 0)
check "search table" 0 "$table" "" -- "$berth" search "$plain/docker-l"
check "search bad filter" 1 "" "berth: invalid filter 'type'" -- "$berth" search "$plain/x" --filter type=custom
check "search bad limit" 1 "" "berth: limit 101 is outside the range of [1, 100]" -- "$berth" search "$plain/x" --limit 101

export DOCKER_CONFIG=$dir/docker  # never the user's own ~/.docker
# Logins here go to config.json: no default store (pass) picked for it.
hide_default_credential_stores
check "login to a registry without auth" 0 "Login Succeeded" "" -- \
  bash -c "echo any | '$berth' login '$plain' -u anyone --password-stdin"
check "login asks, and there is no terminal" 1 "" "berth: Cannot perform an interactive login from a non TTY device" -- \
  setsid "$berth" login "$plain" --config "$dir/empty"

htpasswd -Bbn alice s3cret > "$dir/htpasswd"
start_registry basic "auth:
  htpasswd:
    realm: berth-test
    path: $dir/htpasswd
" || exit 1
basic=127.0.0.1:$port
check "login with the password on stdin" 0 "Login Succeeded" "" -- \
  bash -c "echo s3cret | '$berth' login '$basic' -u alice --password-stdin"
check "login with a wrong password" 1 "" "berth: login attempt to http://$basic/v2/ failed with status: 401 Unauthorized" -- \
  bash -c "echo nope | '$berth' login '$basic' -u alice --password-stdin"
check "credentials belong to one registry" 1 "" "credentials given on the command line are for one registry" -- \
  bash -c "echo s3cret | '$berth' inspect '$basic/a:1' '$plain/berth/multi:1.0' -u alice --password-stdin"
check "inspect without credentials" 1 "" "no basic auth credentials" -- \
  "$berth" inspect "$basic/berth/multi:1.0" --config "$dir/empty"
# With those `berth login` stored: the registry lets us in and has no such image.
check "inspect with stored credentials" 1 "" "manifest unknown: manifest unknown" -- \
  "$berth" inspect "$basic/berth/multi:1.0"
if grep -q s3cret "$dir/err" "$dir/basic/registry.log"; then
  fail=$((fail + 1)); echo "FAIL a password reached a log"
else
  pass=$((pass + 1))
fi

echo "registry commands: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
