"""Queue mode's checks before anything is pushed: the job exists, the queue exists, and the
template variables fit the queue's schemas. A UserError is a problem the user has to fix."""

from __future__ import annotations

import json
import re

from ..errors import ClassifiedError, UserError, http_status
from ..sdk.api import LAUNCH_DEFAULT_PROJECT, describe_error, graphql, is_transient, with_retries
from ..sdk.job_lookup import look_for_job

QUEUE_QUERY = """
query LaunchActionRunQueue($entityName: String!, $projectName: String!, $queueName: String!) {
    project(name: $projectName, entityName: $entityName) {
        runQueue(name: $queueName) {
            id
            defaultResourceConfigID
        }
    }
}
"""

TEMPLATE_VARIABLES_QUERY = """
query LaunchActionTemplateVariables($entityName: String!, $id: ID!) {
    entity(name: $entityName) {
        defaultResourceConfig(id: $id) {
            templateVariables {
                name
                schema
            }
        }
    }
}
"""


def check_job(public_api, job, entity, sleep):
    """launch_add checks the job only after pushing; here nothing is pushed for a missing job.
    (`_artifact` from 0.2x; 0.17 and 0.18 have only `artifact`.)"""
    fetch = getattr(public_api, "_artifact", None) or public_api.artifact
    try:
        with_retries(lambda: fetch(job, type="job"), sleep)
    except Exception as exc:
        if is_transient(exc):
            raise ClassifiedError(
                "server_error",
                f"Could not check that job {job} exists: {describe_error(exc)}. Nothing was queued.",
                status=http_status(exc),
            ) from exc
        found = look_for_job(public_api, job, entity, None, sleep)
        detail = found.detail if found is not None else {}
        if found is None:
            raise UserError(f"Checking job {job} failed: {describe_error(exc)}. Nothing was queued.") from exc
        raise ClassifiedError("job_not_found", describe_error(exc), **detail) from exc


def find_queue(public_api, entity, project_queue, queue, sleep):
    where = queue if project_queue == LAUNCH_DEFAULT_PROJECT else f"{project_queue}/{queue}"
    try:
        res = with_retries(
            lambda: graphql(
                public_api, QUEUE_QUERY, {"entityName": entity, "projectName": project_queue, "queueName": queue}
            ),
            sleep,
        )
    except Exception as exc:
        raise UserError(
            f"Could not look up queue {where} of entity {entity}: {describe_error(exc)}. Nothing was queued."
        ) from exc
    found = ((res or {}).get("project") or {}).get("runQueue")
    if not found:
        scope = "" if project_queue == LAUNCH_DEFAULT_PROJECT else f" (project_queue {project_queue})"
        raise UserError(f"Queue {queue} was not found for entity {entity}{scope}. Nothing was queued.")
    return found


def template_variable_schemas(public_api, entity, queue_info, sleep):
    config_id = queue_info.get("defaultResourceConfigID")
    if config_id is None:
        return {}
    res = with_retries(
        lambda: graphql(public_api, TEMPLATE_VARIABLES_QUERY, {"entityName": entity, "id": config_id}),
        sleep,
    )
    config = ((res or {}).get("entity") or {}).get("defaultResourceConfig") or {}
    schemas = {}
    for variable in config.get("templateVariables") or []:
        schema = variable.get("schema")
        try:
            schemas[variable["name"]] = json.loads(schema) if isinstance(schema, str) else (schema or {})
        except ValueError:
            schemas[variable["name"]] = {}
    return schemas


def check_template_variables(values, schemas, queue):
    """Values against the queue's schemas (JSON schema: type, enum, minimum, maximum), converted as
    `wandb launch --set-var` converts them. Errors name the variable, never its value."""
    problems = []
    checked = {}
    for key, value in values.items():
        if key not in schemas:
            known = ", ".join(sorted(schemas)) if schemas else "none"
            problems.append(f"{key}: queue {queue} has no template variable {key} (it has: {known})")
            continue
        schema = schemas[key] or {}
        try:
            value = converted(value, schema.get("type"))
        except (TypeError, ValueError) as exc:
            kind = schema.get("type")
            message = (
                str(exc)
                if str(exc).startswith("must")
                else f"must be {'an integer' if kind == 'integer' else 'a number'}"
            )
            problems.append(f"{key}: {message} (queue {queue}'s schema)")
            continue
        problem = out_of_bounds(value, schema)
        if problem:
            problems.append(f"{key}: {problem} (queue {queue}'s schema)")
            continue
        checked[key] = value
    if problems:
        raise UserError(
            "template_variables do not fit the queue (nothing was queued):\n" + "\n".join(f"  - {p}" for p in problems)
        )
    return checked


def converted(value, kind):
    """A value as the schema's type wants it; ValueError or TypeError when it cannot be."""
    if kind == "integer":
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, str))
            or (isinstance(value, str) and not re.fullmatch(r"\s*-?\d+\s*", value))
        ):
            raise ValueError("must be an integer")
        return int(value)
    if kind == "number":
        if isinstance(value, bool):
            raise ValueError("must be a number")
        return value if isinstance(value, (int, float)) else float(value)
    if kind == "string":
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise ValueError("must be a string")
        return str(value)
    return value


def out_of_bounds(value, schema):
    if "enum" in schema and value not in schema["enum"]:
        return f"must be one of {', '.join(map(str, schema['enum']))}"
    if isinstance(value, (int, float)):
        if "minimum" in schema and value < schema["minimum"]:
            return f"must be at least {schema['minimum']}"
        if "maximum" in schema and value > schema["maximum"]:
            return f"must be at most {schema['maximum']}"
    return None
