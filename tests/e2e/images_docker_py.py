"""docker-py 5.0.3 against berthd's image routes: images.pull,
api.pull(stream=True, decode=True), images.get/list/remove, tag,
get_image/load_image and api.push(stream=True, decode=True).

Usage: images_docker_py.py SOCKET REGISTRY MULTI_DIGEST (run by images_e2e.sh).
"""
import sys

import docker

sock, registry, multi_digest = sys.argv[1:4]
client = docker.DockerClient(base_url="unix://" + sock, version="1.41")
api = client.api
failures = []


def check(name, got, want):
    if got != want:
        failures.append("%s: got %r, want %r" % (name, got, want))


repo = registry + "/berth/docker-list"
image = client.images.pull(repo, tag="1.0")
check("images.pull tags", repo + ":1.0" in image.tags, True)
events = list(api.pull(repo, tag="1.0", stream=True, decode=True))
check("stream starts with Pulling from", events[0], {"status": "Pulling from berth/docker-list", "id": "1.0"})
check("stream ends with the status", events[-1]["status"], "Status: Image is up to date for " + repo + ":1.0")
check("images.get", client.images.get(repo + ":1.0").id, image.id)
check("images.list by name", [i.id for i in client.images.list(name=repo)], [image.id])
check("tag", image.tag(registry + "/py/tagged", "v2"), True)
pushed = list(api.push(registry + "/py/tagged", tag="v2", stream=True, decode=True))
aux = [e["aux"] for e in pushed if "aux" in e]
check("push aux", len(aux) == 1 and aux[0]["Tag"] == "v2" and aux[0]["Digest"].startswith("sha256:"), True)
errors = [e for e in pushed if "error" in e]
check("push errors", errors, [])
tar = b"".join(client.images.get(repo + ":1.0").save())
client.images.remove(registry + "/py/tagged:v2")
client.images.remove(repo + ":1.0")
check("removed", [i.id for i in client.images.list(name=repo)], [])
loaded = client.images.load(tar)
check("load", [i.id for i in loaded], [image.id])
try:
    client.images.get("nothere:1")
    failures.append("images.get of a missing image did not raise")
except docker.errors.ImageNotFound:
    pass
try:
    client.images.pull(registry + "/berth/nope", tag="1.0")
    failures.append("pull of a missing tag did not raise")
except docker.errors.NotFound as e:
    check("pull error", "manifest unknown" in str(e), True)

for f in failures:
    print("FAIL docker-py", f)
sys.exit(1 if failures else 0)
