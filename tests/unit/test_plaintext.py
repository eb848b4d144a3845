"""Rendered abstracts as plain text for machine records: what the sanitiser removed stays removed,
page apparatus is left out, and formulas are written out linearly rather than as their bare text."""

from __future__ import annotations

import pytest

from archivist.markdown import BodyContext, render_body
from archivist.markdown.math import tex_to_mathml
from archivist.markdown.plaintext import html_to_plain


def rendered(markdown: str) -> str:
    context = BodyContext(path="a.md", first_line=1, lang="en", labels={"external": "external link"},
                          resolve_article=lambda _slug: None, asset_exists=lambda _path: False)
    return render_body(markdown, context)[0].html


def test_what_the_sanitiser_strips_is_not_in_the_text():
    html = rendered('Raw <script>alert(2)</script> and <b onclick="x()">bold</b>, <img src=x onerror=y>.')
    assert html_to_plain(html) == "Raw alert(2) and bold, ."


def test_paragraphs_lists_and_tables_stay_apart_and_typography_is_the_page_s():
    html = rendered('One *two*\nthree -- "four".\n\n- a\n- b\n\n| h | i |\n|---|---|\n| 1 | 2 |\n')
    assert html_to_plain(html) == "One two three – “four”.\n\na\n\nb\n\nh i\n\n1 2"


def test_note_markers_notes_and_hidden_link_words_are_page_apparatus():
    html = rendered("See [the site](https://example.org).[^1]\n\n[^1]: A note.\n")
    assert "external link" in html and 'class="fnref"' in html
    assert html_to_plain(html) == "See the site."


@pytest.mark.parametrize(("tex", "text"), [
    ("x^2", "x^2"),
    ("x^2 + y^2 = z^2", "x^2 + y^2 = z^2"),
    (r"\frac{a+b}{2}", "(a + b)/2"),
    (r"\frac{n(n+1)}{2}", "(n(n + 1))/2"),
    (r"\sqrt{x}", "√x"),
    (r"\sqrt[3]{8}", "3√8"),
    (r"\alpha_i^2 y", "α_i^2 y"),
    ("e^{-x^2}", "e^(−x^2)"),
    (r"\sum_{i=1}^{n} i", "∑_(i = 1)^n i"),
    (r"\lim_{x\to 0} \frac{\sin x}{x} = 1", "lim_(x → 0) (sin x)/x = 1"),
    (r"\hat{x} + \vec{v}", "x̂ + v⃗"),
    (r"\begin{pmatrix}a & b\\ c & d\end{pmatrix}", "([a, b; c, d])"),
])
def test_formulas_are_written_out_linearly(tex, text):
    mathml, problem = tex_to_mathml(tex, display=False)
    assert problem == "" and html_to_plain(f"<p>{mathml}</p>") == text


def test_display_formulas_are_paragraphs_of_their_own():
    html = rendered("Before.\n\n$$x^2$$\n\nAfter $y_1$.")
    assert html_to_plain(html) == "Before.\n\nx^2\n\nAfter y_1."


def test_deep_nesting_is_text_not_a_recursion_error():
    html = "<span>" * 5000 + "deep" + "</span>" * 5000
    assert html_to_plain(html) == "deep"
    assert html_to_plain("<math>" + "<msqrt>" * 3000 + "<mi>x</mi>" + "</msqrt>" * 3000 + "</math>").startswith("√(√(")
