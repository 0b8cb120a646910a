"""Local jobs (local-process and local-container): how the job is started (its own process group,
its settings in its environment, never on a command line), how its output reaches the log, how its
W&B run ends when the job was killed, and the subreaper that ends what the job left behind."""
