"""The browser helpers see overflow, console errors, off-site requests and phone emulation."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

import pytest

from support.browser import PHONE, WatchedPage, assert_no_overflow, horizontal_overflow, save_screenshot
from support.server import ServedSite, serve_site

HEAD = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>t</title></head>'
)


def html(body: str, head: str = HEAD) -> str:
    return f"{head}<body>{body}</body></html>"


PAGES = {
    "clean.html": html("<main><h1>Clean</h1><p>Short text.</p></main>"),
    "wide.html": html('<main><h1>Wide</h1><div id="banner" style="width:900px">wide</div></main>'),
    "long-word.html": html('<main><h1>Long</h1><p id="doi">' + "x" * 120 + "</p></main>"),
    "no-viewport.html": html("<h1>Fixed</h1>", head=HEAD.replace("width=device-width, ", "width=980, ")),
    "noisy.html": html("<h1>Noisy</h1><script>console.error('boom'); missingFunction();</script>"),
    "offsite.html": html(
        '<h1>Off</h1><img alt="" src="https://example.com/x.png">'
        '<link rel="stylesheet" href="https://fonts.example.net/a.css">'
    ),
    "broken-asset.html": html('<h1>Asset</h1><img alt="" src="missing.png">'),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    root = tmp_path_factory.mktemp("browser-site")
    for name, text in PAGES.items():
        (root / name).write_text(text, encoding="utf-8")
    with serve_site(root, "/archive/") as served:
        yield served


OpenPage = Callable[..., WatchedPage]


def test_clean_page_has_no_problems(page_factory: OpenPage, site: ServedSite) -> None:
    watched = page_factory(site.url_for("clean"), viewport="phone")
    assert watched.problems() == []
    assert horizontal_overflow(watched.page) == 0
    assert_no_overflow(watched.page)


def test_overflow_is_detected_and_explained(page_factory: OpenPage, site: ServedSite) -> None:
    watched = page_factory(site.url_for("wide"), viewport="phone")
    assert horizontal_overflow(watched.page) > 0
    with pytest.raises(AssertionError, match="div#banner reaches 9"):
        assert_no_overflow(watched.page)


def test_text_spilling_out_of_its_box_is_explained(page_factory: OpenPage, site: ServedSite) -> None:
    watched = page_factory(site.url_for("long-word"), viewport="phone")
    assert horizontal_overflow(watched.page) > 0
    with pytest.raises(AssertionError, match=r"p#doi holds \d+px of content in \d+px"):
        assert_no_overflow(watched.page)


def test_page_laid_out_wider_than_a_phone_is_caught(page_factory: OpenPage, site: ServedSite) -> None:
    watched = page_factory(site.url_for("no-viewport"), viewport="phone")
    with pytest.raises(AssertionError, match="laid out 980px wide on a 375px screen"):
        assert_no_overflow(watched.page)


def test_wide_content_fits_on_desktop(page_factory: OpenPage, site: ServedSite) -> None:
    watched = page_factory(site.url_for("wide"))
    assert horizontal_overflow(watched.page) == 0
    assert_no_overflow(watched.page)


def test_console_errors_and_exceptions_are_collected(page_factory: OpenPage, site: ServedSite) -> None:
    watched = page_factory(site.url_for("noisy"))
    assert any("boom" in e for e in watched.console_errors)
    assert any("missingFunction" in e for e in watched.page_errors)


def test_requests_to_other_hosts_are_blocked_and_recorded(page_factory: OpenPage, site: ServedSite) -> None:
    watched = page_factory(site.url_for("offsite"))
    assert sorted(watched.blocked_requests) == ["https://example.com/x.png", "https://fonts.example.net/a.css"]
    assert not any(r.path.endswith("x.png") for r in site.requests)


def test_error_responses_are_recorded(page_factory: OpenPage, site: ServedSite) -> None:
    watched = page_factory(site.url_for("broken-asset"))
    assert any(e.startswith("404 ") and e.endswith("/archive/missing.png") for e in watched.error_responses)


def test_missing_page_fails_navigation(page_factory: OpenPage, site: ServedSite) -> None:
    with pytest.raises(AssertionError, match="answered 404"):
        page_factory(site.url_for("no-such-page"))


def test_phone_emulation(page_factory: OpenPage, site: ServedSite) -> None:
    watched = page_factory(site.url_for("clean"), viewport=PHONE)
    width, ratio, touch = watched.page.evaluate(
        "[window.innerWidth, window.devicePixelRatio, navigator.maxTouchPoints > 0]"
    )
    assert (width, ratio, touch) == (375, 2, True)


def test_full_page_screenshot(page_factory: OpenPage, site: ServedSite, tmp_path: Path) -> None:
    watched = page_factory(site.url_for("clean"))
    shot = save_screenshot(watched.page, tmp_path / "shots", "clean page/desktop")
    assert shot == tmp_path / "shots" / "clean-page-desktop.png"
    assert shot.read_bytes().startswith(b"\x89PNG")
