# Mirrors wandb/apis/internal.py: the Api that wandb 0.17 - 0.1x passed to launch().
import os

from wandb._record import record


class Api:
    def __init__(self, default_settings=None, load_settings=True):
        self.api_key = os.environ.get("WANDB_API_KEY")
        self.settings = {"base_url": os.environ.get("WANDB_BASE_URL", "https://api.wandb.ai")}
        self.default_entity = "fake-viewer"
        record("api", kind="internal")
