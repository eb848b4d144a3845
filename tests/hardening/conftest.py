"""Hardening fixtures, and a closing line with how many generated cases were tried (for the README)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

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


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[Path]:
    """A fresh folder, in memory (/dev/shm) where the machine has it: thousands of tiny sites are
    written per test, and a disk-backed folder makes that the slowest part of the run."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path
        return
    folder = Path(tempfile.mkdtemp(prefix="archivist-hardening-", dir=shm))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
