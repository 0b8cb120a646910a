# Mirrors kubernetes_asyncio/config (config_exception.py): the error load_incluster_config() and
# load_kube_config() raise when there is no cluster configuration.


class ConfigException(Exception):
    pass
