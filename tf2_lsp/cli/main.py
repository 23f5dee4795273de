"""`tf2-lsp check | fix | report | rules | serve`: the command-line face of the engine."""

from __future__ import annotations

import argparse
import difflib
import os
import shlex
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import NoReturn

from tf2_lsp import __version__
from tf2_lsp.catalogue.api import warm_api_lists
from tf2_lsp.catalogue.rules import Catalogue, CatalogueError, load_catalogue
from tf2_lsp.cli.formats import (
    FORMATS,
    UNREADABLE,
    GithubReporter,
    Hint,
    JsonReporter,
    Record,
    Reporter,
    SarifReporter,
    StatisticsReporter,
    Tally,
    TextReporter,
    fails,
)
from tf2_lsp.cli.notebooks import (
    Notebook,
    NotebookError,
    check_notebook,
    fix_notebook,
    is_notebook,
    notebook_from_text,
    read_notebook,
    remaining_findings,
)
from tf2_lsp.cli.pool import map_in_workers
from tf2_lsp.cli.report.command import add_report_parser, run_report
from tf2_lsp.cli.terminal import Progress, Style, wants_colour
from tf2_lsp.engine import UnsafeSelection, analyse, fix_all, fix_title, is_fixable
from tf2_lsp.files.discover import iter_python_files
from tf2_lsp.files.sourcefile import (
    SourceError,
    SourceFile,
    WriteSkipped,
    decode_source,
    read_source,
    write_source,
)
from tf2_lsp.model import Finding
from tf2_lsp.settings import (
    DEFAULT_TARGET_VERSION,
    Settings,
    check_value,
    load_project_config,
    parse_settings,
    unknown_codes,
)

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
PARALLEL_MIN_FILES = 16  # below this, worker start-up costs more than it saves
STDIN = Path("-")

EPILOG = """\
examples:
  tf2-lsp check src/                        report TF1 API uses under src/
  tf2-lsp check --statistics .              count them per rule
  tf2-lsp check --format github .           annotate a GitHub pull request
  tf2-lsp check --write-baseline tf1.json . record today's findings ...
  tf2-lsp check --baseline tf1.json .       ... and report only new ones
  tf2-lsp fix --diff src/                   show what `fix` would change
  tf2-lsp fix --level native --unsafe src/  write idiomatic TF2, unsafe fixes included
  cat m.py | tf2-lsp check - --stdin-filename m.py
  tf2-lsp report -o migration.html .        a one-page migration report

exit status:
  0  nothing found (check), nothing changed and nothing left (fix), written (report)
  1  findings reported, a diff shown (fix --diff) or findings left for review (fix)
  2  a usage, configuration or I/O error
"""


class _Parser(argparse.ArgumentParser):
    """argparse, with every bad value ending in "aborting" and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message}; aborting\n")


def _option(key: str) -> Callable[[str], str]:
    """An argparse type that validates like the `[tool.tf2-lsp]` setting of the same name."""

    def convert(value: str) -> str:
        try:
            check_value(key, value)
            return value
        except ValueError as error:
            raise argparse.ArgumentTypeError(f"invalid value {value!r}: {error}") from None

    convert.__name__ = key
    return convert


def _jobs(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(
            f"invalid value {value!r}: must be 0 (one per core) or a number of processes"
        )
    return int(value)


def _path(value: str) -> Path:
    if not value:
        # Path("") would silently mean the current directory.
        raise argparse.ArgumentTypeError("an empty PATH names no file or directory")
    return Path(value)


def tcp_address(value: str) -> tuple[str, int]:
    """`HOST:PORT`, `[IPv6]:PORT` or `PORT` (on the loopback address)."""
    host, separator, port = value.rpartition(":")
    if not separator:
        host, port = "127.0.0.1", value
    elif host.startswith("[") or host.endswith("]"):
        if not (host.startswith("[") and host.endswith("]") and len(host) > 2):
            raise argparse.ArgumentTypeError(f"{value!r}: write an IPv6 host as [::1]:2087")
        host = host[1:-1]
    elif ":" in host:
        raise argparse.ArgumentTypeError(f"{value!r}: write an IPv6 host in brackets, [::1]:2087")
    if not host:
        raise argparse.ArgumentTypeError(f"{value!r}: expected HOST:PORT, such as 127.0.0.1:2087")
    if not port.isascii() or not port.isdigit() or not 0 < int(port) <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r}: the port must be a number from 1 to 65535")
    return host, int(port)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="tf2-lsp",
        description="Find TensorFlow 1.x API uses and rewrite them for TensorFlow 2.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"tf2-lsp {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def sub(name: str, summary: str) -> argparse.ArgumentParser:
        return commands.add_parser(
            name,
            help=summary,
            description=summary,
            epilog=EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    def common(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "paths",
            nargs="+",
            type=_path,
            metavar="PATH",
            help="files or directories (walked for *.py); `-` reads one file from stdin",
        )
        command.add_argument(
            "--select",
            type=_option("select"),
            metavar="CODES",
            help="only these rule codes or prefixes, comma-separated (TF1,TF201)",
        )
        command.add_argument(
            "--ignore",
            type=_option("ignore"),
            metavar="CODES",
            help="skip these rule codes or prefixes, comma-separated",
        )
        command.add_argument(
            "--level",
            type=_option("level"),
            metavar="{compat,native}",
            help="fix level: compat keeps TF1 behaviour through tf.compat.v1 (the default), "
            "native writes idiomatic TF2",
        )
        command.add_argument(
            "--target-version",
            type=_option("target-version"),
            metavar="VERSION",
            help=f"TensorFlow version you migrate to (default {DEFAULT_TARGET_VERSION})",
        )
        command.add_argument(
            "--jobs",
            type=_jobs,
            default=0,
            metavar="N",
            help="worker processes for large trees (default 0: one per core)",
        )
        command.add_argument(
            "--stdin-filename",
            metavar="NAME",
            help="with `-`: the file name to report and to find pyproject.toml from",
        )

    check = sub("check", "report TF1 API uses")
    common(check)
    check.add_argument(
        "--format",
        type=_choice("format", FORMATS),
        default="text",
        metavar="{" + ",".join(FORMATS) + "}",
        help="text (default); json (one array); github (workflow annotations); sarif (2.1.0)",
    )
    check.add_argument(
        "--statistics",
        action="store_true",
        help="print a count per rule (with how many are fixable safely, unsafely, by hand) "
        "instead of each finding; --format json prints the rows as JSON",
    )
    check.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="report only findings that are not in this baseline (see --write-baseline)",
    )
    check.add_argument(
        "--write-baseline",
        type=Path,
        metavar="FILE",
        help="write every current finding to FILE as the baseline, and exit 0",
    )

    fix = sub("fix", "rewrite TF1 API uses in place")
    common(fix)
    fix.add_argument(
        "--unsafe", action="store_true", help="also apply fixes that need review (all rules)"
    )
    fix.add_argument(
        "--unsafe-fixes",
        type=_option("unsafe-fixes"),
        metavar="CODES",
        help="also apply the unsafe fixes of these rule codes or prefixes (TF911,TF93)",
    )
    fix.add_argument(
        "--diff",
        action="store_true",
        help="print a unified diff and write nothing; exit 1 when there is a diff",
    )

    add_report_parser(sub, common)

    rules = sub("rules", "list the rules, or show one rule's documentation")
    rules.add_argument("code", nargs="?", metavar="CODE", help="the rule to document (TF101)")
    rules.add_argument(
        "--format",
        type=_choice("format", ("text", "markdown")),
        default="text",
        metavar="{text,markdown}",
        help="output format of one rule's documentation (default text)",
    )

    serve = sub("serve", "run the language server (stdio by default)")
    serve.add_argument(
        "--tcp",
        metavar="HOST:PORT",
        type=tcp_address,
        help="listen on TCP instead of stdio (for one local user; HOST defaults to 127.0.0.1)",
    )
    serve.add_argument("--stdio", action="store_true", help="use stdio (the default)")
    return parser


def _choice(name: str, choices: Sequence[str]) -> Callable[[str], str]:
    def convert(value: str) -> str:
        if value not in choices:
            raise argparse.ArgumentTypeError(
                f"invalid value {value!r}: must be one of {', '.join(choices)}"
            )
        return value

    convert.__name__ = name
    return convert


def main(argv: Sequence[str] | None = None) -> int:
    # File names that are not valid UTF-8 reach Python as surrogate escapes: print them as
    # the bytes they are (as ls and git do) instead of failing with UnicodeEncodeError.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="surrogateescape")
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
        return serve(args.tcp)
    try:
        catalogue = load_catalogue()
    except CatalogueError as error:
        print(f"tf2-lsp: rule catalogue error: {error}", file=sys.stderr)
        return EXIT_ERROR
    if args.command == "rules":
        return show_rules(catalogue, args.code, args.format)
    stdin = STDIN in args.paths
    if stdin and args.command == "report":
        parser.error("report reads files, not stdin (`-`)")
    if stdin and len(args.paths) > 1:
        parser.error("`-` (stdin) cannot be combined with other paths")
    if args.stdin_filename and not stdin:
        parser.error("--stdin-filename needs `-` among the paths")
    if args.command == "check" and args.baseline and args.write_baseline:
        parser.error("--baseline and --write-baseline cannot be combined")
    missing = [p for p in args.paths if p != STDIN and not os.path.lexists(p)]
    if missing:
        print(f"tf2-lsp: no such file or directory: {missing[0]}; aborting", file=sys.stderr)
        return EXIT_ERROR
    config = resolve_config(args, catalogue)
    style = Style(wants_colour(sys.stdout))
    if stdin:
        name = args.stdin_filename or "-"
        source: SourceFile | SourceError
        try:
            source = decode_source(sys.stdin.buffer.read(), Path(name))
        except SourceError as error:
            source = error
        if args.command == "check":
            return run_check_stdin(name, source, config, args, catalogue, style)
        return run_fix_stdin(name, source, config, args, style)
    uncovered: list[Path] = []

    def not_covered(path: Path, reason: str) -> None:
        # Never skipped silently: named now, and the run's exit status is 2.
        print(f"tf2-lsp: {path}: {reason}", file=sys.stderr)
        uncovered.append(path)

    files = list(iter_python_files(args.paths, config.exclude, not_covered))
    if args.command == "report":
        scan = partial(_map, partial(check_file, config=config), jobs=args.jobs)
        status = run_report(args, files, config, catalogue, scan)
    elif args.command == "check":
        status = run_check(files, config, args, catalogue, style)
    else:
        status = run_fix(files, config, args, style)
    return EXIT_ERROR if uncovered else status


def serve(tcp: tuple[str, int] | None) -> int:
    from tf2_lsp.lsp.server import run_server

    if tcp is None:
        return run_server(None)
    host, port = tcp
    try:
        return run_server(f"{host}:{port}")
    except OSError as error:
        print(
            f"tf2-lsp: cannot listen on {host}:{port}: {error.strerror or error}", file=sys.stderr
        )
        return EXIT_ERROR


def config_start(args: argparse.Namespace) -> Path:
    """Where the pyproject.toml search starts: the first path, or the stdin file's name."""
    first: Path = args.paths[0]
    if first == STDIN:
        return Path(args.stdin_filename) if args.stdin_filename else Path.cwd()
    return first


def resolve_config(args: argparse.Namespace, catalogue: Catalogue) -> Settings:
    """`[tool.tf2-lsp]` with the command line's options on top; warnings on stderr."""
    config, problems, pyproject = load_project_config(config_start(args))
    codes = [rule.code for rule in catalogue.rules]
    problems += [
        f"{pyproject}: setting '{key}': {_no_rule(code)}"
        for key, code in unknown_codes(config, codes)
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
    config, _ = parse_settings(overrides, "toml", base=config)
    return config


def _no_rule(code: str) -> str:
    return f"no rule has the code {code!r} (`tf2-lsp rules` lists them)"


# -- running over files ----------------------------------------------------------------------------


@dataclass
class FileResult:
    path: str
    records: list[Record] = field(default_factory=list)
    io_error: str | None = None
    applied: int = 0
    diff: str = ""
    lines: int = 0
    # What the remaining findings need: "unsafe", "native", "native-unsafe", "manual", or
    # "unwritten" (fixed, but the file was not written: skipped or failed).
    needs: Counter[str] = field(default_factory=Counter)
    skipped: str | None = None  # why the fixed text was deliberately not written
    fixed: list[Record] = field(default_factory=list)  # the findings the fixed text resolves


def _guarded(function: Callable[[Path], FileResult], path: Path) -> FileResult:
    """One file's failure (a bug, MemoryError) is that file's error, not the run's traceback."""
    try:
        return function(path)
    except Exception as error:
        return FileResult(str(path), io_error=f"internal error, please report it: {error!r}")


def _lost(path: Path, reason: str) -> FileResult:
    return FileResult(str(path), io_error=reason)


def _map(
    function: Callable[[Path], FileResult], files: list[Path], jobs: int
) -> Iterator[FileResult]:
    """Results in file order, each as soon as it (and those before it) are done."""
    workers = jobs or os.cpu_count() or 1
    guarded = partial(_guarded, function)
    warm_api_lists()  # loaded once here, so forked workers inherit them
    if workers <= 1 or len(files) < PARALLEL_MIN_FILES or sys.platform == "win32":
        yield from map(guarded, files)
        return
    # A worker that dies (out of memory) costs its own file only; see cli/pool.py.
    yield from map_in_workers(guarded, files, workers, _lost)


class Console:
    """stdout and stderr, sharing a terminal with a progress line without garbling it."""

    def __init__(self, progress: Progress | None = None) -> None:
        self.progress = progress

    def out(self, text: str) -> None:
        if self.progress is not None:
            self.progress.clear()
        sys.stdout.write(text)
        sys.stdout.flush()

    def err(self, text: str) -> None:
        if self.progress is not None:
            self.progress.clear()
        print(text, file=sys.stderr, flush=True)


def _paths_text(args: argparse.Namespace) -> str:
    if args.paths == [STDIN]:
        return "-" + (
            f" --stdin-filename {shlex.quote(args.stdin_filename)}" if args.stdin_filename else ""
        )
    return " ".join(shlex.quote(str(p)) for p in args.paths)


def fix_command(args: argparse.Namespace, level: str | None, unsafe: bool) -> str:
    """The `tf2-lsp fix ...` line that repeats this run's choices with `level`/`unsafe` added."""
    parts = ["tf2-lsp fix"]
    for flag, value in (("--select", args.select), ("--ignore", args.ignore)):
        if value:
            parts.append(f"{flag} {shlex.quote(value)}")
    level = level or args.level
    if level:
        parts.append(f"--level {level}")
    if args.target_version:
        parts.append(f"--target-version {args.target_version}")
    if unsafe:
        parts.append("--unsafe")
    parts.append(_paths_text(args))
    return " ".join(parts)


def _reporter(
    args: argparse.Namespace, console: Console, catalogue: Catalogue, style: Style
) -> Reporter:
    if args.statistics:
        return StatisticsReporter(console.out, catalogue, args.format, style)
    if args.format == "json":
        return JsonReporter(console.out)
    if args.format == "github":
        return GithubReporter(console.out)
    if args.format == "sarif":
        return SarifReporter(console.out, catalogue)
    return TextReporter(console.out, style)


def run_check(
    files: list[Path],
    config: Settings,
    args: argparse.Namespace,
    catalogue: Catalogue,
    style: Style,
) -> int:
    from tf2_lsp.cli.baseline import Baseline, BaselineError

    baseline = None
    if args.baseline is not None:
        try:
            baseline = Baseline.read(args.baseline)
        except BaselineError as error:
            print(f"tf2-lsp: {error}; aborting", file=sys.stderr)
            return EXIT_ERROR
    progress = Progress(sys.stderr, len(files), "Checking")
    console = Console(progress)
    collected: list[Record] = []
    reporter = _reporter(args, console, catalogue, style)
    tally = Tally(files=len(files))
    errors = False
    for result in _map(partial(check_file, config=config), files, args.jobs):
        progress.advance()
        if result.io_error:
            errors = True
            console.err(f"tf2-lsp: {result.path}: {result.io_error}")
        records = result.records
        if args.write_baseline is not None:
            collected.extend(records)
            continue
        if baseline is not None:
            records, known = baseline.new_findings(records)
            tally.baselined += known
        tally.add(records)
        reporter.add(records)
    progress.clear()
    if args.write_baseline is not None:
        return write_baseline(args.write_baseline, collected)
    reporter.finish(tally, _hint(args))
    if errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if tally.failing else EXIT_CLEAN


def _hint(args: argparse.Namespace) -> Hint:
    """The text summary's fix commands, with this run's options."""
    return Hint(fix_command(args, None, False), fix_command(args, None, True))


def write_baseline(path: Path, records: list[Record]) -> int:
    from tf2_lsp.cli.baseline import Baseline

    kept = [r for r in records if r.code != UNREADABLE]
    try:
        Baseline.from_records(kept, path).write(path)
    except OSError as error:
        print(f"tf2-lsp: cannot write baseline {path}: {error.strerror or error}", file=sys.stderr)
        return EXIT_ERROR
    files = len({r.path for r in kept})
    print(f"Wrote {len(kept)} finding(s) in {files} file(s) to {path}.", file=sys.stderr)
    unreadable = len(records) - len(kept)
    if unreadable:
        print(
            f"tf2-lsp: {unreadable} file(s) could not be analysed and are not in the baseline",
            file=sys.stderr,
        )
    return EXIT_CLEAN


def run_check_stdin(
    name: str | Path,
    source: SourceFile | SourceError,
    config: Settings,
    args: argparse.Namespace,
    catalogue: Catalogue,
    style: Style,
) -> int:
    result = (
        FileResult(str(name), records=[_unreadable(str(name), str(source))])
        if isinstance(source, SourceError)
        else check_source(str(name), source, config)
    )
    if args.write_baseline is not None:
        return write_baseline(args.write_baseline, result.records)
    records = result.records
    tally = Tally(files=1)
    if args.baseline is not None:
        from tf2_lsp.cli.baseline import Baseline, BaselineError

        try:
            records, tally.baselined = Baseline.read(args.baseline).new_findings(records)
        except BaselineError as error:
            print(f"tf2-lsp: {error}; aborting", file=sys.stderr)
            return EXIT_ERROR
    console = Console()
    reporter = _reporter(args, console, catalogue, style)
    tally.add(records)
    reporter.add(records)
    reporter.finish(tally, _hint(args))
    return EXIT_FINDINGS if any(map(fails, records)) else EXIT_CLEAN


def check_file(path: Path, config: Settings) -> FileResult:
    if is_notebook(path):
        return check_notebook_file(path, config)
    try:
        source = read_source(path)
    except SourceError as error:
        result = FileResult(str(path))
        if error.io:
            result.io_error = str(error)
        else:
            result.records.append(_unreadable(result.path, str(error)))
        return result
    return check_source(str(path), source, config)


def check_source(name: str, source: SourceFile, config: Settings) -> FileResult:
    result = FileResult(name)
    detection = analyse(source.text, load_catalogue(), config.for_file(_absolute(name)))
    text = source.text
    result.lines = text.count("\n") + (1 if text and not text.endswith("\n") else 0)  # as wc -l
    if detection.syntax_error is not None:
        result.records.append(_syntax_record(result.path, detection.syntax_error))
    lines = _Lines(source.text)
    result.records.extend(to_record(result.path, f, lines) for f in detection.findings)
    result.records.extend(_too_deep(result.path, line) for line in detection.too_deep)
    return result


def check_notebook_file(
    path: Path, config: Settings, notebook: Notebook | None = None
) -> FileResult:
    """A `.ipynb` file: findings per code cell (`Record.cell`), lines counted in the cell."""
    result = FileResult(str(path))
    if notebook is None:
        try:
            notebook = read_notebook(path)
        except NotebookError as error:
            if "cannot read" in str(error):
                result.io_error = str(error)
            else:
                result.records.append(_unreadable(result.path, str(error)))
            return result
    found, problem = check_notebook(notebook, config.for_file(_absolute(result.path)))
    result.lines = sum(code.count("\n") + 1 for _, code in notebook.cells)
    if problem is not None:
        result.records.append(_unreadable(result.path, f"syntax error at {problem}"))
    for item in found:
        record = to_record(result.path, item.finding)
        result.records.append(replace(record, cell=item.cell, line_text=item.line_text))
    return result


def fix_notebook_file(path: Path, config: Settings, diff_only: bool) -> FileResult:
    try:
        notebook = read_notebook(path)
    except NotebookError as error:
        result = FileResult(str(path))
        if "cannot read" in str(error):
            result.io_error = str(error)
        else:
            result.records.append(_unreadable(result.path, str(error) + "; not changed"))
        return result
    options = config.for_file(_absolute(str(path)))
    fixed, applied, problem = fix_notebook(notebook, options, config.unsafe_fixes)
    if problem is not None:
        result = FileResult(str(path))
        result.records.append(_unreadable(result.path, problem + "; not changed"))
        return result
    after = notebook if fixed is None else notebook_from_text(notebook, fixed)
    result = check_notebook_file(path, config, after)
    result.needs.update(
        _needs(record_finding, config, config.unsafe_fixes, False)
        for record_finding in remaining_findings(after, options)
    )
    if fixed is None:
        return result
    result.applied = applied
    if diff_only:
        result.diff = unified_diff(notebook.source.text, fixed, path)
        return result
    try:
        write_source(notebook.source, fixed)
    except (OSError, UnicodeEncodeError) as error:
        result.io_error = f"cannot write: {error}"
    return result


def run_fix(files: list[Path], config: Settings, args: argparse.Namespace, style: Style) -> int:
    worker = partial(fix_file, config=config, diff_only=args.diff)
    progress = Progress(sys.stderr, len(files), "Fixing")
    console = Console(progress)
    applied = changed = 0
    remaining: list[Record] = []
    needs: Counter[str] = Counter()
    errors = False
    diffs = False
    for result in _map(worker, files, args.jobs):
        progress.advance()
        if result.io_error:
            errors = True
            console.err(f"tf2-lsp: {result.path}: {result.io_error}")
        if result.skipped:
            console.err(f"tf2-lsp: {result.path}: {result.skipped}")
        if result.diff:
            diffs = True
            console.out(_colour_diff(result.diff, style))
        for record in result.records:
            if record.code == UNREADABLE:
                console.err(
                    f"{record.path}:{record.line}:{record.column}: {record.code} {record.message}"
                )
        applied += result.applied
        changed += 1 if result.applied else 0
        remaining.extend(result.records)
        needs.update(result.needs)
    progress.clear()
    print(fix_summary(args, applied, changed, len(files), needs), file=sys.stderr)
    if errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if any(map(fails, remaining)) or diffs else EXIT_CLEAN


def fix_summary(
    args: argparse.Namespace, applied: int, changed: int, files: int, needs: Counter[str]
) -> str:
    verb = "Would apply" if args.diff else "Applied"
    left = sum(needs.values())
    text = f"{verb} {applied} fix(es) in {changed} of {files} file(s); {left} finding(s) left"
    if not left:
        return text + "."
    fixable = left - needs["manual"] - needs["unwritten"]
    parts = []
    if needs["unwritten"]:
        parts.append(f"{needs['unwritten']} fixed but not written (see the messages above)")
    if fixable:
        native = needs["native"] + needs["native-unsafe"] > 0
        unsafe = needs["unsafe"] + needs["native-unsafe"] > 0
        command = fix_command(args, "native" if native else None, unsafe)
        review = " after review" if unsafe else ""
        parts.append(f"{fixable} fixable{review} with `{command}`")
    if needs["manual"]:
        parts.append(f"{needs['manual']} to migrate by hand (`tf2-lsp check` lists them)")
    return f"{text}: {', '.join(parts)}."


def _colour_diff(diff: str, style: Style) -> str:
    if not style.enabled:
        return diff
    lines = []
    for line in diff.splitlines(keepends=True):
        body = line.rstrip("\n")
        if line.startswith(("---", "+++")):
            body = style.bold(body)
        elif line.startswith("-"):
            body = style.red(body)
        elif line.startswith("+"):
            body = style.green(body)
        elif line.startswith("@@"):
            body = style.cyan(body)
        lines.append(body + line[len(line.rstrip("\n")) :])
    return "".join(lines)


def fix_file(path: Path, config: Settings, diff_only: bool) -> FileResult:
    if is_notebook(path):
        return fix_notebook_file(path, config, diff_only)
    try:
        source = read_source(path)
    except SourceError as error:
        result = FileResult(str(path))
        if error.io:
            result.io_error = str(error)
        else:
            result.records.append(_unreadable(result.path, str(error) + "; not changed"))
        return result
    result, fixed = fix_text(str(path), source, config)
    if fixed is None:
        return result
    if diff_only:
        result.diff = unified_diff(source.text, fixed, path)
        return result
    try:
        write_source(source, fixed)
    except WriteSkipped as reason:
        result.skipped = str(reason)
        _unwritten(result)
    except (OSError, UnicodeEncodeError) as error:
        result.io_error = f"cannot write: {error}"
        _unwritten(result)
    return result


def _unwritten(result: FileResult) -> None:
    """Only what reached the disk counts as applied; the rest is left."""
    result.applied = 0
    result.records += result.fixed
    result.needs["unwritten"] += len(result.fixed)


def fix_text(name: str, source: SourceFile, config: Settings) -> tuple[FileResult, str | None]:
    """Fix one file's text: the result, and the new text (None when nothing changed)."""
    result = FileResult(name)
    unsafe = config.unsafe_fixes
    options = config.for_file(_absolute(name))
    outcome = fix_all(source.text, load_catalogue(), options, unsafe=unsafe)
    if outcome.error is not None:
        result.records.append(
            _unreadable(result.path, outcome.error + "; not changed", *outcome.error_position)
        )
        return result, None
    lines = _Lines(outcome.source)
    result.records = [to_record(result.path, f, lines) for f in outcome.remaining]
    failed = {(f.code, f.written) for f, _ in outcome.failed}
    result.needs.update(
        _needs(f, config, unsafe, (f.code, f.written) in failed)
        for f in outcome.remaining
        if f.severity in ("error", "warning")  # information notes are not left to do
    )
    if not outcome.changed or outcome.source == source.text:
        return result, None
    result.applied = len(outcome.applied)
    before = _Lines(source.text)
    result.fixed = [to_record(result.path, f, before) for f in outcome.applied]
    return result, outcome.source


def _needs(finding: Finding, config: Settings, unsafe: UnsafeSelection, failed: bool) -> str:
    """What a finding left by `fix` needs: more flags, or a human."""
    if failed or finding.refused:
        return "manual"
    if finding.fix is not None:
        return "manual" if is_fixable(finding, unsafe) else "unsafe"
    if config.level == "compat" and not finding.compat:
        native = finding.rule.fix_for("native")
        if native is not None and native.level == "native" and native.kind != "manual":
            safety = config.safety(finding.code, native.safety)
            return "native" if safety == "safe" or unsafe is True else "native-unsafe"
    return "manual"


def unified_diff(before: str, after: str, path: Path) -> str:
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=_diff_name("a", path),
            tofile=_diff_name("b", path),
        )
    )


def run_fix_stdin(
    name: str | Path,
    source: SourceFile | SourceError,
    config: Settings,
    args: argparse.Namespace,
    style: Style,
) -> int:
    """`fix -`: the fixed text (or with --diff, the diff) on stdout, the summary on stderr."""
    if isinstance(source, SourceError):
        print(f"{name}:1:1: {UNREADABLE} cannot analyse this file: {source}", file=sys.stderr)
        return EXIT_ERROR
    result, fixed = fix_text(str(name), source, config)
    for record in result.records:
        if record.code == UNREADABLE:
            print(
                f"{name}:{record.line}:{record.column}: {record.code} {record.message}",
                file=sys.stderr,
            )
    if args.diff:
        if fixed is not None:
            sys.stdout.write(_colour_diff(unified_diff(source.text, fixed, Path(name)), style))
    else:
        sys.stdout.write(source.text if fixed is None else fixed)
    sys.stdout.flush()
    print(
        fix_summary(args, result.applied, 1 if result.applied else 0, 1, result.needs),
        file=sys.stderr,
    )
    if any(r.code == UNREADABLE for r in result.records):
        return EXIT_FINDINGS
    failing = any(map(fails, result.records))
    return EXIT_FINDINGS if failing or (args.diff and fixed is not None) else EXIT_CLEAN


def _diff_name(side: str, path: Path) -> str:
    """`a/pkg/model.py` for relative paths, as git writes them; absolute paths as they are."""
    return path.as_posix() if path.is_absolute() else f"{side}/{path.as_posix()}"


def _absolute(name: str) -> str | None:
    """The path per-file-ignores are matched against (None for unnamed stdin)."""
    return None if name == "-" else str(Path(name).resolve())


class _Lines:
    """A file's lines, split only if a finding needs one."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines: list[str] | None = None

    def __getitem__(self, line: int) -> str:
        if self.lines is None:
            self.lines = self.text.split("\n")
        if 1 <= line <= len(self.lines):
            return self.lines[line - 1].strip()
        return ""


def to_record(path: str, finding: Finding, lines: _Lines | None = None) -> Record:
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
        line_text=lines[span.line] if lines is not None else "",
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
        rules = sorted(catalogue.rules, key=lambda rule: rule.code)
        width = max(len(rule.name) for rule in rules)
        print(f"{'CODE':7} {'NAME':{width}} {'SEVERITY':11} FIXES (level/safety)")
        for rule in rules:
            fixes = ", ".join(f"{f.level}/{f.safety}" for f in rule.fixes if f.kind != "manual")
            print(f"{rule.code:7} {rule.name:{width}} {rule.severity:11} {fixes or 'manual'}")
        return EXIT_CLEAN
    found = catalogue.by_code.get(code.upper())
    if found is None:
        print(f"tf2-lsp: no rule {code}; `tf2-lsp rules` lists them", file=sys.stderr)
        return EXIT_ERROR
    print(rule_markdown(found) if fmt == "markdown" else rule_text(found))
    return EXIT_CLEAN
