"""Body diagnostics: each problem reported once, with its code and the real file line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archivist.markdown import BodyContext, MarkdownOptions, render_body

FIRST_LINE = 10  # the body starts on file line 10, after the front matter


def ctx(assets: set[str] = frozenset({"map.svg", "images/map.svg"})) -> BodyContext:
    return BodyContext(
        path="content/articles/a.md",
        first_line=FIRST_LINE,
        lang="en",
        labels={"notes": "Notes", "back_to_text": "Back", "table": "Table", "figure": "Figure", "external": "external"},
        resolve_article={"kim": "../kim/"}.get,
        asset_exists=assets.__contains__,
    )


def found(source: str) -> list[tuple[str, str, int]]:
    _, diagnostics = render_body(source, ctx())
    return [(d.severity, d.code, d.line) for d in diagnostics]


def test_clean_body_has_no_diagnostics():
    source = "Text[^1] and ![Map](map.svg) and [Kim](article:kim).\n\n[^1]: Note.\n"
    assert found(source) == []


def test_undefined_footnote_is_an_error_on_its_line():
    assert found("Intro.\n\nSee[^missing].\n") == [("error", "body.undefined-footnote", 12)]


def test_unused_and_duplicate_footnotes_are_warnings_on_their_definition_lines():
    source = "Cited[^a].\n\n[^a]: First.\n[^a]: Again.\n[^b]: Never cited.\n"
    assert found(source) == [
        ("warning", "body.duplicate-footnote", 13),
        ("warning", "body.unused-footnote", 14),
    ]


def test_missing_alt_reported_for_each_image_on_its_own_line():
    source = "![](map.svg)\n\nText.\n\n![ ](map.svg)\n"
    assert found(source) == [("error", "body.missing-alt", 10), ("error", "body.missing-alt", 14)]


def test_missing_alt_in_figure_directive_and_raw_html():
    source = "```{figure} map.svg\nCaption.\n```\n\n<p><img src=\"map.svg\"></p>\n"
    assert found(source) == [("error", "body.missing-alt", 10), ("error", "body.missing-alt", 14)]


def test_remote_image_is_an_error_and_not_rendered():
    body, diagnostics = render_body("Para.\n\n![Logo](https://cdn.example.com/x.png)\n", ctx())
    assert [(d.code, d.line) for d in diagnostics] == [("body.remote-image", 12)]
    assert "cdn.example.com" not in body.html


def test_remote_image_in_raw_html_is_an_error_and_removed():
    body, diagnostics = render_body('<div><img src="http://evil.example/p.gif" alt="x"></div>\n', ctx())
    assert [d.code for d in diagnostics] == ["body.remote-image"]
    assert "evil.example" not in body.html


def test_harmful_link_is_a_warning_and_rendered_as_text():
    body, diagnostics = render_body("A\n\n[click](javascript:alert(1))\n", ctx())
    assert [(d.severity, d.code, d.line) for d in diagnostics] == [("warning", "body.unsafe-url", 12)]
    assert "click" in body.html and "javascript" not in body.html


def test_unknown_article_is_an_error_on_its_line():
    assert found("One.\n\nTwo [x](article:nobody#p2).\n") == [("error", "body.unknown-article", 12)]


def test_image_escaping_the_bundle_is_an_error():
    assert found("![Up](../other/secret.png)\n") == [("error", "body.image-path", 10)]


def test_missing_bundle_file_is_an_error_and_assets_are_normalised():
    body, diagnostics = render_body("![A](images/../map.svg)\n\n![B](gone.png)\n", ctx())
    assert body.assets == ("map.svg", "gone.png")
    assert [(d.code, d.line) for d in diagnostics] == [("body.missing-asset", 12)]


def test_tex_error_is_reported_and_source_shown_as_code():
    body, diagnostics = render_body("Fine $x$.\n\nBroken $\\frac{1}{$ here.\n", ctx())
    assert [(d.code, d.line) for d in diagnostics] == [("body.math", 12)]
    assert '<code class="math-error">$\\frac{1}{$</code>' in body.html


def test_unknown_tex_command_is_an_error():
    assert found("$$\n\\notacommand{x}\n$$\n") == [("error", "body.math", 11)]


def test_unknown_directive_and_figure_option_are_warnings():
    source = "```{note}\nHi.\n```\n\n```{figure} map.svg\n:alt: Map\n:width: 30\n```\n"
    assert found(source) == [
        ("warning", "body.unknown-directive", 10),
        ("warning", "body.figure-option", 16),
    ]


def test_indented_fences_report_on_their_own_lines_and_end_where_they_close():
    source = ("Intro.\n\n  ```{note}\n  Hi.\n  ```\n\n ```{figure} map.svg\n :alt: Map\n :width: 30\n ```\n\n"
              "   ```{r}\n   x\n   ```\n\nCited[^1].\n\n[^1]: Defined after the fences.\n")
    assert found(source) == [("warning", "body.unknown-directive", 12), ("warning", "body.figure-option", 18)]


def test_dropped_classes_make_one_warning_per_article_naming_each_once():
    source = ('<div class="alert alert-warning btn">\nA.\n</div>\n\nText <i class="fa fa-plus">x</i>.\n\n'
              '<p class="btn site-header">B</p>\n')
    _, diagnostics = render_body(source, ctx())
    [problem] = [d for d in diagnostics if d.code == "body.html-class"]
    assert problem.line == 10 and problem.severity == "warning"
    assert "'btn', 'fa', 'fa-plus', 'site-header'" in problem.message


def test_mathjax_math_in_raw_html_is_math_when_the_site_reads_it_and_errors_keep_their_line():
    options = MarkdownOptions(math=("dollars", "double_backslash"))
    context = BodyContext(path="content/articles/a.md", first_line=FIRST_LINE, lang="en", labels={},
                          resolve_article=lambda slug: None, asset_exists=lambda path: True, options=options)
    source = "Intro.\n\n<ul>\n<li>\\(x\\) and <code>\\(y\\)</code></li>\n<li>\\(\\frac{1}{\\)</li>\n</ul>\n"
    body, diagnostics = render_body(source, context)
    assert [(d.code, d.line) for d in diagnostics] == [("body.math", 14)]
    assert "<li><math" in body.html and "<code>\\(y\\)</code>" in body.html


def test_removed_raw_html_is_a_warning():
    assert found("Safe.\n\n<script>alert(1)</script>\n") == [("warning", "body.unsafe-html", 12)]


def test_missing_anchor_names_the_closest_id_and_skips_passages():
    _, diagnostics = render_body("## Final code\n\nSee [it](#Final-code) and [p](#p9).\n", ctx())
    assert [d.message for d in diagnostics] == [
        "link to '#Final-code': this page has no element with that id (did you mean 'final-code'?)",
        "link to '#p9': this page has no element with that id",
    ]


def test_links_into_the_site_are_recorded_on_their_lines_and_never_from_code():
    source = "Intro.\n\n[a](/x/y)\n\n```\n[b](/in/code)\n```\n\n<p>\n<a href=\"../z/\">z</a>\n</p>\n\n![i](/i.png)\n"
    body, diagnostics = render_body(source, ctx())
    assert diagnostics == []
    assert [(link.kind, link.target, link.line) for link in body.site_links] == [
        ("root", "/x/y", 12), ("relative", "../z/", 19), ("image", "/i.png", 22)]


def test_a_link_to_a_file_in_the_bundle_publishes_it_unless_hidden():
    body, _ = render_body("[map](images/map.svg), [env](.env) and [gone](gone.csv).\n", ctx({"images/map.svg", ".env"}))
    assert body.assets == ("images/map.svg",)
    assert [link.target for link in body.site_links] == [".env", "gone.csv"]


def test_diagnostics_are_formatted_with_path_and_line():
    _, diagnostics = render_body("x[^nope]\n", ctx())
    assert diagnostics[0].format_text().startswith("content/articles/a.md:10:1: error[body.undefined-footnote]")


# Every code the Markdown package reports: (code, snippet, line of the problem within the snippet,
# what must come before it, which of its two copies the code is reported for).
EVERY_CODE = [
    ("body.undefined-footnote", "See[^nope] here.", 0, "", (0, 1)),
    ("body.undefined-footnote", "<table><tr>\n<td markdown=\"span\">See[^nope]</td>\n</tr></table>", 1, "", (0, 1)),
    ("body.undefined-footnote", "<div markdown=\"1\">\nOne.\n\nSee[^nope].\n</div>", 3, "", (0, 1)),
    ("body.duplicate-footnote", "[^d]: Again.", 0, "Cite[^d].\n\n[^d]: First.\n\n", (0, 1)),
    ("body.unused-footnote", "[^u]: Never cited.", 0, "", (0,)),  # the second copy is a duplicate
    ("body.missing-alt", "Map: ![](map.svg)", 0, "", (0, 1)),
    ("body.missing-alt", "<div>\n<p>Map:</p>\n<img src=\"map.svg\">\n</div>", 2, "", (0, 1)),
    ("body.unsafe-url", "Click [here](javascript:alert(1)).", 0, "", (0, 1)),
    ("body.remote-image", "![Logo](https://cdn.example.com/x.png)", 0, "", (0, 1)),
    ("body.image-path", "![Up](../secret.png)", 0, "", (0, 1)),
    ("body.missing-asset", "![Gone](gone.png)", 0, "", (0, 1)),
    ("body.link-scheme", "Old [server](gopher://example.org/x).", 0, "", (0, 1)),
    ("body.unknown-article", "See [x](article:nobody#p2).", 0, "", (0, 1)),
    ("body.math", "Broken $\\frac{1}{$ here.", 0, "", (0, 1)),
    ("body.math", "$$\n\\notacommand{x}\n$$", 1, "", (0, 1)),
    ("body.unknown-directive", "```{note}\nHi.\n```", 0, "", (0, 1)),
    ("body.figure-option", "```{figure} map.svg\n:alt: Map\n:width: 30\n```", 2, "", (0, 1)),
    ("body.figure-number", "![Map](map.svg \"Figure 3: The coast.\")", 0, "", (0, 1)),
    ("body.unsafe-html", "<div>\n<p>Styled:</p>\n<style>p { color: red }</style>\n</div>", 2, "", (0, 1)),
    ("body.unsafe-html", "<svg width=\"10\" height=\"10\">\n<circle r=\"4\"/>\n</svg>", 0, "", (0, 1)),
    ("body.unsafe-html", "Text <iframe src=\"x\"></iframe> here.", 0, "", (0, 1)),
    ("body.ambiguous-script", "[RUMSEY~8~1~2505~310017](https://example.org/)", 0, "", (0, 1)),
    ("body.code-option", "```python hl_lines=\"9\"\nx = 1\n```", 0, "", (0, 1)),
    ("body.code-language", "```pyhton\nx = 1\n```", 0, "", (0,)),  # once per article and name
    ("body.heading-level", "## Methods\n\n#### Sampling", 2, "", (0, 1)),
    ("body.missing-anchor", "See [the method](#nowhere).", 0, "", (0, 1)),
    ("body.missing-anchor", "<div>\n<p>See:</p>\n<a href=\"#nowhere\">the method</a>\n</div>", 2, "", (0, 1)),
    ("body.duplicate-id", "## Sources {#cite}", 0, "", (0, 1)),  # the page's own citation box
    ("body.crossref", "See [-@fig-nowhere] here.", 0, "", (0, 1)),
    ("body.crossref", "$$\nx\n$$ {#eq-twice}", 0, "", (1,)),  # the second copy defines the label again
    ("body.duplicate-id", "Mark <a id=\"here\"></a> here.", 0, "", (1,)),  # the first copy takes it
    ("body.duplicate-id", "<div>\n<p>Mark:</p>\n<a name=\"notes\"></a>\n</div>", 2, "", (0, 1)),
    ("body.math-delimiters", "The period \\\\(T\\\\) of carbon.", 0, "", (0,)),  # once per article
    ("body.math-delimiters", "<div>\n<p>An age \\(x\\).</p>\n</div>", 1, "", (0,)),  # HTML has no escapes
    ("body.html-class", "<div class=\"site-header\">\nText.\n</div>", 0, "", (0,)),  # once per article
    ("body.html-class", "Text <span class=\"visually-hidden\">hidden</span>.", 0, "", (0,)),
    ("body.html-class", "<div class=\"alert\">\n\n*Box*\n\n<p class=\"fa\">x</p>\n\n</div>", 4, "", (0,)),
    ("body.attribute-list", "Text.\n{: .fancy #x}", 1, "", (0, 1)),
    ("body.attribute-list", "{:ref: .x}", 0, "", (0, 1)),
    ("body.toc-marker", "* TOC\n{:toc}", 1, "", (0, 1)),
    ("body.table-cells", "| a | b |\n| --- |\n| 1 | 2 |", 0, "", (0, 1)),  # no table: rows differ
    ("body.table-cells", "| a |\n| --- |\n| 1 | 2 |", 2, "", (0, 1)),  # a cell beyond the header
    ("body.span-attribute", "In [R]{.proglang}, by\n[glm]{.fct}.", 0, "", (0,)),  # once per article
    ("body.span-attribute", "Code `x`{.r .chunk}.", 0, "", (0,)),
    ("body.span-attribute", "A [multi\nline]{.big} span.", 1, "", (0,)),  # where its attributes are
    ("body.empty-span", "Here []{.mark} there.", 0, "", (0, 1)),
    ("body.duplicate-id", "A [span]{#here} id.", 0, "", (1,)),  # the first copy takes it
    ("body.raw-format", "Page `\\newpage`{=latex} break.", 0, "", (0,)),  # once per article
    ("body.float-caption", "::: {#fig-alone}\n![Map](map.svg)\n:::", 0, "", (0, 1)),
    ("body.missing-alt", "::: {#fig-bare}\n\n![](map.svg)\n\n:::", 2, "", (0, 1)),  # no caption describes it
    ("body.crossref", "::: {#tbl-twice}\n| a |\n|---|\n| 1 |\n\nCaption.\n:::", 0, "", (1,)),
    ("body.figure-number", "::: {#fig-own}\n![](map.svg)\n\nFigure 3: The coast.\n:::", 3, "", (0, 1)),
]


def _contained(snippet: str, container: str) -> tuple[str, int]:
    """The snippet inside a container, and the line of the container its first line lands on."""
    if container == "list":  # loose, so a lone image is still a figure
        return "- Item.\n\n" + "\n".join("  " + line for line in snippet.split("\n")), 2
    if container == "quote":
        return "\n".join("> " + line for line in snippet.split("\n")), 0
    return snippet, 0


def _twice_and_in_code(prefix: str, snippet: str, container: str) -> tuple[str, list[int], range]:
    """A body with the snippet in a container twice, and once in fenced and once in indented code
    between them; with the file lines the two real copies start on and the lines of the code."""
    held, shift = _contained(snippet, container)
    lines = prefix.split("\n")[:-1] + ["Intro.", ""]
    first = len(lines) + shift
    lines += held.split("\n") + ["", "~~~~"]
    code_start = len(lines)
    lines += snippet.split("\n") + ["~~~~", ""] + ["    " + line for line in snippet.split("\n")]
    code_end = len(lines)
    lines += ["", "Between.", ""]
    second = len(lines) + shift
    lines += held.split("\n")
    return "\n".join(lines) + "\n", [FIRST_LINE + first, FIRST_LINE + second], range(FIRST_LINE + code_start,
                                                                                    FIRST_LINE + code_end)


@pytest.mark.parametrize("container", ["top level", "list", "quote"])
@pytest.mark.parametrize(("code", "snippet", "offset", "prefix", "copies"), EVERY_CODE,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(EVERY_CODE)])
def test_each_problem_is_reported_on_its_true_line_every_time(code, snippet, offset, prefix, copies, container):
    source, starts, code_lines = _twice_and_in_code(prefix, snippet, container)
    _, diagnostics = render_body(source, ctx())
    assert sorted({d.line for d in diagnostics if d.code == code}) == [starts[i] + offset for i in copies], source
    assert not [d for d in diagnostics if d.line in code_lines], source


def test_every_code_the_package_reports_is_covered():
    """A new session.error/warning code must join EVERY_CODE, so its line is tested too."""
    package = Path(__file__).resolve().parents[2] / "archivist" / "markdown"
    reported = set()
    for path in package.glob("*.py"):
        reported |= set(re.findall(r'"(body\.[a-z-]+)"', path.read_text(encoding="utf-8")))
    assert reported == {case[0] for case in EVERY_CODE}
