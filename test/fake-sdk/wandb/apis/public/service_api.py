# Mirrors wandb/apis/public/service_api.py: ServiceApi.execute_graphql, wandb-core's GraphQL client
# (creating it starts this process's wandb-core: wandb/sdk/wandb_setup.py).
from wandb import _fake_server


class ServiceApi:
    def __init__(self):
        from wandb.sdk import wandb_setup

        wandb_setup.singleton().ensure_service()  # as the real one: this process's wandb-core starts

    def execute_graphql(self, query, variables=None, timeout=None):
        return _fake_server.graphql(query, dict(variables or {}))
