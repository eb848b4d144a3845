"""Code fences: what their info strings ask for, what the author is told, and what is kept safe."""

from __future__ import annotations

import re
from html import unescape

import pytest

from archivist.util import digests
from archivist.markdown import BodyContext, render_body
from archivist.markdown.fences import parse_info
from archivist.markdown.highlight import highlight_lines, lexer_for


def context(labels=None) -> BodyContext:
    return BodyContext(path="content/articles/a.md", first_line=5, lang="en", labels=labels or {},
                       resolve_article=lambda _slug: None, asset_exists=lambda _path: False)


def render(markdown: str, labels=None):
    body, problems = render_body(markdown, context(labels))
    return body.html, [p.format_text() for p in problems]


@pytest.mark.parametrize(("info", "language", "numbered", "start", "marked", "chunk"), [
    ("python", "python", False, 1, set(), False),
    ("  py  ", "py", False, 1, set(), False),
    ("{r}", "r", False, 1, set(), True),
    ("{r, echo=FALSE}", "r", False, 1, set(), True),
    ("{r label, fig.width=5, fig.cap='A {braced} caption'}", "r", False, 1, set(), True),
    ("{python}", "python", False, 1, set(), True),
    ('{.python .numberLines startFrom="10"}', "python", True, 10, set(), False),
    ('{#listing .haskell .number-lines}', "haskell", True, 1, set(), False),
    ('{.python hl_lines="2 4-5"}', "python", False, 1, {2, 4, 5}, False),
    ('python linenums="24" hl_lines="1,3"', "python", True, 24, {1, 3}, False),
    ("python {.numberLines}", "python", True, 1, set(), False),
    (".ruby", "ruby", False, 1, set(), False),
    ("", "", False, 1, set(), False),
    ('{=html}', "", False, 1, set(), False),
    ('python" onclick="x', "", False, 1, set(), False),
])
def test_info_strings_from_other_tools(info, language, numbered, start, marked, chunk):
    spec = parse_info(info)
    assert (spec.language, spec.numbered, spec.start, set(spec.marked_lines(99)), spec.chunk) == \
        (language, numbered, start, marked, chunk)
    assert spec.problems == ()


def test_bad_option_values_are_reported_not_fatal():
    spec = parse_info('{.python startFrom="ten" hl_lines="2 x 5-3"}')
    assert spec.numbered and spec.start == 1 and spec.marked == ((2, 2),)
    assert len(spec.problems) == 3


def test_a_typo_in_a_language_is_one_warning_per_article_and_a_foreign_name_none():
    blocks = "\n".join(f"```{lang}\nx\n```\n" for lang in ["pyhton", "pyhton", "xpath", "mermaid", "pyhton", "javscript"])
    html, problems = render(blocks)
    assert problems == [
        "content/articles/a.md:5:1: warning[body.code-language]: unknown code language 'pyhton' (did you mean "
        "'python'?); the block is shown without highlighting",
        "content/articles/a.md:25:1: warning[body.code-language]: unknown code language 'javscript' (did you mean "
        "'javascript'?); the block is shown without highlighting",
    ]
    assert html.count('<code>x\n</code>') == 6


def test_marked_lines_past_the_end_and_bad_numbers_are_warnings_at_the_fence():
    html, problems = render('Text.\n\n```{.python hl_lines="2 9" startFrom="x"}\na\nb\n```\n')
    assert problems == [
        "content/articles/a.md:7:1: warning[body.code-option]: hl_lines names line 9, but the block has 2 line(s); "
        "hl_lines counts from the block's first line",
        'content/articles/a.md:7:1: warning[body.code-option]: startFrom="x" is not a line number; lines are '
        "numbered from 1",
    ]
    assert 'data-line="1"' in html and html.count("<mark") == 1


def test_known_chunks_and_the_figure_directive_give_no_diagnostic():
    _html, problems = render("```{r}\n1\n```\n\n```{r, echo=FALSE}\n2\n```\n\n~~~{python}\n3\n~~~\n")
    assert problems == []
    html, problems = render("```{note} Careful\nBody.\n```\n")
    assert [p.split(": ", 1)[1] for p in problems] == [
        "warning[body.unknown-directive]: unknown directive '{note} Careful'; only {figure} is supported"]


def test_the_block_name_uses_the_interface_word():
    html, _ = render("```python\nx\n```\n", labels={"code": "코드"})
    assert 'aria-label="코드 1 (Python)"' in html


def test_author_html_cannot_forge_line_numbers_or_token_classes():
    html, _ = render('<span data-line="7" class="k" aria-hidden="true">x</span>\n\n'
                     '<pre class="code" data-line="1"><code class="language-python">y</code></pre>\n')
    assert "data-line" not in html and 'class="k"' not in html and 'class="code"' not in html


def test_highlighting_is_deterministic_and_keeps_every_character():
    code = 's = """a\n<b>\n"""  # &amp;\n\tx = \'\\u00e9\'\n'
    first = highlight_lines(code, lexer_for("python"))
    assert first == highlight_lines(code, lexer_for("python"))
    assert len(first) == code.count("\n")
    assert "\n".join(unescape(re.sub(r"<[^>]+>", "", line)) for line in first) + "\n" == code


def test_leading_blank_lines_are_kept_so_marked_lines_stay_where_counted():
    html, _ = render('```{.python hl_lines="2"}\n\nx = 1\n```\n')
    assert '<mark class="line">x = ' in html


def test_the_render_cache_key_changes_with_the_pygments_version(monkeypatch):
    import importlib.metadata as metadata

    digests.code_fingerprint.cache_clear()
    before = digests.code_fingerprint()
    real = metadata.version
    monkeypatch.setattr(metadata, "version", lambda name: "0.0.0" if name == "Pygments" else real(name))
    digests.code_fingerprint.cache_clear()
    try:
        assert digests.code_fingerprint() != before
    finally:
        monkeypatch.undo()
        digests.code_fingerprint.cache_clear()


def test_a_wide_marked_range_is_kept_as_a_range_and_costs_only_the_block_s_lines():
    import tracemalloc

    spec = parse_info('python hl_lines="1-999999 4-999998"')
    assert spec.marked == ((1, 999_999), (4, 999_998))
    tracemalloc.start()
    try:
        html, problems = render("".join('```{.python hl_lines="1-999999"}\na\nb\nc\n```\n\n' for _ in range(40)))
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024  # a set of a million line numbers per fence took gigabytes
    assert html.count('<mark class="line">') == 120
    assert len(problems) == 40 and "names line 4, but the block has 3 line(s)" in problems[0]


@pytest.mark.parametrize("value", ["²", "１０", "١٢", "1٢", "+3", "-1", " 7x"])
def test_only_ascii_digits_number_lines_others_are_a_warning(value):
    spec = parse_info(f'{{.python startFrom="{value}" hl_lines="{value}"}}')
    assert spec.numbered and spec.start == 1 and spec.marked == ()
    assert len(spec.problems) == 2
    html, problems = render(f'```{{.python startFrom="{value}"}}\nx\n```\n')
    assert 'data-line="1"' in html
    assert [p.split(": ", 1)[1].split("]")[0] for p in problems] == ["warning[body.code-option"]


def test_start_from_zero_numbers_from_zero_as_pandoc_does():
    spec = parse_info('{.python startFrom="0"}')
    assert (spec.numbered, spec.start, spec.problems) == (True, 0, ())
    html, problems = render('```{.python startFrom="0" hl_lines="1"}\na\nb\n```\n')
    assert problems == []
    assert 'code--numbered' in html and 'data-line="0"' in html and 'data-line="1"' in html
    assert '<mark class="line"><span class="ln" data-line="0"' in html


def test_linenums_zero_means_no_numbers_as_in_mkdocs_and_other_values_number_from_them():
    assert (parse_info('python linenums="0"').numbered, parse_info('python linenums="0"').problems) == (False, ())
    html, problems = render('```python linenums="0"\nx\n```\n')
    assert problems == [] and "code--numbered" not in html and "data-line" not in html
    spec = parse_info('python linenums="0" {.numberLines}')
    assert (spec.numbered, spec.start) == (True, 1)
    assert (parse_info('python linenums="7"').numbered, parse_info('python linenums="7"').start) == (True, 7)


def test_overlapping_ranges_mark_each_line_once_and_the_first_line_past_the_end_is_named():
    spec = parse_info('python hl_lines="3-10 1-5 2-4 12 9"')
    assert spec.marked_lines(8) == frozenset(range(1, 9))
    assert spec.first_beyond(8) == 9 and spec.first_beyond(12) is None
    many = parse_info("python hl_lines=\"" + " ".join(["1-999999"] * 5000) + "\"")
    assert many.marked_lines(3) == frozenset({1, 2, 3})
