"""Pandoc's spans as a reader meets them in Chromium: small capitals, an underline and an author's
highlight, legible in the light and dark themes (chosen or automatic), kept when printed, in valid HTML."""

from __future__ import annotations

import shutil
from typing import Iterator

import pytest

from tests.conftest import build_with_cli
from support import REPO_ROOT
from support.axe import format_violations, run_axe
from support.server import ServedSite, serve_site
from support.vnu import validate_html

BASE = "/golden/"
ARTICLE = "articles/harbour-dues/"  # its second passage holds [..]{.smallcaps lang=la}, {.underline}, {.mark}
# The highlight colour of archivist.css (--highlight) in each theme, and the page's text colour.
HIGHLIGHT = {"light": "rgb(255, 220, 176)", "dark": "rgb(95, 59, 18)"}
INK = {"light": "rgb(29, 30, 32)", "dark": "rgb(233, 231, 226)"}


@pytest.fixture(scope="module")
def served_spans(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    site = tmp_path_factory.mktemp("spans") / "site"
    shutil.copytree(REPO_ROOT / "tests" / "golden_site", site)
    output = build_with_cli(site / "output", f"https://example.org{BASE}", site=site)
    with serve_site(output, BASE) as served:
        yield served


def styles(page, selector: str, *properties: str) -> list[str]:
    return page.locator(selector).first.evaluate(
        "(e, names) => names.map(n => getComputedStyle(e).getPropertyValue(n))", list(properties))


@pytest.mark.parametrize("theme", ["light", "dark", "auto-dark"])
def test_spans_are_styled_and_legible_in_each_theme(served_spans, page_factory, theme):
    watched = page_factory(None, color_scheme="dark" if theme == "auto-dark" else "light")
    if theme in ("light", "dark"):
        watched.page.add_init_script(f"localStorage.setItem('archivist.theme', '{theme}')")
    watched.goto(served_spans.url_for(ARTICLE))
    page, shade = watched.page, "light" if theme == "light" else "dark"
    assert styles(page, "#p2 .smallcaps", "font-variant-caps") == ["small-caps"]
    assert page.get_attribute("#p2 .smallcaps", "lang") == "la"
    assert "underline" in styles(page, "#p2 u", "text-decoration-line")[0]
    assert styles(page, "#p2 mark", "background-color", "color") == [HIGHLIGHT[shade], INK[shade]]
    violations = run_axe(page)
    assert violations == [], format_violations(violations)
    assert watched.problems() == []


def test_spans_keep_their_look_in_print(served_spans, page_factory):
    watched = page_factory(None, color_scheme="dark")
    watched.goto(served_spans.url_for(ARTICLE))
    page = watched.page
    page.emulate_media(media="print")
    assert styles(page, "#p2 .smallcaps", "font-variant-caps") == ["small-caps"]
    assert styles(page, "#p2 mark", "background-color", "print-color-adjust") == [HIGHLIGHT["light"], "exact"]
    assert "underline" in styles(page, "#p2 u", "text-decoration-line")[0]



def test_the_page_with_spans_is_valid_html(served_spans):
    report = validate_html(served_spans.root / ARTICLE / "index.html")
    assert report.errors == {}, report.errors
