"""No script from content: a site whose every field and body carries XSS payloads builds into
pages that run none of them, load nothing from other hosts, and keep their JSON and XML valid."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any, Iterator

import pytest

from harness import CASES, REPO_ROOT, make_site
from support.browser import open_page
from support.server import ServedSite, serve_site
from html_checks import JSON_TYPES, collect, tag_problems
from xss_site import PNG, make_xss_site, payloads

BASE = "/site/"
WATCH_SCRIPT = """
window.__xss = window.__xss || 0;
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = () => { window.__xss = (window.__xss || 0) + 1; };
}
"""


def build(site: Path, output: Path) -> subprocess.CompletedProcess[str]:
    """The real command line, as a user runs it."""
    command = [sys.executable, str(REPO_ROOT / "build.py"), "--site", str(site), "build", "--output", str(output),
               "--base-url", f"http://127.0.0.1{BASE}", "-q"]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)


@pytest.fixture(scope="module")
def hostile_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = make_xss_site(tmp_path_factory.mktemp("xss") / "site")
    output = site.parent / "out"
    done = build(site, output)
    errors = [line for line in done.stderr.splitlines() if "error[" in line or "internal error" in line]
    assert done.returncode == 0, "\n".join(errors) or done.stderr[-3000:]
    CASES["XSS payloads, each placed in every field and body construct"] = len(payloads())
    return output


@pytest.fixture(scope="module")
def served(hostile_output: Path) -> Iterator[ServedSite]:
    with serve_site(hostile_output, BASE) as site:
        yield site


def html_pages(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


def test_pages_hold_no_content_controlled_script_or_handler(hostile_output: Path) -> None:
    pages = html_pages(hostile_output)
    assert len(pages) > 50, "the hostile site should make article, author, keyword and journal pages"
    found = []
    for page in pages:
        collector = collect(page)
        relative = page.relative_to(hostile_output)
        for tag, attributes in collector.tags:
            found += [f"{relative}: {problem}" for problem in tag_problems(tag, attributes)]
        for attributes, text in collector.scripts:
            if "src" in attributes:
                if not attributes["src"].startswith(f"{BASE}static/"):
                    found.append(f"{relative}: script from {attributes['src'][:80]!r}")
            elif attributes.get("type", "").lower() not in JSON_TYPES and "__xss" in text:
                found.append(f"{relative}: payload inside an inline script")
    assert not found, "\n".join(found[:40])


def test_json_in_script_elements_parses_and_cannot_close_its_element(hostile_output: Path) -> None:
    blocks = 0
    for page in html_pages(hostile_output):
        for attributes, text in collect(page).scripts:
            if attributes.get("type", "").lower() in JSON_TYPES:
                blocks += 1
                assert "</script" not in text.lower(), page
                assert "<!--" not in text, page
                json.loads(text)
    assert blocks >= 16, "every article page carries JSON-LD"


def test_feeds_and_xml_files_are_well_formed(hostile_output: Path) -> None:
    import feedparser

    documents = sorted(hostile_output.rglob("*.xml"))
    assert any(p.name == "feed.xml" for p in documents)
    for document in documents:
        ElementTree.parse(document)  # raises on any unescaped payload
        if document.name == "feed.xml":
            parsed: Any = feedparser.parse(document.read_bytes())
            assert not parsed.bozo, f"{document}: {parsed.get('bozo_exception')}"
            for entry in parsed.entries:
                assert "<script" not in json.dumps(entry.get("content", "")).lower(), document


def test_meta_tags_keep_payloads_as_inert_text(hostile_output: Path) -> None:
    """Titles and names reach <meta> tags escaped: the words survive, no markup does."""
    page = hostile_output / "articles" / "hostile-0" / "index.html"
    metas = [attributes for tag, attributes in collect(page).tags if tag == "meta"]
    assert any("__xss" in m.get("content", "") for m in metas), "payload text should survive in meta tags"
    raw = page.read_text(encoding="utf-8").lower()
    assert not re.search(r'<meta[^>]*content="[^"]*<', raw)


def page_urls(served: ServedSite, relative: str) -> list[str]:
    """A page's address; the search page also with queries and filters that match the payloads."""
    url = served.url_for(relative.removesuffix("index.html"))
    if not relative.startswith("search/"):
        return [url]
    queries = ["?q=window", "?q=script&keyword=k1", "?q=%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E",
               "?keyword=%3Cimg+src%3Dx+onerror%3Dwindow.__xss%3D1%3E&author=%22%3E%3Csvg+onload%3Dalert(1)%3E"]
    return [url] + [url + query for query in queries]


def visit_all(browser: Any, served: ServedSite, relatives: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Open each page for real; the URLs where a payload ran, the dialogs shown, the foreign requests."""
    watched = open_page(browser)
    dialogs: list[str] = []
    watched.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    watched.context.add_init_script(WATCH_SCRIPT)
    flagged = []
    try:
        for relative in relatives:
            for url in page_urls(served, relative):
                watched.page.goto(url, wait_until="load")
                watched.page.mouse.move(200, 300)  # an onmouseover that slipped through would fire
                if relative.startswith("search/"):
                    watched.page.wait_for_timeout(1500)  # results arrive after the index loads
                if watched.page.evaluate("window.__xss"):
                    flagged.append(url)
    finally:
        watched.close()
    return flagged, dialogs, list(watched.blocked_requests)


def test_no_page_runs_a_payload_in_chromium(hostile_output: Path, served: ServedSite, browser: Any) -> None:
    """Every HTML page opened for real: no dialog, no payload flag, no request to another host."""
    relatives = [page.relative_to(hostile_output).as_posix() for page in html_pages(hostile_output)]
    flagged, dialogs, foreign = visit_all(browser, served, relatives)
    CASES["hostile pages opened in Chromium"] += len(relatives)
    assert not flagged, f"payload ran on {flagged}"
    assert not dialogs, dialogs
    assert not foreign, foreign[:10]


def test_the_browser_check_sees_a_payload_that_runs(tmp_path: Path, browser: Any) -> None:
    """The control: an unescaped page trips every alarm the walk above relies on."""
    (tmp_path / "index.html").write_text(
        "<!doctype html><title>t</title><script>window.__xss=1</script><script>alert(1)</script>"
        "<img alt=a src='http://evil.invalid/x.png'>", encoding="utf-8")
    with serve_site(tmp_path, BASE) as site:
        flagged, _dialogs, foreign = visit_all(browser, site, ["index.html"])
    assert flagged and foreign


def test_remote_images_fail_the_build(tmp_path: Path) -> None:
    """Images from other hosts are refused outright, so a page never fetches them."""
    text = ("---\ntitle: Remote\ndate: 2021\nauthors: ['Doe, Jane']\n---\n"
            "![pixel](http://evil.invalid/pixel.png)\n\n<img alt=a src=\"http://evil.invalid/raw.png\">\n")
    site = make_site(tmp_path / "site", {"remote/index.md": text, "remote/figure.png": PNG})
    done = build(site, tmp_path / "out")
    assert done.returncode == 1, done.stderr
    assert "error[body.remote-image]" in done.stderr
    assert not (tmp_path / "out").exists()


def test_very_long_names_build(tmp_path):
    """Names, keywords and journals become folder names: a 300-letter one must still build."""
    text = ("---\ntitle: T\ndate: 2021\nauthors: [{family: " + "a" * 300 + ", given: B}]\n"
            "keywords: [" + "k" * 300 + "]\njournal: " + "j" * 300 + "\nvolume: '" + "v" * 300 + "'\n---\nx\n")
    site = make_site(tmp_path / "site", {"a.md": text})
    done = build(site, tmp_path / "out")
    assert done.returncode == 0, done.stderr
    assert all(len(p.name) <= 100 for p in (tmp_path / "out").rglob("*"))
