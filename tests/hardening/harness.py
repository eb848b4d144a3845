"""Shared helpers for the hardening tests: throwaway sites, the pipeline run in-process, and case counts."""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Mapping

from archivist import config as config_step
from archivist.diagnostics import Diagnostic
from archivist.build.steps import load_articles

REPO_ROOT = Path(__file__).resolve().parents[2]
FULL = os.environ.get("ARCHIVIST_FULL_HARDENING") == "1"
SITE_TOML = """[tool.archivist]
title = "Hardening"
base_url = "http://127.0.0.1/site/"
citation_styles = ["apa"]
"""

# How many generated cases each test tried, printed at the end of the run (see conftest.py).
CASES: Counter[str] = Counter()


def scaled(default: int) -> int:
    """The example count for a property test: `default`, or ten times it for a full run."""
    return default * 10 if FULL else default


def make_site(root: Path, articles: Mapping[str, bytes | str], toml: str = SITE_TOML) -> Path:
    """A site at `root` with the given files under content/articles (any previous ones removed)."""
    folder = root / "content" / "articles"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (root / "pyproject.toml").write_text(toml, encoding="utf-8")
    for name, data in articles.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return root


def load_site(root: Path, drafts: bool = True) -> list[Diagnostic]:
    """Read, validate and render every article of a site in-process; the diagnostics found."""
    config = config_step.load(root)
    _articles, problems = load_articles(config, drafts=drafts)
    return problems


def assert_well_formed(diagnostics: list[Diagnostic], line_counts: Mapping[str, int] | None = None) -> None:
    """Every diagnostic names a file, a line >= 1 (within the file when its length is known) and a code."""
    for d in diagnostics:
        text = d.format_text()
        assert d.path and not d.path.startswith("/"), text
        assert d.line >= 1 and d.column >= 1, text
        assert d.code and d.message, text
        assert d.severity in ("error", "warning"), text
        if line_counts and d.path in line_counts:
            assert d.line <= line_counts[d.path] + 1, f"{text} (file has {line_counts[d.path]} lines)"


def line_count(data: bytes) -> int:
    """Lines as the diagnostics count them: any of \\n, \\r\\n or a lone \\r ends one."""
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") + 1


def sample_settings() -> str:
    """The sample archive's pyproject.toml citing in one style: the citation step still runs, in a
    quarter of the time, which matters for tests that build the sample from a cold cache."""
    settings = (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    tables = re.findall(r"^\[([^\]]+)\]\s*$", settings, re.MULTILINE)
    if tables[-1:] == ["tool.archivist"] and "citation_styles" not in settings:
        settings = settings.rstrip() + '\ncitation_styles = ["apa"]\n'
    return settings
