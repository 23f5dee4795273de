"""`tf2-lsp rules` (cli/rules.py)."""

from __future__ import annotations

import pytest

from tf2_lsp.cli import main as cli


def test_rules_listing_and_one_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["rules"]) == 0
    listing = capsys.readouterr().out
    assert "TF101" in listing and "TF214" in listing
    assert cli.main(["rules", "tf101"]) == 0
    assert "Session" in capsys.readouterr().out
    assert cli.main(["rules", "TF999"]) == 2
    assert "no rule TF999" in capsys.readouterr().err


def test_rules_listing_is_sorted_with_a_header(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["CODE", "NAME", "SEVERITY"]
    codes = [line.split()[0] for line in lines[1:]]
    assert codes == sorted(codes) and len(codes) > 100


def test_rule_text_indents_code_instead_of_printing_fences(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["rules", "TF931"]) == 0
    text = capsys.readouterr().out
    assert "```" not in text and "\npython\n" not in text
    assert "\n    h = tf.compat.v1.layers.dense(x, 128, activation=tf.nn.relu)\n" in text
    assert cli.main(["rules", "TF931", "--format", "markdown"]) == 0
    assert "```python\n" in capsys.readouterr().out


def test_statistics_count_the_fixes_running_them_verified(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tf2_lsp.catalogue.proofs import fix_status

    assert cli.main(["rules", "--statistics"]) == 0
    out = capsys.readouterr().out
    rows = [line.split(maxsplit=4) for line in out.splitlines()[1:] if line.startswith("TF")]
    assert rows and all(row[3] == fix_status(row[0], row[1]) for row in rows)
    proven = sum(row[3] == "verified" for row in rows)
    unproven = [row for row in rows if row[3] != "verified"]
    # Every fix not proven is unsafe and says why it could not be run.
    assert all(row[2] == "unsafe" and len(row) == 5 for row in unproven)
    assert f"{proven} proven, {len(unproven)} unsafe and not proven" in out
    assert f"{len(rows)} fixes in all" in out
