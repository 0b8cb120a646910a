# Stands in for the kubernetes-asyncio package: the fake kubernetes runner needs nothing from it,
# but the bridge looks for it (required_modules) before a kubernetes launch, as the real runner
# imports it (wandb/sdk/launch/runner/kubernetes_runner.py).
