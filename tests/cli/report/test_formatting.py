"""How the report page writes figures (cli/report/formatting.py)."""

from __future__ import annotations

from tf2_lsp.cli.report.formatting import delta, number, percent, signed, when


def test_a_share_is_never_rounded_to_none_or_all() -> None:
    assert [percent(share) for share in (0.0, 0.004, 0.5, 0.996, 1.0)] == [
        "0%",
        "0.4%",
        "50%",
        "99.6%",
        "100%",
    ]


def test_counts_and_changes_are_grouped_and_signed() -> None:
    assert number(1234567) == "1,234,567"
    assert [signed(value) for value in (0, 3, -1234)] == ["0", "+3", "−1,234"]


def test_a_timestamp_reads_as_utc_minutes() -> None:
    assert when("2026-12-02T13:51:56Z") == "2026-12-02 13:51 UTC"
    assert when("yesterday") == "yesterday"  # not a timestamp of ours: shown as it is


def test_a_change_is_good_or_bad_by_its_direction() -> None:
    assert delta(3, None) == ""  # no baseline, no change to show
    assert delta(3, 3) == '<span class="delta same">±0</span>'
    assert delta(3, 5) == '<span class="delta good">−2</span>'  # fewer findings
    assert delta(1005, 5) == '<span class="delta bad">+1,000</span>'
    assert delta(5, 3, good_when_down=False) == '<span class="delta good">+2</span>'
