"""Links in bodies that point into the site: built under a sub-path, checked against every page and file
of the build, and right after an incremental build or a preview rebuild as after a build from nothing."""

from __future__ import annotations

import re
import shutil
import struct
import zlib
from pathlib import Path

import pytest

from archivist import cli
from archivist import config as config_step
from archivist.serve.live import LiveBuilder
from archivist.build.pipeline import BuildOptions, build_site

SETTINGS = """[tool.archivist]
title = "Links Test Archive"
base_url = "https://example.org/sub/"
language = "en-US"
citation_styles = ["apa"]
"""
ALPHA = """---
title: Alpha
authors: ["Doe, Jane"]
date: 2020
---
Alpha reads its neighbours.

See [Beta](/articles/beta/), [its old address](/old/beta#results), [the authors](/authors/) and [the feed](/feed.xml).

Beta's figure: [the file](/articles/beta/figure.png) and ![Beta's figure](/articles/beta/figure.png).

[The data](data.csv) travel with this page, as does <a href="notes.txt">the note</a>.

[A lost page](/en/lessons/lost) and <a href="/articles/gamma/">a page to come</a>.

[Beta's results](article:beta#results), [Beta's nothing](article:beta#nowhere), [Beta's plans](article:beta#plans--surveys),
[up](#top) and [down](#the-end).

~~~
[Not a link](/in/code) and [no anchor](#in-code)
~~~

## The end
"""
BETA = """---
title: Beta
authors: ["Roe, Richard"]
date: 2021
aliases: ["/old/beta/"]
---
Beta has a figure.

![A grey square](figure.png)

## Results

Beta's results.

## Plans & surveys
"""
GAMMA = """---
title: Gamma
authors: ["Poe, Edgar"]
date: 2022
---
Gamma arrives later.
"""
ALPHA_PATH = "content/articles/alpha/index.md"


def png() -> bytes:
    """A 1 x 1 grey PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x80")) + chunk(b"IEND", b"")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    alpha, beta = root / "content" / "articles" / "alpha", root / "content" / "articles" / "beta"
    alpha.mkdir(parents=True)
    beta.mkdir(parents=True)
    (root / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    (alpha / "index.md").write_text(ALPHA, encoding="utf-8")
    (alpha / "data.csv").write_text("year,ships\n1790,12\n", encoding="utf-8")
    (alpha / "notes.txt").write_text("A note.\n", encoding="utf-8")
    (alpha / ".hidden").write_text("private\n", encoding="utf-8")
    (beta / "index.md").write_text(BETA, encoding="utf-8")
    (beta / "figure.png").write_bytes(png())
    return root


def build(site: Path, capsys, *extra: str, output: str = "output") -> str:
    code = cli.main(["--site", str(site), "build", "--no-search", "--output", output, *extra])
    printed = capsys.readouterr()
    assert code == 0, printed.err + printed.out
    return printed.out + printed.err


def problems(printed: str) -> list[tuple[str, int, str, str]]:
    found = re.findall(r"^(\S+):(\d+):\d+: (\w+)\[([^\]]+)\]", printed, re.M)
    return sorted((path, int(line), severity, code) for path, line, severity, code in found)


def hrefs(site: Path, output: str = "output") -> list[str]:
    page = (site / output / "articles" / "alpha" / "index.html").read_text(encoding="utf-8")
    body = page[page.index('<p id="p1"'):page.index('id="the-end"')]
    return re.findall(r'<(?:a|img)\b[^>]*?(?:href|src)="([^"]*)"', body)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


EXPECTED_HREFS = [
    "/sub/articles/beta/", "/sub/articles/beta/#results", "/sub/authors/", "/sub/feed.xml",
    "/sub/articles/beta/figure.png", "/sub/articles/beta/figure.png",
    "data.csv", "notes.txt",
    "/sub/en/lessons/lost", "/sub/articles/gamma/",
    "/sub/articles/beta/#results", "/sub/articles/beta/#nowhere", "/sub/articles/beta/#plans--surveys", "#top",
    "#the-end",
]
EXPECTED_PROBLEMS = [
    (ALPHA_PATH, 14, "warning", "body.broken-link"),  # /en/lessons/lost
    (ALPHA_PATH, 14, "warning", "body.broken-link"),  # /articles/gamma/, in raw HTML on the same line
    (ALPHA_PATH, 16, "warning", "body.missing-anchor"),  # Beta has no '#nowhere'
    (ALPHA_PATH, 16, "warning", "body.missing-anchor"),  # nor '#plans--surveys', which is kramdown's id
]


def test_links_keep_the_base_path_and_only_real_misses_are_reported(site: Path, capsys):
    printed = build(site, capsys)
    assert hrefs(site) == EXPECTED_HREFS
    assert problems(printed) == EXPECTED_PROBLEMS
    assert "link to '/en/lessons/lost' leads to no page or file of this site" in printed
    assert "link to 'article:beta#nowhere': the article 'beta' has no element with the id 'nowhere'" in printed
    assert ("has no element with the id 'plans--surveys' (the heading it names has the id 'plans-surveys' there)"
            in printed)
    out = site / "output"
    assert (out / "articles/alpha/data.csv").is_file() and (out / "articles/alpha/notes.txt").is_file()
    assert not (out / "articles/alpha/.hidden").exists()


def test_a_root_image_the_site_does_not_publish_is_an_error_on_its_line(site: Path, capsys):
    path = site / ALPHA_PATH
    path.write_text(ALPHA + "\n![Lost](/images/lost.png)\n", encoding="utf-8")
    code = cli.main(["--site", str(site), "check"])
    printed = capsys.readouterr()
    assert code == 1
    assert (ALPHA_PATH, 25, "error", "body.image-path") in problems(printed.out + printed.err)
    assert "image '/images/lost.png' is not a file this site publishes" in printed.out + printed.err


def test_an_alias_or_article_added_later_mends_the_links_in_an_incremental_build(site: Path, capsys):
    build(site, capsys)
    beta = site / "content/articles/beta/index.md"
    beta.write_text(BETA.replace('["/old/beta/"]', '["/old/beta/", "/en/lessons/lost"]'), encoding="utf-8")
    printed = build(site, capsys)
    assert problems(printed) == EXPECTED_PROBLEMS[1:]
    assert "/sub/articles/beta/" in hrefs(site)[8]  # the old address now leads straight to Beta
    build(site, capsys, "--full", output="full")
    assert tree(site / "output") == tree(site / "full")
    (site / "content/articles/gamma.md").write_text(GAMMA, encoding="utf-8")
    printed = build(site, capsys)
    assert problems(printed) == EXPECTED_PROBLEMS[2:]
    shutil.rmtree(site / "full")
    build(site, capsys, "--full", output="full")
    assert tree(site / "output") == tree(site / "full")


def test_the_preview_reports_the_same_links_as_a_build(site: Path):
    options = BuildOptions(drafts=False, search=False)
    builder = LiveBuilder(site, options, base_url="http://127.0.0.1:8000/")
    builder.rebuild()
    beta = site / "content/articles/beta/index.md"
    steps = [
        lambda: beta.write_text(BETA.replace('["/old/beta/"]', '["/old/beta/", "/en/lessons/lost"]'), encoding="utf-8"),
        lambda: (site / "content/articles/gamma.md").write_text(GAMMA, encoding="utf-8"),
        lambda: beta.write_text(BETA.replace("## Results", "## Outcomes"), encoding="utf-8"),
    ]
    for step in steps:
        step()
        outcome = builder.rebuild()
        assert outcome is not None and not outcome.plan.full
        config = config_step.load(site).with_base_url("http://127.0.0.1:8000/")
        full = build_site(config, options)
        assert _located(outcome.build.diagnostics) == _located(full.diagnostics)
        assert _contents(outcome.build.files) == _contents(full.files)
    # Beta's heading is renamed: both links to '#results' now miss, one through the old address
    assert [line for path, line, code in _located(full.diagnostics) if code == "body.missing-anchor"] == [8, 16, 16, 16]


def _located(diagnostics) -> list[tuple[str, int, str]]:
    return sorted((d.path, d.line, d.code) for d in diagnostics if d.code.startswith("body."))


def _contents(files: dict) -> dict[str, bytes]:
    return {path: data if isinstance(data, bytes) else data.read_bytes() for path, data in files.items()}
