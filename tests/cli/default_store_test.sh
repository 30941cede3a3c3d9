#!/bin/bash
# The docker CLI's default credential store: with a config.json that names
# no store, no helper and no registry, `login` stores through `pass` when
# it is on PATH (Debian's pass and docker-credential-pass, a throwaway GPG
# key), else through secretservice, and records it as credsStore — berth
# as the docker CLI on PATH does it, both logging in through berthd to a
# docker-registry with htpasswd, errors included (an uninitialised pass
# store; secretservice without a D-Bus session).
set -u
berth=$1
berthd=$2
fixtures=$(cd "$(dirname "$0")/../fixtures" && pwd)
. "$(dirname "$0")/../lib/peers.sh"
export HOME=$dir DOCKER_CONFIG=$dir/docker GNUPGHOME=$dir/gnupg PASSWORD_STORE_DIR=$dir/password-store
unset DOCKER_HOST DOCKER_CONTEXT DOCKER_API_VERSION DOCKER_TLS_VERIFY DOCKER_CERT_PATH DBUS_SESSION_BUS_ADDRESS
mkdir -p "$DOCKER_CONFIG" "$GNUPGHOME"
chmod 700 "$GNUPGHOME"
for p in pass docker-credential-pass docker-credential-secretservice gpg; do
  command -v "$p" >/dev/null || { echo "$p is missing (scripts/setup installs it)"; exit 1; }
done

htpasswd -Bbn alice s3cret >"$dir/htpasswd"
start_registry reg "$(printf 'auth:\n  htpasswd:\n    realm: berth-test\n    path: %s/htpasswd\n' "$dir")" || exit 1
reg=127.0.0.1:$port
echo '{}' >"$dir/daemon.json"
sock=$dir/berth.sock
"$berthd" -H "unix://$sock" --pidfile "" --data-root "$dir/berth-root" --config-file "$dir/daemon.json" >"$dir/berthd.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do [ -S "$sock" ] && break; sleep 0.1; done
echo "docker CLI: $(command -v docker) ($(docker --version))"

docker_login() { echo s3cret | docker -H "unix://$sock" login "$reg" -u alice --password-stdin 2>&1; }
berth_login() { echo s3cret | "$berth" "$@" login "$reg" -u alice --password-stdin 2>&1; }
# What a failed login says, without the CLI's or berth's own prefix.
words() { sed -e 's/^berth: //' <<<"$1" | grep -v '^WARNING'; }

# --- pass on PATH, its store not initialised ------------------------------------
docker_out=$(docker_login)
[ ! -e "$DOCKER_CONFIG/config.json" ] && ok || bad "docker wrote config.json after a failed login"
out=$(berth_login)
expect_eq "uninitialised pass: berth login exits 1" "$?" "1"
[[ $docker_out == *"Error saving credentials: error storing credentials - err: exit status 1"* ]] \
  && ok || bad "docker's words: $docker_out"
expect_eq "uninitialised pass: the docker CLI's words" "$(words "$out")" "$(words "$docker_out")"
expect_eq "  through berthd too" "$(words "$(berth_login -H "unix://$sock")")" "$(words "$docker_out")"
[ ! -e "$DOCKER_CONFIG/config.json" ] && ok || bad "berth wrote config.json after a failed login"
# Nothing was ever stored through the default store: logout has nothing to
# erase (docker 28: exit 0).
expect_eq "logout, nothing stored" "$("$berth" logout "$reg" 2>&1; echo "exit $?")" \
  "Removing login credentials for $reg
Not logged in to $reg
exit 0"
if grep -rq s3cret "$dir/docker" 2>/dev/null; then bad "a password on disk"; else ok; fi

# --- pass initialised with a throwaway key ----------------------------------------
gpg --batch --passphrase '' --quick-gen-key berth-test@example.invalid default default never >/dev/null 2>&1 \
  || { echo "gpg could not make a key"; exit 1; }
pass init berth-test@example.invalid >/dev/null || { echo "pass init failed"; exit 1; }
out=$(berth_login)
expect_eq "berth login through pass" "$out" "Login Succeeded"
berth_file=$(cat "$DOCKER_CONFIG/config.json")
expect_eq "credsStore recorded, the password not in the file" "$berth_file" \
  "$(printf '{\n\t"auths": {\n\t\t"%s": {}\n\t},\n\t"credsStore": "pass"\n}' "$reg")"
pass ls | grep -q "docker-credential-helpers" && ok || bad "nothing in the pass store: $(pass ls)"
header=$("$berth" auth encode --from-config "$reg/app" 2>"$dir/err")
expect_eq "read back through pass" "$("$berth" auth decode "$header")" \
  "{\"username\":\"alice\",\"password\":\"s3cret\",\"serveraddress\":\"$reg\"}"
expect_eq "  without a word on stderr" "$(cat "$dir/err")" ""
"$berth" logout "$reg" >/dev/null 2>&1
# pass refuses to erase what it does not hold: a second logout is "not
# logged in", exit 0, as with docker.
expect_eq "logout again through pass" "$("$berth" logout "$reg" 2>&1; echo "exit $?")" \
  "Removing login credentials for $reg
Not logged in to $reg
exit 0"
rm -f "$DOCKER_CONFIG/config.json"
out=$(docker_login)
[[ $out == *"Login Succeeded"* ]] && ok || bad "docker login through pass: $out"
expect_eq "docker CLI writes the same file" "$(cat "$DOCKER_CONFIG/config.json")" "$berth_file"
header=$("$berth" auth encode --from-config "$reg/app")
expect_eq "berth reads what docker stored in pass" "$("$berth" auth decode "$header")" \
  "{\"username\":\"alice\",\"password\":\"s3cret\",\"serveraddress\":\"$reg\"}"
docker logout "$reg" >/dev/null 2>&1
rm -f "$DOCKER_CONFIG/config.json"

# --- no pass on PATH: secretservice, which has no D-Bus session here ---------------
hide_programs pass
docker_out=$(docker_login)
out=$(berth_login)
expect_eq "secretservice: exit 1" "$?" "1"
[[ $docker_out == *"Error saving credentials: error storing credentials"* ]] && ok || bad "docker's words: $docker_out"
expect_eq "secretservice: the docker CLI's words" "$(words "$out")" "$(words "$docker_out")"
[ ! -e "$DOCKER_CONFIG/config.json" ] && ok || bad "config.json written after a failed login"

# --- neither: the file ------------------------------------------------------------
hide_default_credential_stores
out=$(berth_login)
expect_eq "no store on PATH: config.json" "$(tail -1 <<<"$out")" "Login Succeeded"
grep -q '"auth": "YWxpY2U6czNjcmV0"' "$DOCKER_CONFIG/config.json" && ok || bad "file store: $(cat "$DOCKER_CONFIG/config.json")"
grep -q credsStore "$DOCKER_CONFIG/config.json" && bad "a credsStore recorded for the file" || ok

gpgconf --kill gpg-agent 2>/dev/null
echo "default store: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
