"""axe-core runs inside the page, finds real violations and explains them readably."""

from __future__ import annotations

from typing import Callable

from support.axe import format_violations, run_axe
from support.browser import WatchedPage

CLEAN = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Clean</title></head>
<body><header><p>Archive</p></header><main><h1>Clean page</h1>
<label for="q">Search</label><input id="q" type="search"></main></body></html>"""
UNLABELLED = CLEAN.replace('<label for="q">Search</label>', "")
# A strict policy: the harness must still get axe into the page.
LOCKED = CLEAN.replace("<title>", "<meta http-equiv=\"Content-Security-Policy\" content=\"script-src 'none'\"><title>")
OpenPage = Callable[..., WatchedPage]


def open_html(page_factory: OpenPage, html: str) -> WatchedPage:
    watched = page_factory()
    watched.page.set_content(html)
    return watched


def test_clean_page_has_no_violations(page_factory: OpenPage) -> None:
    violations = run_axe(open_html(page_factory, CLEAN).page)
    assert violations == [], format_violations(violations)


def test_unlabelled_input_is_a_violation(page_factory: OpenPage) -> None:
    violations = run_axe(open_html(page_factory, UNLABELLED).page)
    assert "label" in {v["id"] for v in violations}
    report = format_violations(violations)
    assert "- label (critical)" in report
    assert "at #q:" in report


def test_axe_runs_despite_a_content_security_policy(page_factory: OpenPage) -> None:
    page = open_html(page_factory, LOCKED.replace('<label for="q">Search</label>', "")).page
    assert "label" in {v["id"] for v in run_axe(page)}


def test_disabled_rules_are_skipped(page_factory: OpenPage) -> None:
    page = open_html(page_factory, UNLABELLED).page
    assert "label" not in {v["id"] for v in run_axe(page, disabled_rules=["label"])}


def test_format_of_no_violations() -> None:
    assert format_violations([]) == "no accessibility violations"
