"""What the bridge adjusts in the SDK for every launch, whatever the resource (the local jobs'
patches are local.patches; README, 'SDK traps').

`tracked` holds what the patches remember: every run object and the launch project.
"""

from __future__ import annotations

from typing import Any

tracked: dict[str, Any] = {"runs": [], "project": None}


def track_runs_and_project():
    """Remember every run object and the launch project, so a cancel can reach a run that
    launch() has not returned yet, and entity/project are read as the SDK resolved them."""
    from wandb.sdk.launch._project_spec import LaunchProject
    from wandb.sdk.launch.runner import abstract

    original_run_init = abstract.AbstractRun.__init__

    def tracking_init(self, *args, **kwargs):
        original_run_init(self, *args, **kwargs)
        tracked["runs"].append(self)

    abstract.AbstractRun.__init__ = tracking_init

    original_fetch = LaunchProject.fetch_and_validate_project

    def tracking_fetch(self, *args, **kwargs):
        tracked["project"] = self
        try:
            return original_fetch(self, *args, **kwargs)
        except Exception:
            tracked["job_fetch_failed"] = True  # a failed launch then looks at what is there
            raise

    LaunchProject.fetch_and_validate_project = tracking_fetch
