"""Benchmarks against a running instance (``scripts/bench``)."""
