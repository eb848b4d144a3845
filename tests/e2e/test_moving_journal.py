"""A journal moving in (tests/sites/moving-journal), in Chromium under /archive/: nothing its content
holds makes a page wider than a 375 px phone, what scrolls is reachable by keyboard, every page is
valid and accessible, and its old addresses land on the article. Then the sample's translated pair."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from support import REPO_ROOT
from support.axe import format_violations, run_axe
from support.browser import assert_no_overflow, save_screenshot
from support.server import ServedSite, serve_site
from support.vnu import validate_html

SITE = REPO_ROOT / "tests" / "sites" / "moving-journal"
WIDE = "articles/wide-things/"
MOVED = "articles/moved-article/"
REDIRECTS = {"old/path/index.html", "en/lessons/Old-Name/index.html", "old-name.html",
             "articles/moved-house/index.html"}
# Everything that once widened a page, and must now stay inside the window.
CONTAINED = (".table-wrap, .math-block, .math-scroll, pre, h1, h2, .breadcrumbs__item, .byline__author, "
             ".affiliations li, .article-header__journal, .keywords__list li, .record dd, .cite__text, "
             ".footnotes li, .article-body p, .article-body blockquote, :not(pre) > code, .article-item, "
             ".journal-list li, .abstract")
SCROLLERS = ".table-wrap, .math-block, .math-scroll"

_OUTSIDE = """(selector) => {
  const width = document.documentElement.clientWidth + 0.5;
  return [...document.querySelectorAll(selector)].filter(el => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && (box.left < -0.5 || box.right > width);
  }).map(el => el.tagName.toLowerCase() + '.' + [...el.classList].join('.') + ' '
    + Math.round(el.getBoundingClientRect().right) + 'px: ' + el.textContent.trim().slice(0, 40));
}"""


@pytest.fixture(scope="module")
def moving_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test site, built once with the real command line."""
    output = tmp_path_factory.mktemp("moving-journal") / "site"
    command = [sys.executable, "build.py", "--site", str(SITE), "build", "--output", str(output),
               "--base-url", "https://example.org/archive/", "-q"]
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return output


@pytest.fixture(scope="module")
def served(moving_site: Path) -> Iterator[ServedSite]:
    with serve_site(moving_site, "/archive/") as site:
        yield site


def html_pages(site: Path) -> list[str]:
    """Every page a reader opens (not the redirect pages, which a browser leaves at once)."""
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    return [p for p in pages if p not in REDIRECTS and p != "404.html"]


def test_the_site_holds_every_redirect_page_and_searches_none(moving_site):
    assert all((moving_site / page).is_file() for page in REDIRECTS)
    entry = json.loads((moving_site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert sum(language["page_count"] for language in entry["languages"].values()) == 2  # the two articles


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_no_page_is_wider_than_the_window_and_every_page_is_accessible(moving_site, served, page_factory,
                                                                       screenshot_dir, viewport):
    problems = []
    for page_path in html_pages(moving_site):
        path = page_path.removesuffix("index.html")
        watched = page_factory(served.url_for(path), viewport=viewport)
        page = watched.page
        widths = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        assert widths[0] <= widths[1], (path, widths)
        assert_no_overflow(page)
        assert page.evaluate(_OUTSIDE, CONTAINED) == [], path
        violations = run_axe(page)
        if violations:
            problems.append(f"{path or 'home'}:\n{format_violations(violations)}")
        assert not watched.problems(), (path, watched.problems())
        if path == WIDE:
            save_screenshot(page, screenshot_dir, f"moving-journal-wide-things-{viewport}")
        watched.close()
    assert not problems, "\n\n".join(problems)


def test_the_wide_things_really_are_wider_than_a_phone_and_scroll_from_the_keyboard(served, page_factory):
    page = page_factory(served.url_for(WIDE), viewport="phone").page
    regions = page.locator(SCROLLERS)
    kinds = page.evaluate(f"[...document.querySelectorAll('{SCROLLERS}')].map(el => el.className)")
    # a Markdown table, two raw HTML tables (one holding another, inside an author's div), three formulas
    assert sorted(kinds) == ["math-block", "math-block", "math-scroll", "table-wrap", "table-wrap", "table-wrap"]
    for index in range(regions.count()):
        region = regions.nth(index)
        assert region.get_attribute("tabindex") == "0" and region.get_attribute("role") == "region"
        assert region.evaluate("el => el.scrollWidth > el.clientWidth + 20"), region.get_attribute("aria-label")
        region.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("el => el.scrollLeft > 0", arg=region.element_handle())
    nested = page.locator(".table-wrap table table")
    assert nested.count() == 1 and page.locator(".table-wrap .table-wrap").count() == 0


def test_every_page_of_the_site_is_valid_html(moving_site):
    report = validate_html(moving_site)
    assert not report.all_errors(), report.format_errors(relative_to=moving_site)


@pytest.mark.parametrize("old", ["old/path/", "old/path", "en/lessons/Old-Name", "en/lessons/Old-Name/",
                                 "old-name.html", "old-name", "articles/moved-house/"])
def test_an_old_address_lands_on_the_article(served, page_factory, old):
    watched = page_factory(viewport="phone")
    page = watched.page
    page.goto(served.url_for(old))
    page.wait_for_url(served.url_for(MOVED))
    assert page.locator("h1").inner_text() == "An Article That Moved House"
    # The old page leaves while it is still loading, so the browser may cut its own request short;
    # that one cancelled load is the redirect itself, anything else is a fault.
    old_page = {served.url_for(old), served.url_for(old.rstrip("/") + "/")}
    left_behind = {f"failed request: {url} (net::ERR_ABORTED)" for url in old_page}
    assert [problem for problem in watched.problems() if problem not in left_behind] == []


def test_an_old_address_keeps_its_fragment_on_the_way(served, page_factory):
    watched = page_factory(viewport="phone")
    watched.page.goto(served.url_for("en/lessons/Old-Name/") + "#p2")
    watched.page.wait_for_url(served.url_for(MOVED) + "#p2")
    # As above: the old page's own load, cut short as it leaves, is the redirect; nothing else may fail.
    left_behind = f"failed request: {served.url_for('en/lessons/Old-Name/')} (net::ERR_ABORTED)"
    assert [problem for problem in watched.problems() if problem != left_behind] == []


def test_old_addresses_keep_their_case_as_the_host_does(served, page_factory):
    watched = page_factory(viewport="desktop")
    response = watched.page.goto(served.url_for("en/lessons/old-name/"))
    assert response is not None and response.status == 404


def test_a_redirect_page_says_where_to_go_when_the_refresh_is_not_followed(moving_site):
    page = (moving_site / "en/lessons/Old-Name/index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=/archive/articles/moved-article/">' in page
    assert '<link rel="canonical" href="https://example.org/archive/articles/moved-article/">' in page
    assert '<meta name="robots" content="noindex">' in page
    assert '<a href="/archive/articles/moved-article/">An Article That Moved House</a>' in page
    listed = re.findall(r"<loc>https://example.org/archive/([^<]*)</loc>", (moving_site / "sitemap.xml").read_text())
    assert MOVED in listed and not {"old/path/", "en/lessons/Old-Name/", "old-name.html", "articles/moved-house/"} & set(listed)
    assert "moved-house" not in (moving_site / "feed.xml").read_text(encoding="utf-8")


def test_a_translation_links_to_its_original_in_its_language_and_back(served_sample, page_factory):
    page = page_factory(served_sample.url_for("articles/archive-as-workshop/"), viewport="phone").page
    link = page.locator(".translations a")
    assert link.count() == 1
    assert (link.get_attribute("hreflang"), link.get_attribute("lang"), link.inner_text()) == ("es", "es", "Español")
    alternates = page.evaluate("[...document.querySelectorAll('link[rel=alternate][hreflang]')]"
                               ".map(l => l.hreflang + ' ' + new URL(l.href).pathname)")
    assert alternates == ["en-US /archive/articles/archive-as-workshop/", "es /archive/articles/archivo-como-taller/"]
    link.click()
    page.wait_for_url(served_sample.url_for("articles/archivo-como-taller/"))
    assert page.evaluate("document.documentElement.lang") == "es"
    back = page.locator(".translations a")
    assert (back.get_attribute("hreflang"), back.inner_text()) == ("en-US", "English")
    assert_no_overflow(page)
