#!/usr/bin/python3
"""docker-py 5.0.3 (Debian's python3-docker) against berthd: ping, version,
info, login, search, inspect_distribution — over TCP and a unix socket.
Usage: docker_py_e2e.py TCP_URL UNIX_URL REGISTRY DIGESTS_TXT OPEN_REGISTRY
(REGISTRY needs alice:s3cret; OPEN_REGISTRY no credentials.)
Prints "ok NAME" per check; exits 1 on the first failure."""
import sys

import docker

tcp, unix, registry, digests_path, open_registry = sys.argv[1:6]
digests = {}
for line in open(digests_path):
    name, media_type, digest, size = line.split()
    digests[name] = (media_type, digest, int(size))


def check(name, condition, detail=""):
    if not condition:
        print("FAIL %s %s" % (name, detail))
        sys.exit(1)
    print("ok " + name)


for url in (tcp, unix):
    client = docker.APIClient(base_url=url, version="auto", timeout=60)
    check("ping " + url, client.ping() is True)
    version = client.version()
    check("version " + url, version["ApiVersion"] == "1.44" and version["MinAPIVersion"] == "1.24", version)

client = docker.APIClient(base_url=tcp, version="auto", timeout=60)
info = client.info()
check("info", info["IndexServerAddress"] == "https://index.docker.io/v1/"
      and info["RegistryConfig"]["IndexConfigs"]["docker.io"]["Official"] is True, info.get("RegistryConfig"))

answer = client.login(username="alice", password="s3cret", registry=registry, reauth=True)
check("login", answer == {"IdentityToken": "", "Status": "Login Succeeded"}, answer)
try:
    client.login(username="alice", password="wrong", registry=registry, reauth=True)
    check("login with a wrong password fails", False)
except docker.errors.APIError as e:
    # 401 (dockerd answers 500 here; docs/compatibility.md A16)
    check("login with a wrong password fails", e.status_code == 401
          and "failed with status: 401 Unauthorized" in str(e), e)

results = client.search(open_registry + "/multi")
check("search", [r["name"] for r in results] == [open_registry + "/berth/multi"], results)

auth = {"username": "alice", "password": "s3cret"}
for name, (media_type, digest, size) in digests.items():
    got = client.inspect_distribution(registry + "/" + name, auth_config=auth)
    check("inspect_distribution " + name, got["Descriptor"] == {"mediaType": media_type, "digest": digest,
                                                                "size": size}, got)
multi = client.inspect_distribution(registry + "/berth/multi:1.0", auth_config=auth)
check("platforms", [p["os"] for p in multi["Platforms"]] == ["linux", "linux", "windows"]
      and multi["Platforms"][2]["os.version"] == "10.0.17763.5329", multi)

for bad, status in (("Bad/Name", 400), (registry + "/berth/none:1.0", 404), ("scratch", 403)):
    try:
        client.inspect_distribution(bad, auth_config=auth)
        check("inspect_distribution %s fails" % bad, False)
    except docker.errors.APIError as e:
        check("inspect_distribution %s: %d" % (bad, status), e.status_code == status, e)
# A new client: docker-py keeps login() credentials in memory.
fresh = docker.APIClient(base_url=tcp, version="auto", timeout=60)
try:
    fresh.inspect_distribution(registry + "/berth/multi:1.0")
    check("inspect without credentials fails", False)
except docker.errors.APIError as e:
    check("inspect without credentials: 500, no basic auth credentials",
          e.status_code == 500 and "no basic auth credentials" in str(e), e)
