"""What `archivist build` tells on stderr while it works: one plain line per stage in a log, a line
redrawn in place on a terminal (a real pseudo-terminal here), nothing with -q; and the output's bytes
the same in all three."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from dataclasses import dataclass
from pathlib import Path

import pytest

from archivist.citations.engine import CitationEngine

REPO = Path(__file__).resolve().parents[2]
SETTINGS = """[tool.archivist]
title = "Progress Test Archive"
base_url = "https://example.org/"
language = "en-US"
citation_styles = ["apa", "modern-language-association"]
"""
CITING = """---
title: Alpha
authors: ["Doe, Jane"]
date: 2020
bibliography: references.json
---
Alpha cites a ledger [@ledger1790].
"""
WORKS = """[{"id": "ledger1790", "type": "book", "title": "The Ledger of Barges",
  "author": [{"family": "Smith", "given": "Ann"}], "issued": {"date-parts": [[1790]]}}]
"""
PLAIN = """---
title: {title}
authors: ["Roe, Richard"]
date: 2021
---
{title} has a body of its own.
"""
SUMMARY = re.compile(r"built 3 articles into \S+: (\d+) pages rendered; (\d+) files written, (\d+) unchanged")
STAGE_LINE = re.compile(r"([a-z][a-z ]*): ([\d,]+) ([a-z]+) in \d+\.\d s")
SGR = re.compile(r"\x1b\[[0-9;]*m")  # colours only; the cursor and erase codes stay


@dataclass(frozen=True)
class Run:
    stdout: str
    stderr: str
    output: Path


def make_site(root: Path) -> Path:
    (root / "content/articles/alpha").mkdir(parents=True)
    (root / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    (root / "content/articles/alpha/index.md").write_text(CITING, encoding="utf-8")
    (root / "content/articles/alpha/references.json").write_text(WORKS, encoding="utf-8")
    for title in ("Beta", "Gamma"):
        (root / f"content/articles/{title.lower()}.md").write_text(PLAIN.format(title=title), encoding="utf-8")
    return root


def terminal_env() -> dict[str, str]:
    """A colour terminal, with nothing inherited that would tell rich otherwise."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("NO_COLOR", "FORCE_COLOR", "TTY_INTERACTIVE", "TTY_COMPATIBLE", "COLUMNS", "LINES")}
    return {**env, "TERM": "xterm-256color"}


def build(site: Path, output: str, *extra: str) -> Run:
    """A build with stderr to a pipe, as in CI."""
    done = subprocess.run([sys.executable, str(REPO / "build.py"), "--site", str(site), "build",
                           "--output", output, *extra], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return Run(done.stdout, done.stderr, site / output)


def build_on_a_terminal(site: Path, output: str, *extra: str) -> Run:
    """A build whose stderr is a pseudo-terminal 100 columns wide; stdout stays a pipe."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    child = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--site", str(site), "build",
                              "--output", output, *extra], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=follower, env=terminal_env())
    os.close(follower)
    shown = b""
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the terminal closes when the build, its only writer, ends
            break
        if not data:
            break
        shown += data
    os.close(leader)
    stdout = child.stdout.read().decode() if child.stdout else ""
    assert child.wait(timeout=600) == 0, shown.decode(errors="replace")
    return Run(stdout, shown.decode("utf-8"), site / output)


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Run]:
    site = make_site(tmp_path_factory.mktemp("progress") / "site")
    return {"plain": build(site, "plain"), "terminal": build_on_a_terminal(site, "terminal"),
            "quiet": build_on_a_terminal(site, "quiet", "-q")}


def expected_stages(run: Run) -> list[tuple[str, str, str]]:
    """Each stage's (name, count, unit), the counts taken from what the build did."""
    rendered, written, unchanged = (int(n) for n in SUMMARY.search(run.stdout).groups())
    pages = sum(1 for _ in run.output.glob("articles/*/index.html"))
    return [("loading", "3", "files"), ("markdown", "3", "articles"), ("reference lists", "1", "article"),
            ("citations", "3", "articles"), ("pages", f"{rendered:,}", "pages"), ("search", f"{pages:,}", "pages"),
            ("writing", f"{written + unchanged:,}", "files")]


def screen(stream: str) -> list[str]:
    """The terminal's lines once `stream` is drawn: a small model of what rich's live display uses
    (carriage return, line feed, erase line, cursor up, cursor show and hide)."""
    lines, row, col = [""], 0, 0
    for token in re.findall(r"\x1b\[[0-9;?]*[A-Za-z]|\r|\n|[^\x1b\r\n]+", SGR.sub("", stream)):
        if token == "\r":
            col = 0
        elif token == "\n":
            row, col = row + 1, 0
            lines += [""] * (row + 1 - len(lines))
        elif token == "\x1b[2K":
            lines[row] = ""
        elif re.fullmatch(r"\x1b\[\d*A", token):
            row = max(0, row - int(token[2:-1] or 1))
        elif not token.startswith("\x1b"):
            lines[row] = lines[row][:col].ljust(col) + token + lines[row][col + len(token):]
            col += len(token)
    return [line.rstrip() for line in lines if line.strip()]


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_in_a_log_each_stage_is_one_plain_line_with_its_count(runs):
    run = runs["plain"]
    assert "\x1b" not in run.stderr and "\r" not in run.stderr
    lines = run.stderr.splitlines()
    assert [STAGE_LINE.fullmatch(line).groups() for line in lines] == expected_stages(run), run.stderr
    assert SUMMARY.search(run.stdout), run.stdout  # the summary is unchanged, on stdout


def test_on_a_terminal_one_line_is_redrawn_and_each_stage_total_stays(runs):
    run = runs["terminal"]
    drawn = SGR.sub("", run.stderr)
    stages = expected_stages(run)
    for name, count, _unit in stages[3:]:  # the stages whose total is known when they start: drawn from 0,
        assert re.search(rf"\r\x1b\[2K{name} ━[^\r\n]* 0/{count}", drawn), (name, drawn)  # over the last line
    assert "\x1b[?25h" in drawn[-20:]  # the cursor is shown again
    final = screen(run.stderr)
    assert [STAGE_LINE.fullmatch(line).groups() for line in final] == stages, final


def test_quiet_prints_nothing_even_on_a_terminal(runs):
    assert runs["quiet"].stderr == "" and runs["quiet"].stdout == ""


def test_what_is_shown_never_changes_the_output(runs):
    plain = tree(runs["plain"].output)
    assert len(plain) > 40
    assert tree(runs["terminal"].output) == plain
    assert tree(runs["quiet"].output) == plain


def test_each_item_is_counted_once_when_its_last_style_comes_back(tmp_path):
    """Two styles are two batches, answered in chunks of one: an item is done only after both."""
    items = [{"id": f"w{n}", "type": "book", "title": f"Work {n}", "issued": {"date-parts": [[1900 + n]]}}
             for n in range(5)]
    counts: list[int] = []
    with CitationEngine(cache_dir=tmp_path / "cache", workers=2, chunk_size=1) as engine:
        engine.cite_items(items, ["en-US"] * 5, ["apa", "modern-language-association"], done=counts.append)
        assert sum(counts) == 5
        again: list[int] = []
        engine.cite_items(items, ["en-US"] * 5, ["apa", "modern-language-association"], done=again.append)
    assert again == [5]  # from the cache, all at once
