"""An article's in-text citations and reference list, as the built page shows them, equal what citeproc-js
gives for the same clusters when driven directly, one cluster at a time (tests/support/citeproc_direct.js);
and the same article in a note style gives footnotes numbered together with the author's own."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from archivist.build.steps import load_articles
from archivist.citations.bibliography import BibliographyReader
from archivist.citations.nodeproc import find_citeproc, find_node
from archivist.citations.references import job_for
from archivist.citations.sanitize import clean_html, html_to_text
from archivist.citations.styles import StyleLibrary, choose_locale, locales_for
from archivist.config import load as load_config
from tests.conftest import REPO_ROOT, build_with_cli

SAMPLE = "citing-the-calendar"  # the sample article with a bibliography of 25+ works, in the house style
DIRECT = REPO_ROOT / "tests" / "support" / "citeproc_direct.js"


class _Texts(HTMLParser):
    """The text of every element with a given class, nested elements included."""

    def __init__(self, css_class: str):
        super().__init__(convert_charrefs=True)
        self.css_class, self.found, self._depth = css_class, [], 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if self._depth:
            self._depth += 1
        elif self.css_class in (dict(attrs).get("class") or "").split():
            self._depth = 1
            self.found.append("")

    def handle_endtag(self, tag: str) -> None:
        if self._depth:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.found[-1] += data


def texts(page: str, css_class: str) -> list[str]:
    parser = _Texts(css_class)
    parser.feed(page)
    return [" ".join(text.split()) for text in parser.found]


def direct(config, article) -> tuple[list[str], list[str]]:
    """What citeproc-js gives for the article's clusters, as plain text."""
    reader = BibliographyReader(config, None)
    try:
        (bibliography,), problems = reader.for_articles([(article.source, article.meta)])
    finally:
        reader.close()
    assert [p for p in problems if p.severity == "error"] == []
    planned, problems = job_for(article, bibliography)
    assert problems == [] and planned is not None
    style = StyleLibrary([config.root / d for d in config.csl_dirs]).find(
        article.meta.reference_style or config.reference_style)
    lang = choose_locale(style, article.meta.language)
    request = {"style": style.xml, "locales": {loc.lang: loc.xml for loc in locales_for(lang)}, "lang": lang,
               "items": planned.job["items"], "clusters": planned.job["clusters"], "uncited": planned.job["uncited"]}
    done = subprocess.run([find_node(), str(DIRECT)], input=json.dumps(request), capture_output=True, text=True,
                          env={"ARCHIVIST_CITEPROC": str(find_citeproc(None)), "PATH": "/usr/bin:/bin"}, check=True)
    reply = json.loads(done.stdout)

    def plain(engine_html: str) -> str:
        return " ".join(html_to_text(clean_html(engine_html).replace("[NO_PRINTED_FORM]", "")).split())

    return [plain(c) for c in reply["clusters"]], [plain(e) for e in reply["bibliography"]]


def test_the_built_page_equals_citeproc_js_for_the_same_clusters(sample_site: Path) -> None:
    config = load_config(REPO_ROOT)
    articles, _problems = load_articles(config)
    article = next(a for a in articles if a.slug == SAMPLE)
    assert not article.meta.reference_style, "the sample shows the house style"
    page = (sample_site / "articles" / SAMPLE / "index.html").read_text(encoding="utf-8")
    clusters, entries = direct(config, article)
    order = [use.id for use in article.body.citations]
    shown = dict(zip(re.findall(r'<span class="citation" id="(cite-[\w-]+)"', page), texts(page, "citation")))
    assert len(entries) >= 25
    assert [shown[cite] for cite in order] == clusters
    assert texts(page, "reference__text") == entries
    assert "(" in clusters[0], "an author-date house style cites in parentheses"


def test_a_note_style_numbers_citations_with_the_authors_notes(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(REPO_ROOT, site, ignore=shutil.ignore_patterns(".git", ".venv", "node_modules", "output", ".cache",
                                                                   "tests", "benchmarks", "docs"))
    (site / "node_modules").symlink_to(REPO_ROOT / "node_modules")
    source = site / "content" / "articles" / SAMPLE / "index.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("\nbibliography:", "\nreference_style: chicago-notes-bibliography\nbibliography:", 1),
                      encoding="utf-8")
    built = build_with_cli(tmp_path / "out", "https://example.org/archive/", site=site)
    page = (built / "articles" / SAMPLE / "index.html").read_text(encoding="utf-8")
    body, notes = page.split('<section class="footnotes"', 1)
    marks = [int(n) for n in re.findall(r'role="doc-noteref"[^>]*>(\d+)</a>', body)]
    assert marks == list(range(1, len(marks) + 1)), "one run of note numbers, in reading order"
    author_notes = len(re.findall(r"^\[\^[^\]]+\]:", text, re.M))
    own = len(re.findall(r'<li id="fn-\d+"><p><span class="citation"', notes))
    assert author_notes >= 3 and own >= 10
    assert len(marks) == author_notes + own
    in_text = re.findall(r'<span class="citation" id="(cite-[\w-]+)"', body)
    assert all(cite.endswith("-author") for cite in in_text), \
        "in a note style, running text keeps only authors' names of narrative citations"


@pytest.fixture(scope="module", autouse=True)
def _node() -> None:
    find_node()
