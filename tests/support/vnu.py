"""Check HTML files with the W3C Nu Html Checker (vnu.jar from node_modules) in one JVM run."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from . import NODE_MODULES

VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
VNU_TIMEOUT_SECONDS = 900


@dataclass(frozen=True)
class VnuMessage:
    """One finding, located in a file the way an editor can jump to it."""

    path: Path
    line: int
    column: int
    message: str
    extract: str = ""

    def format(self, relative_to: Path | None = None) -> str:
        """``path:line:col: message``; ``relative_to`` shortens the path."""
        shown = self.path
        if relative_to is not None and self.path.is_relative_to(relative_to.resolve()):
            shown = self.path.relative_to(relative_to.resolve())
        return f"{shown}:{self.line}:{self.column}: {self.message}"


@dataclass
class VnuReport:
    """Errors and warnings per file (resolved paths); files without findings are absent."""

    errors: dict[Path, list[VnuMessage]] = field(default_factory=dict)
    warnings: dict[Path, list[VnuMessage]] = field(default_factory=dict)

    def errors_for(self, path: Path) -> list[VnuMessage]:
        """The errors in one file (an empty list for a valid file)."""
        return self.errors.get(Path(path).resolve(), [])

    def warnings_for(self, path: Path) -> list[VnuMessage]:
        """The warnings in one file."""
        return self.warnings.get(Path(path).resolve(), [])

    def all_errors(self) -> list[VnuMessage]:
        """Every error, ordered by file and line."""
        return sorted((m for ms in self.errors.values() for m in ms), key=_order)

    def format_errors(self, relative_to: Path | None = None) -> str:
        """All errors, one a line, for an assertion message."""
        return "\n".join(m.format(relative_to) for m in self.all_errors()) or "no HTML errors"


def validate_html(
    targets: Path | Iterable[Path],
    ignore: Iterable[str] = (),
    jar: Path = VNU_JAR,
) -> VnuReport:
    """Check every ``.html`` file in ``targets`` (files and/or folders) in one vnu run.

    ``ignore`` holds regular expressions; a message matching one is dropped, for the
    rare checker opinion a test decides to accept (say which, and why, at the call).
    """
    paths = [Path(targets)] if isinstance(targets, (str, Path)) else [Path(t) for t in targets]
    if not paths:
        return VnuReport()
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise FileNotFoundError(f"nothing to check at: {', '.join(missing)}")
    messages = _run_vnu([p.resolve() for p in paths], jar)
    patterns = [re.compile(p) for p in ignore]
    return _sort_messages(m for m in messages if not any(p.search(m.get("message", "")) for p in patterns))


def _run_vnu(paths: list[Path], jar: Path) -> list[dict[str, Any]]:
    """vnu's JSON messages; the JVM starts once whatever the number of files."""
    java = shutil.which("java")
    if java is None:
        raise RuntimeError("java is not installed: run `bash scripts/setup.sh --dev`")
    if not jar.is_file():
        raise FileNotFoundError(f"{jar} is missing: run `bash scripts/setup.sh --dev`")
    command = [java, "-jar", str(jar), "--format", "json", "--stdout", "--exit-zero-always"]
    command.append("--skip-non-html")  # a folder holds CSS, feeds and images too
    done = subprocess.run(
        command + [str(p) for p in paths],
        capture_output=True, text=True, timeout=VNU_TIMEOUT_SECONDS, check=False,
    )
    try:
        return list(json.loads(done.stdout)["messages"])
    except (json.JSONDecodeError, KeyError) as failure:
        raise RuntimeError(f"vnu failed (exit {done.returncode}): {done.stderr.strip()[-2000:]}") from failure


def _sort_messages(messages: Iterable[dict[str, Any]]) -> VnuReport:
    report = VnuReport()
    for raw in messages:
        kind = raw.get("type")
        if kind in ("error", "non-document-error"):
            bucket = report.errors
        elif kind == "info" and raw.get("subType") == "warning":
            bucket = report.warnings
        else:
            continue  # plain "info" messages are not findings
        message = _to_message(raw)
        bucket.setdefault(message.path, []).append(message)
    for bucket in (report.errors, report.warnings):
        for found in bucket.values():
            found.sort(key=_order)
    return report


def _to_message(raw: dict[str, Any]) -> VnuMessage:
    url = raw.get("url", "")
    path = Path(urllib.parse.unquote(urllib.parse.urlsplit(url).path)) if url else Path("<vnu>")
    return VnuMessage(
        path=path.resolve() if url else path,
        line=int(raw.get("firstLine") or raw.get("lastLine") or 0),
        column=int(raw.get("firstColumn") or raw.get("lastColumn") or 0),
        message=str(raw.get("message", "")),
        extract=str(raw.get("extract", "")),
    )


def _order(message: VnuMessage) -> tuple[str, int, int]:
    return (str(message.path), message.line, message.column)
