"""Diagnostics as data: every problem a run finds, with file, line and a stable code."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Iterable, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem, located in a file; sorting orders by file, then position."""

    path: str
    line: int
    column: int
    severity: Severity = field(compare=False)
    code: str = field(compare=True)
    message: str = field(compare=True)

    def format_text(self) -> str:
        """Render as ``path:line:col: error[code]: message``, the form editors jump to."""
        return f"{self.path}:{self.line}:{self.column}: {self.severity}[{self.code}]: {self.message}"

    def format_github(self) -> str:
        """Render as a GitHub workflow annotation so it lands on the changed line."""
        kind = "error" if self.severity == "error" else "warning"
        message = _github_escape(f"[{self.code}] {self.message}")
        return (
            f"::{kind} file={_github_escape_property(self.path)},line={self.line},"
            f"col={self.column},title={self.code}::{message}"
        )


def _github_escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_escape_property(text: str) -> str:
    return _github_escape(text).replace(":", "%3A").replace(",", "%2C")


def error(path: str, line: int, code: str, message: str, column: int = 1) -> Diagnostic:
    """Shorthand for an error diagnostic."""
    return Diagnostic(path, max(line, 1), max(column, 1), "error", code, message)


def warning(path: str, line: int, code: str, message: str, column: int = 1) -> Diagnostic:
    """Shorthand for a warning diagnostic."""
    return Diagnostic(path, max(line, 1), max(column, 1), "warning", code, message)


def normalise(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sort and de-duplicate, so a run reports each problem once and in file order."""
    return sorted(set(diagnostics))


def has_errors(diagnostics: Iterable[Diagnostic], strict: bool = False) -> bool:
    """True when the run must fail; ``strict`` promotes warnings to failures."""
    return any(d.severity == "error" or strict for d in diagnostics)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean 'x'?)' suffix for a misspelt key, or '' when nothing is close."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class ContentError(Exception):
    """Raised with the diagnostics of a failed step, so the CLI can print them all."""

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics = normalise(diagnostics)
        super().__init__(f"{len(self.diagnostics)} problem(s)")
