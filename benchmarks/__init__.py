"""Reproducible speed, memory and accuracy benchmarks (`make bench`)."""
