# Mirrors wandb/sdk/wandb_run.py: Run.log (a history row per call, _step counting from 0, the
# summary keeps each key's last value), Run.finish(exit_code) (finished on 0, failed otherwise),
# the console captured into output.log, and the finish at exit the real SDK registers. Data reaches
# the run store at once (the real one streams it within seconds).
import atexit
import sys

from wandb import _fake_artifacts, _fake_runs


class _Console:
    """Stands in for the SDK's console capture: the script's lines go to output.log as well."""

    def __init__(self, run, stream):
        self._run, self._stream, self._partial = run, stream, ""

    def write(self, text):
        self._stream.write(text)
        self._partial += text
        *lines, self._partial = self._partial.split("\n")
        if lines:
            self._run._record["console"].extend(lines)
            self._run._save()
        return len(text)

    def flush(self):
        self._stream.flush()

    def __getattr__(self, name):
        return getattr(self._stream, name)


class Run:
    def __init__(self, record):
        self._record = record
        self._finished = False
        self.config = dict(record["config"])
        sys.stdout = _Console(self, sys.stdout)
        atexit.register(self.finish)

    @property
    def id(self):
        return self._record["name"]

    @property
    def summary(self):
        return self._record["summary"]

    def _save(self):
        if not self._finished:
            _fake_runs.save(self._record)

    def log(self, data, step=None):
        row = {**data, "_step": len(self._record["history"]) if step is None else step}
        self._record["history"].append(row)
        self._record["summary"].update(data)
        self._save()

    def log_artifact(self, artifact, aliases=None):
        """The artifact becomes the next version of its collection in the run's project, an output of the run."""
        entity, project = self._record["entity"], self._record["project"]
        source = f"{entity}/{project}/{self.id}"
        index = _fake_artifacts.add_version(entity, project, artifact._name, artifact.type, source, list(aliases or []))
        self._record.setdefault("artifacts", []).append({"name": artifact._name, "type": artifact.type, "index": index})
        self._save()
        artifact._logged = (entity, project, index)
        return artifact

    def finish(self, exit_code=None):
        if self._finished:
            return
        code = exit_code or 0
        self._record.update(state="finished" if code == 0 else "failed", exitcode=code)
        _fake_runs.save(self._record)
        self._finished = True
