"""Whole-module facts: graph-mode programs, the native level's program units, project classes."""
