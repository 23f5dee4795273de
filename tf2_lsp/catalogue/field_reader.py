"""Typed reads of one field of a TOML table, each failure a CatalogueError that names the
file, the rule and the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from tf2_lsp.catalogue.rules import CatalogueError


class FieldReader:
    """Reads the fields of one rule file's tables."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where = path.name

    def fail(self, rule: str, field_name: str, problem: str) -> CatalogueError:
        return CatalogueError(f"{self.where}: rule {rule}: field '{field_name}': {problem}")

    def text(
        self,
        raw: dict[str, Any],
        code: str,
        key: str,
        default: str | None = None,
        field_name: str | None = None,
        allow_empty: bool = False,
    ) -> str:
        value = raw.get(key, default)
        name = field_name or key
        if not isinstance(value, str):
            raise self.fail(code, name, "missing" if value is None else "must be a string")
        if not value.strip() and default is None and not allow_empty:
            raise self.fail(code, name, "must not be empty")
        return value

    def boolean(self, raw: dict[str, Any], code: str, key: str, default: bool) -> bool:
        value = raw.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(code, key, "must be true or false")
        return value

    def choice(
        self,
        raw: dict[str, Any],
        code: str,
        key: str,
        allowed: tuple[str, ...],
        default: str | None = None,
        prefix: str = "",
    ) -> str:
        value = raw.get(key, default)
        if value not in allowed:
            raise self.fail(code, prefix + key, f"must be one of {', '.join(allowed)}")
        return cast(str, value)

    def strings(
        self,
        raw: dict[str, Any],
        code: str,
        field_name: str,
        required: bool = False,
        key: str | None = None,
    ) -> tuple[str, ...]:
        value = raw.get(key or field_name, [])
        # `map(type, ...)` rather than a generator: some lists are long, read at every start.
        if not isinstance(value, list) or not set(map(type, value)) <= {str}:
            raise self.fail(code, field_name, "must be a list of strings")
        if required and not value:
            raise self.fail(code, field_name, "must not be empty")
        return tuple(value)

    def tables(self, raw: dict[str, Any], code: str, key: str) -> list[dict[str, Any]]:
        value = raw.get(key, [])
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise self.fail(code, key, "must be a table or an array of tables")
        return value

    def table(
        self, raw: dict[str, Any], code: str, key: str, prefix: str = "fix."
    ) -> dict[str, Any]:
        value = raw.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(code, f"{prefix}{key}", "must be a table")
        return value
