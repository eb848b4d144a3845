"""Hostile input never yields executable HTML, whatever mix of Markdown and HTML it uses."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archivist.markdown import BodyContext, render_body
from archivist.markdown.urls import scheme_of

CTX = BodyContext("x.md", 1, "en", {}, lambda slug: None, lambda path: False)

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x](java%0ascript:alert(1))",
    "![x](javascript:alert(1))",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
    "<svg onload=alert(1)><circle/></svg>",
    "<svg><script>alert(1)</script></svg>",
    "Text </p><script>alert(1)</script>",
    "<div><p>unclosed <b onmouseover=alert(1)>bold",
    "<iframe src=javascript:alert(1)></iframe>",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "<math href=\"javascript:alert(1)\"><mtext>x</mtext></math>",
    "$\\href{javascript:alert(1)}{x}$",
    "$\\text{<img src=x onerror=alert(1)>}$",
    "<style>body{display:none}</style>",
    "<p style=\"background:url(javascript:alert(1))\">x</p>",
    "<form action=\"https://evil.example\"><button>go</button></form>",
    "<object data=\"javascript:alert(1)\"></object><embed src=x>",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "<!--<script>alert(1)</script>-->",
    "<details open ontoggle=alert(1)><summary>x</summary></details>",
    "[x]: javascript:alert(1)\n\n[ref][x]",
    "<https://example.org/\"onmouseover=\"alert(1)>",
    "```{figure} javascript:alert(1)\n:alt: x\n```",
    "![a](x.png \"\\\" onerror=\\\"alert(1)\")",
]

FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "svg", "style", "form", "input", "button", "base", "meta", "link"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "cite", "background", "poster"}


class InertChecker(HTMLParser):
    """Collects what a browser would treat as active: tags, handlers, script URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.problems.append(f"{tag}[{name}]")
            if name in URL_ATTRIBUTES and value and scheme_of(value) not in ("", "http", "https", "mailto"):
                self.problems.append(f"{tag}[{name}={value}]")


def assert_inert(html: str) -> None:
    checker = InertChecker()
    checker.feed(html)
    checker.close()
    assert checker.problems == [], html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_inert(payload: str):
    body, _ = render_body(payload + "\n", CTX)
    assert_inert(body.html)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_inert_inside_notes_tables_and_quotes(payload: str):
    one_line = payload.replace("\n", " ")
    source = f"> {one_line}\n\nA[^1]\n\n| h |\n|---|\n| {one_line.replace('|', '')} |\n\n[^1]: {one_line}\n"
    body, _ = render_body(source, CTX)
    assert_inert(body.html)


FRAGMENTS = st.sampled_from([
    "<", ">", "</", "<a href=", "<img src=", " onerror=", "javascript:", "&#106;", "\"", "'", "`", "$",
    "[", "](", ")", "![", "*", "_", "\n", "\n\n", "<script>", "</p>", "<svg", "<math>", "[^1]",
    "[^1]: ", "```", "{figure}", "|", "---", "text", " ", "\\", "&", "#", ":",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(FRAGMENTS, max_size=40).map("".join))
def test_random_mixtures_are_inert(source: str):
    body, _ = render_body(source, CTX)
    assert_inert(body.html)


@pytest.mark.parametrize(
    "active",
    ['<a href="javascript:x">a</a>', '<b onclick="x">b</b>', "<svg></svg>", '<img src="data:image/png,x">', '<p style="x">p</p>'],
)
def test_checker_recognises_active_html(active: str):
    with pytest.raises(AssertionError):
        assert_inert(active)
