"""The treemap layout (cli/report/treemap.py)."""

from __future__ import annotations

import pytest

from tf2_lsp.cli.report.treemap import build_tree, layout, squarify


def test_squarify_fills_the_rectangle_in_proportion() -> None:
    sizes = [500.0, 300.0, 120.0, 60.0, 15.0, 5.0]
    rects = squarify(sizes, 10, 20, 400, 300)
    total = sum(sizes)
    for size, (x, y, w, h) in zip(sizes, rects, strict=True):
        assert w * h == pytest.approx(400 * 300 * size / total)
        assert x >= 10 - 1e-6 and x + w <= 410 + 1e-6
        assert y >= 20 - 1e-6 and y + h <= 320 + 1e-6
        assert max(w / h, h / w) < 4  # squarified, not slices


def test_treemap_tree_and_layout() -> None:
    tree = build_tree([("a/b/x.py", 100, 5, 1), ("a/b/y.py", 50, 0, 0), ("c.py", 10, 1, 0)])
    assert [c.path for c in tree.children] == ["a/b", "c.py"]  # a/ holding only b/ is one frame
    assert (tree.size, tree.findings, tree.blocking) == (160, 6, 1)
    tiles = layout(tree, 300, 200)
    files = {t.node.path: t for t in tiles if t.node.is_file}
    assert set(files) == {"a/b/x.py", "a/b/y.py", "c.py"}
    assert files["a/b/x.py"].w * files["a/b/x.py"].h > files["a/b/y.py"].w * files["a/b/y.py"].h
