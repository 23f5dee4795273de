"""A small valid rule file, in pieces that tests of the catalogue edit one at a time."""

from __future__ import annotations

from pathlib import Path

FAMILY = """[family]
id = "demo"
title = "Demo rules"
guide = "https://www.tensorflow.org/guide/migrate"
"""

RULE = """
[[rule]]
code = "TF901"
name = "demo-session"
severity = "warning"
message = "`{symbol}` is gone"
symbols = ["tensorflow.Session"]
tf1 = "a"
tf2 = "b"
migrate = "c"
safety_note = "d"
"""

FIX = """
[[rule.fix]]
level = "compat"
safety = "safe"
kind = "rename"
to = { "tensorflow.Session" = "tensorflow.compat.v1.Session" }
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path
