"""Benchmarks: speed, scale and retrieval quality (see bench/run.py and bench/retrieval.py)."""
