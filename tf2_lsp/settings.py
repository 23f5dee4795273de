"""Settings from `[tool.tf2-lsp]` in pyproject.toml and from the editor, validated.

An invalid setting never stops the tool: it is reported (CLI stderr, editor showMessage) by name
and its default is used.
"""

from __future__ import annotations

import re
import reprlib
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Literal

from tf2_lsp.catalogue.rules import LEVELS, SEVERITIES, Level, Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

Style = Literal["toml", "editor"]
_CODE_PREFIX = re.compile(r"^TF\d{0,4}$")
_VERSION = re.compile(r"^2\.\d{1,2}(\.\d{1,2})?$")
LATEST_TF = "2.21"


@dataclass(frozen=True, slots=True)
class Options:
    level: Level = "compat"
    target_version: str = LATEST_TF
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, Severity], ...] = ()

    def wants(self, code: str) -> bool:
        if self.select and not any(code.startswith(prefix) for prefix in self.select):
            return False
        return not any(code.startswith(prefix) for prefix in self.ignore)


@dataclass(frozen=True, slots=True)
class Config:
    level: Level = "compat"
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, Severity], ...] = ()
    target_version: str = LATEST_TF
    exclude: tuple[str, ...] = ()
    unsafe_fixes: bool = False
    debounce: int = 150  # milliseconds between the last keystroke and analysis

    def options(self) -> Options:
        return Options(
            level=self.level,
            target_version=self.target_version,
            select=self.select,
            ignore=self.ignore,
            severity=self.severity,
        )


def _level(value: Any) -> Level:
    if value not in LEVELS:
        raise ValueError(f"must be one of {', '.join(LEVELS)}")
    return value  # type: ignore[no-any-return]


def _codes(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError('must be a list of rule codes such as ["TF101", "TF2"]')
    bad = [v for v in value if not _CODE_PREFIX.match(v)]
    if bad:
        raise ValueError(
            f"{_short_repr(bad[0])} is not a rule code or code prefix (TF, TF1, TF101)"
        )
    return tuple(value)


def _severity(value: Any) -> tuple[tuple[str, Severity], ...]:
    if not isinstance(value, dict):
        raise ValueError("must map rule codes to error, warning, information or hint")
    pairs = []
    for code, level in value.items():
        if not _CODE_PREFIX.match(str(code)) or level not in SEVERITIES:
            raise ValueError(
                f"{_short_repr(code)} = {_short_repr(level)}: expected a rule code and one of "
                + ", ".join(SEVERITIES)
            )
        pairs.append((str(code), level))
    return tuple(pairs)


def _version(value: Any) -> str:
    if not isinstance(value, str) or not _VERSION.match(value):
        raise ValueError('must be a TensorFlow 2 version such as "2.15" or "2.21"')
    return value


def _globs(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("must be a list of glob patterns")
    return tuple(value)


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _debounce(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 5000:
        raise ValueError("must be a number of milliseconds from 0 to 5000")
    return int(value)


_FIELDS: dict[str, tuple[str, str, Callable[[Any], Any]]] = {
    # attribute: (toml key, editor key, validator)
    "level": ("level", "level", _level),
    "select": ("select", "select", _codes),
    "ignore": ("ignore", "ignore", _codes),
    "severity": ("severity", "severity", _severity),
    "target_version": ("target-version", "targetVersion", _version),
    "exclude": ("exclude", "exclude", _globs),
    "unsafe_fixes": ("unsafe-fixes", "unsafeFixes", _boolean),
    "debounce": ("debounce", "debounce", _debounce),
}
assert set(_FIELDS) == {f.name for f in fields(Config)}


def _short_repr(value: Any) -> str:
    """A bad value as the user wrote it, cut short (it may be huge or deeply nested)."""
    short = reprlib.Repr()
    short.maxlevel, short.maxstring, short.maxother = 3, 60, 60
    return short.repr(value)


def parse_settings(
    raw: Mapping[str, Any], style: Style, base: Config | None = None
) -> tuple[Config, list[str]]:
    """Validated settings on top of `base`, and one message per problem (default kept)."""
    config = base or Config()
    problems: list[str] = []
    keys: dict[str, str] = {
        (toml_key if style == "toml" else editor_key): attr
        for attr, (toml_key, editor_key, _) in _FIELDS.items()
    }
    for key, value in raw.items():
        attr = keys.get(key)
        if attr is None:
            if style == "editor" and key in ("path", "interpreter", "trace"):
                continue  # client-side settings of the VS Code extension
            problems.append(f"unknown setting '{key}' (known: {', '.join(sorted(keys))})")
            continue
        try:
            config = replace(config, **{attr: _FIELDS[attr][2](value)})
        except ValueError as error:
            default = getattr(base or Config(), attr)
            shown = _short_repr(value)
            problems.append(f"setting '{key}' = {shown}: {error}; using {default!r}")
    return config, problems


def find_pyproject(start: Path) -> Path | None:
    directory = start if start.is_dir() else start.parent
    for candidate in (directory, *directory.parents):
        path = candidate / "pyproject.toml"
        if path.is_file():
            return path
    return None


def load_project_config(start: Path) -> tuple[Config, list[str], Path | None]:
    """`[tool.tf2-lsp]` of the nearest pyproject.toml at or above `start`."""
    path = find_pyproject(start.resolve())
    if path is None:
        return Config(), [], None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return Config(), [f"{path}: cannot read [tool.tf2-lsp]: {error}; using defaults"], path
    except RecursionError:
        # tomllib parses nested arrays and inline tables recursively.
        problem = "cannot read [tool.tf2-lsp]: values are nested too deeply; using defaults"
        return Config(), [f"{path}: {problem}"], path
    section = data.get("tool", {}).get("tf2-lsp", {})
    if not isinstance(section, dict):
        return Config(), [f"{path}: [tool.tf2-lsp] must be a table"], path
    config, problems = parse_settings(section, "toml")
    return config, [f"{path}: {problem}" for problem in problems], path
