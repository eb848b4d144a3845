"""Every interface language in Chromium (tests/support/language_sites.py): the pages pass axe at
desktop and phone widths without sideways scrolling, and the scripts speak the page's language."""

from __future__ import annotations

import pytest

from archivist.i18n import labels_for
from support.axe import format_violations, run_axe
from support.browser import assert_no_overflow, save_screenshot
from support.language_sites import LANGUAGES, other_language, slug

SEARCH_TIMEOUT_MS = 15_000


def pages_of(lang: str) -> list[str]:
    """The home page, the listing, the search page and both articles of a language's site."""
    return [f"{lang}/{path}" for path in ("", "articles/", "search/", f"articles/{slug(lang)}/",
                                          f"articles/{slug(other_language(lang))}/")]


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_pages_in_every_language_are_accessible_and_fit(served_language_sites, page_factory, screenshot_dir,
                                                         lang, viewport):
    problems = []
    for path in pages_of(lang):
        watched = page_factory(served_language_sites.url_for(path), viewport=viewport)
        violations = run_axe(watched.page)
        if violations:
            problems.append(f"{path}:\n{format_violations(violations)}")
        if viewport == "phone":
            assert_no_overflow(watched.page)
        assert watched.problems() == [], (path, watched.problems())
        if path.endswith(f"/{slug(lang)}/"):
            save_screenshot(watched.page, screenshot_dir, f"language-{lang}-{viewport}")
        watched.close()
    assert not problems, "\n\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_find_box_answers_in_the_article_language(served_language_sites, page_factory, lang):
    words = labels_for(lang)
    watched = page_factory(served_language_sites.url_for(f"{lang}/articles/{slug(lang)}/"))
    page = watched.page
    status = page.locator("#find-box-status")
    page.fill("#find-box-q", "1590")
    status.filter(has_text=words["find_count_one"]).wait_for(timeout=SEARCH_TIMEOUT_MS)
    page.fill("#find-box-q", "qqxqq")
    status.filter(has_text=words["find_none"]).wait_for(timeout=SEARCH_TIMEOUT_MS)
    assert watched.problems() == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_search_page_counts_in_the_site_language(served_language_sites, page_factory, lang):
    """Both articles hold the year 1590 in their tables: the search page says "2" in the site's words."""
    words = labels_for(lang)
    watched = page_factory(served_language_sites.url_for(f"{lang}/search/?q=1590"))
    expected = words["search_count"].replace("{count}", "2")
    watched.page.locator("#search-status").filter(has_text=expected).wait_for(timeout=SEARCH_TIMEOUT_MS)
    assert watched.page.locator("#search-results > li").count() == 2
    assert watched.problems() == []
