"""A job the SDK could not fetch: where it was looked for, and what is there (its aliases, or the
job names close to it), for the job_not_found cause and fix."""

from __future__ import annotations

import time

from ..errors import ClassifiedError, http_status
from .api import graphql, is_transient, with_retries

JOB_ALIASES_QUERY = """
query LaunchActionJobVersions($entityName: String!, $projectName: String!, $name: String!) {
    project(name: $projectName, entityName: $entityName) {
        artifactCollection(name: $name) {
            artifacts {
                edges { node { versionIndex aliases { alias } } }
            }
        }
    }
}
"""

JOB_NAMES_QUERY = """
query LaunchActionJobNames($entityName: String!, $projectName: String!) {
    project(name: $projectName, entityName: $entityName) {
        artifactType(name: "job") {
            artifactCollections(first: 200) {
                edges { node { name } }
            }
        }
    }
}
"""


def split_job(job, default_entity):
    """entity, project, name, alias of a job reference (entity/project/name:alias, parts optional)."""
    path, _, alias = job.partition(":")
    parts = path.split("/")
    name = parts[-1]
    project = parts[-2] if len(parts) >= 2 else None
    entity = parts[-3] if len(parts) >= 3 else default_entity
    return entity, project, name, alias or "latest"


def close_names(name, names, limit=5):
    import difflib

    return difflib.get_close_matches(name, names, n=limit, cutoff=0.6)


def look_for_job(public_api, job, entity, project, sleep=time.sleep):
    """After the SDK said the job was not found: look again, and say what is there. Returns a
    ClassifiedError (job_not_found or server_error), or None when the job is there after all."""
    j_entity, j_project, name, alias = split_job(job, entity)
    j_project = j_project or project
    where = {"entity": j_entity, "project": j_project, "name": name, "alias": alias}
    getter = getattr(public_api, "_artifact", None) or public_api.artifact
    try:
        with_retries(lambda: getter(f"{j_entity}/{j_project}/{name}:{alias}", type="job"), sleep, attempts=3)
        return None
    except Exception as exc:
        if is_transient(exc) or (http_status(exc) or 0) >= 500:
            return ClassifiedError("server_error", f"{exc}", status=http_status(exc))
    detail = dict(where, aliases=[], close=[])
    deadline = time.monotonic() + 5.0  # best effort: the failure is reported either way

    def ask(query, variables):
        if time.monotonic() > deadline:
            return {}
        try:
            return graphql(public_api, query, variables) or {}
        except Exception:
            return {}

    variables = {"entityName": j_entity, "projectName": j_project}
    versions = (
        (ask(JOB_ALIASES_QUERY, {**variables, "name": name}).get("project") or {}).get("artifactCollection") or {}
    ).get("artifacts") or {}
    aliases = []
    for edge in versions.get("edges") or []:
        node = edge.get("node") or {}
        for a in [f"v{node.get('versionIndex')}"] + [x.get("alias") for x in node.get("aliases") or []]:
            if a and a != "vNone" and a not in aliases:
                aliases.append(a)
    detail["aliases"] = aliases[:20]
    if not aliases:
        collections = ((ask(JOB_NAMES_QUERY, variables).get("project") or {}).get("artifactType") or {}).get(
            "artifactCollections"
        ) or {}
        names = [(e.get("node") or {}).get("name") for e in collections.get("edges") or []]
        detail["close"] = close_names(name, [n for n in names if n])
    return ClassifiedError("job_not_found", "", **detail)
