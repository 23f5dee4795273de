"""Equivalence harness: run TF1 code with TF1 semantics and its rewrite as TF2, and compare.

TensorFlow is imported only by `child`, which runs as its own process (`python -m
tf2_lsp.verify.child`); the server and the command line never import it. `harness` starts
those processes and reads their JSON report; `cases` holds the types both sides share.
"""
