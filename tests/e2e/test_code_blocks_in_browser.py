"""Code blocks on a phone, as a reader meets them in Chromium: coloured in the light and dark
themes (chosen or automatic), scrolling inside their box, copied as plain code by keyboard,
line numbers kept out of the copy and the accessibility tree, and printed wrapped."""

from __future__ import annotations

import re

import pytest

from support import REPO_ROOT
from support.axe import format_violations, run_axe
from support.browser import PHONE, assert_no_overflow, save_screenshot
from support.vnu import validate_html

SLUG = "cleaning-gazetteer-ocr"
SOURCE = REPO_ROOT / "content" / "articles" / f"{SLUG}.md"
CLIPBOARD = {"permissions": ["clipboard-read", "clipboard-write"]}
# The keyword colour of archivist.css (--code-keyword) in each theme.
KEYWORD = {"light": "rgb(139, 29, 107)", "dark": "rgb(240, 163, 214)"}
NUMBERED = "pre.code--numbered"  # the cleaner, numbered from 1 with lines 6 and 12-13 marked


def fenced_code(opening: str) -> str:
    """The code of the block that opens with this fence line, straight from the article's source."""
    lines = SOURCE.read_text(encoding="utf-8").split("\n")
    start = lines.index(opening) + 1
    end = lines.index(opening[:3], start)
    return "\n".join(lines[start:end])


def open_code_article(page_factory, site, theme: str, **options):
    """The article on a phone; 'auto-dark' leaves the theme to the system, which prefers dark."""
    scheme = "dark" if theme == "auto-dark" else "light"
    watched = page_factory(None, viewport=PHONE, color_scheme=scheme, **options)
    if theme in ("light", "dark"):
        watched.page.add_init_script(f"localStorage.setItem('archivist.theme', '{theme}')")
    watched.goto(site.url_for(f"articles/{SLUG}/"))
    watched.page.wait_for_selector(".code-block__copy")
    return watched


@pytest.mark.parametrize("theme", ["light", "dark", "auto-dark"])
def test_code_is_coloured_readable_and_fits_a_phone(served_sample, page_factory, screenshot_dir, theme):
    watched = open_code_article(page_factory, served_sample, theme)
    page = watched.page
    assert page.get_attribute("html", "data-theme") == (None if theme == "auto-dark" else theme)
    keyword = page.locator("pre.code .k").first
    assert keyword.evaluate("k => getComputedStyle(k).color") == KEYWORD["light" if theme == "light" else "dark"]
    assert page.locator("pre.code span.s").count() > 5 and page.locator("pre.code span.c").count() > 0
    assert_no_overflow(page)
    violations = run_axe(page)
    assert violations == [], format_violations(violations)
    assert watched.problems() == []
    save_screenshot(page, screenshot_dir, f"code-blocks-{theme}-phone")


def test_the_copy_button_copies_the_plain_code_by_keyboard(served_sample, page_factory):
    watched = open_code_article(page_factory, served_sample, "light", **CLIPBOARD)
    page = watched.page
    button = page.locator(f".code-block:has({NUMBERED}) .code-block__copy").first
    assert button.get_attribute("aria-label") == "Copy code" and button.inner_text() == "Copy"
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('.code-block__copy[data-state=done]') !== null")
    expected = fenced_code('```{.python .numberLines startFrom="1" hl_lines="6 12-13"}')
    assert page.evaluate("navigator.clipboard.readText()") == expected
    assert page.locator("#article-body [role=status]").inner_text() == "Copied"
    # a chunk's options are not part of the listing, so they are not copied either
    page.locator(".code-block:has(code.language-r) .code-block__copy").click()
    page.wait_for_function("() => navigator.clipboard.readText().then(t => t.startsWith('library(DBI)'))")
    assert "#|" not in page.evaluate("navigator.clipboard.readText()")


def test_line_numbers_are_drawn_not_read_and_marked_lines_are_not_colour_alone(served_sample, page_factory):
    watched = open_code_article(page_factory, served_sample, "light")
    page = watched.page
    block = page.locator(NUMBERED).first
    numbers = block.locator(".ln").evaluate_all("ns => ns.map(n => getComputedStyle(n, '::before').content)")
    assert numbers[:3] == ['"1" / ""', '"2" / ""', '"3" / ""'] or numbers[:3] == ['"1"', '"2"', '"3"']
    tree = block.aria_snapshot()
    assert "import re" in tree and not re.search(r"\b1\s*import re", tree)
    assert block.locator(".ln").first.get_attribute("aria-hidden") == "true"
    marked = block.locator("mark.line")
    assert marked.count() == 3 and "HYPHENATED = re.compile" in marked.first.inner_text()
    border = marked.first.evaluate("m => [getComputedStyle(m).borderLeftStyle, getComputedStyle(m).borderLeftWidth]")
    assert border[0] == "solid" and float(border[1].removesuffix("px")) >= 3
    page.emulate_media(media="print")
    assert marked.first.evaluate("m => getComputedStyle(m).borderLeftStyle") == "solid"


def test_wide_code_scrolls_inside_its_box_by_keyboard_and_wraps_in_print(served_sample, page_factory):
    watched = open_code_article(page_factory, served_sample, "light")
    page = watched.page
    wide = page.locator("pre.code", has_text="yield {").first
    assert wide.evaluate("p => p.scrollWidth > p.clientWidth + 100")
    assert wide.get_attribute("tabindex") == "0" and wide.get_attribute("role") == "region"
    assert wide.get_attribute("aria-label") == "Code 3 (Python)"
    wide.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("p => p.scrollLeft > 0", arg=wide.element_handle())
    assert_no_overflow(page)
    page.emulate_media(media="print")
    assert wide.evaluate("p => getComputedStyle(p).whiteSpace") == "pre-wrap"
    assert wide.evaluate("p => p.scrollWidth <= p.clientWidth")
    assert page.locator(".code-block__bar").first.is_hidden()


def test_without_javascript_the_code_is_there_without_a_button(served_sample, page_factory):
    watched = page_factory(served_sample.url_for(f"articles/{SLUG}/"), viewport=PHONE, java_script_enabled=False)
    page = watched.page
    assert page.locator("pre.code").count() == 8
    assert page.locator(".code-block__copy").count() == 0
    assert page.locator("pre.code .nf").first.inner_text() == "clean_page"


def test_the_code_article_passes_the_nu_html_checker(sample_site):
    page = sample_site / "articles" / SLUG / "index.html"
    report = validate_html(page)
    assert not report.all_errors(), report.format_errors(relative_to=sample_site)
