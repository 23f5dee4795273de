"""Finding -> edits. Rewrites run through libcst on the smallest enclosing statement.

Importing this package is cheap: libcst is loaded by `apply` only when a fix is asked for.
"""
