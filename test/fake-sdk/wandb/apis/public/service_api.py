# Mirrors wandb/apis/public/service_api.py: ServiceApi.execute_graphql, wandb-core's GraphQL client.
from wandb import _fake_server


class ServiceApi:
    def execute_graphql(self, query, variables=None, timeout=None):
        return _fake_server.graphql(query, dict(variables or {}))
