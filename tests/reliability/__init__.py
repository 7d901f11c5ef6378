"""Reliability tests: hostile inputs, near-copies, failures (issue 17)."""
