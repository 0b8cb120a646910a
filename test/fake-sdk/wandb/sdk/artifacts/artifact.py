# Mirrors wandb/sdk/artifacts/artifact.py: Artifact(name, type) with add_file, as a job logs it
# (Run.log_artifact), and the logged artifact the public API returns (Run.logged_artifacts,
# Api.artifact): name "<collection>:v<N>", type, version, entity, project, id, aliases, and
# link(target_path, aliases) as 0.2x+ does it (through the public API, no run of its own).
import base64
import os

from wandb import _fake_artifacts
from wandb._record import record
from wandb.errors import CommError

REGISTRY_PREFIX = "wandb-registry-"
# The organization a registry path without one resolves to (the real SDK asks the server).
FAKE_ORG_ENTITY = "fake-org"


class Artifact:
    def __init__(self, name, type, description=None, metadata=None):  # noqa: A002 (the real name)
        self._name, self.type, self._files = name, type, []
        self._logged = None  # (entity, project, index) once logged or fetched
        self._service_api = None

    def add_file(self, local_path, name=None):
        self._files.append(name or os.path.basename(local_path))

    @classmethod
    def _fetched(cls, entity, project, name, index, atype, service_api):
        art = cls(name, atype)
        art._logged = (entity, project, index)
        art._service_api = service_api
        return art

    def _collection(self):
        entity, project, _ = self._logged
        return _fake_artifacts.load(entity, project, self._name)

    @property
    def name(self):
        return f"{self._name}:v{self._logged[2]}" if self._logged else self._name

    @property
    def version(self):
        return f"v{self._logged[2]}"

    @property
    def entity(self):
        return self._logged[0]

    @property
    def project(self):
        return self._logged[1]

    @property
    def id(self):
        entity, project, index = self._logged
        return base64.b64encode(f"Artifact:{entity}/{project}/{self._name}:v{index}".encode()).decode()

    @property
    def aliases(self):
        return list(self._collection()["versions"][self._logged[2]]["aliases"])

    def link(self, target_path, aliases=None):
        parts = target_path.split("/")
        if len(parts) == 2 and parts[0].startswith(REGISTRY_PREFIX):
            parts = [FAKE_ORG_ENTITY, *parts]
        if len(parts) != 3:
            raise ValueError(f"Invalid artifact path: {target_path!r}")
        entity, project, name = parts
        aliases = list(aliases or [])
        record("artifact_link", artifact=f"{self.entity}/{self.project}/{self.name}", target=target_path, aliases=aliases)
        source = f"{self.entity}/{self.project}/{self.name}"
        index = _fake_artifacts.add_version(entity, project, name, self.type, source, aliases)
        return Artifact._fetched(entity, project, name, index, self.type, self._service_api)


def fetch(path, service_api):
    """Api.artifact(path): entity/project/name:vN or :alias."""
    collection_path, _, alias = path.partition(":")
    entity, project, name = collection_path.split("/")
    collection = _fake_artifacts.load(entity, project, name)
    versions = (collection or {}).get("versions") or []
    for index, version in enumerate(versions):
        if alias in (f"v{index}", *version["aliases"]):
            return Artifact._fetched(entity, project, name, index, collection["type"], service_api)
    raise CommError(f"artifact '{path}' not found")
