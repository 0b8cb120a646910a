"""Tests of the bridge package's after_run modules."""
