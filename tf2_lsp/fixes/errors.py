"""The one error a fix raises when it cannot be applied to the code in front of it."""

from __future__ import annotations


class FixError(Exception):
    """A fix cannot be applied to this code; the finding stays, with this reason."""
