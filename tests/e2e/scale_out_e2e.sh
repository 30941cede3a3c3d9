#!/bin/bash
# berthd scaled out on a registry image store (--image-store
# registry://HOST:PORT/PREFIX): two berthd instances sharing one
# docker-registry as their store, behind Debian's nginx as a load balancer,
# driven by the docker CLI. An image pulled through one is listed,
# inspected, saved and pushed through the other; tags and removals made on
# one are seen by the other; a berthd killed mid-pull leaves nothing the
# other can see; a store registry that is down or refuses writes gives
# clear errors and no half-registered image. skopeo is the oracle for what
# the store registry holds. The slow source is tests/fixtures/fault_proxy.py
# (slow-blobs), as no packaged registry delays blobs on demand.
set -u
berthd=$1
fixtures=$(cd "$(dirname "$0")/../fixtures" && pwd)
. "$(dirname "$0")/../lib/peers.sh"
export DOCKER_CONFIG=$dir/docker HOME=$dir
unset DOCKER_HOST DOCKER_CONTEXT DOCKER_API_VERSION
mkdir -p "$DOCKER_CONFIG"
echo '{}' > "$DOCKER_CONFIG/config.json"
skopeo=(skopeo --insecure-policy --tmpdir "$dir")

start_registry source "" || exit 1
src=127.0.0.1:$port
bash "$fixtures/make_images.sh" "$src" "$dir/images" --tls-verify=false >"$dir/push.log" 2>&1 \
  || { echo "make_images.sh failed:"; cat "$dir/push.log"; exit 1; }
digest_of() { awk -v n="$1" '$1 == n {print $3}' "$dir/images/digests.txt"; }

# The store: a docker-registry that allows deletes; started again later on
# the same port and data (down, read-only).
store_port=$(free_port)
store=127.0.0.1:$store_port
store_pid=
start_store() {  # [readonly]
  local readonly=false
  [ "${1:-}" = readonly ] && readonly=true
  mkdir -p "$dir/store"
  cat > "$dir/store/config.yml" <<YAML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $dir/store/data
  delete:
    enabled: true
  maintenance:
    readonly:
      enabled: $readonly
http:
  addr: $store
YAML
  docker-registry serve "$dir/store/config.yml" >>"$dir/store/registry.log" 2>&1 &
  store_pid=$!
  pids+=($store_pid)
  wait_port "$store_port" || { echo "store registry did not start"; cat "$dir/store/registry.log"; exit 1; }
}
stop_store() { kill "$store_pid"; wait "$store_pid" 2>/dev/null; }
start_store

# berthd A and B: each a unix socket of its own and a TCP port behind nginx.
declare -A bpid bport
start_berthd() {  # NAME
  local name=$1
  [ -n "${bport[$name]:-}" ] || bport[$name]=$(free_port)
  rm -f "$dir/$name.sock"
  "$berthd" -H "unix://$dir/$name.sock" -H "tcp://127.0.0.1:${bport[$name]}" --pidfile "" \
    --data-root "$dir/root-$name" --config-file /dev/null --insecure-registry 127.0.0.0/8 \
    --image-store "registry://$store/berthd" >>"$dir/berthd-$name.log" 2>&1 &
  bpid[$name]=$!
  pids+=($!)
  for _ in $(seq 1 100); do [ -S "$dir/$name.sock" ] && break; sleep 0.1; done
  wait_port "${bport[$name]}"
}
start_berthd a
start_berthd b
A=(docker -H "unix://$dir/a.sock")
B=(docker -H "unix://$dir/b.sock")

lb_port=$(free_port)
mkdir -p "$dir/nginx"
chmod 755 "$dir"
cat > "$dir/nginx/nginx.conf" <<NGINX
worker_processes 1;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $dir/nginx;
  proxy_temp_path $dir/nginx;
  upstream berthd { server 127.0.0.1:${bport[a]}; server 127.0.0.1:${bport[b]}; }
  server {
    listen 127.0.0.1:$lb_port;
    client_max_body_size 0;
    location / {
      proxy_pass http://berthd;
      proxy_http_version 1.1;
      proxy_buffering off;
      proxy_request_buffering off;
      proxy_read_timeout 300s;
    }
  }
}
NGINX
nginx -c "$dir/nginx/nginx.conf" -g 'daemon off;' >"$dir/nginx/out.log" 2>&1 &
pids+=($!)
wait_port "$lb_port" || { echo "nginx did not start"; cat "$dir/nginx/error.log"; exit 1; }
LB=(docker -H "tcp://127.0.0.1:$lb_port")

store_tags() { "${skopeo[@]}" list-tags --tls-verify=false "docker://$store/berthd/$1" 2>/dev/null \
  | /usr/bin/python3 -c 'import json,sys; print(" ".join(sorted(json.load(sys.stdin)["Tags"])))'; }
# The tags of a store repository that name an image: not a removal's
# tombstone, and not a tag the registry still lists for a deleted manifest.
live_store_tags() {
  local live=() t
  for t in $(store_tags "$1"); do
    "${skopeo[@]}" inspect --raw --tls-verify=false "docker://$store/berthd/$1:$t" 2>/dev/null \
      | grep -q org.berth.store.removed && continue
    "${skopeo[@]}" inspect --raw --tls-verify=false "docker://$store/berthd/$1:$t" >/dev/null 2>&1 && live+=("$t")
  done
  echo "${live[*]}"
}

# --- pulled through A, seen through B ---------------------------------------------
multi=$src/berth/multi
out=$("${A[@]}" pull "$multi:1.0" 2>&1)
expect_has "pull through A" "$out" "Status: Downloaded newer image for $multi:1.0"
store_repo=127.0.0.1__${src#127.0.0.1:}/berth/multi
id=$("${A[@]}" image inspect -f '{{.Id}}' "$multi:1.0" 2>&1)
expect_eq "B lists it" "$("${B[@]}" images --format '{{.Repository}}:{{.Tag}} {{.ID}}' "$multi" 2>&1)" \
  "$multi:1.0 ${id:7:12}"
expect_eq "B inspects the same image" "$("${B[@]}" image inspect -f '{{.Id}} {{index .RepoDigests 0}}' "$multi:1.0" 2>&1)" \
  "$id $multi@$(digest_of berth/multi:1.0)"
platform_digest=$("${skopeo[@]}" inspect --raw --tls-verify=false "docker://$multi:1.0" | /usr/bin/python3 -c '
import json,sys
for m in json.load(sys.stdin)["manifests"]:
    p = m["platform"]
    if p["os"] == "linux" and p["architecture"] == "amd64": print(m["digest"])')
expect_eq "the store holds the tag and the RepoDigest" "$(store_tags "$store_repo")" \
  "1.0 sha256_$(digest_of berth/multi:1.0 | cut -d: -f2)"
expect_eq "the store's manifest is the platform's" \
  "$("${skopeo[@]}" inspect --raw --tls-verify=false "docker://$store/berthd/$store_repo:1.0" | sha256sum | cut -c1-64)" \
  "${platform_digest#sha256:}"
out=$("${B[@]}" pull "$multi:1.0" 2>&1)
expect_has "a pull through B is up to date" "$out" "Status: Image is up to date for $multi:1.0"
if [[ "$out" == *"Pulling fs layer"* ]]; then bad "B fetched layers the store has: $out"; else ok; fi

# Saved through B (which never pulled it: its layers come from the store).
"${B[@]}" save -o "$dir/saved.tar" "$multi:1.0" 2>"$dir/save.err"
expect_eq "save through B" "$?:$(cat "$dir/save.err")" "0:"
expect_eq "the saved image is the pulled one" \
  "$("${skopeo[@]}" inspect --raw "docker-archive:$dir/saved.tar" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["config"]["digest"])')" "$id"

# Tagged and pushed through B.
out=$("${B[@]}" tag "$multi:1.0" "$src/pushed/app:v1" 2>&1)
expect_eq "tag through B" "$out" ""
expect_eq "the store has the new tag" "$(store_tags 127.0.0.1__${src#127.0.0.1:}/pushed/app)" "v1"
out=$("${B[@]}" push "$src/pushed/app:v1" 2>&1)
expect_has "push through B" "$out" "v1: digest: $platform_digest"
expect_eq "what B pushed is what A pulled" \
  "$("${skopeo[@]}" inspect --raw --tls-verify=false "docker://$src/pushed/app:v1" | sha256sum | cut -c1-64)" \
  "${platform_digest#sha256:}"
expect_eq "A sees B's tag" "$("${A[@]}" image inspect -f '{{.Id}}' "$src/pushed/app:v1" 2>&1)" "$id"
expect_eq "A sees the RepoDigest B's push gave it" \
  "$("${A[@]}" image inspect -f '{{range .RepoDigests}}{{println .}}{{end}}' "$src/pushed/app:v1" 2>&1 | grep pushed/app)" \
  "$src/pushed/app@$platform_digest"

# Removed through A: gone for B; the other names stay.
out=$("${A[@]}" rmi "$src/pushed/app:v1" 2>&1)
expect_has "rmi through A" "$out" "Untagged: $src/pushed/app:v1"
out=$("${B[@]}" image inspect "$src/pushed/app:v1" 2>&1)
expect_has "B no longer finds the tag" "$out" "No such image: $src/pushed/app:v1"
expect_eq "the store dropped it" "$(store_tags 127.0.0.1__${src#127.0.0.1:}/pushed/app)" ""
expect_eq "the image keeps its other names" "$("${B[@]}" image inspect -f '{{.Id}}' "$multi:1.0" 2>&1)" "$id"

# Another instance's change costs a reader only the names it changed (its
# journal says which), not a read of every name in the store.
store_reads() {  # NAME: "FULL PARTIAL"
  curl -s --unix-socket "$dir/$1.sock" http://berthd/metrics \
    | awk '$1 == "berthd_image_store_full_reads_total" {f = $2} $1 == "berthd_image_store_partial_reads_total" {p = $2}
           END {print f, p}'
}
"${B[@]}" images >/dev/null 2>&1
read -r full partial <<<"$(store_reads b)"
"${A[@]}" tag "$multi:1.0" "$src/journal/x:j1" >/dev/null 2>&1
expect_eq "B sees A's tag" "$("${B[@]}" images --format '{{.Tag}}' "$src/journal/x" 2>&1)" "j1"
expect_eq "B read only the name A changed" "$(store_reads b)" "$full $((partial + 1))"
read -r full partial <<<"$(store_reads b)"
"${A[@]}" rmi "$src/journal/x:j1" >/dev/null 2>&1
expect_eq "B sees A's removal" "$("${B[@]}" images -q "$src/journal/x" 2>&1)" ""
expect_eq "B read only the name A removed" "$(store_reads b)" "$full $((partial + 1))"
read -r full partial <<<"$(store_reads a)"
"${A[@]}" images >/dev/null 2>&1
expect_eq "A's own changes cost it no read of names" "$(store_reads a)" "$full $((partial + 1))"

# Two tags of one manifest in one repository: removing one keeps the other.
"${A[@]}" tag "$multi:1.0" "$multi:also" >/dev/null 2>&1
"${B[@]}" rmi "$multi:also" >/dev/null 2>&1
expect_eq "a sibling tag survives a removal" "$(store_tags "$store_repo")" \
  "1.0 sha256_$(digest_of berth/multi:1.0 | cut -d: -f2)"

# Two instances removing different tags of one image at once: both go,
# and the tags nobody removed never leave the store.
for round in 1 2 3; do
  for t in p1 p2 p3 p4; do "${A[@]}" tag "$multi:1.0" "$src/pair/x:$t" >/dev/null 2>&1; done
  "${A[@]}" rmi "$src/pair/x:p1" >"$dir/rmi-a.out" 2>&1 &
  ra=$!
  "${B[@]}" rmi "$src/pair/x:p2" >"$dir/rmi-b.out" 2>&1 &
  rb=$!
  seen_all=yes
  for _ in 1 2 3 4 5; do
    listed=$("${LB[@]}" images --format '{{.Tag}}' "$src/pair/x" 2>&1)
    [[ "$listed" == *p3* && "$listed" == *p4* ]] || seen_all="no: $listed"
  done
  wait $ra $rb
  expect_eq "concurrent removals, round $round" "$(cat "$dir/rmi-a.out" "$dir/rmi-b.out" | sort | tr '\n' ' ')" \
    "Untagged: $src/pair/x:p1 Untagged: $src/pair/x:p2 "
  expect_eq "untouched tags stay visible meanwhile, round $round" "$seen_all" "yes"
  expect_eq "the store after round $round" "$(live_store_tags 127.0.0.1__${src#127.0.0.1:}/pair/x)" "p3 p4"
  expect_eq "B's view after round $round" "$("${B[@]}" images --format '{{.Tag}}' "$src/pair/x" 2>&1 | sort | tr '\n' ' ')" \
    "p3 p4 "
  "${A[@]}" rmi "$src/pair/x:p3" "$src/pair/x:p4" >/dev/null 2>&1
done

# Through the load balancer: whichever instance answers, one image set.
single=$src/berth/oci-single
out=$("${LB[@]}" pull "$single:1.0" 2>&1)
expect_has "pull through nginx" "$out" "Status: Downloaded newer image for $single:1.0"
for i in 1 2 3 4; do
  expect_has "list through nginx ($i)" "$("${LB[@]}" images --format '{{.Repository}}:{{.Tag}}' 2>&1)" "$single:1.0"
done
expect_has "A lists the image pulled through nginx" "$("${A[@]}" images --format '{{.Repository}}:{{.Tag}}' 2>&1)" "$single:1.0"
expect_has "B lists the image pulled through nginx" "$("${B[@]}" images --format '{{.Repository}}:{{.Tag}}' 2>&1)" "$single:1.0"

# Loaded through A, listed through B.
out=$("${A[@]}" load -i "$dir/saved.tar" 2>&1)
expect_has "load through A" "$out" "Loaded image: $multi:1.0"

# --- a berthd killed mid-pull --------------------------------------------------------
/usr/bin/python3 "$fixtures/fault_proxy.py" --upstream "$src" --mode slow-blobs --delay 30 --log "$dir/proxy.log" \
  >"$dir/proxy.out" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do grep -q '^PORT ' "$dir/proxy.out" 2>/dev/null && break; sleep 0.1; done
slow=127.0.0.1:$(awk '/^PORT/ {print $2}' "$dir/proxy.out")
before=$("${B[@]}" images --format '{{.Repository}}:{{.Tag}} {{.ID}}' 2>&1 | sort)
"${A[@]}" pull "$slow/berth/docker-v2:1.0" >"$dir/slow-pull.out" 2>&1 &
slow_pull=$!
for _ in $(seq 1 100); do grep -q 'blobs/' "$dir/proxy.log" 2>/dev/null && break; sleep 0.1; done
expect_has "the pull was fetching blobs" "$(cat "$dir/proxy.log")" "blobs/"
kill -9 "${bpid[a]}"
wait "$slow_pull" 2>/dev/null
expect_eq "B's images are as they were" "$("${B[@]}" images --format '{{.Repository}}:{{.Tag}} {{.ID}}' 2>&1 | sort)" "$before"
out=$("${B[@]}" image inspect "$slow/berth/docker-v2:1.0" 2>&1)
expect_has "B has nothing of the killed pull" "$out" "No such image"
start_berthd a
expect_eq "A, started again, lists what B lists" \
  "$("${A[@]}" images --format '{{.Repository}}:{{.Tag}} {{.ID}}' 2>&1 | sort)" "$before"

# --- the store registry down --------------------------------------------------------
stop_store
out=$("${A[@]}" images 2>&1)
expect_has "images with the store down" "$out" "Error response from daemon: image store registry://$store/berthd: "
out=$("${A[@]}" pull "$src/berth/docker-v2:1.0" 2>&1)
expect_has "pull with the store down" "$out" "Error response from daemon: image store registry://$store/berthd: "
expect_eq "berthd still answers" "$("${A[@]}" version -f '{{.Server.Os}}' 2>&1)" "linux"

# --- the store refusing writes ---------------------------------------------------------
start_store readonly
expect_eq "the store back: the same images" \
  "$("${A[@]}" images --format '{{.Repository}}:{{.Tag}} {{.ID}}' 2>&1 | sort)" "$before"
out=$("${A[@]}" pull "$src/berth/docker-v2:1.0" 2>&1)
expect_has "pull into a read-only store" "$out" "image store registry://$store/berthd: unknown: Method not allowed"
if [[ "$out" == *"Status: Downloaded"* ]]; then bad "a refused pull said it downloaded the image"; else ok; fi
out=$("${A[@]}" image inspect "$src/berth/docker-v2:1.0" 2>&1)
expect_has "A did not keep the refused image" "$out" "No such image"
out=$("${B[@]}" image inspect "$src/berth/docker-v2:1.0" 2>&1)
expect_has "B does not see it" "$out" "No such image"
out=$("${A[@]}" tag "$multi:1.0" "$multi:refused" 2>&1)
expect_has "tag into a read-only store" "$out" "Error response from daemon: image store registry://$store/berthd: "
out=$("${A[@]}" rmi "$multi:1.0" 2>&1)
expect_has "rmi in a read-only store" "$out" "Error response from daemon: image store registry://$store/berthd: "
out=$("${A[@]}" image prune -a -f 2>&1)
expect_has "prune in a read-only store" "$out" "image store registry://$store/berthd: "
out=$("${A[@]}" rmi -f "${id:7:12}" 2>&1)
expect_has "rmi -f by ID in a read-only store" "$out" "image store registry://$store/berthd: "
expect_eq "after the refusals: the same images" \
  "$("${A[@]}" images --format '{{.Repository}}:{{.Tag}} {{.ID}}' 2>&1 | sort)" "$before"
out=$("${A[@]}" save "$multi:1.0" 2>&1 | tar -t 2>&1 | grep -c blobs/sha256/)
expect_eq "the refused removals left A's images whole (save)" "$((out > 2))" 1

# --- a store that does not allow deletes ------------------------------------------------
start_registry nodelete "" || exit 1
nodelete=127.0.0.1:$port
C=(docker -H "unix://$dir/c.sock")
start_c() {
  "$berthd" -H "unix://$dir/c.sock" --pidfile "" --data-root "$dir/root-c$1" --config-file /dev/null \
    --image-store "registry://$nodelete/berthd" >>"$dir/berthd-c.log" 2>&1 &
  cpid=$!
  pids+=($cpid)
  for _ in $(seq 1 100); do [ -S "$dir/c.sock" ] && break; sleep 0.1; done
}
start_c 1
# A name moved by an instance that lacks the old image's layers: the old
# image stays, without names, for every instance.
"${C[@]}" pull -q "$single:1.0" >/dev/null 2>&1
"${C[@]}" tag "$single:1.0" "$src/moved/app:latest" >/dev/null 2>&1
"${C[@]}" rmi "$single:1.0" >/dev/null 2>&1
old_id=$("${C[@]}" image inspect -f '{{.Id}}' "$src/moved/app:latest" 2>&1)
kill "$cpid"; wait "$cpid" 2>/dev/null; rm -f "$dir/c.sock"
start_c 3
"${C[@]}" pull -q "$src/berth/docker-v2:1.0" >/dev/null 2>&1
out=$("${C[@]}" tag "$src/berth/docker-v2:1.0" "$src/moved/app:latest" 2>&1)
expect_eq "moving a name whose old image this instance never fetched" "$out" ""
expect_eq "the old image stays, without names" "$("${C[@]}" image inspect -f '{{.Id}} {{len .RepoTags}}' "$old_id" 2>&1)" \
  "$old_id 0"
"${C[@]}" rmi "$old_id" >/dev/null 2>&1
kill "$cpid"; wait "$cpid" 2>/dev/null; rm -f "$dir/c.sock"
start_c 1
"${C[@]}" pull -q "$single:1.0" >/dev/null 2>&1
"${C[@]}" tag "$single:1.0" "$single:gone" >/dev/null 2>&1
out=$("${C[@]}" rmi "$single:gone" 2>&1)
expect_eq "rmi without registry deletes" "$out" "Untagged: $single:gone"
kill "$cpid"; wait "$cpid" 2>/dev/null; rm -f "$dir/c.sock"
start_c 2
expect_eq "a fresh instance does not see the removed tag" \
  "$("${C[@]}" images --format '{{.Repository}}:{{.Tag}}' 2>&1 | sort | tr '\n' ' ')" \
  "$src/berth/docker-v2:1.0 $single:1.0 $src/moved/app:latest "
kill "$cpid"; wait "$cpid" 2>/dev/null

# --- a local store is not a cache, and a cache not a local store ----------------------
"$berthd" -H "unix://$dir/l.sock" --pidfile "" --data-root "$dir/root-local" --config-file /dev/null \
  >"$dir/berthd-l.log" 2>&1 &
lpid=$!
for _ in $(seq 1 100); do [ -S "$dir/l.sock" ] && break; sleep 0.1; done
docker -H "unix://$dir/l.sock" pull -q "$single:1.0" >/dev/null 2>&1
kill "$lpid"; wait "$lpid" 2>/dev/null
out=$("$berthd" -H "unix://$dir/l.sock" --pidfile "" --data-root "$dir/root-local" --config-file /dev/null \
  --image-store "registry://$store/berthd" 2>&1)
expect_has "a local store's data root refused as a cache" "$out" "root-local/images holds 1 image(s) of a local image store"
out=$("$berthd" -H "unix://$dir/l.sock" --pidfile "" --data-root "$dir/root-a" --config-file /dev/null 2>&1)
expect_has "a cache refused as a local store" "$out" \
  "root-a/images is the cache of the image store registry://$store/berthd, not a local image store"

# --- bad configuration -----------------------------------------------------------------
out=$("$berthd" -H "unix://$dir/c.sock" --pidfile "" --data-root "$dir/root-c" --config-file /dev/null \
  --image-store "registry://nohost/x" 2>&1)
expect_has "an image store host that is not one" "$out" 'invalid image store \"registry://nohost/x\": \"nohost\" does not read as a registry host'
echo '{"image-store": "registry://127.0.0.1:1/a"}' > "$dir/daemon.json"
out=$("$berthd" -H "unix://$dir/c.sock" --pidfile "" --data-root "$dir/root-c" --config-file "$dir/daemon.json" \
  --image-store "registry://127.0.0.1:2/b" 2>&1)
expect_has "flag and daemon.json both" "$out" \
  "image-store: (from flag: registry://127.0.0.1:2/b, from file: registry://127.0.0.1:1/a)"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
