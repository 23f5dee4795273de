"""How the report page writes counts, shares, changes and times."""

from __future__ import annotations


def when(stamp: str) -> str:
    """`2026-12-02T13:51:56Z` -> `2026-12-02 13:51 UTC`."""
    if len(stamp) >= 16 and stamp[10] == "T" and stamp.endswith("Z"):
        return f"{stamp[:10]} {stamp[11:16]} UTC"
    return stamp


def signed(value: int) -> str:
    return "0" if value == 0 else f"{'+' if value > 0 else '−'}{abs(value):,}"


def number(value: int) -> str:
    return f"{value:,}"


def percent(share: float) -> str:
    percent = share * 100
    if 0 < percent < 1:
        return f"{percent:.1f}%"
    if 99 < percent < 100:
        return f"{percent:.1f}%"
    return f"{percent:.0f}%"


def delta(now: int, before: int | None, good_when_down: bool = True) -> str:
    if before is None:
        return ""
    change = now - before
    if change == 0:
        return '<span class="delta same">±0</span>'
    better = (change < 0) == good_when_down
    sign = "+" if change > 0 else "−"
    return f'<span class="delta {"good" if better else "bad"}">{sign}{number(abs(change))}</span>'
