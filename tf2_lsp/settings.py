"""One `Settings`, from three sources: `[tool.tf2-lsp]` in pyproject.toml, the editor, the CLI.

Each source's settings are validated, and remember which keys the source set (`explicit`).
Layering takes exactly those keys from the source on top: the editor's settings under the
project's pyproject.toml (so a team and its CI see the same findings), the command line's over
pyproject.toml. An invalid setting never stops the tool: it is reported (CLI stderr, editor
showMessage) by name and the value below it (the default) is used.
"""

from __future__ import annotations

import fnmatch
import os
import re
import reprlib
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal

from tf2_lsp.catalogue.rules import LEVELS, SEVERITIES, Level, Safety, Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

Style = Literal["toml", "editor"]
_CODE_PREFIX = re.compile(r"^TF\d{0,4}$")
_VERSION = re.compile(r"^2\.\d{1,2}(\.\d{1,2})?$")
# The TensorFlow version fixes target unless configured: the one place it is written.
DEFAULT_TARGET_VERSION = "2.21"


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting, from whichever sources set it (pyproject.toml, the editor, the CLI).

    `explicit` names the settings a source set itself: layering one source over another
    (`over`) takes exactly those, so a value that happens to equal the default still wins.
    """

    level: Level = "compat"
    target_version: str = DEFAULT_TARGET_VERSION
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, Severity], ...] = ()
    exclude: tuple[str, ...] = ()
    # Codes or prefixes whose unsafe fixes fix-all and `tf2-lsp fix` apply (("TF",): all).
    unsafe_fixes: tuple[str, ...] = ()
    # Rule codes or prefixes whose unsafe fixes count as safe, and the other way round.
    extend_safe_fixes: tuple[str, ...] = ()
    extend_unsafe_fixes: tuple[str, ...] = ()
    # (glob, codes): codes ignored in the files the glob matches. A glob with a `/` is
    # matched against the whole path (anchored at the pyproject.toml's directory when it
    # comes from one), one without against the file name.
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Milliseconds to wait after the last change; 0 (default): analyse at once when idle,
    # coalescing the changes that arrive during an analysis (see lsp/scheduler.py).
    debounce: int = 0
    # Attribute names of the settings the source set; not part of equality.
    explicit: frozenset[str] = field(default=frozenset(), compare=False)
    # The absolute path of the file these settings are for ("": not known, say stdin), set by
    # `for_file`; the file's name tells a test module apart. Not part of equality.
    file: str = field(default="", compare=False)

    def wants(self, code: str) -> bool:
        if self.select and not matches(code, self.select):
            return False
        return not matches(code, self.ignore)

    def safety(self, code: str, safety: Safety) -> Safety:
        """A fix's safety once `extend-safe-fixes` / `extend-unsafe-fixes` are applied."""
        if safety == "unsafe" and matches(code, self.extend_safe_fixes):
            return "safe"
        if safety == "safe" and matches(code, self.extend_unsafe_fixes):
            return "unsafe"
        return safety

    def for_file(self, path: str | None) -> Settings:
        """These settings for the file `path` (absolute): its per-file ignores added."""
        if path is None:
            return self
        extra = ignored_codes(self.per_file_ignores, path) if self.per_file_ignores else ()
        return replace(self, ignore=self.ignore + extra, file=path)

    def over(self, base: Settings) -> Settings:
        """`base` with the settings this source set explicitly replacing its own."""
        if not self.explicit:
            return base
        changed = {name: getattr(self, name) for name in self.explicit}
        return replace(base, **changed, explicit=base.explicit | self.explicit)


def matches(code: str, prefixes: Iterable[str]) -> bool:
    """Whether `code` is one of `prefixes` or starts with one (TF1 matches TF101)."""
    return any(code.startswith(prefix) for prefix in prefixes)


def ignored_codes(
    per_file_ignores: Iterable[tuple[str, tuple[str, ...]]], path: str
) -> tuple[str, ...]:
    posix = path.replace("\\", "/")
    name = posix.rpartition("/")[2]
    codes: list[str] = []
    for pattern, ignored in per_file_ignores:
        if "/" in pattern:
            hit = fnmatch.fnmatchcase(posix, pattern) or (
                not pattern.startswith("/") and fnmatch.fnmatchcase(posix, f"*/{pattern}")
            )
        else:
            hit = fnmatch.fnmatchcase(name, pattern)
        if hit:
            codes.extend(ignored)
    return tuple(codes)


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
        raise ValueError(
            f'must be a TensorFlow 2 version such as "2.15" or "{DEFAULT_TARGET_VERSION}"'
        )
    return value


def _globs(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("must be a list of glob patterns")
    return tuple(value)


def _unsafe_fixes(value: Any) -> tuple[str, ...]:
    if isinstance(value, bool):
        return ("TF",) if value else ()
    try:
        return _codes(value)
    except ValueError:
        raise ValueError('must be true, false or a list of rule codes such as ["TF911"]') from None


def _per_file_ignores(value: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise ValueError('must map glob patterns to rule codes: {"tests/*" = ["TF101"]}')
    pairs = []
    for pattern, codes in value.items():
        try:
            pairs.append((str(pattern), _codes(codes)))
        except ValueError as error:
            raise ValueError(f"{pattern!r}: {error}") from None
    return tuple(pairs)


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
    "unsafe_fixes": ("unsafe-fixes", "unsafeFixes", _unsafe_fixes),
    "extend_safe_fixes": ("extend-safe-fixes", "extendSafeFixes", _codes),
    "extend_unsafe_fixes": ("extend-unsafe-fixes", "extendUnsafeFixes", _codes),
    "per_file_ignores": ("per-file-ignores", "perFileIgnores", _per_file_ignores),
    "debounce": ("debounce", "debounce", _debounce),
}
assert set(_FIELDS) == {f.name for f in fields(Settings)} - {"explicit", "file"}


def _short_repr(value: Any) -> str:
    """A bad value as the user wrote it, cut short (it may be huge or deeply nested)."""
    short = reprlib.Repr()
    short.maxlevel, short.maxstring, short.maxother = 3, 60, 60
    return short.repr(value)


def check_value(toml_key: str, value: Any) -> Any:
    """The validated value of one setting, by its `[tool.tf2-lsp]` name; ValueError if bad."""
    for toml, _, validate in _FIELDS.values():
        if toml == toml_key:
            return validate(value)
    raise KeyError(toml_key)


def parse_settings(
    raw: Mapping[str, Any], style: Style, base: Settings | None = None
) -> tuple[Settings, list[str]]:
    """Validated settings on top of `base`, and one message per problem (`base`'s value kept).

    The result's `explicit` adds the settings `raw` gave valid values to."""
    settings = base or Settings()
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
            value = _FIELDS[attr][2](value)
        except ValueError as error:
            default = getattr(base or Settings(), attr)
            shown = _short_repr(value)
            problems.append(f"setting '{key}' = {shown}: {error}; using {default!r}")
            continue
        settings = replace(settings, **{attr: value}, explicit=settings.explicit | {attr})
    return settings, problems


def find_pyproject(start: Path) -> Path | None:
    # os.path, not Path.is_dir: False (never PermissionError) where we may not look.
    directory = start if os.path.isdir(start) else start.parent
    for candidate in (directory, *directory.parents):
        path = candidate / "pyproject.toml"
        if os.path.isfile(path):  # False (not PermissionError) where we may not look
            return path
    return None


def load_project_settings(start: Path) -> tuple[Settings, list[str], Path | None]:
    """`[tool.tf2-lsp]` of the nearest pyproject.toml at or above `start`."""
    # realpath, not Path.resolve: a symlink loop is for the caller to report, not a crash.
    path = find_pyproject(Path(os.path.realpath(start)))
    if path is None:
        return Settings(), [], None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return Settings(), [f"{path}: cannot read [tool.tf2-lsp]: {error}; using defaults"], path
    except RecursionError:
        # tomllib parses nested arrays and inline tables recursively.
        problem = "cannot read [tool.tf2-lsp]: values are nested too deeply; using defaults"
        return Settings(), [f"{path}: {problem}"], path
    # Any TOML value may stand where a table belongs (`tool = 5`, `[[tool]]`).
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        return Settings(), [f"{path}: [tool] must be a table; using defaults"], path
    section = tool.get("tf2-lsp", {})
    if not isinstance(section, dict):
        return Settings(), [f"{path}: [tool.tf2-lsp] must be a table; using defaults"], path
    settings, problems = parse_settings(section, "toml")
    if settings.per_file_ignores:
        root = path.parent.as_posix().rstrip("/")
        anchored = tuple(
            (f"{root}/{pattern.removeprefix('./')}" if "/" in pattern else pattern, codes)
            for pattern, codes in settings.per_file_ignores
        )
        settings = replace(settings, per_file_ignores=anchored)
    return settings, [f"{path}: {problem}" for problem in problems], path


def unknown_codes(settings: Settings, known: Iterable[str]) -> list[tuple[str, str]]:
    """(setting, code) for each rule code or prefix in `settings` that names no rule: a typo,
    most often, which would otherwise silently select, ignore or re-rank nothing."""
    codes = set(known)
    named: list[tuple[str, str]] = [
        *(("select", code) for code in settings.select),
        *(("ignore", code) for code in settings.ignore),
        *(("severity", code) for code, _ in settings.severity),
        *(("unsafe-fixes", code) for code in settings.unsafe_fixes),
        *(("extend-safe-fixes", code) for code in settings.extend_safe_fixes),
        *(("extend-unsafe-fixes", code) for code in settings.extend_unsafe_fixes),
        *(
            ("per-file-ignores", code)
            for _, ignored in settings.per_file_ignores
            for code in ignored
        ),
    ]
    return [
        (key, code)
        for key, code in named
        if code != "TF000" and not any(known_code.startswith(code) for known_code in codes)
    ]
