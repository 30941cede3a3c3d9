#!/bin/bash
# berthd's image routes under bad input and failing registries, with the
# docker CLI and curl: pulls that fail (no credentials, a wrong password,
# an unknown tag, a registry answering 429 — through
# tests/fixtures/fault_proxy.py, as no packaged registry rate-limits), a
# client that goes away mid-pull (through the proxy's slow-blobs mode),
# hostile and broken tars for `docker load`, invalid names and tags, and
# clients tagging and removing one image at once. After each: clear errors,
# berthd still serving, the store unchanged where it should be.
set -u
berthd=$1
fixtures=$(cd "$(dirname "$0")/../fixtures" && pwd)
. "$(dirname "$0")/../lib/peers.sh"
export DOCKER_CONFIG=$dir/docker HOME=$dir
unset DOCKER_HOST DOCKER_CONTEXT DOCKER_API_VERSION
mkdir -p "$DOCKER_CONFIG"

start_registry open "" || exit 1
open=127.0.0.1:$port
bash "$fixtures/make_images.sh" "$open" "$dir/images" --tls-verify=false >"$dir/push.log" 2>&1 \
  || { echo "make_images.sh failed:"; cat "$dir/push.log"; exit 1; }
htpasswd -Bbn alice s3cret > "$dir/htpasswd"
start_registry locked "$(printf 'auth:\n  htpasswd:\n    realm: berth-test\n    path: %s/htpasswd\n' "$dir")" || exit 1
locked=127.0.0.1:$port
skopeo copy --src-tls-verify=false --dest-tls-verify=false --dest-creds alice:s3cret \
  "docker://$open/berth/oci-single:1.0" "docker://$locked/team/app:1.0" >/dev/null 2>&1 || bad "seed the locked registry"

proxies=0
proxy() {  # MODE [ARGS]: a fault proxy before the open registry; sets $proxy and $proxy_log
  proxies=$((proxies + 1))
  local out=$dir/proxy-$proxies.out
  proxy_log=$dir/proxy-$proxies.log
  /usr/bin/python3 "$fixtures/fault_proxy.py" --upstream "$open" --mode "$@" --log "$proxy_log" >"$out" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do grep -q '^PORT ' "$out" 2>/dev/null && break; sleep 0.1; done
  proxy=127.0.0.1:$(awk '/^PORT/ {print $2}' "$out")
}

sock=$dir/berth.sock
"$berthd" -H "unix://$sock" --pidfile "" --data-root "$dir/root" --config-file /dev/null \
  --insecure-registry 127.0.0.0/8 --log-level debug >"$dir/berthd.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do [ -S "$sock" ] && break; sleep 0.1; done
export DOCKER_HOST=unix://$sock
api() { curl -s --unix-socket "$sock" "$@"; }  # METHOD/URL args for curl; prints the body
status() { curl -s -o /dev/null -w '%{http_code}' --unix-socket "$sock" "$@"; }
auth_header() {  # USER PASS: an X-Registry-Auth value
  printf '{"username":"%s","password":"%s"}' "$1" "$2" | base64 -w0 | tr '+/' '-_'
}

# --- pulls that fail -------------------------------------------------------------
out=$(docker pull "$locked/team/app:1.0" 2>&1)
expect_eq "no credentials (dockerd's words)" "$out" \
  "Error response from daemon: Get \"http://$locked/v2/team/app/manifests/1.0\": no basic auth credentials"
out=$(api -X POST -H "X-Registry-Auth: $(auth_header alice wrong)" \
  "http://b/images/create?fromImage=$locked/team/app&tag=1.0")
expect_eq "a wrong password" "$out" '{"message":"unauthorized: authentication required"}'
expect_eq "a wrong password: 500 as dockerd" "$(status -X POST -H "X-Registry-Auth: $(auth_header alice wrong)" \
  "http://b/images/create?fromImage=$locked/team/app&tag=1.0")" 500
if grep -q wrong "$dir/berthd.log"; then bad "a password in the log"; else ok; fi
out=$(api -X POST -H "X-Registry-Auth: $(auth_header alice s3cret)" \
  "http://b/images/create?fromImage=$locked/team/app&tag=1.0")
expect_has "the right password" "$out" "Status: Downloaded newer image for $locked/team/app:1.0"
out=$(docker pull "$open/berth/oci-single:nope" 2>&1)
expect_eq "an unknown tag" "$out" \
  "Error response from daemon: manifest for $open/berth/oci-single:nope not found: manifest unknown: manifest unknown"
proxy manifest-429
out=$(docker pull "$proxy/berth/oci-single:1.0" 2>&1)
expect_has "429 from a registry" "$out" "toomanyrequests: You have reached your pull rate limit."
out=$(docker pull "$open/Bad/Name" 2>&1)
expect_has "an invalid name (the CLI's own check)" "$out" "invalid reference format"
expect_eq "an invalid name: 400" "$(status -X POST "http://b/images/create?fromImage=$open/Bad/Name&tag=1")" 400
expect_eq "an invalid tag: 400" "$(status -X POST "http://b/images/create?fromImage=$open/berth/x&tag=a:b:c")" 400
expect_eq "an invalid platform: 400" \
  "$(status -X POST "http://b/images/create?fromImage=$open/berth/multi&tag=1.0&platform=linux/a%20b")" 400

# --- a client that goes away mid-pull -------------------------------------------------
proxy slow-blobs --delay 1.5
# (arm64: blobs the store does not have yet, each held back 1.5 s)
api -X POST --max-time 1 "http://b/images/create?fromImage=$proxy/berth/multi&tag=t2&platform=linux/arm64/v8" >/dev/null
sleep 4
expect_eq "the abandoned pull named nothing" "$(docker images -q "$proxy/berth/multi")" ""
expect_has "the abandoned pull stopped" "$(cat "$dir/berthd.log")" "context canceled"
expect_eq "still serving" "$(status http://b/_ping)" 200
out=$(docker pull -q "$open/berth/multi:t2" 2>&1)
expect_eq "a pull after it" "$out" "$open/berth/multi:t2"

# --- docker load of bad tars ------------------------------------------------------------
count=$(docker images -q | wc -l)
/usr/bin/python3 - "$dir" <<'PY'
import io, json, os, sys, tarfile
d = sys.argv[1]
def tar(name, entries):
    with tarfile.open(os.path.join(d, name), "w") as t:
        for member, data in entries:
            if isinstance(member, tarfile.TarInfo):
                t.addfile(member, io.BytesIO(data) if data is not None else None)
                continue
            info = tarfile.TarInfo(member)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
tar("dotdot.tar", [("../evil-dotdot", b"x")])
tar("absolute.tar", [("/tmp/evil-absolute-berth", b"x")])
link = tarfile.TarInfo("blobs"); link.type = tarfile.SYMTYPE; link.linkname = d
tar("link.tar", [(link, None), ("blobs/evil-link", b"x")])
manifest = [{"Config": "config.json", "RepoTags": ["bad/missing:1"], "Layers": ["layer.tar"]}]
tar("missing.tar", [("manifest.json", json.dumps(manifest).encode()), ("config.json", b'{"rootfs":{"diff_ids":[]}}')])
# index.json naming a manifest whose size and digest do not match what is there
index = {"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
         "digest": "sha256:" + "0" * 64, "size": 10,
         "annotations": {"io.containerd.image.name": "docker.io/bad/lying:1"}}]}
tar("lying.tar", [("oci-layout", b'{"imageLayoutVersion":"1.0.0"}'), ("index.json", json.dumps(index).encode()),
                  ("blobs/sha256/" + "0" * 64, b'{"schemaVersion":2}')])
tar("empty.tar", [("README", b"nothing here")])
# A valid image over berthd's 1 MiB request limit, sent with a Content-Length.
import hashlib
layer = os.urandom(2 << 20)
config = json.dumps({"architecture": "amd64", "os": "linux",
                     "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(layer).hexdigest()]}}).encode()
tar("big.tar", [("config.json", config), ("layer.tar", layer),
                ("manifest.json", json.dumps([{"Config": "config.json", "RepoTags": ["big/one:1"],
                                               "Layers": ["layer.tar"]}]).encode())])
PY
for t in dotdot absolute link missing lying empty; do
  out=$(docker load -i "$dir/$t.tar" 2>&1)
  code=$?
  if [ "$code" -ne 0 ] && [ -n "$out" ]; then ok; else bad "load $t.tar: exit $code, $out"; fi
done
[ ! -e "$dir/../evil-dotdot" ] && [ ! -e /tmp/evil-absolute-berth ] && [ ! -e "$dir/evil-link" ] && ok \
  || bad "a hostile tar wrote outside its directory"
expect_eq "bad tars loaded nothing" "$(docker images -q | wc -l)" "$count"
expect_eq "load of a non-tar body" "$(api -X POST --data-binary 'not a tar' http://b/images/load | head -c 15)" \
  '{"errorDetail":'
expect_has "a 2 MiB tar with a Content-Length" \
  "$(api -X POST -H 'Content-Type: application/x-tar' --data-binary "@$dir/big.tar" 'http://b/images/load?quiet=1')" \
  '{"stream":"Loaded image: big/one:1\n"}'
# A second tag of an image whose 2 MiB layer the registry has: the layer
# is HEADed (its Content-Length is no body) and found there.
docker tag big/one:1 "$open/big/one:1" && docker tag big/one:1 "$open/big/one:2"
docker push -q "$open/big/one:1" >/dev/null 2>&1 || bad "push big/one:1"
out=$(docker push "$open/big/one:2" 2>&1)
expect_has "a second tag: the big layer already exists" "$out" "Layer already exists"
docker rmi big/one:1 "$open/big/one:1" "$open/big/one:2" >/dev/null 2>&1 || bad "rmi big/one"
ls "$dir/root/tmp" | grep -q . && bad "spooled uploads left in $dir/root/tmp: $(ls "$dir/root/tmp")" || ok

# A damaged image is an error before the first byte of its save.
docker pull -q "$open/berth/docker-v2:1.0" >/dev/null
config=$(docker image inspect -f '{{.Id}}' "$open/berth/docker-v2:1.0")
mv "$dir/root/images/blobs/sha256/${config#sha256:}" "$dir/config.bak"
out=$(docker save "$open/berth/docker-v2:1.0" 2>&1 >/dev/null)
expect_has "save of a damaged image" "$out" "is damaged in the store"
mv "$dir/config.bak" "$dir/root/images/blobs/sha256/${config#sha256:}"

# A layer damaged without changing its size: the save is cut short (the
# client sees an error), never a clean tar with a bad blob.
layer=$(/usr/bin/python3 - "$dir/root/images" "$open/berth/docker-v2:1.0" <<'PY'
import json, os, sys
root, name = sys.argv[1], sys.argv[2]
index = json.load(open(os.path.join(root, "index.json")))
entry = [m for m in index["manifests"] if m.get("annotations", {}).get("io.containerd.image.name", "").endswith(name)][0]
manifest = json.load(open(os.path.join(root, "blobs/sha256", entry["digest"][7:])))
print(manifest["layers"][0]["digest"][7:])
PY
)
cp "$dir/root/images/blobs/sha256/$layer" "$dir/layer.bak"
printf 'X' | dd of="$dir/root/images/blobs/sha256/$layer" bs=1 seek=10 conv=notrunc 2>/dev/null
docker save -o "$dir/damaged.tar" "$open/berth/docker-v2:1.0" >/dev/null 2>&1 && bad "a save of a damaged layer succeeded" || ok
cp "$dir/layer.bak" "$dir/root/images/blobs/sha256/$layer"
docker save -o "$dir/whole.tar" "$open/berth/docker-v2:1.0" && ok || bad "a save after the repair"

# HTTP/1.0 gets the tar as it is (no chunked framing), ended by the close.
/usr/bin/python3 - "$sock" "$open/berth/docker-v2:1.0" "$dir/http10.out" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(("GET /images/%s/get HTTP/1.0\r\n\r\n" % sys.argv[2]).encode())
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
open(sys.argv[3], "wb").write(data)
PY
head=$(sed -n '1,/^\r$/p' "$dir/http10.out")
[[ $head != *"Transfer-Encoding"* ]] && ok || bad "HTTP/1.0 got chunked: $head"
tail -c +$(( $(sed -n '1,/^\r$/p' "$dir/http10.out" | wc -c) + 1 )) "$dir/http10.out" > "$dir/http10.tar"
tar tf "$dir/http10.tar" | grep -qx manifest.json && ok || bad "HTTP/1.0's body is the tar"

# A pull stalled on its registry stops about a second after its client
# leaves, not at the 30 s stall limit: the blob GET itself is cancelled
# (blobs no earlier pull here fetched).
proxy slow-blobs --delay 60
api -X POST --max-time 2 "http://b/images/create?fromImage=$proxy/berth/multi&tag=t4&platform=windows/amd64" >/dev/null
stopped=no
for _ in $(seq 1 40); do
  grep "$proxy" "$dir/berthd.log" | grep -q "context canceled" && { stopped=yes; break; }
  sleep 0.1
done
expect_eq "a stalled blob GET stops once its client leaves" "$stopped" "yes"

# Pulls stalled on a registry never delay the other routes.
proxy slow-blobs --delay 8
for i in $(seq 1 20); do
  api -X POST --max-time 6 "http://b/images/create?fromImage=$proxy/berth/multi&tag=t4&platform=windows/amd64" >/dev/null &
done
sleep 1
grep -q '/blobs/sha256:' "$proxy_log" && ok || bad "the stalled pulls never reached the blobs"
t0=$(date +%s%N)
docker images -q >/dev/null && ok || bad "docker images during stalled pulls"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$ms" -lt 3000 ] && ok || bad "docker images took $ms ms behind 20 stalled pulls"

# --- invalid names and tags -------------------------------------------------------------
expect_eq "tag into an uppercase repository" "$(status -X POST "http://b/images/$open/berth/multi:t2/tag?repo=UPPER&tag=1")" 400
expect_eq "tag with a bad tag" "$(status -X POST "http://b/images/$open/berth/multi:t2/tag?repo=ok&tag=-bad")" 400
expect_eq "tag of a missing image" "$(status -X POST "http://b/images/nothere/tag?repo=ok&tag=1")" 404
expect_eq "rmi of a missing image" "$(status -X DELETE "http://b/images/nothere:1")" 404
expect_eq "inspect with a bad name" "$(status "http://b/images/Bad%20Name/json")" 400

# --- two clients tagging and removing one image at once ------------------------------------
src_image=$open/berth/multi:t2
id=$(docker image inspect -f '{{.Id}}' "$src_image")
racers=()
for w in 1 2; do
  (for i in $(seq 1 15); do docker tag "$src_image" "race/x:$i" 2>/dev/null; docker rmi "race/x:$i" >/dev/null 2>&1; done) &
  racers+=($!)
done
wait "${racers[@]}"
expect_eq "the image survives the race" "$(docker image inspect -f '{{.Id}}' "$src_image")" "$id"
expect_eq "no race tag left" "$(docker images -q race/x | wc -l)" 0
expect_eq "still serving after the race" "$(status http://b/_ping)" 200
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$dir/root/images/index.json" && ok || bad "index.json is JSON"

[ "$fail" -eq 0 ] || { echo "--- berthd log (tail)"; tail -30 "$dir/berthd.log"; }
echo "images bad input: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
