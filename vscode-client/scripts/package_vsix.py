#!/usr/bin/env python3
"""Package the VS Code extension with the tf2-lsp server bundled for one platform.

    python3 scripts/package_vsix.py                         # this machine's target, e.g.
                                                            # -> tf2-lsp-linux-x64.vsix
    python3 scripts/package_vsix.py --target universal      # -> tf2-lsp.vsix, no server inside
    python3 scripts/package_vsix.py --target darwin-arm64   # any other target (repeatable)
    python3 scripts/package_vsix.py --all                   # every target below, then universal

For a platform target: builds the tf2-lsp wheel from this repository (`pip wheel --no-deps`),
installs it with its dependencies into `bundled/libs` (`pip install --target`), adds the
compiled modules of the other supported Python versions (libcst's differ per version, and
their file names say which, so they sit side by side), writes `bundled/manifest.json` and
runs `vsce package --target`. Wheels come from PyPI through `pip --platform ...
--only-binary=:all:`, so every target can be built on any machine.

Runs with the Python whose pip it uses; needs network access to PyPI and `npm ci` done.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path

try:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
except ImportError:  # pip always carries a copy
    from pip._vendor.packaging.requirements import Requirement  # type: ignore[assignment]
    from pip._vendor.packaging.utils import canonicalize_name  # type: ignore[assignment]

CLIENT = Path(__file__).resolve().parents[1]
REPO = CLIENT.parent
BUNDLED = CLIENT / "bundled"
LIBS = BUNDLED / "libs"
MANIFEST = BUNDLED / "manifest.json"

PYTHON_VERSIONS = ("3.10", "3.11", "3.12", "3.13", "3.14")

# Nothing in the server runs these: dropped to keep the package small.
PRUNED_DIRS = ("bin", "__pycache__")
PRUNED_TEST_PACKAGES = ("libcst",)
# A compiled accelerator with a pure-Python fallback (PyYAML, which only libcst's codemod
# tool imports): dropped, so it needs no copy per Python version.
OPTIONAL_COMPILED = ("yaml/_yaml.",)
OPTIONAL_COMPILED_DISTRIBUTIONS = ("pyyaml",)


@dataclass(frozen=True)
class Target:
    """A `vsce package --target` name, the pip platform tags of its wheels (best first) and
    the environment markers of its machines (pip evaluates markers for the machine it runs
    on, whatever `--platform` says, so the bundle checks them itself)."""

    name: str
    platforms: tuple[str, ...]
    sys_platform: str
    machine: str

    def markers(self, python: str) -> dict[str, str]:
        system = {"linux": "Linux", "darwin": "Darwin", "win32": "Windows"}[self.sys_platform]
        return {
            "python_version": python,
            "python_full_version": f"{python}.0",
            "implementation_name": "cpython",
            "platform_python_implementation": "CPython",
            "sys_platform": self.sys_platform,
            "platform_system": system,
            "os_name": "nt" if self.sys_platform == "win32" else "posix",
            "platform_machine": self.machine,
            "extra": "",
        }


def _manylinux(arch: str) -> tuple[str, ...]:
    return (f"manylinux_2_28_{arch}", f"manylinux_2_17_{arch}", f"manylinux2014_{arch}")


TARGETS = {
    target.name: target
    for target in (
        Target("linux-x64", _manylinux("x86_64"), "linux", "x86_64"),
        Target("linux-arm64", _manylinux("aarch64"), "linux", "aarch64"),
        Target("alpine-x64", ("musllinux_1_2_x86_64",), "linux", "x86_64"),
        Target("alpine-arm64", ("musllinux_1_2_aarch64",), "linux", "aarch64"),
        Target(
            "darwin-x64",
            ("macosx_10_13_x86_64", "macosx_10_12_x86_64", "macosx_10_9_x86_64"),
            "darwin",
            "x86_64",
        ),
        Target("darwin-arm64", ("macosx_11_0_arm64",), "darwin", "arm64"),
        Target("win32-x64", ("win_amd64",), "win32", "AMD64"),
        Target("win32-arm64", ("win_arm64",), "win32", "ARM64"),
    )
}
UNIVERSAL = "universal"


class PackagingError(Exception):
    """A step failed; the message says which and why."""


def host_target() -> str:
    """The vsce target of this machine."""
    arch = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(
        platform.machine().lower()
    )
    system = {"linux": "linux", "darwin": "darwin", "win32": "win32"}.get(sys.platform)
    if arch is None or system is None:
        raise PackagingError(f"no bundle for {sys.platform} {platform.machine()}: give --target")
    if system == "linux" and Path("/etc/alpine-release").exists():
        system = "alpine"
    return f"{system}-{arch}"


def run(command: list[str], cwd: Path | None = None) -> None:
    print("+", " ".join(command), flush=True)
    started = time.monotonic()
    proc = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    print(f"  ({time.monotonic() - started:.1f} s)", flush=True)
    if proc.returncode != 0:
        raise PackagingError(
            f"`{' '.join(command)}` exited {proc.returncode}:\n"
            f"{proc.stdout[-2000:]}{proc.stderr[-4000:]}"
        )


def build_wheel(directory: Path) -> Path:
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(directory)]
    run([*pip, str(REPO)])
    wheels = sorted(directory.glob("tf2_lsp-*.whl"))
    if len(wheels) != 1:
        raise PackagingError(f"expected one tf2_lsp wheel in {directory}, found {wheels}")
    return wheels[0]


def pip_install(target: Target, python: str, into: Path, requirements: list[str]) -> None:
    """Install exactly `requirements` (no dependencies: the caller closes the set)."""
    command = [sys.executable, "-m", "pip", "install", "-q", "--no-compile", "--no-deps"]
    command += ["--target", str(into), "--only-binary=:all:", "--implementation", "cp"]
    command += ["--python-version", python]
    for tag in target.platforms:
        command += ["--platform", tag]
    run([*command, *requirements])


@dataclass(frozen=True)
class Distribution:
    name: str
    version: str
    compiled: bool
    requires: tuple[Requirement, ...]


def installed_distributions(libs: Path) -> dict[str, Distribution]:
    """What `pip install --target` put in `libs`, by canonical name."""
    found = {}
    for info in libs.glob("*.dist-info"):
        metadata = _headers(info / "METADATA")
        wheel = _headers(info / "WHEEL")
        name = metadata["Name"][0]
        found[canonicalize_name(name)] = Distribution(
            name=name,
            version=metadata["Version"][0],
            compiled=wheel.get("Root-Is-Purelib", ["true"])[0].lower() != "true",
            requires=tuple(Requirement(line) for line in metadata.get("Requires-Dist", [])),
        )
    return dict(sorted(found.items()))


def _headers(path: Path) -> dict[str, list[str]]:
    """The header fields of a METADATA or WHEEL file (email-header format)."""
    message = HeaderParser().parsestr(path.read_text(encoding="utf-8"))
    return {key: message.get_all(key) or [] for key in set(message.keys())}


def missing_requirements(target: Target, python: str, libs: Path) -> list[str]:
    """Dependencies that apply on `python` on `target` but are not installed."""
    installed = installed_distributions(libs)
    markers = target.markers(python)
    missing: dict[str, list[str]] = {}
    for dist in installed.values():
        for requirement in dist.requires:
            applies = requirement.marker is None or requirement.marker.evaluate(markers)
            name = canonicalize_name(requirement.name)
            if applies and name not in installed:
                missing.setdefault(name, []).extend(str(s) for s in requirement.specifier)
    return [name + ",".join(sorted(set(specs))) for name, specs in sorted(missing.items())]


def install_closure(target: Target, python: str, libs: Path, requirements: list[str]) -> None:
    """Install `requirements` and, round by round, every dependency that applies."""
    while requirements:
        pip_install(target, python, libs, requirements)
        requirements = missing_requirements(target, python, libs)


def merge_new_files(source: Path, destination: Path) -> list[str]:
    """Copy the files of `source` that `destination` lacks (one version's compiled modules)."""
    added = []
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if path.is_dir() or relative.parts[0].endswith(".dist-info"):
            continue
        if relative.parts[0] in PRUNED_DIRS or is_optional_compiled(relative.as_posix()):
            continue
        out = destination / relative
        if not out.exists():
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, out)
            added.append(relative.as_posix())
    return added


def is_optional_compiled(relative: str) -> bool:
    return relative.startswith(OPTIONAL_COMPILED) and relative.endswith((".so", ".pyd"))


def prune(libs: Path) -> None:
    for path in [p for p in libs.rglob("*") if p.is_file()]:
        if is_optional_compiled(path.relative_to(libs).as_posix()):
            path.unlink()
    for name in PRUNED_DIRS:
        for directory in [p for p in libs.rglob(name) if p.is_dir()]:
            shutil.rmtree(directory, ignore_errors=True)
    for package in PRUNED_TEST_PACKAGES:
        for directory in [p for p in (libs / package).rglob("tests") if p.is_dir()]:
            shutil.rmtree(directory)


def bundle(wheel: Path, target: Target, versions: tuple[str, ...], work: Path) -> dict[str, object]:
    """Fill bundled/libs for `target`; returns the manifest.

    The first Python version gets the whole dependency tree; each further version adds the
    compiled modules of the same releases of the compiled distributions, and any dependency
    whose marker applies on it only (a backport such as tomli applies on 3.10 only)."""
    first, others = _install_first(wheel, target, versions)
    compiled = [
        f"{dist.name}=={dist.version}"
        for name, dist in installed_distributions(LIBS).items()
        if dist.compiled and name not in OPTIONAL_COMPILED_DISTRIBUTIONS
    ]
    supported = [first]
    for version in others:
        stage = work / f"{target.name}-{version}"
        try:
            pip_install(target, version, stage, compiled)
            # Dependencies of this version only (pip installs all of a command or nothing).
            install_closure(target, version, LIBS, missing_requirements(target, version, LIBS))
        except PackagingError as error:
            print(f"note: {target.name}: Python {version} lacks a wheel; skipped.")
            print("      " + str(error).strip().splitlines()[-1])
            continue
        added = merge_new_files(stage, LIBS)
        print(f"{target.name}: Python {version} adds {', '.join(added) or 'nothing'}")
        supported.append(version)
    prune(LIBS)
    manifest: dict[str, object] = {
        "target": target.name,
        "pythonVersions": supported,
        "packages": {dist.name: dist.version for dist in installed_distributions(LIBS).values()},
    }
    MANIFEST.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def _install_first(wheel: Path, target: Target, versions: tuple[str, ...]) -> tuple[str, list[str]]:
    """The whole tree for the oldest version that has wheels of everything (PyYAML, for one,
    has no Windows-on-Arm wheel for 3.10); that version and the ones after it."""
    for index, version in enumerate(versions):
        clean()
        try:
            install_closure(target, version, LIBS, [str(wheel)])
        except PackagingError as error:
            print(f"note: {target.name}: Python {version} lacks a wheel; skipped.")
            print("      " + str(error).strip().splitlines()[-1])
            continue
        return version, list(versions[index + 1 :])
    raise PackagingError(f"{target.name}: no Python version has wheels of every dependency")


def clean() -> None:
    shutil.rmtree(LIBS, ignore_errors=True)
    MANIFEST.unlink(missing_ok=True)


def vsce_package(target: str, out: Path) -> None:
    vsce = CLIENT / "node_modules" / ".bin" / ("vsce.cmd" if sys.platform == "win32" else "vsce")
    if not vsce.exists():
        raise PackagingError(f"{vsce} is missing: run `npm ci` in {CLIENT} first")
    # --no-dependencies: esbuild bundles the extension's JavaScript; vsce need not ask npm.
    command = [str(vsce), "package", "--no-dependencies", "--allow-missing-repository"]
    command += ["--out", str(out)]
    if target != UNIVERSAL:
        # vsce scans every packaged file for secrets, at ~20 ms a file; the bundled libraries
        # are ~6,000 files from PyPI's wheels (minutes). Our own files (dist/, bundled/tool/,
        # README, LICENSE) are also in the universal package, whose scan stays on.
        command += ["--target", target, "--allow-package-all-secrets"]
    run(command, cwd=CLIENT)


def package(target: str, wheel: Path | None, versions: tuple[str, ...], work: Path) -> Path:
    if target == UNIVERSAL:
        clean()
        out = CLIENT / "tf2-lsp.vsix"
    else:
        assert wheel is not None
        manifest = bundle(wheel, TARGETS[target], versions, work)
        print(f"{target}: bundled for Python {', '.join(map(str, manifest['pythonVersions']))}")  # type: ignore[call-overload]
        out = CLIENT / f"tf2-lsp-{target}.vsix"
    vsce_package(target, out)
    print(f"{out.name}: {out.stat().st_size / 2**20:.1f} MiB", flush=True)
    return out


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--target",
        action="append",
        choices=[*TARGETS, UNIVERSAL],
        help="vsce target (repeatable; default: this machine's); `universal`: no server inside",
    )
    parser.add_argument("--all", action="store_true", help="every platform target, then universal")
    parser.add_argument(
        "--wheel", type=Path, help="the tf2-lsp wheel to bundle (default: build one)"
    )
    parser.add_argument(
        "--python-versions",
        default=",".join(PYTHON_VERSIONS),
        help="Python versions the bundle supports, oldest first (default: %(default)s)",
    )
    parser.add_argument(
        "--keep-libs",
        action="store_true",
        help="leave the last target's bundled/ in place (to run the extension from source)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    versions = tuple(v.strip() for v in args.python_versions.split(",") if v.strip())
    try:
        targets: list[str] = [*TARGETS, UNIVERSAL] if args.all else args.target or [host_target()]
        with tempfile.TemporaryDirectory(prefix="tf2-lsp-vsix-") as tmp:
            work = Path(tmp)
            wheel = args.wheel.resolve() if args.wheel else None
            if wheel is None and any(t != UNIVERSAL for t in targets):
                wheel = build_wheel(work / "wheel")
            for target in targets:
                package(target, wheel, versions, work)
    except PackagingError as error:
        print(f"package_vsix: {error}", file=sys.stderr)
        return 1
    finally:
        # A later plain `vsce package` must not ship one platform's libraries.
        if not args.keep_libs:
            clean()
    return 0


if __name__ == "__main__":
    sys.exit(main())
