"""Benchmarks and the TF1 corpus generator for tf2-lsp."""
