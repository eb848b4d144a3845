"""Every page of the sample archive is valid HTML (W3C Nu checker) and accessible (axe-core) at
desktop and phone widths, with no sideways scrolling on a phone; screenshots are kept for review
in test-artifacts/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.axe import format_violations, run_axe
from support.browser import assert_no_overflow, save_screenshot
from support.vnu import validate_html

LISTING_PAGES = ["", "articles/", "authors/", "journals/", "journals/ledger-and-letter/14/1/", "years/",
                 "keywords/", "search/", "404.html"]


def article_paths(site: Path) -> list[str]:
    return sorted(f"articles/{p.parent.name}/" for p in (site / "articles").glob("*/index.html"))


def test_every_html_file_passes_the_nu_html_checker(sample_site):
    report = validate_html(sample_site)
    assert not report.all_errors(), report.format_errors(relative_to=sample_site)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_every_article_page_is_accessible_and_fits(sample_site, served_sample, page_factory, screenshot_dir, viewport):
    problems = []
    for path in article_paths(sample_site):
        watched = page_factory(served_sample.url_for(path), viewport=viewport)
        violations = run_axe(watched.page)
        if violations:
            problems.append(f"{path}:\n{format_violations(violations)}")
        if viewport == "phone":
            assert_no_overflow(watched.page)
        assert not watched.problems(), (path, watched.problems())
        save_screenshot(watched.page, screenshot_dir, f"{path.strip('/').replace('/', '-')}-{viewport}")
        watched.close()
    assert not problems, "\n\n".join(problems)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_listing_pages_are_accessible_and_fit(served_sample, page_factory, screenshot_dir, viewport):
    problems = []
    for path in LISTING_PAGES:
        watched = page_factory(served_sample.url_for(path) if path != "404.html" else None, viewport=viewport)
        if path == "404.html":
            watched.page.goto(served_sample.url_for("no/such/page/"))
        violations = run_axe(watched.page)
        if violations:
            problems.append(f"{path or 'home'}:\n{format_violations(violations)}")
        if viewport == "phone":
            assert_no_overflow(watched.page)
        name = (path.strip("/").replace("/", "-") or "home").replace(".html", "")
        save_screenshot(watched.page, screenshot_dir, f"{name}-{viewport}")
        watched.close()
    assert not problems, "\n\n".join(problems)


def test_dark_theme_is_accessible_too(sample_site, served_sample, page_factory):
    problems = []
    for path in ["", "articles/letters-in-transit/", "articles/hojeok-name-normalisation/"]:
        watched = page_factory(served_sample.url_for(path), viewport="desktop", color_scheme="dark")
        violations = run_axe(watched.page)
        if violations:
            problems.append(f"{path or 'home'}:\n{format_violations(violations)}")
        watched.close()
    assert not problems, "\n\n".join(problems)
