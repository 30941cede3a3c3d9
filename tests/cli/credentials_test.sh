#!/bin/bash
# Credentials shared with the docker CLI (the `docker` on PATH: the
# machine's own, else Debian's docker.io that scripts/setup installs):
# `berth login` writes config.json, the docker CLI uses it against a real
# docker-registry this script starts (htpasswd, 127.0.0.1) and rewrites it
# on `docker logout`, and berth reads what docker wrote. Unknown keys
# survive berth's rewrites; a corrupted file is left alone.
set -u
berth=$1
fixtures=$(cd "$(dirname "$0")/../fixtures" && pwd)
. "$(dirname "$0")/../lib/peers.sh"
export DOCKER_CONFIG=$dir/docker  # never the user's own ~/.docker
export HOME=$dir
# config.json's own store: the docker CLI (and berth) would otherwise pick
# pass, which this machine has, for a file that names no store.
hide_default_credential_stores

htpasswd -Bbn alice s3cret > "$dir/htpasswd"
start_registry secure "auth:
  htpasswd:
    realm: berth-test
    path: $dir/htpasswd
" || exit 1
reg=127.0.0.1:$port
start_registry open "" || exit 1
open=127.0.0.1:$port
bash "$fixtures/make_images.sh" "$reg" "$dir/images" --creds alice:s3cret --tls-verify=false >"$dir/push.log" 2>&1 \
  || { echo "make_images.sh failed:"; cat "$dir/push.log"; exit 1; }
echo "using $(command -v docker): $(docker --version)"

# berth login writes the entry exactly as the docker CLI does.
out=$(echo s3cret | "$berth" login "$reg" -u alice --password-stdin 2>"$dir/err")
expect_eq "login prints the status" "$out" "Login Succeeded"
expect_eq "the docker CLI 28's warning" "$(cat "$dir/err")" "
WARNING! Your credentials are stored unencrypted in '$DOCKER_CONFIG/config.json'.
Configure a credential helper to remove this warning. See
https://docs.docker.com/go/credential-store/"
out=$(echo s3cret | "$berth" login "$reg" -u alice --password-stdin 2>"$dir/err")
expect_eq "the same credentials again: no warning (the file is left)" "$out $(cat "$dir/err")" "Login Succeeded "
expect_eq "config.json as docker writes it" "$(cat "$DOCKER_CONFIG/config.json")" "$(printf '{\n\t"auths": {\n\t\t"%s": {\n\t\t\t"auth": "YWxpY2U6czNjcmV0"\n\t\t}\n\t}\n}' "$reg")"
expect_eq "mode 0600" "$(stat -c %a "$DOCKER_CONFIG/config.json")" "600"

# The docker CLI uses berth's file against the registry. (A Docker
# manifest list: Debian's docker CLI 20.10 does not read OCI indexes.)
if docker manifest inspect --insecure "$reg/berth/docker-list:1.0" >"$dir/manifest.json" 2>"$dir/err" \
   && grep -q application/vnd.docker.distribution.manifest.list.v2+json "$dir/manifest.json"; then ok
else bad "docker manifest inspect with berth's credentials"; cat "$dir/err"; fi

# Keys berth does not know survive its rewrites.
# (Appended as text: the number must stay "2.50", as written.)
/usr/bin/python3 - "$DOCKER_CONFIG/config.json" <<'PY'
import sys
p = sys.argv[1]
text = open(p).read().rstrip()
assert text.endswith("}")
open(p, "w").write(text[:-1].rstrip() + ',\n\t"psFormat": "table {{.ID}}",\n\t"x-berth-test": {"keep": [1, 2.50, null]}\n}')
PY
echo any | "$berth" login "$open" -u bob --password-stdin >/dev/null 2>&1 || bad "login to the open registry"
/usr/bin/python3 - "$DOCKER_CONFIG/config.json" "$reg" "$open" <<'PY' && ok || bad "unknown keys kept, both entries there"
import json, sys
c = json.load(open(sys.argv[1]))
assert c["psFormat"] == "table {{.ID}}", c
assert c["x-berth-test"] == {"keep": [1, 2.5, None]}, c
assert set(c["auths"]) == {sys.argv[2], sys.argv[3]}, c
PY
grep -q '2.50' "$DOCKER_CONFIG/config.json" && ok || bad "a number kept as written"

# The header the docker CLI would send for an image, from the stored entry.
header=$("$berth" auth encode --from-config "$reg/berth/multi:1.0")
expect_eq "auth encode --from-config" "$("$berth" auth decode "$header")" \
  "{\"username\":\"alice\",\"password\":\"s3cret\",\"serveraddress\":\"$reg\"}"
expect_eq "no credentials: {}" "$("$berth" auth encode --from-config "127.0.0.1:1/x")" "e30="

# docker rewrites the file on logout; berth reads what docker wrote.
docker logout "$reg" >/dev/null 2>&1 || bad "docker logout"
header=$("$berth" auth encode --from-config "$open/some/image")
expect_eq "berth reads docker's file" "$("$berth" auth decode "$header")" \
  "{\"username\":\"bob\",\"password\":\"any\",\"serveraddress\":\"$open\"}"
out=$("$berth" inspect "$reg/berth/multi:1.0" 2>&1)
[[ $out == *"no basic auth credentials"* ]] && ok || bad "logged out: $out"

# berth logout removes only that entry.
expect_eq "berth logout" "$("$berth" logout "$open" 2>&1)" "Removing login credentials for $open"
expect_eq "not logged in" "$("$berth" logout "$open" 2>&1)" "Removing login credentials for $open
Not logged in to $open"
/usr/bin/python3 -c "import json,sys; c=json.load(open(sys.argv[1])); assert c['auths']=={}, c" \
  "$DOCKER_CONFIG/config.json" && ok || bad "auths empty after logout"

# A corrupted file is left exactly as it is, and said so.
printf '{"auths": {"%s": {"auth": "YWxpY2U6czNjcmV0"}}, oops' "$reg" > "$DOCKER_CONFIG/config.json"
cp "$DOCKER_CONFIG/config.json" "$dir/corrupt.copy"
out=$(echo s3cret | "$berth" login "$reg" -u alice --password-stdin 2>&1)
code=$?
expect_eq "corrupted: exit 1" "$code" "1"
[[ $out == *"config file $DOCKER_CONFIG/config.json: invalid character 'o'"* ]] && ok || bad "corrupted: $out"
cmp -s "$DOCKER_CONFIG/config.json" "$dir/corrupt.copy" && ok || bad "corrupted file changed"
[[ $out != *s3cret* ]] && ok || bad "a password in an error"

# On a terminal, login asks for what was not given; the password is not
# echoed. (A pseudo-terminal from Python's pty module.)
rm -f "$DOCKER_CONFIG/config.json"
/usr/bin/python3 - "$berth" "$reg" <<'PY' && ok || bad "login on a terminal"
import os, pty, sys, time
berth, reg = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.execv(berth, [berth, "login", reg])
seen = b""
def expect(what, timeout=20):
    global seen
    end = time.time() + timeout
    while what not in seen and time.time() < end:
        try:
            seen += os.read(fd, 1024)
        except OSError:
            break
    assert what in seen, seen
expect(b"Username: ")
os.write(fd, b"alice\n")
expect(b"Password: ")
os.write(fd, b"s3cret\n")
expect(b"Login Succeeded")
_, status = os.waitpid(pid, 0)
assert os.WEXITSTATUS(status) == 0, status
assert b"s3cret" not in seen, seen  # not echoed
PY
grep -q YWxpY2U6czNjcmV0 "$DOCKER_CONFIG/config.json" && ok || bad "the terminal login was stored"
# White space around the user name and password goes, as CLI 28 drops it.
out=$(printf ' s3cret \r\n\n' | "$berth" login "$reg" -u ' alice ' --password-stdin 2>&1)
expect_eq "login trims the user name and password" "$(tail -1 <<<"$out")" "Login Succeeded"
out=$("$berth" login "$reg" -u alice -p s3cret 2>&1)
[[ $out == *"WARNING! Using --password via the CLI is insecure. Use --password-stdin."*"Login Succeeded"* ]] \
  && ok || bad "-p warns: $out"

# A token registry: the identity token the token server issues is stored
# instead of the password, and later commands use it (the OAuth flow).
bash "$fixtures/make_pki.sh" "$dir/pki"
tport=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
/usr/bin/python3 "$fixtures/token_server.py" --port "$tport" --cert "$dir/pki/server.crt" --key "$dir/pki/server.key" \
  --user alice:s3cret --signing-key "$dir/pki/token.key" --signing-cert "$dir/pki/token.crt" \
  --log "$dir/token.log" >/dev/null &
pids+=($!)
wait_port "$tport" || { echo "token_server.py did not start"; exit 1; }
start_registry token "  tls:
    certificate: $dir/pki/server.crt
    key: $dir/pki/server.key
auth:
  token:
    realm: https://127.0.0.1:$tport/token
    service: berth-test-registry
    issuer: berth-test-issuer
    rootcertbundle: $dir/pki/ca.crt
" || exit 1
tokreg=127.0.0.1:$port
bash "$fixtures/make_images.sh" "$tokreg" "$dir/tokimages" --creds alice:s3cret --cert-dir "$dir/pki/cadir" \
  >"$dir/push2.log" 2>&1 || { echo "make_images.sh (token) failed:"; cat "$dir/push2.log"; exit 1; }
out=$(echo s3cret | "$berth" login "$tokreg" -u alice --password-stdin 2>"$dir/err")
expect_eq "token login" "$out" "Login Succeeded"
expect_eq "  no unencrypted-credentials warning for an identity token (CLI 28)" "$(cat "$dir/err")" ""
/usr/bin/python3 - "$DOCKER_CONFIG/config.json" "$tokreg" <<'PY' && ok || bad "identity token stored, not the password"
import json, sys
e = json.load(open(sys.argv[1]))["auths"][sys.argv[2]]
assert e["auth"] == "YWxpY2U6", e  # base64 "alice:"
assert e["identitytoken"], e
PY
if "$berth" inspect "$tokreg/berth/multi:1.0" >/dev/null 2>"$dir/err" \
   && grep -q "POST /token" "$dir/token.log"; then ok
else bad "inspect with the stored identity token"; cat "$dir/err"; fi
! grep -q s3cret "$dir/token.log" && ok || bad "a password in the token server's log"

echo "credentials: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
