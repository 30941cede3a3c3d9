#!/bin/bash
# berthd's image routes with the real clients: the docker CLI (the `docker`
# on PATH) and docker-py 5.0.3 (Debian's python3-docker on /usr/bin/python3)
# pull, list, inspect, tag, push, save, load and remove images through a
# berthd this script starts, against docker-registry instances it starts on
# 127.0.0.1 (one open, one with htpasswd). skopeo is the oracle for what
# reached the registry and writes a docker-archive for `docker load`.
set -u
berthd=$1
fixtures=$(cd "$(dirname "$0")/../fixtures" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
. "$(dirname "$0")/../lib/peers.sh"
export DOCKER_CONFIG=$dir/docker HOME=$dir
unset DOCKER_HOST DOCKER_CONTEXT DOCKER_API_VERSION
export PATH=$here/../credentials:$PATH BERTH_TEST_HELPER_DIR=$dir/keychain
mkdir -p "$DOCKER_CONFIG" "$BERTH_TEST_HELPER_DIR"
echo '{"credsStore": "berth-test"}' > "$DOCKER_CONFIG/config.json"

start_registry open "" || exit 1
open=127.0.0.1:$port
bash "$fixtures/make_images.sh" "$open" "$dir/images" --tls-verify=false >"$dir/push.log" 2>&1 \
  || { echo "make_images.sh failed:"; cat "$dir/push.log"; exit 1; }
htpasswd -Bbn alice s3cret > "$dir/htpasswd"
start_registry locked "$(printf 'auth:\n  htpasswd:\n    realm: berth-test\n    path: %s/htpasswd\n' "$dir")" || exit 1
locked=127.0.0.1:$port
digest_of() { awk -v n="$1" '$1 == n {print $3}' "$dir/images/digests.txt"; }

sock=$dir/berth.sock
"$berthd" -H "unix://$sock" --pidfile "" --data-root "$dir/root" --config-file /dev/null \
  --insecure-registry 127.0.0.0/8 --log-level debug >"$dir/berthd.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do [ -S "$sock" ] && break; sleep 0.1; done
export DOCKER_HOST=unix://$sock

# --- pull ------------------------------------------------------------------------
multi=$open/berth/multi
out=$(docker pull "$multi:1.0" 2>&1)
expect_has "pull prints Pulling from" "$out" "1.0: Pulling from berth/multi"
expect_has "pull prints the digest" "$out" "Digest: $(digest_of berth/multi:1.0)"
expect_has "pull prints the status" "$out" "Status: Downloaded newer image for $multi:1.0"
expect_has "pull prints the reference" "$out" "$multi:1.0"
out=$(docker pull "$multi:1.0" 2>&1)
expect_has "a second pull is up to date" "$out" "Status: Image is up to date for $multi:1.0"
# The platform's image: linux/amd64 by default, arm64 when asked.
expect_eq "default platform" "$(docker image inspect -f '{{.Architecture}}' "$multi:1.0")" amd64
out=$(docker pull --platform linux/arm64/v8 "$multi:t1" 2>&1)
expect_eq "--platform arm64" "$(docker image inspect -f '{{.Architecture}}' "$multi:t1")" arm64
# The digest a reference resolved to is the RepoDigest of the image pulled
# last through it (the arm64 one here), as dockerd moves it.
expect_eq "RepoDigest is the index's" "$(docker image inspect -f '{{index .RepoDigests 0}}' "$multi:t1")" \
  "$multi@$(digest_of berth/multi:1.0)"
single=$open/berth/oci-single
d=$(digest_of berth/oci-single:1.0)
out=$(docker pull "$single@$d" 2>&1)
expect_has "pull by digest" "$out" "Status: Downloaded newer image for $single@$d"
expect_eq "pull -q" "$(docker pull -q "$open/berth/docker-v2:1.0" 2>&1)" "$open/berth/docker-v2:1.0"
out=$(docker pull "$open/berth/nope:1.0" 2>&1)
expect_eq "unknown tag" "$out" "Error response from daemon: manifest for $open/berth/nope:1.0 not found: manifest unknown: manifest unknown"
out=$(docker pull "$locked/berth/x:1.0" 2>&1)
expect_has "pull without credentials" "$out" "Error response from daemon:"
out=$(docker pull scratch 2>&1)
expect_eq "scratch" "$out" "Using default tag: latest
Error response from daemon: 'scratch' is a reserved name"

# --- images, inspect, history, tag -----------------------------------------------
# oci-single is multi's amd64 manifest: the same image, named both ways.
out=$(docker images --format '{{.Repository}}:{{.Tag}}' | sort | tr '\n' ' ')
expect_eq "docker images" "$out" "$open/berth/docker-v2:1.0 $multi:1.0 $multi:t1 $single:<none> "
out=$(docker images --digests --format '{{.Repository}} {{.Digest}}' "$single")
expect_eq "images --digests" "$out" "$single $d"
expect_eq "one image, two names" "$(docker image inspect -f '{{.Id}}' "$single@$d")" \
  "$(docker image inspect -f '{{.Id}}' "$multi:1.0")"
out=$(docker images --filter "reference=$multi:*" --format '{{.Tag}}' | sort | tr '\n' ' ')
expect_eq "reference filter" "$out" "1.0 t1 "
expect_eq "nothing dangling" "$(docker images -q --filter dangling=true)" ""
out=$(docker images --filter label=org.berth.test.platform=linux/arm64/v8 --format '{{.Tag}}' | sort | tr '\n' ' ')
expect_eq "label filter" "$out" "1.0 t1 "
id=$(docker image inspect -f '{{.Id}}' "$multi:1.0")
expect_eq "inspect by short ID" "$(docker image inspect -f '{{.Id}}' "${id:7:12}")" "$id"
out=$(docker history --format '{{.ID}}' "$multi:1.0" | head -1)
expect_eq "history top is the image" "$out" "${id:7:12}"
docker tag "$multi:1.0" "$locked/team/app:v1" && ok || bad "docker tag"
expect_eq "tagged" "$(docker image inspect -f '{{.Id}}' "$locked/team/app:v1")" "$id"
out=$(docker image inspect nothere:1 2>&1)
expect_has "inspect a missing image" "$out" "No such image: nothere:1"
# (docker 20.10 words this one itself: the daemon's text, through the API)
expect_eq "rmi of a missing image" "$(curl -s --unix-socket "$sock" -X DELETE http://b/images/nothere)" \
  '{"message":"No such image: nothere:latest"}'
expect_eq "a name with tag and digest finds the digest" \
  "$(docker image inspect -f '{{.Id}}' "$single:whatever@$d")" "$(docker image inspect -f '{{.Id}}' "$single@$d")"
expect_eq "reference filter: * stays in one component" "$(docker images -q --filter 'reference=*')" ""
expect_eq "until filter takes durations" "$(docker images -q --filter until=1h | sort -u | wc -l)" \
  "$(docker images -q | sort -u | wc -l)"
expect_eq "inspect's Config is a container config" \
  "$(docker image inspect -f '{{json .Config.Entrypoint}} {{.Config.Tty}}' "$multi:1.0")" "null false"
out=$(docker tag "$multi:1.0" sha256:abc 2>&1)
expect_has "a tag named after a digest algorithm" "$out" "refusing to create an ambiguous tag using digest algorithm as name"
out=$(docker pull -q --platform arm64 "$multi:t3" 2>&1)
expect_eq "--platform with an architecture only" "$(docker image inspect -f '{{.Architecture}}' "$multi:t3")" arm64

# A tag keeps the manifest of the name it was made from (multi:t1's arm64
# OCI manifest, not docker-v2's schema2 one with the same config).
docker tag "$multi:t1" "$open/copy/arm:1" && ok || bad "tag multi:t1"
manifest_of() {
  /usr/bin/python3 -c 'import json,sys; print([m["digest"] for m in json.load(open(sys.argv[1]))["manifests"] if m.get("annotations",{}).get("io.containerd.image.name")==sys.argv[2]][0])' \
    "$dir/root/images/index.json" "$1"
}
expect_eq "a tag keeps its source's manifest" "$(manifest_of "$open/copy/arm:1")" "$(manifest_of "$multi:t1")"
docker rmi "$open/copy/arm:1" >/dev/null

# --- login, push -------------------------------------------------------------------
echo s3cret | docker login -u alice --password-stdin "$locked" >/dev/null 2>&1 && ok || bad "docker login"
out=$(docker push "$locked/team/app:v1" 2>&1)
pushed=$(skopeo inspect --tls-verify=false --creds alice:s3cret --raw "docker://$locked/team/app:v1" | sha256sum | cut -d' ' -f1)
want=$(docker image inspect -f '{{index .RepoDigests 0}}' "$multi:1.0")
expect_has "push prints the digest" "$out" "v1: digest: sha256:$pushed size:"
expect_has "push refers to the repository" "$out" "The push refers to repository [$locked/team/app]"
expect_has "layers pushed" "$out" ": Pushed"
expect_has "the pushed digest is a RepoDigest" "$(docker image inspect -f '{{json .RepoDigests}}' "$locked/team/app:v1")" \
  "\"$locked/team/app@sha256:$pushed\""
out=$(docker push "$locked/team/app:v1" 2>&1)
expect_has "second push: layers exist" "$out" "Layer already exists"
out=$(docker push "$locked/team/none:v1" 2>&1)
expect_has "push of a missing image" "$out" "An image does not exist locally with the tag: $locked/team/none"

# --- save, load ---------------------------------------------------------------------
docker save -o "$dir/saved.tar" "$multi:1.0" && ok || bad "docker save"
tar tf "$dir/saved.tar" | grep -qx manifest.json && tar tf "$dir/saved.tar" | grep -qx index.json && ok \
  || bad "save has manifest.json and index.json"
skopeo inspect --raw "docker-archive:$dir/saved.tar" >/dev/null 2>&1 && ok || bad "skopeo reads the saved tar"
out=$(docker rmi "$multi:1.0" 2>&1)
expect_has "rmi untags" "$out" "Untagged: $multi:1.0"
out=$(docker load -i "$dir/saved.tar" 2>&1)
expect_eq "docker load" "$out" "Loaded image: $multi:1.0"
expect_eq "loaded image ID" "$(docker image inspect -f '{{.Id}}' "$multi:1.0")" "$id"
skopeo copy --src-tls-verify=false "docker://$open/berth/docker-v2:1.0" "docker-archive:$dir/skopeo.tar:skopeo/made:1" \
  >/dev/null 2>&1 || bad "skopeo copy to docker-archive"
out=$(docker load -i "$dir/skopeo.tar" 2>&1)
expect_eq "load a skopeo tar" "$out" "Loaded image: skopeo/made:1"
printf 'not a tar' > "$dir/bad.tar"
out=$(docker load -i "$dir/bad.tar" 2>&1)
expect_has "load of a non-tar fails" "$out" "archive"

# --- rmi, prune ------------------------------------------------------------------------
docker save -o "$dir/untagged.tar" "$id" && ok || bad "save by ID"
out=$(docker rmi "$id" 2>&1)
expect_has "rmi of an ID with several repositories" "$out" "conflict: unable to delete ${id:7:12} (must be forced) - image is referenced in multiple repositories"
out=$(docker rmi -f "$id" 2>&1)
expect_has "rmi -f deletes" "$out" "Deleted: $id"
# An image saved by ID loads without a name: dangling, until pruned.
out=$(docker load -i "$dir/untagged.tar" 2>&1)
expect_eq "load of an untagged image" "$out" "Loaded image ID: $id"
expect_eq "dangling filter" "$(docker images -q --no-trunc --filter dangling=true)" "$id"
out=$(docker image prune -f 2>&1)
expect_has "prune removes the dangling image" "$out" "deleted: $id"
expect_eq "nothing dangling left" "$(docker images -q --filter dangling=true)" ""
[ "$fail" -eq 0 ] || docker images -a --digests

# --- pull -a, /metrics --------------------------------------------------------------------
out=$(docker pull -a "$multi" 2>&1)
expect_has "pull -a" "$out" "t5: Pulling from berth/multi"
expect_eq "pull -a: every tag" "$(docker images --format '{{.Tag}}' "$multi" | sort | tr '\n' ' ')" "1.0 t1 t2 t3 t4 t5 "
metrics=$(curl -s --unix-socket "$sock" http://b/metrics)
fetched=$(awk '$1 == "berthd_image_blobs_fetched_total" {print $2}' <<<"$metrics")
pulls=$(awk '$1 == "berthd_image_pulls_total" {print $2}' <<<"$metrics")
pushed=$(awk '$1 == "berthd_image_blobs_pushed_total" {print $2}' <<<"$metrics")
[ "${fetched:-0}" -gt 0 ] && [ "${pulls:-0}" -ge 10 ] && [ "${pushed:-0}" -gt 0 ] && ok \
  || bad "/metrics counts pulls and blobs: pulls=$pulls fetched=$fetched pushed=$pushed"
expect_has "/info DockerRootDir" "$(curl -s --unix-socket "$sock" http://b/info)" "\"DockerRootDir\":\"$dir/root\""

# --- docker-py ------------------------------------------------------------------------
/usr/bin/python3 "$here/images_docker_py.py" "$sock" "$open" "$(digest_of berth/multi:1.0)" && ok || bad "docker-py"

# The store stays consistent: a restart finds what was there.
count=$(docker images -q | wc -l)
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null
"$berthd" -H "unix://$sock" --pidfile "" --data-root "$dir/root" --config-file /dev/null \
  --insecure-registry 127.0.0.0/8 >>"$dir/berthd.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do docker version >/dev/null 2>&1 && break; sleep 0.1; done
expect_eq "images survive a restart" "$(docker images -q | wc -l)" "$count"

# prune -a: every image, each name once (a tag takes its digests with it).
out=$(docker image prune -a -f 2>&1)
expect_has "prune -a" "$out" "Total reclaimed space:"
expect_eq "prune -a left nothing" "$(docker images -q | wc -l)" 0
expect_eq "prune -a left no blobs" "$(ls "$dir/root/images/blobs/sha256" | wc -l)" 0

# daemon.json's data-root, and dockerd's error when the flag says it too.
echo "{\"data-root\": \"$dir/root2\"}" > "$dir/daemon.json"
"$berthd" -H "unix://$dir/b2.sock" --pidfile "" --config-file "$dir/daemon.json" >"$dir/berthd2.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do [ -S "$dir/b2.sock" ] && break; sleep 0.1; done
expect_has "daemon.json data-root" "$(curl -s --unix-socket "$dir/b2.sock" http://b/info)" "\"DockerRootDir\":\"$dir/root2\""
[ -f "$dir/root2/images/index.json" ] && ok || bad "the store made under daemon.json's data-root"
out=$("$berthd" -H "unix://$dir/b3.sock" --pidfile "" --config-file "$dir/daemon.json" --data-root "$dir/root3" 2>&1)
expect_has "data-root twice" "$out" "the following directives are specified both as a flag and in the configuration file: data-root: (from flag: $dir/root3, from file: $dir/root2)"

[ "$fail" -eq 0 ] || { echo "--- berthd log (tail)"; tail -30 "$dir/berthd.log"; }
echo "images e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
