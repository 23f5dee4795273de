"""The batch commands (`check`, `fix`, `report`, `rules`): the settings they run with, and
which of them runs on which files or on stdin."""

from __future__ import annotations

import argparse
import os
import sys
from functools import partial
from pathlib import Path

from tf2_lsp.catalogue.load import load_catalogue
from tf2_lsp.catalogue.rules import Catalogue, CatalogueError
from tf2_lsp.cli.cache import ResultCache, default_cache_dir
from tf2_lsp.cli.check import checked_files, run_check, run_check_stdin
from tf2_lsp.cli.parser import STDIN
from tf2_lsp.cli.status import EXIT_ERROR
from tf2_lsp.cli.terminal import Style, wants_colour
from tf2_lsp.files.discover import iter_python_files
from tf2_lsp.files.sourcefile import SourceError, SourceFile, decode_source
from tf2_lsp.settings import (
    Settings,
    find_pyproject,
    load_project_settings,
    parse_settings,
    unknown_codes,
)


def run_command(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Run the parsed batch command; its exit status."""
    try:
        catalogue = load_catalogue()
    except CatalogueError as error:
        print(f"tf2-lsp: rule catalogue error: {error}", file=sys.stderr)
        return EXIT_ERROR
    # Each command imports its own module when it runs: `check`, the one run most, loads
    # neither `fix` (and the native level's analysis), the report, nor the rule docs.
    if args.command == "rules":
        from tf2_lsp.cli.rules import show_rules

        return show_rules(catalogue, args.code, args.format, args.statistics)
    stdin = STDIN in args.paths
    if stdin and args.command == "report":
        parser.error("report reads files, not stdin (`-`)")
    if stdin and len(args.paths) > 1:
        parser.error("`-` (stdin) cannot be combined with other paths")
    if args.stdin_filename and not stdin:
        parser.error("--stdin-filename needs `-` among the paths")
    if args.command == "check" and args.baseline and args.write_baseline:
        parser.error("--baseline and --write-baseline cannot be combined")
    missing = [p for p in args.paths if p != STDIN and _missing(p)]
    if missing:
        print(f"tf2-lsp: no such file or directory: {missing[0]}; aborting", file=sys.stderr)
        return EXIT_ERROR
    settings = resolve_settings(args, catalogue)
    style = Style(wants_colour(sys.stdout))
    if stdin:
        name = args.stdin_filename or "-"
        source = _read_stdin(name)
        if args.command == "check":
            return run_check_stdin(name, source, settings, args, catalogue, style)
        from tf2_lsp.cli.fix import run_fix_stdin

        return run_fix_stdin(name, source, settings, args, style)
    uncovered: list[Path] = []

    def not_covered(path: Path, reason: str) -> None:
        # Never skipped silently: named now, and the run's exit status is 2.
        print(f"tf2-lsp: {path}: {reason}", file=sys.stderr)
        uncovered.append(path)

    files = list(iter_python_files(args.paths, settings.exclude, not_covered))
    # `fix` never creates a cache: it only forgets the entries of the files it rewrites.
    creates = args.command != "fix"
    cache = None if args.no_cache else ResultCache.open(cache_dir(args), creates)
    if args.command == "report":
        from tf2_lsp.cli.report.command import run_report

        scan = partial(checked_files, settings=settings, jobs=args.jobs, cache=cache)
        status = run_report(args, files, settings, catalogue, scan)
    elif args.command == "check":
        status = run_check(files, settings, args, catalogue, style, cache)
    else:
        from tf2_lsp.cli.fix import run_fix

        status = run_fix(files, settings, args, style, cache)
    return EXIT_ERROR if uncovered else status


def _missing(path: Path) -> bool:
    """Whether `path` does not exist. A path we may not look at (a directory without search
    permission on the way) exists as far as we know: discovery names it with the reason."""
    try:
        os.lstat(path)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return False


def _read_stdin(name: str) -> SourceFile | SourceError:
    try:
        return decode_source(sys.stdin.buffer.read(), Path(name))
    except SourceError as error:
        return error


def cache_dir(args: argparse.Namespace) -> Path:
    """Where this run keeps its results (see `cli.cache.default_cache_dir`)."""
    # realpath, not Path.resolve: a symlink loop as PATH is reported later, not raised here.
    pyproject = find_pyproject(Path(os.path.realpath(config_start(args))))
    return default_cache_dir(args.cache_dir, pyproject.parent if pyproject else None)


def config_start(args: argparse.Namespace) -> Path:
    """Where the pyproject.toml search starts: the first path, or the stdin file's name."""
    first: Path = args.paths[0]
    if first == STDIN:
        return Path(args.stdin_filename) if args.stdin_filename else Path.cwd()
    return first


def resolve_settings(args: argparse.Namespace, catalogue: Catalogue) -> Settings:
    """`[tool.tf2-lsp]` with the command line's options on top; warnings on stderr."""
    settings, problems, pyproject = load_project_settings(config_start(args))
    codes = [rule.code for rule in catalogue.rules]
    problems += [
        f"{pyproject}: setting '{key}': {_no_rule(code)}"
        for key, code in unknown_codes(settings, codes)
    ]
    for problem in problems:
        print(f"tf2-lsp: warning: {problem}", file=sys.stderr)
    overrides = {
        key: value
        for key, value in (
            ("select", args.select),
            ("ignore", args.ignore),
            ("level", args.level),
            ("target-version", args.target_version),
            ("unsafe-fixes", getattr(args, "unsafe_fixes", None)),
        )
        if value is not None
    }
    if getattr(args, "unsafe", False):
        overrides["unsafe-fixes"] = "TF"
    # The values were validated by argparse already; this only layers them.
    given, _ = parse_settings(overrides, "toml")
    for key, code in unknown_codes(given, codes):
        print(f"tf2-lsp: warning: --{key}: {_no_rule(code)}", file=sys.stderr)
    settings, _ = parse_settings(overrides, "toml", base=settings)
    return settings


def _no_rule(code: str) -> str:
    return f"no rule has the code {code!r} (`tf2-lsp rules` lists them)"
