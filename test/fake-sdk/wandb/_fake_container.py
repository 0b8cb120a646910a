# Test-only (no real counterpart): the fake docker (bin/docker) runs a local-container job on this
# machine's file system, so a path inside the "container" is a file only when `docker run -v`
# mounted it there; FAKE_DOCKER_MOUNTS maps each container path to its host file.
import json
import os


def host_path(path):
    """Where a path the job names is on this machine: a mounted file's host path inside a fake
    container, the path itself outside one; None for a container path nothing was mounted at."""
    mounts = os.environ.get("FAKE_DOCKER_MOUNTS")
    if mounts is None:
        return path
    return json.loads(mounts).get(path)
