# Sourced by the benchmarks that run registries, skopeo and berth side by
# side: time and statistics helpers, a docker-registry per call, skopeo
# without the machine's configuration, and generated test images.
# Needs: $work (a scratch directory) and the array pids (what to stop).
# shellcheck shell=bash

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 1 150); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }
# Seconds a command took (its output as it printed it).
time_of() { local t0; t0=$(now); "$@"; calc "$(now) - $t0"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

start_registry() {  # NAME VAR: starts it, sets VAR to its host (not in a subshell: $pids must see it)
  local port
  port=$(free_port)
  cat >"$work/$1.yml" <<YAML
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $work/$1-data}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$port}
YAML
  docker-registry serve "$work/$1.yml" >"$work/$1.log" 2>&1 &
  pids+=($!)
  wait_port "$port"
  printf -v "$2" '%s' "127.0.0.1:$port"
}
# skopeo with nothing of the machine's configuration.
mkdir -p "$work/sk/home" "$work/sk/tmp"
echo '{"auths":{}}' >"$work/sk/auth.json"
: >"$work/sk/registries.conf"
echo '{"default":[{"type":"insecureAcceptAnything"}]}' >"$work/sk/policy.json"
# skopeo remembers where it saw each blob (its blob-info cache, under
# /var/lib/containers/cache as root) and mounts from there: every run starts
# without it, as berth does, so both upload.
skopeo() {
  rm -f /var/lib/containers/cache/blob-info-cache-v1.boltdb "$work/sk/home/.local/share/containers/cache/blob-info-cache-v1.boltdb"
  HOME=$work/sk/home REGISTRY_AUTH_FILE=$work/sk/auth.json CONTAINERS_REGISTRIES_CONF=$work/sk/registries.conf \
    TMPDIR=$work/sk/tmp command skopeo --policy "$work/sk/policy.json" "$@"
}
# IMAGE LAYERS KIB: an OCI layout at $work/IMAGE with LAYERS gzip layers of
# KIB KiB of random bytes each (gzip -1 of random data: incompressible).
make_image() {
  /usr/bin/python3 - "$work/$1" "$2" "$3" <<'PY'
import gzip, hashlib, json, os, sys
root, count, kib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(os.path.join(root, "blobs", "sha256"), exist_ok=True)
def blob(media, data):
    h = hashlib.sha256(data).hexdigest()
    with open(os.path.join(root, "blobs", "sha256", h), "wb") as f:
        f.write(data)
    return {"mediaType": media, "digest": "sha256:" + h, "size": len(data)}
layers, diff_ids = [], []
for i in range(count):
    raw = os.urandom(kib * 1024)
    layers.append(blob("application/vnd.oci.image.layer.v1.tar+gzip", gzip.compress(raw, 1, mtime=0)))
    diff_ids.append("sha256:" + hashlib.sha256(raw).hexdigest())
config = blob("application/vnd.oci.image.config.v1+json", json.dumps(
    {"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode())
manifest = blob("application/vnd.oci.image.manifest.v1+json", json.dumps(
    {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "config": config,
     "layers": layers}).encode())
manifest["annotations"] = {"org.opencontainers.image.ref.name": "1"}
open(os.path.join(root, "oci-layout"), "w").write('{"imageLayoutVersion":"1.0.0"}')
open(os.path.join(root, "index.json"), "w").write(json.dumps({"schemaVersion": 2, "manifests": [manifest]}))
PY
  skopeo copy -q --dest-tls-verify=false --preserve-digests "oci:$work/$1:1" "docker://$src/bench/$1:1"
}
