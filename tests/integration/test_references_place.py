"""Where the reference list goes, as Pandoc places it: in the author's `::: {#refs}` div, else at the end,
under the author's own empty last heading when there is one; built with the real CLI and citeproc-js."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import build_with_cli

BIB = """@book{okafor2011,
  author = {Okafor, Ngozi},
  title = {Growth Curves for Historians},
  publisher = {Lagos Statistical Press},
  year = {2011}
}
"""

ARTICLES = {
    "works-cited": """
Growth curves came late to economic history [@okafor2011].

# Works Cited {-}
""",
    "refs-div": """
# Argument

Growth curves came late to economic history [@okafor2011, p. 4].

## Sources {.unnumbered}

::: {#refs}
:::

# Appendix: the tables

The tables follow.
""",
    "ends-with-text": """
# Argument

Growth curves came late [@okafor2011].

# Afterword

Written in Lagos.
""",
    "nothing-cited": """
# Argument

This article cites no work.

::: {#refs}
:::

# References
""",
}


class Outline(HTMLParser):
    """The page's headings and the references section, in document order, and the contents list."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.order: list[str] = []
        self.contents: list[str] = []
        self._heading: str | None = None
        self._in_toc = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        found = dict(attrs)
        if tag == "nav" and "toc" in (found.get("class") or "").split():
            self._in_toc = 1
        elif self._in_toc and tag == "a":
            self.contents.append(found.get("href", ""))
        if tag == "section" and found.get("id") == "references":
            self.order.append("[references]")
        if re.fullmatch(r"h[2-6]", tag) and not self._in_toc:
            self._heading = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self._in_toc:
            self._in_toc = 0
        if re.fullmatch(r"h[2-6]", tag) and self._heading is not None:
            self.order.append(" ".join(self._heading.split()))
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading += data


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("refs-place")
    (site / "pyproject.toml").write_text(
        '[tool.archivist]\ntitle = "Places"\nbase_url = "https://example.org/"\nlanguage = "en-US"\n'
        'citation_styles = ["apa"]\n', encoding="utf-8")
    for slug, body in ARTICLES.items():
        folder = site / "content" / "articles" / slug
        folder.mkdir(parents=True)
        bibliography = "bibliography: refs.bib\n" if slug != "nothing-cited" else ""
        (folder / "index.md").write_text(
            f'---\ntitle: "{slug}"\nauthors: ["Roe, Ann"]\ndate: 2020-01-01\n{bibliography}---\n{body}', "utf-8")
        (folder / "refs.bib").write_text(BIB, "utf-8")
    return build_with_cli(site / "output", "https://example.org/", site)


def outline(built: Path, slug: str) -> Outline:
    page = (built / "articles" / slug / "index.html").read_text("utf-8")
    assert "\ue020" not in page, "no placeholder is left on the page"
    parsed = Outline()
    parsed.feed(page)
    return parsed


def section_title(built: Path, slug: str) -> str:
    page = (built / "articles" / slug / "index.html").read_text("utf-8")
    return re.search(r'<h2 id="references-title">([^<]*)</h2>', page).group(1)


def test_an_empty_last_heading_titles_the_list_and_is_not_shown_twice(built):
    page = outline(built, "works-cited")
    assert page.order.count("[references]") == 1
    at = page.order.index("[references]")
    assert page.order.count("Works Cited") == 1 and page.order[at + 1] == "Works Cited", \
        "the author's words title the list, and their empty heading is not left above it"
    assert section_title(built, "works-cited") == "Works Cited"
    assert page.contents.count("#references") == 1


def test_the_refs_div_holds_the_list_under_the_heading_before_it(built):
    page = outline(built, "refs-div")
    at = page.order.index("[references]")
    assert page.order[at - 1] == "Argument" and page.order[at + 1:at + 3] == ["Sources", "Appendix: the tables"], \
        page.order
    assert page.order.count("Sources") == 1 and section_title(built, "refs-div") == "Sources"
    contents = [href for href in page.contents if href.startswith("#") and href not in ("#cite",)]
    assert contents.index("#references") < contents.index("#appendix-the-tables"), contents
    assert contents.count("#references") == 1


def test_without_an_empty_heading_the_list_goes_last_under_the_interface_word(built):
    page = outline(built, "ends-with-text")
    assert page.order[-1] == "[references]" or page.order.index("[references]") > page.order.index("Afterword")
    assert "Afterword" in page.order and section_title(built, "ends-with-text") == "References"


def test_an_article_that_cites_nothing_keeps_its_headings_and_shows_no_div(built):
    page = outline(built, "nothing-cited")
    html_text = (built / "articles" / "nothing-cited" / "index.html").read_text("utf-8")
    assert "[references]" not in page.order and "References" in page.order
    assert "{#refs}" not in html_text and ":::" not in html_text
