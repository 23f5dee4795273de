"""Typed reads of a rule's fields (catalogue/field_reader.py): a wrong value is one error that
names the file, the rule and the field, and says what the field must be."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tf2_lsp.catalogue.field_reader import FieldReader
from tf2_lsp.catalogue.rules import CatalogueError

READER = FieldReader(Path("rules") / "demo.toml")


def problem(read: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(CatalogueError) as raised:
        read(*args, **kwargs)
    return str(raised.value)


def test_a_failure_names_the_file_the_rule_and_the_field() -> None:
    assert problem(READER.text, {}, "TF901", "tf1") == "demo.toml: rule TF901: field 'tf1': missing"
    assert problem(READER.text, {"tf1": 3}, "TF901", "tf1").endswith("'tf1': must be a string")


def test_text_must_say_something_unless_it_has_a_default_or_may_be_empty() -> None:
    assert "must not be empty" in problem(READER.text, {"tf1": "  "}, "TF901", "tf1")
    assert READER.text({}, "TF901", "since", default="") == ""
    assert READER.text({"prelude": ""}, "TF901", "prelude", allow_empty=True) == ""


def test_a_nested_field_is_named_by_its_path() -> None:
    message = problem(READER.text, {}, "TF901", "before", field_name="example.before")
    assert "field 'example.before'" in message
    message = problem(READER.strings, {"v1": "x"}, "TF901", "calls.*.v1", key="v1")
    assert "field 'calls.*.v1': must be a list of strings" in message


def test_a_choice_lists_what_is_allowed() -> None:
    choices = ("compat", "native")
    assert READER.choice({"level": "native"}, "TF901", "level", choices) == "native"
    assert READER.choice({}, "TF901", "level", choices, default="compat") == "compat"
    message = problem(READER.choice, {"level": "tf3"}, "TF901", "level", choices, prefix="fix.")
    assert message.endswith("field 'fix.level': must be one of compat, native")


def test_strings_booleans_and_tables() -> None:
    assert READER.strings({}, "TF901", "requires") == ()
    assert "must not be empty" in problem(READER.strings, {}, "TF901", "symbols", required=True)
    assert READER.boolean({}, "TF901", "removed", default=True) is True
    assert "true or false" in problem(READER.boolean, {"removed": "yes"}, "TF901", "removed", False)
    # One table where an array of tables may stand reads as an array of one.
    assert READER.tables({"fix": {"level": "compat"}}, "TF901", "fix") == [{"level": "compat"}]
    assert "array of tables" in problem(READER.tables, {"fix": [1]}, "TF901", "fix")
    assert "field 'fix.arguments': must be a table" in problem(
        READER.table, {"arguments": []}, "TF901", "arguments"
    )
