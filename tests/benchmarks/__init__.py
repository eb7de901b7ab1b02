"""Benchmarks against real servers: ``python -m tests.benchmarks`` (not part of the pytest run)."""
