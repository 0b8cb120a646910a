"""Tests of the bridge package's follow modules."""
