"""Following a queue item and its run on W&B to their end: polls with deadlines and retries,
progress and heartbeat events, and the stop on cancel or timeout. Queue mode and attach mode (a run
launched before, by its path or its queue item) both follow this way."""
