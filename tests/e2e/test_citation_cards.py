"""Citations in the built sample, used as a reader would in Chromium: a citation's link shows its full
reference beside it on hover, on keyboard focus and on a tap; Escape and moving away close it; the
References lead back to the citations; and axe finds nothing with a card open."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from support.axe import format_violations, run_axe
from support.browser import PHONE, assert_no_overflow

REF = "#article-body a.citation__ref"
CARD_HAS_NO_IDS = "card => card.querySelectorAll('[id]').length === 0"


def cited_slug(site_root: Path) -> str:
    """The article of the built sample that cites the most works (the most `.citation__ref` links), so
    the tests can move between several citations of one page; ties go to the first by name."""
    pages = sorted((site_root / "articles").glob("*/index.html"))
    counts = {page.parent.name: page.read_text(encoding="utf-8").count('class="citation__ref"') for page in pages}
    slug = max(sorted(counts), key=lambda name: counts[name], default=None)
    if slug is None or counts[slug] < 2:
        raise AssertionError(
            f"none of the {len(pages)} article pages of the built sample cites two works (a.citation__ref): "
            "the sample needs an article with `bibliography:` whose text cites several works")
    return slug


@pytest.fixture(scope="module")
def cited_url(sample_site, served_sample) -> str:
    return served_sample.url_for(f"articles/{cited_slug(sample_site)}/")


def words(text: str) -> str:
    return " ".join(text.replace("↩", " ").split())


def card_of(page, ref):
    card_id = ref.get_attribute("aria-controls")
    assert card_id, "a citation's link names its card (aria-controls)"
    return page.locator(f"[id='{card_id}']")


def reference_words(page, ref) -> str:
    entry = page.locator(f"[id='{ref.get_attribute('href')[1:]}']")
    return words(entry.locator(".reference__text").inner_text())


def assert_within(box: dict, left: float, right: float, what: str) -> None:
    assert left - 1 <= box["x"] and box["x"] + box["width"] <= right + 1, \
        f"{what}: the card spans {box['x']:.0f}–{box['x'] + box['width']:.0f}px, outside {left:.0f}–{right:.0f}px"


def assert_shows_its_reference(page, ref) -> None:
    card = card_of(page, ref)
    card.wait_for(state="visible")
    assert ref.get_attribute("aria-expanded") == "true"
    assert card.get_attribute("role") == "note" and card.get_attribute("aria-label")
    assert reference_words(page, ref) in words(card.inner_text())
    assert card.evaluate(CARD_HAS_NO_IDS), "the copied reference keeps no id of the page"
    entry = page.locator(f"[id='{ref.get_attribute('href')[1:]}']")
    assert card.locator(".cite-card__text a").count() == entry.locator(".reference__text a").count()
    assert card.locator(".reference__archive").count() == entry.locator(".reference__archive").count()
    column = page.locator("#article-body").bounding_box()
    assert_within(card.bounding_box(), column["x"], column["x"] + column["width"], "text column")


def assert_accessible(page, state: str) -> None:
    violations = run_axe(page)
    assert violations == [], f"{state}: {format_violations(violations)}"


def tab_to(page, ref, limit: int = 400) -> None:
    """Press Tab until `ref` has focus, as a keyboard user would."""
    handle = ref.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("el => document.activeElement === el", handle):
            return
    raise AssertionError("Tab never reached the citation")


def test_hovering_a_citation_shows_its_reference_and_moving_away_hides_it(cited_url, page_factory):
    watched = page_factory(cited_url)
    page = watched.page
    refs = page.locator(REF)
    assert refs.count() >= 2, "the sample's cited article has at least two citation links"
    first, second = refs.nth(0), refs.nth(1)
    first.scroll_into_view_if_needed()
    paragraph = first.locator("xpath=ancestor::p[1]")
    before = (first.bounding_box(), paragraph.bounding_box())
    first.hover()
    assert_shows_its_reference(page, first)
    assert (first.bounding_box(), paragraph.bounding_box()) == before, "the card moves no text"
    assert page.url == cited_url, "hovering follows nothing"
    card_of(page, first).hover()  # the pointer can rest on the card without losing it
    assert card_of(page, first).is_visible()
    second.scroll_into_view_if_needed()
    second.hover()
    assert_shows_its_reference(page, second)
    assert card_of(page, first).is_hidden() and first.get_attribute("aria-expanded") == "false", \
        "one card at a time"
    page.mouse.move(1, 1)
    card_of(page, second).wait_for(state="hidden")
    assert second.get_attribute("aria-expanded") == "false"
    assert watched.problems() == []


def test_keyboard_focus_shows_the_card_and_escape_hides_it(cited_url, page_factory):
    watched = page_factory(cited_url)
    page = watched.page
    ref = page.locator(REF).first
    tab_to(page, ref)
    assert_shows_its_reference(page, ref)
    page.keyboard.press("Escape")
    card_of(page, ref).wait_for(state="hidden")
    assert ref.get_attribute("aria-expanded") == "false"
    assert ref.evaluate("el => document.activeElement === el"), "Escape leaves focus on the citation"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    card_of(page, ref).wait_for(state="visible")
    page.keyboard.press("Tab")  # on into the card's links, if it has any, or on to what follows
    if not card_of(page, ref).evaluate("card => card.contains(document.activeElement)"):
        card_of(page, ref).wait_for(state="hidden")
    assert watched.problems() == []


def test_every_citation_shows_its_own_reference_footnotes_included(cited_url, page_factory):
    watched = page_factory(cited_url)
    page = watched.page
    refs = page.locator(REF)
    for index in range(refs.count()):
        ref = refs.nth(index)
        if not ref.is_visible():  # a copy inside a closed footnote popover
            continue
        ref.focus()
        assert_shows_its_reference(page, ref)
        page.keyboard.press("Escape")
        card_of(page, ref).wait_for(state="hidden")
    assert watched.problems() == []


def test_on_a_phone_a_tap_shows_the_card_inside_the_screen(cited_url, page_factory):
    watched = page_factory(cited_url, viewport=PHONE)
    page = watched.page
    refs = page.locator(REF)
    for index in range(refs.count()):
        ref = refs.nth(index)
        if not ref.is_visible():
            continue
        ref.scroll_into_view_if_needed()
        ref.tap()
        assert_shows_its_reference(page, ref)
        assert page.url == cited_url, "the first tap shows the card instead of jumping"
        assert_within(card_of(page, ref).bounding_box(), 0, PHONE.width, f"{PHONE.width}px screen")
        assert_no_overflow(page)
        page.keyboard.press("Escape")
        card_of(page, ref).wait_for(state="hidden")
    assert watched.problems() == []


def test_a_citation_leads_to_its_reference_and_the_reference_back_to_it(cited_url, page_factory):
    watched = page_factory(cited_url, reduced_motion="reduce")  # jumps land at once, without smooth scrolling
    page = watched.page
    ref = page.locator(REF).first
    target = ref.get_attribute("href")
    citation_id = ref.locator("xpath=ancestor::span[contains(@class, 'citation')][1]").get_attribute("id")
    ref.click()
    assert page.url.endswith(target), "a click with the mouse goes to the entry"
    entry = page.locator(f"[id='{target[1:]}']")
    assert entry.evaluate("el => el.matches(':target')")
    back = entry.locator(f".ref-back[href='#{citation_id}']")
    assert back.get_attribute("role") == "doc-backlink" and back.get_attribute("aria-label")
    back.click()
    assert page.url.endswith(f"#{citation_id}")
    assert page.locator(f"[id='{citation_id}']").evaluate(
        "el => el.matches(':target') && el.getBoundingClientRect().top >= 0"
        " && el.getBoundingClientRect().bottom <= innerHeight")


def test_without_javascript_a_citation_jumps_to_its_entry(cited_url, page_factory):
    watched = page_factory(cited_url, java_script_enabled=False)
    page = watched.page
    ref = page.locator(REF).first
    target = ref.get_attribute("href")
    ref.click()
    assert re.search(re.escape(target) + "$", page.url)
    assert page.locator(f"[id='{target[1:]}'] .reference__text").is_visible()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_axe_finds_nothing_with_a_card_open(cited_url, page_factory, theme):
    watched = page_factory(cited_url)
    page = watched.page
    page.evaluate("t => localStorage.setItem('archivist.theme', t)", theme)
    watched.goto(cited_url)
    ref = page.locator(REF).first
    ref.focus()
    card_of(page, ref).wait_for(state="visible")
    assert_accessible(page, f"{theme} theme, reference card open")
    assert card_of(page, ref).is_visible()


def test_print_hides_the_cards_and_keeps_the_references(cited_url, page_factory):
    watched = page_factory(cited_url)
    page = watched.page
    ref = page.locator(REF).first
    ref.focus()
    card_of(page, ref).wait_for(state="visible")
    page.emulate_media(media="print")
    assert card_of(page, ref).is_hidden()
    assert page.locator("#references .reference").first.is_visible()
    assert page.locator("#references .ref-back").first.is_hidden()
    doubled = page.evaluate("""() => [...document.querySelectorAll('#references a')].filter(a => {
        const after = getComputedStyle(a, '::after').content;
        return after && after !== 'none' && after !== 'normal' && after.includes(a.getAttribute('href'));
      }).length""")
    assert doubled == 0, "printed references show each address once"
