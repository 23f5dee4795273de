"""Adversarial audit of the native level: each snippet of `snippets.toml` is fixed by
`tf2-lsp fix --level native --unsafe`, then the TF1 original and the output are run on
TensorFlow by the equivalence harness (TF1 semantics against TF2) and classified.

    python benchmarks/native_audit/run.py [--only NAME,...] [--show-diff] [--json]

Outcomes: `proven` (rewritten, computes the same), `kept` (the code stays as written, with
the findings that say why), `warned` (rewritten, computes something else, and a finding says
so: the snippet's `warned` text), `BUG-differs` (rewritten, computes something else),
`BUG-error` (rewritten, the output does not run), `snippet-error` (the TF1 side fails).
The form column says whether the output holds TF2 objects (Keras, schedules, `tf.function`)
the original did not (`native`) or only `tf.compat.v1` spellings and argument fixes
(`compat`: the native level kept TF1 behaviour, see the findings listed under the row).
"""

from __future__ import annotations

import argparse
import difflib
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import tomllib

from tf2_lsp.verify.cases import Case, Outcome, RunTable
from tf2_lsp.verify.harness import run_cases

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
NATIVE_MARKS = ("tf.keras.", "tf.function", "GradientTape", "schedules.")


def load(only: set[str]) -> list[dict[str, Any]]:
    data = tomllib.loads((HERE / "snippets.toml").read_text())
    return [s for s in data["snippet"] if not only or s["name"] in only]


def tf2_lsp(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "tf2_lsp", *args, "--no-cache"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if done.returncode not in (0, 1):
        raise SystemExit(f"tf2-lsp {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def fix(
    snippets: list[dict[str, Any]], folder: Path
) -> dict[str, tuple[str, list[dict[str, Any]]]]:
    """Each snippet's module after the native fix, and the native findings on the original."""
    for snippet in snippets:
        (folder / snippet["name"]).mkdir()
        (folder / snippet["name"] / "snippet.py").write_text(snippet["code"])
    findings: dict[str, list[dict[str, Any]]] = {s["name"]: [] for s in snippets}
    for finding in json.loads(
        tf2_lsp("check", "--level", "native", "--format", "json", str(folder))
    ):
        findings[Path(finding["path"]).parent.name].append(finding)
    tf2_lsp("fix", "--level", "native", "--unsafe", str(folder))
    return {
        s["name"]: ((folder / s["name"] / "snippet.py").read_text(), findings[s["name"]])
        for s in snippets
    }


def classify(snippet: dict[str, Any], new: str, outcome: Outcome, said: list[str]) -> str:
    """The outcome's class; a difference that a finding announces (the snippet's `warned`
    text in one of its messages) is `warned`, not a bug."""
    code = snippet["code"]
    if outcome.status == "error" and outcome.reason.startswith("TF1 side"):
        return "snippet-error"
    if new == code:
        return "kept"
    warned = snippet.get("warned", "")
    if outcome.status in ("differs", "error") and warned and any(warned in m for m in said):
        return "warned"
    if outcome.status == "differs":
        return "BUG-differs"
    if outcome.status == "error":
        return "BUG-error"
    if outcome.status == "ran":
        return "ran-nothing-compared"
    return outcome.status


def form(code: str, new: str) -> str:
    """`native` where the rewrite wrote TF2 objects the original did not have."""
    more = any(new.count(mark) > code.count(mark) for mark in NATIVE_MARKS)
    return "native" if more else "compat"


def blockers(findings: list[dict[str, Any]]) -> list[str]:
    """The native findings that say why a native form was not written."""
    return [
        f"{f['code']}:{f['line']}: {f['message']}"
        for f in findings
        if (f.get("fix") or {}).get("level") != "native"
        or "still runs TF1 graph code" in f["message"]
        if f["code"] >= "TF9" or f["code"] == "TF810"
    ]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated snippet names")
    parser.add_argument("--show-diff", action="store_true")
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args(argv)
    snippets = load({n for n in options.only.split(",") if n})
    with tempfile.TemporaryDirectory(prefix="tf2-lsp-native-audit-") as folder:
        fixed = fix(snippets, Path(folder))
    cases = [
        Case(s["name"], s["code"], fixed[s["name"]][0], RunTable.from_mapping(s.get("run", {})))
        for s in snippets
    ]
    outcomes = run_cases(cases)
    rows = []
    for snippet, case, outcome in zip(snippets, cases, outcomes, strict=True):
        said = [f["message"] for f in fixed[case.name][1]]
        rows.append(
            {
                "name": case.name,
                "class": classify(snippet, case.new, outcome, said),
                "form": form(case.old, case.new) if case.new != case.old else "-",
                "reason": outcome.reason,
                "findings": blockers(fixed[case.name][1]),
                "expect": snippet.get("expect", ""),
            }
        )
        if options.show_diff and case.new != case.old:
            diff = difflib.unified_diff(
                case.old.splitlines(), case.new.splitlines(), "old", "new", lineterm=""
            )
            print(f"===== {case.name}\n" + "\n".join(diff))
    if options.json:
        print(json.dumps(rows, indent=2))
        return 0
    for row in rows:
        print(f"{row['name']:<32} {row['class']:<14} {row['form']:<7} {row['reason'][:110]}")
        for line in row["findings"][:3] if row["class"] != "proven" else []:
            print(f"{'':<32}   {line[:160]}")
    print()
    for name, count in sorted(Counter(r["class"] for r in rows).items()):
        print(f"{name}: {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
