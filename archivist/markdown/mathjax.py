"""MathJax's TeX delimiters, `\\( … \\)` and `\\[ … \\]`, read as math when the site asks for them.

kramdown and Pandoc sites that load MathJax write `\\\\( x^2 \\\\)` in Markdown (Pandoc's
`tex_math_double_backslash`): Markdown turns the doubled backslash into one, and MathJax reads
the `\\( … \\)` left in the page. Some write `\\( … \\)` (Pandoc's `tex_math_single_backslash`).
Neither is on by default, because each changes the meaning of valid CommonMark: `\\(` is an
escaped parenthesis (`\\(Library of Congress\\)`), and `\\\\(` a literal backslash and parenthesis,
as a lesson on regular expressions may write. The setting `markdown_math_delimiters` switches
them on; the formula then becomes MathML like `$…$`, and no `^…^` or `~…~` applies inside it.
When it is off, a body with text that looks like such math gets one warning naming the setting.
"""

from __future__ import annotations

import re
from typing import Any, Match

from html.parser import HTMLParser

from .context import MarkdownOptions, Session, add_end_hook
from .math import convert_math, render_display_math, render_inline_math
from .scripts import OPTIONS

DOUBLE, SINGLE = "double_backslash", "single_backslash"
# The opening delimiter, then the shortest run up to the closing one; '(?<!\\)' keeps the
# second backslash of '\\(' from opening a single-backslash formula.
DOUBLE_PATTERN = r"\\\\\((?P<mj2_inline>[\s\S]+?)\\\\\)|\\\\\[(?P<mj2_display>[\s\S]+?)\\\\\]"
SINGLE_PATTERN = r"(?<!\\)\\\((?P<mj1_inline>[\s\S]+?)(?<!\\)\\\)|(?<!\\)\\\[(?P<mj1_display>[\s\S]+?)(?<!\\)\\\]"
BLOCK_PATTERN = (
    r"^ {0,3}\\\\\[[ \t]*\n(?P<mj2_block>[\s\S]+?)\n {0,3}\\\\\][ \t]*(?:\n|$)|"
    r"^ {0,3}\\\[[ \t]*\n(?P<mj1_block>[\s\S]+?)\n {0,3}\\\][ \t]*(?:\n|$)"
)
# What makes a span between the delimiters read as a formula rather than prose: a TeX command,
# a script or an operator, or (between doubled backslashes only) a lone symbol such as 'T'.
# '\(a\)' is as likely an escaped '(a)' as a formula, so a single backslash needs more.
_FORMULA = {DOUBLE: re.compile(r"\\[A-Za-z]+|[_^=+<>]|^\s*[A-Za-z]\w?\s*$"), SINGLE: re.compile(r"\\[A-Za-z]+|[_^]")}
SEEN = "archivist_mathjax_seen"  # env key: the first line with unread MathJax math
SEEN_IN_HTML = "mathjax-in-html"  # gathered: lines of raw HTML with unread MathJax math
# In raw HTML there are no Markdown escapes: '\(' is what MathJax reads, whichever form the site writes.
_HTML_FORMULA = re.compile(r"(?<!\\)\\\((?P<inline>[\s\S]+?)(?<!\\)\\\)|(?<!\\)\\\[(?P<display>[\s\S]+?)(?<!\\)\\\]")
_HTML_MARK = re.compile("\ue002(\\d+)\n*\ue003")
_NOT_MATH = frozenset({"code", "pre", "kbd", "samp", "script", "style", "textarea", "title"})


def _options(state: Any) -> MarkdownOptions:
    return state.env.get(OPTIONS) or MarkdownOptions()


def parse_double(inline: Any, m: Match[str], state: Any) -> int:
    return _parse(inline, m, state, DOUBLE, m.group("mj2_inline"), m.group("mj2_display"))


def parse_single(inline: Any, m: Match[str], state: Any) -> int:
    return _parse(inline, m, state, SINGLE, m.group("mj1_inline"), m.group("mj1_display"))


def _parse(inline: Any, m: Match[str], state: Any, kind: str, tex: str | None, display: str | None) -> int:
    """A formula when the site reads these delimiters; otherwise CommonMark's escape of the
    first two characters (a backslash, or a parenthesis or bracket), and the parse goes on."""
    if kind not in _options(state).math:
        if _FORMULA[kind].search(tex if tex is not None else display or ""):
            state.env.setdefault(SEEN, (kind, state.line_at(m.start())))
        inline.process_text(m.group(0)[1], state, parse_emphasis=False)
        return m.start() + 2
    state.append_token({"type": "inline_math" if tex is not None else "display_math",
                        "raw": tex if tex is not None else display})
    return m.end()


def parse_block(block: Any, m: Match[str], state: Any) -> int | None:
    """`\\\\[` (or `\\[`) alone on a line, the formula, and the closing delimiter alone: display math."""
    tex = m.group("mj2_block")
    kind = DOUBLE if tex is not None else SINGLE
    if kind not in _options(state).math:
        return None
    state.append_token({"type": "block_math", "raw": tex if tex is not None else m.group("mj1_block")})
    return m.end()


class _Texts(HTMLParser):
    """Where the text of author HTML runs (start, end), outside code and elements that hold no prose."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=False)
        self.spans: list[tuple[int, int]] = []
        self._starts = [0] + [m.end() for m in re.finditer("\n", html)]
        self._skip = 0
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self._skip += tag in _NOT_MATH

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in _NOT_MATH and self._skip > 0

    def handle_data(self, data: str) -> None:
        if not self._skip:
            line, column = self.getpos()
            start = self._starts[line - 1] + column
            self.spans.append((start, start + len(data)))


def formulas_in_html(raw: str, session: Session, line: int) -> tuple[str, list[str]]:
    """Author HTML (starting on `line`) with each `\\( … \\)` and `\\[ … \\]` of its text replaced
    by a marker that keeps its lines, and the HTML of each formula, when the site reads them."""
    if "\\" not in raw or "\ue002" in raw or "\ue003" in raw:
        return raw, []
    reads = DOUBLE in session.ctx.options.math or SINGLE in session.ctx.options.math
    pieces, formulas, done = [], [], 0
    for start, end in _Texts(raw).spans:
        for found in _HTML_FORMULA.finditer(raw, start, end):
            at = line + raw.count("\n", 0, found.start())
            if not reads:
                if _FORMULA[DOUBLE].search(found.group("inline") or found.group("display")):
                    session.gather(SEEN_IN_HTML, at)
                continue
            formulas.append(_formula(found, session, at))
            pieces += [raw[done:found.start()], f"\ue002{len(formulas) - 1}" + "\n" * found.group(0).count("\n") + "\ue003"]
            done = found.end()
    return "".join(pieces) + raw[done:], formulas


def _formula(found: Match[str], session: Session, line: int) -> str:
    """A formula's HTML, as math.py makes it for `$…$` (a TeX error reported on its line)."""
    display = found.group("display") is not None
    tok = {"type": "display_math" if display else "inline_math", "raw": found.group("display" if display else "inline"),
           "_line": line}
    convert_math(tok, session)
    return (render_display_math if display else render_inline_math)(None, tok["raw"], **tok["attrs"])


def put_formulas(html: str, formulas: list[str]) -> str:
    """Sanitised HTML with each marker replaced by its formula (made and cleaned by math.py)."""
    return _HTML_MARK.sub(lambda m: formulas[int(m.group(1))], html) if formulas else html


def report_unread(state: Any, session: Session) -> None:
    """End hook: one warning per article, on the first line whose MathJax math is shown as text."""
    in_html = session.gathered.get(SEEN_IN_HTML)
    seen = state.env.get(SEEN)
    if in_html and (not seen or min(in_html) < seen[1]):
        seen = ("html", min(in_html))
    if not seen:
        return
    kind, line = seen
    written = {DOUBLE: "\\\\( … \\\\)", SINGLE: "\\( … \\)", "html": "\\( … \\) in HTML"}[kind]
    session.warning("body.math-delimiters", f"'{written}' looks like MathJax math, which this site shows as "
                    f"text; add \"{SINGLE if kind == SINGLE else DOUBLE}\" to markdown_math_delimiters in "
                    "pyproject.toml to show such formulas as math", line)


def register(md: Any) -> None:
    """Must follow math.register: the formulas become math.py's tokens, converted and rendered there."""
    md.block.register("mathjax_block", BLOCK_PATTERN, parse_block, before="list")
    for rules in (md.block.block_quote_rules, md.block.list_rules):
        md.block.insert_rule(rules, "mathjax_block", before="list")
    md.inline.register("mathjax_double", DOUBLE_PATTERN, parse_double, before="escape", start_chars="\\")
    md.inline.register("mathjax_single", SINGLE_PATTERN, parse_single, before="escape", start_chars="\\")
    add_end_hook(md, report_unread)
