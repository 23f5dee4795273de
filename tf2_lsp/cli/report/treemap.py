"""A squarified treemap of the scanned tree: directories nest, files are tiles sized by lines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(slots=True)
class Node:
    name: str
    path: str  # relative path, forward slashes ("" for the root)
    size: float = 0.0  # lines (files: at least 1, so empty files still show)
    findings: int = 0
    blocking: int = 0
    children: list[Node] = field(default_factory=list)

    @property
    def is_file(self) -> bool:
        return not self.children


@dataclass(frozen=True, slots=True)
class Tile:
    node: Node
    x: float
    y: float
    w: float
    h: float
    depth: int


def build_tree(files: Sequence[tuple[str, int, int, int]]) -> Node:
    """(path, lines, findings, blocking) per file -> a directory tree with summed sizes."""
    root = Node("", "")
    for path, lines, findings, blocking in files:
        parts = path.split("/")
        node = root
        for depth, part in enumerate(parts[:-1]):
            sub = "/".join(parts[: depth + 1])
            child = next((c for c in node.children if c.path == sub and c.children), None)
            if child is None:
                child = Node(part, sub, children=[])
                node.children.append(child)
            node = child
        node.children.append(Node(parts[-1], path, max(lines, 1), findings, blocking))
    _sum(root)
    return _compress(root)


def _sum(node: Node) -> None:
    if node.is_file:
        return
    for child in node.children:
        _sum(child)
    node.size = sum(c.size for c in node.children)
    node.findings = sum(c.findings for c in node.children)
    node.blocking = sum(c.blocking for c in node.children)


def _compress(node: Node) -> Node:
    """`a/` holding only `b/` becomes one `a/b` tile: fewer nested frames, same areas."""
    node.children = [_compress(c) for c in node.children]
    while len(node.children) == 1 and not node.children[0].is_file and node.path:
        only = node.children[0]
        node.name = f"{node.name}/{only.name}"
        node.path = only.path
        node.children = only.children
    return node


def _worst(row: Sequence[float], length: float) -> float:
    total = sum(row)
    biggest, smallest = max(row), min(row)
    side = length * length
    return max(side * biggest / (total * total), (total * total) / (side * smallest))


def squarify(
    sizes: Sequence[float], x: float, y: float, w: float, h: float
) -> list[tuple[float, float, float, float]]:
    """Rectangles for `sizes` (sorted largest first) filling x, y, w, h with near-square tiles."""
    total = sum(sizes)
    if not sizes or total <= 0 or w <= 0 or h <= 0:
        return [(x, y, 0.0, 0.0) for _ in sizes]
    scale = w * h / total
    areas = [s * scale for s in sizes]
    rects: list[tuple[float, float, float, float]] = []
    row: list[float] = []
    index = 0
    while index < len(areas):
        length = min(w, h)
        area = areas[index]
        if not row or _worst([*row, area], length) <= _worst(row, length):
            row.append(area)
            index += 1
            continue
        x, y, w, h = _lay_row(row, x, y, w, h, rects)
        row = []
    if row:
        _lay_row(row, x, y, w, h, rects)
    return rects


def _lay_row(
    row: list[float],
    x: float,
    y: float,
    w: float,
    h: float,
    out: list[tuple[float, float, float, float]],
) -> tuple[float, float, float, float]:
    total = sum(row)
    if w >= h:  # a column along the left edge
        width = total / h if h else 0.0
        offset = y
        for area in row:
            height = area / width if width else 0.0
            out.append((x, offset, width, height))
            offset += height
        return x + width, y, w - width, h
    height = total / w if w else 0.0
    offset = x
    for area in row:
        width = area / height if height else 0.0
        out.append((offset, y, width, height))
        offset += width
    return x, y + height, w, h - height


HEADER = 15.0  # room for a directory's name above its tiles
PAD = 1.5


def layout(root: Node, width: float, height: float) -> list[Tile]:
    """Directories first (as frames), then their contents, depth-first."""
    tiles: list[Tile] = []
    _place(root, 0.0, 0.0, width, height, 0, tiles)
    return tiles


def _place(node: Node, x: float, y: float, w: float, h: float, depth: int, out: list[Tile]) -> None:
    if depth > 0 or node.is_file:
        out.append(Tile(node, x, y, w, h, depth))
    if node.is_file:
        return
    if depth > 0:
        header = HEADER if h > 3 * HEADER and w > 40 else 0.0
        x, y, w, h = x + PAD, y + PAD + header, w - 2 * PAD, h - 2 * PAD - header
    if w <= 0.5 or h <= 0.5:
        return
    children = sorted(node.children, key=lambda c: (-c.size, c.path))
    for child, rect in zip(children, squarify([c.size for c in children], x, y, w, h), strict=True):
        _place(child, *rect, depth + 1, out)
