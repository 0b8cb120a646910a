"""Tests of the bridge package's preflight modules."""
