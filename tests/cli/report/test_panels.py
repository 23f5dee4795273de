"""The report page's summary panels (cli/report/panels.py), on reports built by hand."""

from __future__ import annotations

from pathlib import Path

from tests.cli.report.reports import item, report, summary
from tf2_lsp.cli.report.aggregate import Counts, FileChange, Group, Trend
from tf2_lsp.cli.report.panels import cards, matrix_panel, rules_panel, trend_panel


def test_the_matrix_says_how_many_blockers_the_safe_fixes_remove(tmp_path: Path) -> None:
    page = report(
        tmp_path,
        summary(
            tmp_path,
            "a.py",
            10,
            item(1, "TF101", "safe", True),
            item(2, "TF102", "manual", True),
            item(3, "TF103", "none", True),
            item(4, "TF104", "safe", False),
        ),
    )
    assert "<b>1</b> of the 3 blockers go away with the safe fixes; <b>2</b> need" in (
        matrix_panel(page)
    )
    clean = report(tmp_path, summary(tmp_path, "b.py", 10, item(1, "TF104", "safe", False)))
    assert "Nothing blocks running on the target version." in matrix_panel(clean)


def test_the_rules_panel_shows_the_fifteen_most_frequent(tmp_path: Path) -> None:
    assert rules_panel(report(tmp_path)) == ""
    rules = [Group(f"TF{900 + n}", f"rule {n}", Counts(findings=20 - n)) for n in range(18)]
    panel = rules_panel(report(tmp_path, rules=rules))
    assert panel.count("<tr><td><code>") == 15
    assert "<code>TF914</code>" in panel and "<code>TF915</code>" not in panel
    assert "3 more rules in the JSON report" in panel


def test_the_trend_counts_fixed_new_and_net(tmp_path: Path) -> None:
    trend = Trend(
        source="last-week.json",
        kind="report",
        generated="2026-11-25T08:00:00Z",
        before=Counts(findings=9),
        fixed=5,
        new=2,
        files=[FileChange("a.py", 9, 6, 5, 2)],
    )
    panel = trend_panel(trend)
    assert "<code>last-week.json</code> (report, 2026-11-25 08:00 UTC): 9 TF1 uses then." in panel
    assert '<div class="stat good"><b>−3</b> net</div>' in panel
    assert "None of the baseline" not in panel
    unmatched = Trend("x.json", "check", None, Counts(), 0, 4, unmatched_paths=True)
    assert "None of the baseline's paths is a path of this scan" in trend_panel(unmatched)
    assert '<div class="stat bad"><b>+4</b> net</div>' in trend_panel(unmatched)


def test_the_cards_show_the_change_since_the_baseline(tmp_path: Path) -> None:
    page = report(tmp_path, summary(tmp_path, "a.py", 10, item(1, "TF101", "safe", True)))
    assert "delta" not in cards(page)  # no baseline
    page.trend = Trend("x.json", "report", None, Counts(findings=4, blocking=4, safe=4), 3, 0)
    assert '<span class="delta good">−3</span>' in cards(page)
