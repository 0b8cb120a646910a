"""Once a run has ended: its record as W&B holds it, the baseline the gates compare with, the tags,
a failed run's output.log tail, then the result, in that order (`finish`). Nothing here fails a run:
what cannot be read is reported in its event."""
