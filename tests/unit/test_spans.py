"""Pandoc's bracketed spans and inline code attributes: what reaches the page, what is reported where,
and that nothing an author writes in the braces can run, restyle the page or borrow its classes.
(The rendering of each form is in tests/fixtures/markdown/spans.txt.)"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from archivist.markdown.citations import PLACEHOLDER_PATTERN
from archivist.markdown.context import BodyContext
from archivist.markdown.pipeline import render_body

FIRST_LINE = 10
CSS = (Path(__file__).resolve().parents[2] / "templates" / "static" / "archivist.css").read_text(encoding="utf-8")


def render(text: str, citations: str = "", known_ids: frozenset[str] = frozenset()):
    ctx = BodyContext("a.md", FIRST_LINE, "en", {}, lambda _slug: None, lambda _path: False, citations=citations,
                      known_ids=known_ids)
    return render_body(text, ctx)


def reported(text: str, **options) -> list[tuple[str, int, int, str]]:
    _, diagnostics = render(text, **options)
    return [(d.code, d.line, d.column, d.message) for d in diagnostics]


def test_one_warning_per_article_names_every_attribute_left_out_at_the_first():
    text = ("Intro.\n\nIn [R]{.proglang}, GLMs are provided by\n[glm]{.fct} in [stats]{.pkg .fct}.\n\n"
            "> See `x`{.chunk}.\n")
    (found,) = reported(text)
    code, line, column, message = found
    assert (code, line, column) == ("body.span-attribute", FIRST_LINE + 2, 8)  # the '.' of '.proglang'
    assert "'.proglang', '.fct', '.pkg', '.chunk';" in message


@pytest.mark.parametrize("text, line, column", [
    ("> In [R]{.proglang}.", 0, 10),  # in a quote
    ("- Item\n\n  [a]{b=c}", 2, 7),  # in a list item
    ("| a |\n|---|\n| [x]{.y} |", 2, 7),  # in a table cell
    ("Text [two\nlines]{.big}", 1, 8),  # on the line of the braces
    ("# Title [a]{.b}", 0, 13),
])
def test_the_warning_stands_on_the_true_line_and_column(text, line, column):
    found = [(code, ln, col) for code, ln, col, _ in reported(text + "\n")]
    assert found == [("body.span-attribute", FIRST_LINE + line, column)]


def test_an_empty_span_shows_nothing_and_is_reported_where_it_stands():
    body, _ = render("Here []{.mark} and []{.smallcaps lang=fr} there.\n")
    assert body.html == '<p id="p1">Here  and  there.</p>\n'
    assert [(c, ln, col) for c, ln, col, _ in reported("Here []{.mark} and\n[]{.x} there.\n")] == [
        ("body.empty-span", FIRST_LINE, 6), ("body.empty-span", FIRST_LINE + 1, 1)]


def test_an_id_the_page_has_is_reported_and_not_given_twice():
    text = "## Results\n\n[a]{#results} [b]{#p1} [c]{#notes} [d]{#free} [e]{#free}\n"
    body, diagnostics = render(text)
    assert [(d.code, d.column) for d in diagnostics] == [("body.duplicate-id", c) for c in (5, 19, 28, 51)]
    assert body.html.count('id="free"') == 1 and 'id="results"' in body.html and 'id="notes"' not in body.html


def test_an_id_outside_this_text_is_not_given_again():
    body, diagnostics = render("An abstract [naming]{#results}.\n", known_ids=frozenset({"results"}))
    assert 'id="results"' not in body.html and [d.code for d in diagnostics] == ["body.duplicate-id"]


def test_an_id_that_is_not_a_plain_name_is_left_out_and_reported():
    body, diagnostics = render("[a]{#1st} [b]{#a.b} [c]{#ok}\n")
    assert body.html == '<p id="p1">a b <span id="ok">c</span></p>\n'
    assert "'#1st', '#a.b'" in diagnostics[0].message


def test_the_contents_shows_a_heading_span_without_its_id():
    body, _ = render("## The [Results]{.smallcaps #res} and `x`{#code-x}\n")
    assert body.html.count('id="res"') == 1 and body.html.count('id="code-x"') == 1
    assert body.toc[0].html == 'The <span class="smallcaps">Results</span> and <code>x</code>'


def test_citations_and_crossrefs_inside_a_span_work_as_elsewhere():
    body, diagnostics = render("[As [@doe99, p. 3] and @fig-map show]{.mark}\n\n![Map](map.png){#fig-map}\n",
                               citations="in-text")
    assert [use.items[0].key for use in body.citations] == ["doe99"]
    assert re.match(r'<p id="p1"><mark>As \ue020cite-1\ue021 and <a class="crossref" href="#fig-map">Figure 1</a> '
                    r"show</mark></p>", body.html), body.html
    assert PLACEHOLDER_PATTERN.search(body.html)


@pytest.mark.parametrize("citations", ["", "in-text"])
def test_a_bracket_that_is_no_citation_still_opens_a_span(citations):
    body, _ = render("[see @fig-x]{.mark}\n\n![X](x.png){#fig-x}\n", citations=citations)
    assert body.html.startswith('<p id="p1"><mark>see <a class="crossref" href="#fig-x">Figure 1</a></mark></p>')
    body, _ = render("[write to me @home]{.mark}\n")  # no bibliography: '@home' is text
    assert body.html == '<p id="p1"><mark>write to me @home</mark></p>\n'


def test_a_bracketed_citation_before_braces_stays_a_citation_as_in_pandoc():
    body, _ = render("[see @doe99]{.mark}\n", citations="in-text")
    assert len(body.citations) == 1 and "{.mark}" in body.html


def test_a_language_class_on_code_is_read_silently_and_another_reported():
    assert reported("`lm(y ~ x)`{.r} and `print(x)`{.python}\n") == []
    assert [c for c, *_ in reported("`x`{.r .fold}\n")] == ["body.span-attribute"]
    body, _ = render("`x`{.mark}\n")
    assert body.html == '<p id="p1"><code>x</code></p>\n'  # no element classes on code


def test_a_paragraph_holding_only_raw_latex_is_no_empty_paragraph():
    body, diagnostics = render("One.\n\n`\\newpage`{=latex}\n\nTwo.\n")
    assert body.html == '<p id="p1">One.</p>\n<p id="p2">Two.</p>\n'
    assert [(d.code, d.line, d.column) for d in diagnostics] == [("body.raw-format", FIRST_LINE + 2, 1)]


def test_raw_html_in_code_is_sanitised_as_author_html():
    body, diagnostics = render('A `<b class="site-header" onclick="x()">bold</b>`{=html} word.\n')
    assert body.html == '<p id="p1">A <b>bold</b> word.</p>\n'
    assert {d.code for d in diagnostics} == {"body.unsafe-html", "body.html-class"}


HOSTILE = [
    '[x]{onclick=alert(1)}', '[x]{onclick="alert(1)"}', '[x]{style="background:url(http://evil.invalid/a.png)"}',
    '[x]{style="font-variant: small-caps; background: url(http://evil.invalid/b.png)"}',
    '[x]{#a" onclick="alert(1)}', '[x]{lang="en\\" onclick=\\"alert(1)"}', '[x]{dir="rtl onclick=alert(1)"}',
    '[x]{.visually-hidden .site-header .callout}', '[x]{data-x=1 href=javascript:alert(1)}',
    '[x]{#javascript:alert(1)}', '`x`{onclick=alert(1) .visually-hidden style="color:red"}',
    '`<img src="x.png" alt="a" onerror="alert(1)">`{=html}', '`<a href="javascript:alert(1)">a</a>`{=html}',
    '[[x]{onclick=alert(1)}](javascript:alert(1))', '[x]{lang=en-US onmouseover=alert(1)}',
]


class _Tags(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.attributes: list[tuple[str, str, str]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.attributes += [(tag, name, value or "") for name, value in attrs]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_attributes_never_reach_the_page(text):
    body, _ = render(f"Before {text} after.\n")
    attributes = _Tags(body.html).attributes
    assert {name for _tag, name, _value in attributes} <= {"id", "class", "lang", "dir", "src", "alt"}, attributes
    assert {value for _tag, name, value in attributes if name == "class"} <= {"smallcaps"}
    assert not [value for _tag, _name, value in attributes if re.search(r"[\s\"'<>:()]", value)]


@pytest.mark.parametrize("theme", [0, 1], ids=["light", "dark"])
def test_an_authors_highlight_keeps_text_and_links_legible(theme):
    pair = r"light-dark\((#[0-9a-fA-F]{6}),\s*(#[0-9a-fA-F]{6})\)"
    root = dict((name, (day, night)) for name, day, night in re.findall(r"(--[a-z0-9-]+):\s*" + pair, CSS))
    ground = root["--highlight"][theme]
    for ink in ("--ink", "--accent", "--accent-hover"):
        assert contrast(root[ink][theme], ground) >= 4.5, ink
    assert root["--highlight"] not in {root[name] for name in root if name.startswith("--mark-")}  # not a reader's


def test_the_theme_styles_small_capitals_and_highlights_in_print():
    assert re.search(r"^\.smallcaps \{ font-variant-caps: small-caps; \}", CSS, re.M)
    print_rules = CSS[CSS.rindex("@media print"):]
    assert re.search(r"mark:not\(\[class\]\)[^{]*\{ print-color-adjust: exact;", print_rules)


def contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
