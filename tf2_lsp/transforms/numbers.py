"""Arithmetic on a number written in the source, done exactly (`1 - 0.9` is `0.1`).

One place for both writers: the libcst rewrites (`values`) and the text splices (`positions`).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation

# literal -> the result as Python prints it, or None when the literal cannot be read exactly.
Arithmetic = Callable[[str], str | None]


def one_minus(literal: str) -> str | None:
    """`1 - literal` as Python prints it; None when Decimal cannot read it (`0x10`)."""
    number = _read(literal)
    return _format(Decimal(1) - number) if number is not None else None


def times(factor: str, literal: str) -> str | None:
    """`factor * literal` as Python prints it; None when Decimal cannot read it."""
    number = _read(literal)
    return _format(Decimal(factor) * number) if number is not None else None


def _read(literal: str) -> Decimal | None:
    try:
        return Decimal(literal.replace("_", ""))
    except InvalidOperation:
        return None


def _format(number: Decimal) -> str:
    # Decimal arithmetic first: 1 - 0.9 is 0.1 here, not 0.09999999999999998.
    return repr(float(number))
