"""Quarto's figure and table divs as readers meet them in Chromium and as the Nu checker reads them:
an image described by its div's caption (alt="") passes axe and vnu, and a figure's lettered parts
stand side by side on a desktop and one above the other on a phone, without sideways scrolling."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from archivist.i18n import labels_for
from archivist.markdown import BodyContext, render_body
from support import REPO_ROOT
from support.axe import format_violations, run_axe
from support.browser import assert_no_overflow, save_screenshot
from support.server import serve_site
from support.vnu import validate_html

ARTICLES = REPO_ROOT / "content" / "articles"
IMAGES = {"routes.svg": ARTICLES / "citing-the-calendar" / "routes.svg",
          "map.svg": ARTICLES / "counting-barges-on-the-elbe" / "map.svg",
          "chart.svg": ARTICLES / "counting-barges-on-the-elbe" / "chart.svg"}
BODY = """See @fig-routes, @fig-elbe (in particular [-@fig-chart]) and @tbl-scan.

::: {#fig-routes}

![](routes.svg)

Three routes from a record to a footnote.

:::

::: {#fig-elbe layout-ncol=2}

![Schematic map of the Elbe with its toll stations](map.svg){#fig-map}

![Line chart of barges recorded at Lenzen](chart.svg){#fig-chart}

The Elbe and its traffic.

:::

::: {#tbl-scan}

![](chart.svg)

Barges recorded at Lenzen, as the register's summary table gives them.

:::
"""


def page_html(body: str) -> str:
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<title>Figure divs</title><link rel="stylesheet" href="archivist.css"></head>\n'
            f'<body><main class="article-body"><h1>Figure divs</h1>\n{body}</main></body></html>\n')


@pytest.fixture(scope="module")
def figure_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A page holding the rendered body and the theme's style sheet, with the images it shows."""
    folder = tmp_path_factory.mktemp("figure-divs")
    for name, source in IMAGES.items():
        shutil.copyfile(source, folder / name)
    shutil.copyfile(REPO_ROOT / "templates" / "static" / "archivist.css", folder / "archivist.css")
    context = BodyContext(path="figures.md", first_line=1, lang="en", labels=labels_for("en"),
                          resolve_article=lambda _slug: None, asset_exists=IMAGES.__contains__)
    body, diagnostics = render_body(BODY, context)
    assert diagnostics == []
    (folder / "index.html").write_text(page_html(body.html), encoding="utf-8")
    return folder


def test_an_image_described_by_its_caption_is_valid_html(figure_page):
    report = validate_html(figure_page / "index.html")
    assert not report.all_errors(), report.format_errors(relative_to=figure_page)
    assert 'alt=""' in (figure_page / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_figure_divs_are_accessible_and_their_parts_fit_the_screen(figure_page, page_factory, screenshot_dir,
                                                                 viewport):
    with serve_site(figure_page, "/") as site:
        watched = page_factory(site.url_for(""), viewport=viewport)
        page = watched.page
        violations = run_axe(page)
        assert violations == [], format_violations(violations)
        assert_no_overflow(page)
        first, second = (page.locator(f"#{label}").bounding_box() for label in ("fig-map", "fig-chart"))
        assert first is not None and second is not None
        if viewport == "desktop":
            assert first["y"] == second["y"] and first["x"] + first["width"] <= second["x"]
        else:
            assert second["y"] >= first["y"] + first["height"]
        caption = page.locator("#fig-elbe > figcaption")
        assert caption.bounding_box()["y"] >= second["y"] + second["height"]  # type: ignore[index]
        assert page.locator("a.crossref").all_inner_texts() == ["Figure 1", "Figure 2", "2b", "Table 1"]
        assert watched.problems() == []
        save_screenshot(page, screenshot_dir, f"figure-divs-{viewport}")
