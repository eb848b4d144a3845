"""`archivist serve` through the real server: edits show up, errors overlay the last good page, nothing leaks."""

from __future__ import annotations

import http.client
import io
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import pytest

from archivist import config as config_step
from archivist.serve.preview import Debouncer, Preview, relevant
from archivist.serve.live import LiveBuilder
from archivist.serve.http import Hub, inject, locate
from archivist.build.pipeline import BuildOptions, build_site

REPO_ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 300  # a cold citation cache on a busy machine is slow; every wait ends as soon as it can

SETTINGS = """\
[tool.archivist]
title = "Preview Test Archive"
base_url = "https://example.org/archive/"
language = "en-US"
citation_styles = ["apa"]
"""

FIRST = """\
---
title: Counting Ships in the Harbour
authors:
  - family: Osei
    given: Clara
date: 2021-03-15
journal: Ledger and Letter
keywords: [shipping, ports]
---

## Introduction

The harbour master kept a register of ships.
"""

SECOND = """\
---
title: Paper and Plague
authors: ["Ferraro, Giulia"]
date: 2019-05
journal: Ledger and Letter
keywords: [ports]
---

Quarantine offices wrote a great deal. See [the harbour study](article:counting-ships).
"""


def make_site(root: Path) -> Path:
    articles = root / "content" / "articles"
    articles.mkdir(parents=True)
    (root / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    (articles / "counting-ships.md").write_text(FIRST, encoding="utf-8")
    (articles / "paper-and-plague.md").write_text(SECOND, encoding="utf-8")
    return root


@dataclass
class RunningPreview:
    url: str
    root: Path
    process: subprocess.Popen
    lines: list[str] = field(default_factory=list)
    mark: int = 0  # where the log stood at the last edit

    def get(self, path: str) -> str:
        with urllib.request.urlopen(self.url + path.lstrip("/"), timeout=30) as answer:
            return answer.read().decode("utf-8")

    def wait_for(self, check: Callable[[str], bool], path: str, what: str) -> str:
        deadline = time.monotonic() + WAIT_SECONDS
        page = ""
        while time.monotonic() < deadline:
            page = self.get(path)
            if check(page):
                return page
            time.sleep(0.2)
        pytest.fail(f"{what} never happened; server said:\n" + "".join(self.lines[-20:]))

    def wait_line(self, check: Callable[[str], bool]) -> str:
        """The first new line of the server's log that passes `check`."""
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            found = [line for line in self.lines[self.mark:] if check(line)]
            if found:
                return found[0]
            time.sleep(0.1)
        pytest.fail("no such line; server said:\n" + "".join(self.lines[-20:]))

    def edit(self, relpath: str, old: str, new: str) -> None:
        self.mark = len(self.lines)
        path = self.root / relpath
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")


def _read_lines(process: subprocess.Popen, lines: list[str], ready: threading.Event) -> None:
    for line in process.stdout:
        lines.append(line)
        if line.startswith("Serving "):
            ready.set()
    ready.set()


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPreview]:
    root = make_site(tmp_path_factory.mktemp("preview-site"))
    process = subprocess.Popen(
        [sys.executable, str(REPO_ROOT / "build.py"), "--site", str(root), "serve", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=root,
    )
    lines: list[str] = []
    ready = threading.Event()
    threading.Thread(target=_read_lines, args=(process, lines, ready), daemon=True).start()
    ready.wait(WAIT_SECONDS)
    serving = [line for line in lines if line.startswith("Serving ")]
    if not serving:
        process.kill()
        pytest.fail("serve did not start:\n" + "".join(lines), pytrace=False)
    running = RunningPreview(url=serving[0].split()[1], root=root, process=process, lines=lines)
    try:
        yield running
    finally:
        process.terminate()
        process.wait(timeout=60)


def raw_get(url: str, path: str) -> tuple[int, bytes]:
    """Send the path exactly as written: no client-side clean-up of '..'."""
    host, port = url.split("//")[1].rstrip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request("GET", path)
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def test_serves_the_built_site_with_the_live_script_added(preview: RunningPreview):
    page = preview.get("articles/counting-ships/")
    assert "Counting Ships in the Harbour" in page
    assert "data-archivist-live" in page and "/__archivist__/events" in page
    assert f'href="{preview.url}articles/counting-ships/"' in page or 'href="/articles/counting-ships/"' in page
    home = preview.get("")
    assert "Paper and Plague" in home


def test_missing_pages_get_the_sites_404_page(preview: RunningPreview):
    status, body = raw_get(preview.url, "/no/such/page/")
    assert status == 404 and b"data-archivist-live" in body


@pytest.mark.parametrize("path", ["/../pyproject.toml", "/%2e%2e/pyproject.toml", "/articles/..%2f..%2fpyproject.toml",
                                  "/static/../../pyproject.toml"])
def test_requests_that_climb_out_of_the_folder_are_refused(preview: RunningPreview, path: str):
    status, body = raw_get(preview.url, path)
    assert status == 403
    assert b"tool.archivist" not in body


def test_edit_reloads_break_overlays_fix_clears(preview: RunningPreview):
    article = "content/articles/counting-ships.md"
    reloads = _listen_for_reload(preview.url)
    preview.edit(article, "kept a register of ships.", "kept a register of ships and their cargoes.")
    preview.wait_for(lambda p: "and their cargoes" in p, "articles/counting-ships/", "the edit appearing")
    assert reloads.wait(WAIT_SECONDS), "no reload event reached the page"
    rebuilt = preview.wait_line(lambda line: "article(s) changed" in line)
    assert "1 page(s) rendered (1 article(s) changed)" in rebuilt, "a body edit re-rendered more than its page"

    preview.edit(article, "title: Counting", "<b>titel</b>: Counting")
    broken = preview.wait_for(lambda p: "archivist-overlay" in p, "articles/counting-ships/", "the overlay")
    assert "content/articles/counting-ships.md:2:1" in broken
    assert "&lt;b&gt;titel&lt;/b&gt;" in broken and "<b>titel</b>" not in broken
    assert "and their cargoes" in broken  # the last good page is still served beneath

    preview.edit(article, "<b>titel</b>: Counting", "title: Counting")
    preview.wait_for(lambda p: "archivist-overlay" not in p, "articles/counting-ships/", "the overlay going away")
    assert preview.process.poll() is None


def test_search_index_follows_the_pages(preview: RunningPreview):
    """Served pages come first; the Pagefind bundle is rebuilt after them, from the new text."""
    preview.wait_line(lambda line: line.startswith("search index updated"))
    status, before = raw_get(preview.url, "/pagefind/pagefind-entry.json")
    assert status == 200 and b'"languages"' in before
    preview.edit("content/articles/counting-ships.md", "kept a register of ships", "kept a register of ships, zanzibarine included,")
    preview.wait_line(lambda line: line.startswith("search index updated"))
    status, after = raw_get(preview.url, "/pagefind/pagefind-entry.json")
    assert status == 200 and after != before  # the index hashes name the new word index
    assert raw_get(preview.url, "/pagefind/pagefind.js")[0] == 200


def _listen_for_reload(url: str) -> threading.Event:
    """Open the event stream as a page would, and set the event when a reload arrives."""
    page = urllib.request.urlopen(url, timeout=30).read().decode()
    since = page.split("events?since=")[1].split('"')[0]
    heard = threading.Event()

    def listen() -> None:
        with urllib.request.urlopen(f"{url}__archivist__/events?since={since}", timeout=WAIT_SECONDS) as stream:
            for line in stream:
                if line.startswith(b"event: reload"):
                    heard.set()
                    return

    threading.Thread(target=listen, daemon=True).start()
    return heard


def test_incremental_rebuilds_match_a_full_build(tmp_path: Path):
    root = make_site(tmp_path / "site")
    options = BuildOptions(drafts=False, search=False)
    builder = LiveBuilder(root, options, base_url="http://127.0.0.1:8000/")
    assert builder.rebuild().plan.full
    assert builder.rebuild() is None  # nothing changed: nothing to do
    articles = root / "content" / "articles"
    steps = [
        lambda: (articles / "counting-ships.md").write_text(FIRST + "\nA new paragraph.\n", encoding="utf-8"),
        lambda: (articles / "counting-ships.md").write_text(FIRST.replace("Counting Ships", "Counting Boats")),
        lambda: (articles / "new-one.md").write_text("---\ntitle: New One\ndate: 2030\nkeywords: [ports]\n---\n\nText.\n"),
        lambda: (articles / "paper-and-plague.md").unlink(),
    ]
    for step in steps:
        step()
        outcome = builder.rebuild()
        assert outcome is not None and not outcome.plan.full
        config = config_step.load(root).with_base_url("http://127.0.0.1:8000/")
        assert _contents(outcome.build.files) == _contents(build_site(config, options).files)


def _contents(files: dict) -> dict[str, bytes]:
    return {path: data if isinstance(data, bytes) else data.read_bytes() for path, data in files.items()}


def test_locate_refuses_symlinks_that_lead_out(tmp_path: Path):
    site = tmp_path / "site"
    site.mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    (site / "leak.txt").symlink_to(tmp_path / "secret.txt")
    assert locate(site, "/leak.txt").status == 403


def test_overlay_is_escaped_and_injected_before_body_end():
    page = inject(b"<html><body><p>x</p></body></html>", 3, ["a.md:1:1: error[x]: <script>alert(1)</script>"])
    text = page.decode()
    assert text.endswith("</body></html>")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script>alert" not in text
    assert "since=3" in text
    assert Hub().generation == 0


def test_a_burst_of_changes_makes_one_rebuild():
    calls: list[int] = []
    done = threading.Event()
    debouncer = Debouncer(0.2, lambda: (calls.append(1), done.set()))
    debouncer.start()
    try:
        for _ in range(20):
            debouncer.poke()
        assert done.wait(30)
        debouncer.poke()
        done.clear()
        assert done.wait(30)
    finally:
        debouncer.stop()
    assert len(calls) == 2


@pytest.mark.parametrize("path, expected", [
    ("content/articles/a.md", True),
    ("content/articles/bundle/chart.svg", True),
    ("templates/base.html", True),
    ("pyproject.toml", True),
    ("content/articles/.a.md.swp", False),
    ("content/articles/a.md~", False),
    ("content/articles/4913", False),
    ("output/index.html", False),
    (".cache/archivist/citations/x.json", False),
    ("README.md", False),
])
def test_which_changes_matter(tmp_path: Path, path: str, expected: bool):
    assert relevant(str(tmp_path / path), tmp_path.resolve()) is expected


def test_the_preview_follows_aliases_and_translations(tmp_path: Path):
    root = make_site(tmp_path / "site")
    options = BuildOptions(drafts=False, search=False)
    builder = LiveBuilder(root, options, base_url="http://127.0.0.1:8000/")
    builder.rebuild()
    articles = root / "content" / "articles"
    with_alias = FIRST.replace("keywords:", "aliases: [/old/ships/]\nkeywords:")
    translation = "---\ntitle: Contar barcos\ndate: 2022\nlanguage: es\ntranslation_of: counting-ships\n---\n\nTexto.\n"
    steps = [
        (lambda: (articles / "counting-ships.md").write_text(with_alias), "old/ships/index.html", True),
        (lambda: (articles / "contar-barcos.md").write_text(translation), "articles/contar-barcos/index.html", True),
        (lambda: (articles / "contar-barcos.md").write_text(translation.replace(": es", ": pt")), "", True),
        (lambda: (articles / "counting-ships.md").write_text(FIRST), "old/ships/index.html", False),
    ]
    for step, page, present in steps:
        step()
        outcome = builder.rebuild()
        assert outcome is not None and not outcome.plan.full
        assert (page in outcome.build.files) == present or not page
        config = config_step.load(root).with_base_url("http://127.0.0.1:8000/")
        assert _contents(outcome.build.files) == _contents(build_site(config, options).files)
    original = outcome.build.files["articles/counting-ships/index.html"]
    assert b'hreflang="pt"' in original and "Português".encode() in original
    (articles / "paper-and-plague.md").write_text(SECOND.replace("keywords:", "aliases: [/articles/counting-ships/]\nkeywords:"))
    found = builder.rebuild().build.diagnostics
    assert [(d.path, d.line, d.code) for d in found if d.severity == "error"] == [
        ("content/articles/paper-and-plague.md", 6, "meta.alias-conflict")]


def test_build_check_and_preview_name_a_withheld_draft_by_its_own_slug(tmp_path: Path):
    root = tmp_path / "site"
    articles = root / "content" / "articles"
    articles.mkdir(parents=True)
    (root / "pyproject.toml").write_text(SETTINGS.replace('["apa"]', "[]"))
    (articles / "orig-file.md").write_text("---\ntitle: The original\ndate: 2020\ndraft: true\nslug: the-original\n---\nText.\n")
    for name, language, original in (("tr", "es", "the-original"), ("tr2", "fr", "orig-file")):
        (articles / f"{name}.md").write_text(f"---\ntitle: {name}\ndate: 2021\nlanguage: {language}\n"
                                             f"translation_of: {original}\n---\nTexto.\n")
    config = config_step.load(root)

    def named(diagnostics) -> list[tuple[str, int, str]]:
        return sorted((d.path, d.line, d.severity) for d in diagnostics if d.code == "meta.translation-of")

    expected = [("content/articles/tr.md", 5, "warning"), ("content/articles/tr2.md", 5, "error")]
    assert named(build_site(config, BuildOptions(drafts=False, search=False)).diagnostics) == expected
    assert named(build_site(config, BuildOptions(drafts=True, search=False, check_only=True)).diagnostics) == expected
    preview = LiveBuilder(root, BuildOptions(drafts=False, search=False)).rebuild()
    assert named(preview.build.diagnostics) == expected


def test_the_preview_reports_the_site_s_word_tables(tmp_path: Path):
    root = make_site(tmp_path / "site")
    (root / "pyproject.toml").write_text(SETTINGS.replace('["apa"]', "[]"))
    builder = LiveBuilder(root, BuildOptions(drafts=False, search=False))
    assert not [d for d in builder.rebuild().build.diagnostics if d.code.startswith("i18n.")]
    (root / "templates" / "i18n").mkdir(parents=True)
    (root / "templates" / "i18n" / "en.toml").write_text('home = "Start"\nredirecting_to = "Weiter zu {titel}"\n')
    found = builder.rebuild().build.diagnostics
    assert [(d.path, d.line, d.code) for d in found if d.code.startswith("i18n.")] == [
        ("templates/i18n/en.toml", 2, "i18n.placeholder")]


def test_the_preview_prints_each_warning_once_and_counts_those_that_still_stand(tmp_path: Path):
    root = make_site(tmp_path / "site")
    (root / "pyproject.toml").write_text(SETTINGS.replace('["apa"]', "[]"))
    articles = root / "content" / "articles"
    (articles / "skips.md").write_text("---\ntitle: Skips\ndate: 2020\n---\n\n### Too deep\n\nText.\n")
    out = io.StringIO()
    preview = Preview(root, port=0, out=out)
    try:
        preview.start()
        assert out.getvalue().count("skips.md:6:1: warning[body.heading-level]") == 1
        standing = out.getvalue().count(": warning[")
        printed = len(out.getvalue())
        (articles / "skips.md").write_text((articles / "skips.md").read_text() + "\nMore text.\n")
        assert preview.rebuild() is not None
        after = out.getvalue()[printed:]
        assert "warning[" not in after and f"{standing} warning(s) shown before still stand" in after
        (articles / "also.md").write_text("---\ntitle: Also\ndate: 2021\n---\n\n#### Deeper\n")
        assert preview.rebuild() is not None
        assert out.getvalue().count("also.md:6:1: warning[body.heading-level]") == 1
    finally:
        preview.stop()


def test_the_preview_shows_an_edited_template_it_has_already_used(tmp_path: Path):
    """Templates are not checked for changes while an environment lives (render.templating), so the
    preview must take a new one when a template it has loaded is edited."""
    root = make_site(tmp_path / "site")
    (root / "templates").mkdir(exist_ok=True)
    page = root / "templates" / "404.html"
    page.write_text('{% extends "!builtin/404.html" %}{% block main %}First words{% endblock %}\n', encoding="utf-8")
    builder = LiveBuilder(root, BuildOptions(drafts=False, search=False), base_url="http://127.0.0.1:8000/")
    assert b"First words" in builder.rebuild().build.files["404.html"]
    page.write_text('{% extends "!builtin/404.html" %}{% block main %}Second words{% endblock %}\n', encoding="utf-8")
    outcome = builder.rebuild()
    assert outcome is not None and outcome.plan.full
    shown = outcome.build.files["404.html"]
    assert b"Second words" in shown and b"First words" not in shown
