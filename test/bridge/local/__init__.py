"""Tests of the bridge package's local modules."""
