"""The W&B SDK as the bridge uses it: the API clients and their retries (`api`), the adjustments
every launch needs (`patches`), a faster `import wandb` and wandb-core start (`fast_start`), and the
second look at a job the SDK could not fetch (`job_lookup`)."""
