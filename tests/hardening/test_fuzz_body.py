"""Broken and hostile Markdown bodies never crash rendering, every problem points at a body line,
and the HTML that comes out carries no script, handler or script-capable URL."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archivist.markdown import BodyContext, MarkdownOptions, render_body
from harness import CASES, assert_well_formed, line_count, load_site, make_site, scaled
from html_checks import fragment_problems
from xss_site import PNG, payloads

SETTINGS = dict(derandomize=True, database=None, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])

FRAGMENTS = [
    "# Heading", "## Heading", "###### six", "####### seven", "Heading\n===", "---", "***", "> quote", ">> deeper",
    "- item", "  - nested", "1. one", "99999999999. big", "* [ ] task", "    indented code", "```", "```python",
    "~~~", "$$", "$x^2$", "$$\\frac{1}{0}$$", "$\\begin{matrix}", "\\(", "[^1]", "[^1]: note", "[^1]: again",
    "[^]", "[^a b]: spaced", "| a | b |", "|---|---|", "| x |", "|:-:|--:|", "Term", ": definition",
    "*[HTML]: abbr", "<div>", "</div>", "<details><summary>s</summary>", "<!-- comment", "-->", "<br/>",
    "<table><tr><td>", "</td></tr></table>", "[link](article:a)", "[link](article:missing)", "[l](article:)",
    "[l](article:../x)", "[l](#frag)", "[l](http://example.org/)", "[l](<>)", "[l]( )", "[ref]", "[ref]: /x",
    "![alt](figure.png)", "![alt](missing.png)", "![](figure.png)", "![alt](../outside.png)", "![alt](/abs.png)",
    "![alt](sub/../figure.png)", "![alt](figure.png \"title\")", "![alt](%2e%2e/x.png)", "<img alt=a src=figure.png>",
    "{#custom-id}", "Caption: *Figure 1*", "Table: cap", "\t\ttabs", "\u00a0nbsp", "\u200bzero", "\u202eRTL",
    "ﬁ ligature", "🙂", "\r", "\\", "`code", "``", "**bold", "__under", "~~strike", "^sup^", "~sub~", "&amp;",
    "&#0;", "&#x110000;", "&bogus;", "<", ">", "\"quoted\"", "'single'", "--", "...", "---title", "",
    # Markdown written for kramdown, Pandoc, GitHub and R Markdown
    " ```{r}", "  ```{python}", "   ```{figure} figure.png", "   :alt: A", "  ```{note}", "    ```{r}",
    '<div class="alert alert-warning">', '<div markdown="1">', '<div markdown="span">', '<td markdown="span">**b**',
    '<p markdown="1">*x*</p>', '<details markdown="block">', "</details>", '<span class="fa site-header">',
    "{:toc}", "* TOC", "{:.no_toc}", "{: #id .note}", "{: .alert .alert-info}", "{:ref: .x}", "{::comment}",
    "> [!NOTE]", "> [!warning]", "::: {.callout-note title=\"T\"}", "::: warning", ":::", "::::",
    "::: {#fig-x}", ":::: {#fig-y layout-ncol=2}", "::: {#tbl-x .column-margin}", "![](figure.png){#fig-z}",
    "\\\\(x^2\\\\)", "\\\\[", "\\\\]", "\\(\\frac{1}{2}\\)", "\\[", "\\]", "|:-------|:---:|", "| a | b | c |",
    "# Endnotes", "## Notas",
    # Pandoc's bracketed spans and inline code attributes
    "[", "]", "]{.mark}", "[x]{.smallcaps #s lang=fr}", "[]{#here}", "[]{.x}", "{", "}", "{#id", "]]{.u}",
    "[a [b](/c)]{.underline}", '{style="x"}', "`x`{.r}", "`x`{=html}", "`<b>`{=html}", "`\\newpage`{=latex}",
]

body_lines = st.lists(st.sampled_from(FRAGMENTS) | st.sampled_from(payloads()) | st.text(max_size=30), max_size=25)
BODY_START = 6  # the first body line in the files the site tests write


def context(path: str = "content/articles/a.md", options: MarkdownOptions = MarkdownOptions()) -> BodyContext:
    return BodyContext(path=path, first_line=BODY_START, lang="en", labels={},
                       resolve_article=lambda slug: "/site/articles/a/" if slug == "a" else None,
                       asset_exists=lambda relative: relative == "figure.png", options=options)


ALL_MATH = MarkdownOptions(math=("dollars", "double_backslash", "single_backslash"))


def check_render(source: str, options: MarkdownOptions = MarkdownOptions()) -> None:
    body, diagnostics = render_body(source, context(options=options))
    lines = source.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
    for d in diagnostics:
        assert d.path == "content/articles/a.md", d
        assert BODY_START <= d.line <= BODY_START + lines, (d.format_text(), lines)
    problems = fragment_problems(body.html)
    assert not problems, (problems, source)


@settings(max_examples=scaled(1500), **SETTINGS)
@given(lines=body_lines, separator=st.sampled_from(["\n", "\n\n", "\r\n", " "]), all_math=st.booleans())
def test_any_body_renders_safely(lines: list[str], separator: str, all_math: bool) -> None:
    CASES["bodies rendered"] += 1
    check_render(separator.join(lines), ALL_MATH if all_math else MarkdownOptions())


@settings(max_examples=scaled(200), **SETTINGS)
@given(opening=st.sampled_from(['<div markdown="1">\n', '<div class="alert">\n\n', "::: note\n", "> [!NOTE]\n> "]),
       depth=st.integers(1, 400), core=st.sampled_from(FRAGMENTS))
def test_nested_boxes_and_markdown_in_html_render_safely(opening: str, depth: int, core: str) -> None:
    """Elements that hold Markdown, nested hundreds deep and closed again, end in a limit, not a crash."""
    CASES["nested boxes rendered"] += 1
    closing = {"<": "\n</div>\n", ":": "\n:::\n", ">": "\n"}[opening[0]]
    check_render(opening * depth + core + closing * depth)


@settings(max_examples=scaled(300), **SETTINGS)
@given(prefix=st.sampled_from(["", "- ", "> ", "1. ", "* ", "  ", "[", "*", "<div>"]),
       depth=st.integers(1, 400), core=st.sampled_from(FRAGMENTS))
def test_nesting_renders_safely(prefix: str, depth: int, core: str) -> None:
    CASES["nested bodies rendered"] += 1
    check_render(prefix * depth + core + "\n")


@settings(max_examples=scaled(200), **SETTINGS)
@given(lines=body_lines, damage=st.sampled_from([b"", b"\xff", b"\x00", b"\xef\xbb\xbf", b"\xed\xa0\x80"]),
       at=st.floats(0, 1))
def test_bodies_in_real_files_load_safely(scratch: Path, lines: list[str], damage: bytes, at: float) -> None:
    """Through the file system and load_articles: bundles, article links and byte damage."""
    CASES["bodies loaded from files"] += 1
    body = "\n\n".join(lines).encode("utf-8", "surrogatepass")
    cut = int(len(body) * at)
    text = b"---\ntitle: T\ndate: 2021\nauthors: ['Doe, Jane']\n---\n" + body[:cut] + damage + body[cut:]
    files = {"a/index.md": text, "a/figure.png": PNG, "b.md": b"---\ntitle: B\ndate: 2020\n---\n[a](article:a)\n"}
    diagnostics = load_site(make_site(scratch / "site", files))
    assert_well_formed(diagnostics, {"content/articles/a/index.md": line_count(text)})
