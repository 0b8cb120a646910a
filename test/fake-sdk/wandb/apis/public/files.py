# Mirrors wandb/apis/public/files.py: File (name, size, download(root, replace)) and Files, a run's
# files as the public API lists them: output.log (the console lines), wandb-summary.json and
# config.yaml... here the first two, once the run has them.
import json
import os

from wandb._record import record as record_call

# FAKE_WANDB_OUTPUT_LOG: `missing` (the run has no output.log) or `huge` (its size is 300 MB)
HUGE = 300 * 1024 * 1024


class File:
    def __init__(self, client, attrs, run=None):
        self._attrs = attrs
        self.run = run
        self.name = attrs["name"]

    @property
    def size(self):
        if self.name == "output.log" and os.environ.get("FAKE_WANDB_OUTPUT_LOG") == "huge":
            return HUGE
        return len(self._attrs["content"])

    def download(self, root=".", replace=False, exist_ok=False, api=None):
        record_call("file_download", name=self.name, size=self.size)
        path = os.path.join(root, self.name)
        if os.path.exists(path) and not replace and not exist_ok:
            raise ValueError("File already exists, pass replace=True to overwrite or exist_ok=True to leave it as is.")
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with open(path, "w") as f:
            f.write(self._attrs["content"])
        return open(path)


class Files(list):
    def __init__(self, client, run, names=None, per_page=50, upload=False, pattern=None):
        record = run._record
        contents = {}
        if record["console"] and os.environ.get("FAKE_WANDB_OUTPUT_LOG") != "missing":
            contents["output.log"] = "".join(f"{line}\n" for line in record["console"])
        if record["summary"]:
            contents["wandb-summary.json"] = json.dumps(record["summary"])
        super().__init__(File(client, {"name": name, "content": text}, run)
                         for name, text in sorted(contents.items()) if not names or name in names)
