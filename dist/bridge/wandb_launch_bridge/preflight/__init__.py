"""Checks before anything is launched, most before `import wandb`: the installed wandb against the
action's requirement (read from its metadata, without importing it), the server's reachability and,
for local-container, the Docker daemon. A failed check is an `error` event; nothing was launched."""
