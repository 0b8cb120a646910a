"""Queue mode: checks the job, the queue and the template variables, pushes one item onto a W&B
Launch queue (a lost answer's twin removed, the printed spec redacted), then hands the item to
`follow`."""
