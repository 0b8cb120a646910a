"""Tests of the bridge package's queue modules."""
