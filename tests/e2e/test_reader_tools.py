"""Reader tools on article pages, used as a reader would in Chromium: with the mouse and keyboard only."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import REPO_ROOT
from support.axe import format_violations, run_axe
from support.browser import PHONE, Viewport, assert_no_overflow
from support.server import serve_site

SLUG = "counting-barges-on-the-elbe"
ARTICLE_SOURCE = REPO_ROOT / "content" / "articles" / SLUG / "index.md"
BASE_URL = "https://example.org/archive/"
PAGE_URL = f"{BASE_URL}articles/{SLUG}/"
ZOOMED = Viewport("zoom-200", 640, 400)  # a 1280 x 800 window at 200 % browser zoom
PHRASE = "the number of days without entries during the sailing season"  # in paragraph 5
CLIPBOARD = {"permissions": ["clipboard-read", "clipboard-write"]}
HAND_CHECKED = {  # what citeproc-js gives for paragraph 7 of the sample article, checked by hand
    "apa": "(Hartmann & Whitcombe, 2021, para. 7)",
    "modern-language-association": "(Hartmann and Whitcombe, par. 7)",
    "chicago-notes-bibliography": "Lotte Hartmann and Thomas R. Whitcombe Jr., “Counting Barges: Toll Registers as "
    "Evidence for River Traffic on the Elbe, 1650–1720,” Ledger and Letter 14, no. 2 (2021): para. 7, "
    "https://doi.org/10.99999/ll.2021.014.",
}

SELECT_PHRASE = """([id, phrase]) => {
  const walker = document.createTreeWalker(document.getElementById(id), NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, at = node.data.indexOf(phrase);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at); range.setEnd(node, at + phrase.length);
    getSelection().removeAllRanges(); getSelection().addRange(range);
    return true;
  }
  return false;
}"""


# Records <html>'s reader settings when <body> first appears, i.e. before the first paint.
AT_BODY = """new MutationObserver((records, observer) => {
  if (!document.body) return;
  const root = document.documentElement;
  window.atBody = {theme: root.dataset.theme || null, size: root.dataset.textSize || null};
  observer.disconnect();
}).observe(document, {childList: true, subtree: true});"""


def article_url(site, slug: str = SLUG) -> str:
    return site.url_for(f"articles/{slug}/")


def footnoted_slug(site_root: Path) -> str:
    """An article of the sample whose text has footnotes."""
    for page in sorted((site_root / "articles").glob("*/index.html")):
        if 'role="doc-noteref"' in page.read_text(encoding="utf-8"):
            return page.parent.name
    raise AssertionError("no sample article has footnotes")


def open_article(page_factory, site, viewport="desktop", **options):
    watched = page_factory(article_url(site), viewport=viewport, **options)
    watched.page.wait_for_selector("[data-reader-tools]:not([hidden])")
    return watched


def select(page, paragraph_id: str, phrase: str) -> None:
    assert page.evaluate(SELECT_PHRASE, [paragraph_id, phrase]), phrase
    page.wait_for_selector("[data-selection-bar]:not([hidden])")


def tab_to(page, selector: str, limit: int = 120) -> None:
    """Press Tab until the element matching `selector` has focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def assert_accessible(page, state: str) -> None:
    violations = run_axe(page)
    assert violations == [], f"{state}: {format_violations(violations)}"


def stored_notes(page) -> list[dict]:
    return json.loads(page.evaluate(f"localStorage.getItem('archivist.notes:{PAGE_URL}') || '[]'"))


# ---------- Cite this passage ----------

def expected_pinpoints(site_root: Path, number: str) -> dict[str, str]:
    """Each configured style's citation of this paragraph, straight from citeproc-js."""
    from archivist.citations.engine import CitationEngine
    from archivist.citations.styles import citation_language, forced_locale
    from archivist.config import load

    config = load(REPO_ROOT)
    exported = json.loads((site_root / "articles" / SLUG / "cite.json").read_text(encoding="utf-8"))
    item = exported[0] if isinstance(exported, list) else exported
    lang = citation_language(config.citation_locale, config.language, item.get("language", ""))
    with CitationEngine([REPO_ROOT / d for d in config.csl_dirs], forced_locale(config.citation_locale)) as engine:
        return {style: engine.citation(item, style, lang, number, "paragraph").text for style in config.citation_styles}


def test_the_passage_panel_gives_the_link_and_citeproc_pinpoints(sample_site, served_sample, page_factory):
    watched = open_article(page_factory, served_sample, **CLIPBOARD)
    page = watched.page
    assert page.locator("#article-body p[tabindex]").count() == 0, "paragraphs must not be tab stops"
    # figures above load lazily and can move #p7 from under the pointer: hover again until it holds
    for _attempt in range(20):
        page.hover("#p7")
        if page.locator("#p7 .passage-mark").evaluate("m => getComputedStyle(m).opacity") == "1":
            break
        page.wait_for_timeout(250)
    assert page.locator("#p7 .passage-mark").evaluate("m => getComputedStyle(m).opacity") == "1"
    page.click("#p7 .passage-mark")
    panel = page.locator("#passage-panel")
    assert panel.evaluate("d => d.open")
    assert page.url.endswith("#p7")
    assert panel.locator("[data-passage-link]").inner_text() == PAGE_URL + "#p7"
    shown = {el.get_attribute("data-csl-style"): el.inner_text().strip()
             for el in panel.locator(".passage-panel__citation").all()}
    assert shown == expected_pinpoints(sample_site, "7")
    for style, text in HAND_CHECKED.items():
        assert shown[style] == text
    assert "999999" not in panel.inner_text()
    panel.locator("[data-copy-pinpoint='1'][data-format='text']").click()
    assert page.evaluate("navigator.clipboard.readText()") == HAND_CHECKED["apa"]
    assert_accessible(page, "passage panel open")
    page.keyboard.press("Escape")
    assert not panel.evaluate("d => d.open")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#p7"
    assert watched.problems() == []


def test_the_passage_panel_works_from_the_keyboard(served_sample, page_factory):
    watched = open_article(page_factory, served_sample, **CLIPBOARD)
    page = watched.page
    tab_to(page, "#p1 .passage-mark")
    assert page.locator("#p1 .passage-mark").evaluate("m => getComputedStyle(m).opacity") == "1"
    page.keyboard.press("Enter")
    tab_to(page, "[data-copy-passage-link]", limit=10)
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('[data-copy-passage-link]').dataset.state === 'done'")
    assert page.evaluate("navigator.clipboard.readText()") == PAGE_URL + "#p1"
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#p1"


# ---------- Notes and highlights ----------

def test_a_highlight_survives_a_reload_and_a_correction_of_the_article(sample_site, page_factory, tmp_path):
    served_copy = tmp_path / "site"
    shutil.copytree(sample_site, served_copy)
    with serve_site(served_copy, "/archive/") as site:
        watched = open_article(page_factory, site)
        page = watched.page
        select(page, "p5", PHRASE)
        page.click("[data-highlight='green']")
        assert page.locator("#p5 mark.reader-mark[data-colour='green']").inner_text() == PHRASE
        before = stored_notes(page)[0]["start"]
        page.reload()
        assert page.locator("#p5 mark.reader-mark").inner_text() == PHRASE

        corrected = rebuild_with_longer_second_paragraph(tmp_path)
        shutil.copy(corrected / "articles" / SLUG / "index.html", served_copy / "articles" / SLUG / "index.html")
        page.reload()
        assert "A corrected sentence" in page.inner_text("#p2")
        assert page.locator("#p5 mark.reader-mark[data-colour='green']").inner_text() == PHRASE
        assert stored_notes(page)[0]["start"] > before
        # a reload cancels images still loading lazily; that is the browser's doing, not the page's
        assert [p for p in watched.problems() if "net::ERR_ABORTED" not in p] == []


def rebuild_with_longer_second_paragraph(tmp_path: Path) -> Path:
    """The sample site built again with a sentence added to paragraph 2, before the highlight."""
    project = tmp_path / "project"
    project.mkdir()
    for name in ("pyproject.toml", "build.py"):
        shutil.copy(REPO_ROOT / name, project / name)
    shutil.copytree(REPO_ROOT / "content", project / "content")
    cache = REPO_ROOT / ".cache" / "archivist" / "citations"
    if cache.is_dir():  # a warm citation cache only saves time; the build is the same without it
        shutil.copytree(cache, project / ".cache" / "archivist" / "citations")
    source = project / "content" / "articles" / SLUG / "index.md"
    text = source.read_text(encoding="utf-8")
    opening = "The Lenzen registers survive"
    assert opening in text
    source.write_text(text.replace(opening, "A corrected sentence now opens this paragraph. " + opening), encoding="utf-8")
    output = tmp_path / "corrected"
    done = subprocess.run([sys.executable, "build.py", "build", "--output", str(output), "--base-url", BASE_URL,
                           "-q", "--no-search"], cwd=project, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    return output


def test_a_lost_quote_is_listed_as_no_longer_found(served_sample, page_factory):
    watched = open_article(page_factory, served_sample)
    page = watched.page
    gone = {"id": "gone1", "exact": "words the corrected article no longer has", "prefix": "", "suffix": "",
            "start": 10, "colour": "pink", "note": "kept anyway"}
    page.evaluate("([key, v]) => localStorage.setItem(key, v)", [f"archivist.notes:{PAGE_URL}", json.dumps([gone])])
    page.reload()
    page.click("[data-open-notes]")
    item = page.locator(".notes-list__item")
    assert item.count() == 1
    assert "No longer found in the text" in item.inner_text()
    assert page.locator("mark.reader-mark").count() == 0


def test_notes_are_added_listed_edited_exported_deleted_and_imported(served_sample, page_factory, tmp_path):
    watched = open_article(page_factory, served_sample)
    page = watched.page
    select(page, "p5", PHRASE)
    page.click("[data-add-note]")
    assert page.locator("#note-editor [data-delete-note]").is_hidden(), "nothing to delete in a new note"
    page.fill("#note-editor-text", "Compare with the Dömitz register.")
    page.click("#note-editor button[type=submit]")
    mark = page.locator("#p5 mark.reader-mark")
    assert mark.inner_text() == PHRASE
    description = mark.evaluate("m => document.getElementById(m.getAttribute('aria-describedby')).textContent")
    assert description == "Your note: Compare with the Dömitz register."
    assert page.inner_text("[data-notes-count]") == "1"

    page.click("[data-open-notes]")
    assert_accessible(page, "notes panel open")
    page.click("[data-note-action='edit']")
    page.fill("#note-editor-text", "Compare with Dömitz and Wittenberge.")
    page.check("#note-editor input[value='blue']")
    page.click("#note-editor button[type=submit]")
    listed = page.locator(".notes-list__item")
    assert "Compare with Dömitz and Wittenberge." in listed.inner_text()
    assert "Paragraph 5" in listed.inner_text()
    assert page.locator("#p5 mark.reader-mark").get_attribute("data-colour") == "blue"

    exported = {}
    for kind in ("json", "markdown"):
        with page.expect_download() as download:
            page.click(f"[data-export='{kind}']")
        exported[kind] = Path(download.value.path()).read_text(encoding="utf-8")
    saved = json.loads(exported["json"])
    apa = page.locator("#cite [data-csl-style='apa']").get_attribute("data-plain-text")
    assert saved["article"] == {"title": page.inner_text("h1.article-title"), "url": PAGE_URL, "citation": apa}
    assert saved["notes"][0]["link"] == PAGE_URL + "#p5"
    assert saved["notes"][0]["exact"] == PHRASE
    for expected in (apa, f"<{PAGE_URL}#p5>", f"> {PHRASE}", "Compare with Dömitz and Wittenberge."):
        assert expected in exported["markdown"]

    page.click("[data-note-action='delete']")
    assert page.locator(".notes-list__item").count() == 0
    assert page.locator("mark.reader-mark").count() == 0
    backup = tmp_path / "notes.json"
    backup.write_text(exported["json"], encoding="utf-8")
    page.set_input_files("[data-import-notes]", str(backup))
    page.wait_for_selector(".notes-list__item")
    assert "Imported 1 note." in page.inner_text("[data-notes-status]")
    page.keyboard.press("Escape")
    page.reload()
    assert page.locator("#p5 mark.reader-mark[data-colour='blue']").inner_text() == PHRASE
    assert watched.problems() == []


def test_the_selection_bar_is_reached_with_a_shortcut_and_offers_look_up(served_sample, page_factory):
    watched = open_article(page_factory, served_sample)
    page = watched.page
    select(page, "p6", "frei")
    look_up = page.locator("[data-look-up]")
    assert look_up.get_attribute("href") == "https://en.wiktionary.org/wiki/frei"
    assert look_up.get_attribute("target") == "_blank"
    assert "noopener" in look_up.get_attribute("rel").split()
    assert_accessible(page, "selection bar shown")
    page.keyboard.press("Alt+Shift+H")
    assert page.evaluate("document.activeElement.dataset.highlight") == "yellow"
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.dataset.highlight") == "green"
    page.keyboard.press("End")
    assert page.evaluate("document.activeElement.hasAttribute('data-look-up')")
    page.keyboard.press("Home")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.tagName") == "MARK"
    assert page.locator("#p6 mark.reader-mark[data-colour='yellow']").inner_text() == "frei"
    select(page, "p2", "The Lenzen registers survive")
    page.wait_for_selector("[data-look-up]", state="hidden")  # Look up is for one word


def test_a_paragraph_can_be_noted_from_the_keyboard_alone(served_sample, page_factory):
    watched = open_article(page_factory, served_sample)
    page = watched.page
    tab_to(page, "#p3 .passage-mark")
    page.keyboard.press("Enter")
    tab_to(page, "[data-note-paragraph]", limit=10)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "note-editor-text"
    page.keyboard.type("Check the 1650s dip.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Save
    assert page.locator("#p3 mark.reader-mark").count() >= 1
    assert stored_notes(page)[0]["note"] == "Check the 1650s dip."
    tab_to(page, "[data-open-notes]")
    page.keyboard.press("Enter")
    tab_to(page, "[data-note-action='show']", limit=15)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.closest('#p3') !== null")


# ---------- Text size, theme, reading mode, full screen, print ----------

def test_text_size_steps_are_remembered_and_never_overflow(served_sample, page_factory):
    watched = open_article(page_factory, served_sample, viewport=PHONE)
    page = watched.page
    size = lambda: page.evaluate("parseFloat(getComputedStyle(document.getElementById('p1')).fontSize)")  # noqa: E731
    sizes = [size()]
    assert page.get_attribute("[data-text-size='reset']", "aria-disabled") == "true"
    for _ in range(2):
        page.click("[data-text-size='smaller']")
        sizes.insert(0, size())
        assert_no_overflow(page)
    page.click("[data-text-size='reset']")
    while page.get_attribute("[data-text-size='larger']", "aria-disabled") != "true":
        page.click("[data-text-size='larger']")
        sizes.append(size())
        assert_no_overflow(page)
    assert sizes == sorted(sizes) and len(set(sizes)) == 7, sizes
    page.add_init_script(AT_BODY)
    watched.goto(served_sample.url_for("articles/letters-in-transit/"))
    assert page.evaluate("window.atBody.size") == "4"
    assert_no_overflow(page)
    zoomed = page_factory(article_url(served_sample), viewport=ZOOMED)
    for step in ("-2", "0", "4"):
        zoomed.page.evaluate("s => localStorage.setItem('archivist.textSize', s)", step)
        zoomed.page.reload()
        assert_no_overflow(zoomed.page)


def test_the_theme_switch_is_remembered(served_sample, page_factory):
    watched = open_article(page_factory, served_sample, color_scheme="light")
    page = watched.page
    background = lambda: page.evaluate("getComputedStyle(document.body).backgroundColor")  # noqa: E731
    light = background()
    page.click("[data-theme-choice='dark']")
    assert page.get_attribute("html", "data-theme") == "dark"
    dark = background()
    assert dark != light
    assert_accessible(page, "dark theme")
    page.add_init_script(AT_BODY)
    watched.goto(served_sample.url)
    assert page.evaluate("window.atBody.theme") == "dark"
    watched.goto(article_url(served_sample))
    assert page.get_attribute("[data-theme-choice='dark']", "aria-pressed") == "true"
    page.click("[data-theme-choice='auto']")
    assert page.get_attribute("html", "data-theme") is None
    assert background() == light


def test_reading_mode_and_full_screen(served_sample, page_factory):
    watched = open_article(page_factory, served_sample)
    page = watched.page
    tab_to(page, "[data-reading-mode]")
    page.keyboard.press("Enter")
    assert page.get_attribute("[data-reading-mode]:not(html)", "aria-pressed") == "true"
    for hidden in (".site-header", ".site-footer", ".record", ".cite", ".breadcrumbs"):
        assert page.locator(hidden).is_hidden(), hidden
    assert page.locator(".toc").is_visible() and page.locator("#p1").is_visible()
    assert_accessible(page, "reading mode")
    page.keyboard.press("Enter")
    assert page.locator(".site-header").is_visible()
    full = page.locator("[data-full-screen]")
    assert full.is_visible() == page.evaluate("document.fullscreenEnabled")
    full.click()
    page.wait_for_selector("[data-full-screen][aria-pressed='true']")
    assert page.evaluate("document.fullscreenElement === document.documentElement")
    assert page.locator(".site-header").is_hidden()
    full.click()
    page.wait_for_selector("[data-full-screen][aria-pressed='false']")
    assert page.evaluate("document.fullscreenElement === null")
    assert page.locator(".site-header").is_visible()
    phone = open_article(page_factory, served_sample, viewport=PHONE)
    phone.page.click("[data-reading-mode]:not(html)")
    assert phone.page.locator(".toc").is_hidden()
    assert_no_overflow(phone.page)


def test_print_keeps_the_text_notes_and_citation_but_not_the_tools(served_sample, page_factory):
    watched = open_article(page_factory, served_sample)
    page = watched.page
    page.evaluate("() => { window.print = () => { window.printed = (window.printed || 0) + 1; }; }")
    page.click("[data-print]")
    assert page.evaluate("window.printed") == 1
    page.emulate_media(media="print")
    assert page.locator("[data-reader-tools]").is_hidden()
    assert page.locator("#p1 .passage-mark").is_hidden()
    citation = page.locator(".print-citation")
    assert citation.is_visible()
    apa = page.locator("#cite [data-csl-style='apa']").get_attribute("data-plain-text")
    assert apa in " ".join(citation.inner_text().split())
    assert PAGE_URL in citation.inner_text()
    last = page.evaluate("[...document.querySelectorAll('.article__content > *')].filter("
                         "e => getComputedStyle(e).display !== 'none').map(e => e.className)")
    assert last.index("print-only print-citation") > last.index("article-body")


# ---------- Contents and footnotes ----------

def test_the_contents_mark_the_section_being_read(served_sample, page_factory):
    watched = open_article(page_factory, served_sample)
    page = watched.page
    for heading in ("exempt-cargoes", "what-the-series-shows", "conclusion"):
        # scrolled again on every poll: lazily loaded figures above may still shift the layout
        page.wait_for_function("id => { document.getElementById(id).scrollIntoView({block: 'start'});"
                               " return document.querySelector(`.toc a[href='#${id}']`)"
                               ".getAttribute('aria-current') === 'location'; }", arg=heading, polling=250)
        assert page.locator(".toc a[aria-current]").count() == 1
    phone = open_article(page_factory, served_sample, viewport=PHONE)
    assert phone.page.locator("#toc-details").evaluate("d => d.open") is False
    phone.page.click(".toc__summary")
    assert phone.page.locator(".toc__list").is_visible()


def test_footnotes_open_in_place_and_close_with_escape(sample_site, served_sample, page_factory):
    slug = footnoted_slug(sample_site)
    watched = page_factory(article_url(served_sample, slug))
    page = watched.page
    ref = page.locator("a[role='doc-noteref']").first
    popover_id = ref.get_attribute("aria-controls")
    popover = page.locator(f"#{popover_id}")
    note_text = " ".join(page.locator(ref.get_attribute("href")).inner_text().replace("↩", "").split())
    ref.click()
    assert ref.get_attribute("aria-expanded") == "true" and popover.is_visible()
    assert note_text[:60] in " ".join(popover.inner_text().split())
    placed, spot = popover.bounding_box(), ref.bounding_box()
    assert 0 <= placed["y"] - (spot["y"] + spot["height"]) <= 12, "the note opens just under its reference"
    column = page.locator("#article-body").bounding_box()
    assert column["x"] - 1 <= placed["x"] and placed["x"] + placed["width"] <= column["x"] + column["width"] + 1
    assert page.url.endswith(f"/{slug}/"), "a click opens the note in place instead of jumping"
    assert_accessible(page, "footnote open")
    page.keyboard.press("Escape")
    assert ref.get_attribute("aria-expanded") == "false" and popover.is_hidden()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # back onto the reference from the keyboard
    assert popover.is_visible()
    page.keyboard.press("Escape")
    assert popover.is_hidden()
    assert page.evaluate("document.activeElement.getAttribute('aria-controls')") == popover_id
    assert watched.problems() == []


def test_without_javascript_the_article_and_its_notes_still_work(sample_site, served_sample, page_factory):
    slug = footnoted_slug(sample_site)
    watched = page_factory(article_url(served_sample, slug), java_script_enabled=False)
    page = watched.page
    assert page.locator("[data-reader-tools]").is_hidden()
    assert page.locator("#p1").is_visible()
    page.locator("a[role='doc-noteref']").first.click()
    assert re.search(r"#fn-1$", page.url)
    assert page.locator("#fn-1").is_visible()


def test_axe_finds_nothing_on_a_phone_with_the_tools_in_use(served_sample, page_factory):
    watched = open_article(page_factory, served_sample, viewport=PHONE)
    page = watched.page
    select(page, "p4", "commercial recovery")
    page.click("[data-highlight='pink']")
    assert_accessible(page, "phone, highlight in the text")
    page.click("[data-open-notes]")
    assert_accessible(page, "phone, notes panel")
    assert_no_overflow(page)


@pytest.mark.parametrize("slug", ["waqf-deeds-urban-history", "hojeok-name-normalisation"])
def test_right_to_left_and_korean_articles_fit_a_phone_at_every_text_size(served_sample, page_factory, slug):
    watched = page_factory(article_url(served_sample, slug), viewport=PHONE)
    page = watched.page
    assert page.locator("[data-reader-tools]").is_visible()
    for step in ("-2", "0", "2", "4"):
        page.evaluate("s => localStorage.setItem('archivist.textSize', s)", step)
        watched.goto(article_url(served_sample, slug))
        assert_no_overflow(page)
    page.locator(".passage-mark").first.focus()
    page.keyboard.press("Enter")
    assert page.locator("#passage-panel").evaluate("d => d.open")
    assert_accessible(page, f"{slug}: passage panel on a phone")
