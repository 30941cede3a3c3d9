#!/bin/bash
# berth -H pull|push|images|tag|rmi|save|load against berthd, beside the
# docker CLI on PATH doing the same: the same lines off a terminal, the same
# table, the same errors; and examples/engine_pull (berth::EngineClient's
# ImagePull and ImagePush) when built. docker-registry on 127.0.0.1 holds
# the images; skopeo pushes them there.
set -u
berthd=$1
berth=$2
example=${3:-}
fixtures=$(cd "$(dirname "$0")/../fixtures" && pwd)
. "$(dirname "$0")/../lib/peers.sh"
export DOCKER_CONFIG=$dir/docker HOME=$dir
unset DOCKER_CONTEXT DOCKER_API_VERSION DOCKER_TLS_VERIFY DOCKER_CERT_PATH DOCKER_TLS
mkdir -p "$DOCKER_CONFIG"

start_registry open "" || exit 1
reg=127.0.0.1:$port
bash "$fixtures/make_images.sh" "$reg" "$dir/images" --tls-verify=false >"$dir/push.log" 2>&1 \
  || { echo "make_images.sh failed:"; cat "$dir/push.log"; exit 1; }
sock=$dir/berth.sock
"$berthd" -H "unix://$sock" --pidfile "" --data-root "$dir/root" --config-file /dev/null \
  --insecure-registry 127.0.0.0/8 >"$dir/berthd.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do [ -S "$sock" ] && break; sleep 0.1; done
export DOCKER_HOST=unix://$sock

# Pull: off a terminal both print the same lines (no progress bars).
image=$reg/berth/multi:1.0
d_out=$(docker pull "$image" 2>&1); docker rmi -f "$image" >/dev/null 2>&1
b_out=$("$berth" pull "$image" 2>&1)
# (Layers finish in either order: the lines are compared sorted.)
expect_eq "pull prints what docker pull prints" "$(sort <<<"$b_out")" "$(sort <<<"$d_out")"
expect_eq "pull -q" "$("$berth" pull -q "$image" 2>&1)" "$(docker pull -q "$image" 2>&1)"
expect_eq "pull of a missing tag" "$("$berth" pull "$reg/berth/multi:nope" 2>&1; echo "rc=$?")" \
  "$(docker pull "$reg/berth/multi:nope" 2>&1; echo "rc=$?")"
expect_eq "pull without a tag: latest" "$("$berth" pull "$reg/berth/multi" 2>&1 | head -1)" "Using default tag: latest"

# images, tag, push.
expect_eq "images" "$("$berth" images 2>&1)" "$(docker images 2>&1)"
expect_eq "images -q" "$("$berth" images -q 2>&1)" "$(docker images -q 2>&1)"
expect_eq "images --digests REPO" "$("$berth" images --digests "$reg/berth/multi" 2>&1)" \
  "$(docker images --digests "$reg/berth/multi" 2>&1)"
"$berth" tag "$image" "$reg/berth/retag:b" || bad "berth tag"
docker tag "$image" "$reg/berth/retag:d"
expect_eq "tag" "$(docker images --format '{{.ID}}' "$reg/berth/retag:b")" "$(docker images --format '{{.ID}}' "$reg/berth/retag:d")"
# Each to a repository of its own, so that neither finds the other's layers.
docker tag "$image" "$reg/berth/push-d:1"
"$berth" tag "$image" "$reg/berth/push-b:1"
d_out=$(docker push "$reg/berth/push-d:1" 2>&1)
b_out=$("$berth" push "$reg/berth/push-b:1" 2>&1)
# (Layers finish in either order: the lines are compared sorted.)
expect_eq "push prints what docker push prints" "$(sort <<<"${b_out//push-b/push-X}")" "$(sort <<<"${d_out//push-d/push-X}")"
"$berth" push "$reg/berth/retag:b" >/dev/null 2>&1 || bad "berth push retag:b"
b_out=$("$berth" push "$reg/berth/retag:b" 2>&1)
got=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$reg/berth/retag:b" 2>&1)
expect_has "push reached the registry" "$b_out" "$got"
expect_eq "push of a missing tag" "$("$berth" push "$reg/berth/retag:none" 2>&1; echo "rc=$?")" \
  "$(docker push "$reg/berth/retag:none" 2>&1; echo "rc=$?")"

# save, rmi, load.
"$berth" save -o "$dir/b.tar" "$reg/berth/retag:b" || bad "berth save"
docker save -o "$dir/d.tar" "$reg/berth/retag:b"
if cmp -s "$dir/b.tar" "$dir/d.tar"; then ok; else bad "save differs from docker save"; fi
"$berth" save "$reg/berth/retag:b" > "$dir/b-stdout.tar" || bad "berth save to stdout"
if cmp -s "$dir/b-stdout.tar" "$dir/d.tar"; then ok; else bad "save to stdout differs"; fi
out=$("$berth" save -o "$dir/none.tar" "$reg/berth/none:1" 2>&1; echo "rc=$?")
expect_has "save of a missing image" "$out" "rc=1"
[ -e "$dir/none.tar" ] && bad "a failed save left a file" || ok
expect_eq "rmi" "$("$berth" rmi "$reg/berth/retag:b" "$reg/nothing:1" 2>&1; echo "rc=$?")" \
  "$(printf 'Untagged: %s\nError response from daemon: No such image: %s\nrc=1' "$reg/berth/retag:b" "$reg/nothing:1")"
expect_eq "load" "$("$berth" load -i "$dir/b.tar" 2>&1)" "Loaded image: $reg/berth/retag:b"
expect_eq "load from stdin" "$("$berth" load < "$dir/d.tar" 2>&1)" "Loaded image: $reg/berth/retag:b"
out=$(echo "not a tar" | "$berth" load 2>&1; echo "rc=$?")
expect_has "load of junk fails" "$out" "rc=1"

# The example program: pull with stored (no) credentials, push.
if [ -n "$example" ]; then
  out=$("$example" pull "$reg/berth/oci-single:1.0" 2>&1)
  expect_has "engine_pull pull" "$out" "Status: Downloaded newer image for $reg/berth/oci-single:1.0"
  docker tag "$reg/berth/oci-single:1.0" "$reg/berth/example:1" >/dev/null
  out=$("$example" push "$reg/berth/example:1" 2>&1)
  expect_has "engine_pull push" "$out" "pushed sha256:"
fi

[ "$fail" -eq 0 ] || { echo "--- berthd log (tail)"; tail -20 "$dir/berthd.log"; }
echo "engine images cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
