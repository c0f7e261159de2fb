"""Synthetic demonstration data: a fictional borough for demos, tests and benchmarks."""
