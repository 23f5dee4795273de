"""`tf2-lsp check | fix | report | rules | serve`: the command-line face of the engine."""

from __future__ import annotations

import argparse
import difflib
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from tf2_lsp import __version__
from tf2_lsp.catalogue.rules import Catalogue, CatalogueError, load_catalogue
from tf2_lsp.cli.discover import iter_python_files
from tf2_lsp.cli.formats import Record, as_json, as_sarif, as_text
from tf2_lsp.cli.report.command import add_report_parser, run_report
from tf2_lsp.cli.sourcefile import SourceError, read_source, write_source
from tf2_lsp.engine import analyse, fix_source, fix_title
from tf2_lsp.model import Finding
from tf2_lsp.settings import Config, load_project_config, parse_settings

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
UNREADABLE = "TF000"  # the pseudo-rule of files that cannot be analysed
PARALLEL_MIN_FILES = 16  # below this, worker start-up costs more than it saves


@dataclass
class FileResult:
    path: str
    records: list[Record] = field(default_factory=list)
    io_error: str | None = None
    applied: int = 0
    diff: str = ""
    lines: int = 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tf2-lsp",
        description="Find TensorFlow 1.x API uses and rewrite them for TensorFlow 2.",
    )
    parser.add_argument("--version", action="version", version=f"tf2-lsp {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    def common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        sub.add_argument("--select", help="only these rule codes or prefixes (TF1,TF201)")
        sub.add_argument("--ignore", help="skip these rule codes or prefixes")
        sub.add_argument("--level", choices=("compat", "native"), help="fix level (default compat)")
        sub.add_argument("--target-version", help="TensorFlow version to migrate to (default 2.21)")
        sub.add_argument("--jobs", type=int, default=0, help="worker processes (default: cores)")

    check = commands.add_parser("check", help="report TF1 API uses")
    common(check)
    check.add_argument("--format", choices=("text", "json", "sarif"), default="text")

    fix = commands.add_parser("fix", help="rewrite TF1 API uses in place")
    common(fix)
    fix.add_argument("--unsafe", action="store_true", help="also apply fixes that need review")
    fix.add_argument("--diff", action="store_true", help="print a unified diff, write nothing")

    add_report_parser(commands, common)

    rules = commands.add_parser("rules", help="list the rules, or show one rule's documentation")
    rules.add_argument("code", nargs="?")
    rules.add_argument("--format", choices=("text", "markdown"), default="text")

    serve = commands.add_parser("serve", help="run the language server (stdio by default)")
    serve.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP instead of stdio")
    serve.add_argument("--stdio", action="store_true", help="use stdio (the default)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        # `tf2-lsp check . | head`: the reader left; say nothing more, like other tools.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FINDINGS
    except KeyboardInterrupt:
        return 130


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "serve":
        from tf2_lsp.lsp.server import run_server

        return run_server(args.tcp)
    try:
        catalogue = load_catalogue()
    except CatalogueError as error:
        print(f"tf2-lsp: rule catalogue error: {error}", file=sys.stderr)
        return EXIT_ERROR
    if args.command == "rules":
        return show_rules(catalogue, args.code, args.format)
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        print(f"tf2-lsp: no such file or directory: {missing[0]}", file=sys.stderr)
        return EXIT_ERROR
    config = resolve_config(args)
    if config is None:
        return EXIT_ERROR
    files = list(iter_python_files(args.paths, config.exclude))
    if args.command == "report":
        scan = partial(_map, partial(check_file, config=config), jobs=args.jobs)
        return run_report(args, files, config, catalogue, scan)
    if args.command == "check":
        return run_check(files, config, args.format, args.jobs, catalogue)
    return run_fix(files, config, args.unsafe, args.diff, args.jobs)


def resolve_config(args: argparse.Namespace) -> Config | None:
    config, problems, _ = load_project_config(args.paths[0])
    for problem in problems:
        print(f"tf2-lsp: warning: {problem}", file=sys.stderr)
    overrides = {
        key: value
        for key, value in (
            ("select", args.select),
            ("ignore", args.ignore),
            ("level", args.level),
            ("target-version", args.target_version),
        )
        if value is not None
    }
    config, problems = parse_settings(overrides, "toml", base=config)
    if problems:
        for problem in problems:
            print(f"tf2-lsp: {problem.replace('setting', 'option')}", file=sys.stderr)
        return None
    return config


def _map(
    function: Callable[[Path], FileResult], files: list[Path], jobs: int
) -> Iterator[FileResult]:
    workers = jobs or os.cpu_count() or 1
    if workers <= 1 or len(files) < PARALLEL_MIN_FILES or sys.platform == "win32":
        yield from map(function, files)
        return
    # fork: workers inherit the loaded catalogue instead of parsing the TOML again.
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        yield from pool.imap(function, files, chunksize=max(1, len(files) // (workers * 8)))


def run_check(files: list[Path], config: Config, fmt: str, jobs: int, catalogue: Catalogue) -> int:
    results = list(_map(partial(check_file, config=config), files, jobs))
    records = [record for result in results for record in result.records]
    for result in results:
        if result.io_error:
            print(f"tf2-lsp: {result.path}: {result.io_error}", file=sys.stderr)
    if fmt == "json":
        print(as_json(records))
    elif fmt == "sarif":
        print(as_sarif(records, catalogue))
    else:
        print(as_text(records, len(files)))
    if any(result.io_error for result in results):
        return EXIT_ERROR
    return EXIT_FINDINGS if records else EXIT_CLEAN


def check_file(path: Path, config: Config) -> FileResult:
    result = FileResult(str(path))
    try:
        source = read_source(path)
    except SourceError as error:
        if "cannot read" in str(error):
            result.io_error = str(error)
        else:
            result.records.append(_unreadable(result.path, str(error)))
        return result
    detection = analyse(source.text, load_catalogue(), config.options())
    result.lines = source.text.count("\n") + 1
    if detection.syntax_error is not None:
        result.records.append(_syntax_record(result.path, detection.syntax_error))
    result.records.extend(to_record(result.path, f) for f in detection.findings)
    result.records.extend(_too_deep(result.path, line) for line in detection.too_deep)
    return result


def run_fix(files: list[Path], config: Config, unsafe: bool, diff: bool, jobs: int) -> int:
    worker = partial(
        fix_file, config=replace(config), unsafe=unsafe or config.unsafe_fixes, diff_only=diff
    )
    applied = changed = 0
    remaining: list[Record] = []
    errors = False
    for result in _map(worker, files, jobs):
        if result.io_error:
            errors = True
            print(f"tf2-lsp: {result.path}: {result.io_error}", file=sys.stderr)
        if result.diff:
            sys.stdout.write(result.diff)
        applied += result.applied
        changed += 1 if result.applied else 0
        remaining.extend(result.records)
    for record in remaining:
        if record.code == UNREADABLE:
            print(
                f"{record.path}:{record.line}:{record.column}: {record.code} {record.message}",
                file=sys.stderr,
            )
    verb = "Would apply" if diff else "Applied"
    print(
        f"{verb} {applied} fix(es) in {changed} of {len(files)} file(s); "
        f"{sum(1 for r in remaining if r.code != UNREADABLE)} finding(s) left for review.",
        file=sys.stderr,
    )
    if errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if remaining else EXIT_CLEAN


def fix_file(path: Path, config: Config, unsafe: bool, diff_only: bool) -> FileResult:
    result = FileResult(str(path))
    try:
        source = read_source(path)
    except SourceError as error:
        if "cannot read" in str(error):
            result.io_error = str(error)
        else:
            result.records.append(_unreadable(result.path, str(error) + "; not changed"))
        return result
    outcome = fix_source(source.text, load_catalogue(), config.options(), unsafe=unsafe)
    if outcome.error is not None:
        result.records.append(
            _unreadable(result.path, outcome.error + "; not changed", *outcome.error_position)
        )
        return result
    result.records = [to_record(result.path, f) for f in outcome.remaining]
    if not outcome.changed or outcome.source == source.text:
        return result
    result.applied = len(outcome.applied)
    if diff_only:
        result.diff = "".join(
            difflib.unified_diff(
                source.text.splitlines(keepends=True),
                outcome.source.splitlines(keepends=True),
                fromfile=_diff_name("a", path),
                tofile=_diff_name("b", path),
            )
        )
        return result
    try:
        write_source(source, outcome.source)
    except (OSError, UnicodeEncodeError) as error:
        result.io_error = f"cannot write: {error}"
    return result


def _diff_name(side: str, path: Path) -> str:
    """`a/pkg/model.py` for relative paths, as git writes them; absolute paths as they are."""
    return path.as_posix() if path.is_absolute() else f"{side}/{path.as_posix()}"


def to_record(path: str, finding: Finding) -> Record:
    fix = None
    if finding.fix is not None:
        fix = {
            "title": fix_title(finding),
            "safety": finding.fix.safety,
            "level": finding.fix.level,
        }
    span = finding.span
    return Record(
        path=path,
        line=span.line,
        column=span.column + 1,
        end_line=span.end_line,
        end_column=span.end_column + 1,
        code=finding.code,
        severity=finding.severity,
        message=finding.message,
        symbol=finding.symbol,
        fix=fix,
    )


def _unreadable(path: str, message: str, line: int = 1, column: int = 1) -> Record:
    return Record(
        path,
        line,
        column,
        line,
        column,
        UNREADABLE,
        "error",
        f"cannot analyse this file: {message}",
        None,
        None,
    )


def _too_deep(path: str, line: int) -> Record:
    message = "cannot analyse this statement: it is nested too deeply (the rest of the file was)"
    return Record(path, line, 1, line, 1, UNREADABLE, "error", message, None, None)


def _syntax_record(path: str, error: SyntaxError) -> Record:
    line = error.lineno or 1
    column = error.offset or 1
    return _unreadable(path, f"syntax error: {error.msg}", line, column)


def show_rules(catalogue: Catalogue, code: str | None, fmt: str) -> int:
    from tf2_lsp.catalogue.docs import rule_markdown, rule_text

    if code is None:
        for rule in catalogue.rules:
            fixes = ", ".join(f"{f.level}/{f.safety}" for f in rule.fixes) or "manual"
            print(f"{rule.code:7} {rule.name:32} {rule.severity:11} {fixes}")
        return EXIT_CLEAN
    found = catalogue.by_code.get(code.upper())
    if found is None:
        print(f"tf2-lsp: no rule {code}; `tf2-lsp rules` lists them", file=sys.stderr)
        return EXIT_ERROR
    print(rule_markdown(found) if fmt == "markdown" else rule_text(found))
    return EXIT_CLEAN
