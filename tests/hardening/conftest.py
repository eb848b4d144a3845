"""Prints how many generated cases the hardening tests tried, in a line the README can quote."""

from __future__ import annotations

import pytest

from harness import CASES, FULL


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not CASES:
        return
    total = sum(CASES.values())
    mode = "full" if FULL else "default"
    terminalreporter.write_line(f"hardening ({mode} run): {total} generated cases tried")
    for name, count in sorted(CASES.items()):
        terminalreporter.write_line(f"  {name}: {count}")
