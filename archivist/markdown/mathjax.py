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

from .context import MarkdownOptions, Session, add_end_hook
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


def report_unread(state: Any, session: Session) -> None:
    """End hook: one warning per article, on the first line whose MathJax math is shown as text."""
    seen = state.env.get(SEEN)
    if not seen:
        return
    kind, line = seen
    written = "\\\\( … \\\\)" if kind == DOUBLE else "\\( … \\)"
    session.warning("body.math-delimiters", f"'{written}' looks like MathJax math, which this site shows as "
                    f"text; add \"{kind}\" to markdown_math_delimiters in pyproject.toml to show such formulas "
                    "as math", line)


def register(md: Any) -> None:
    """Must follow math.register: the formulas become math.py's tokens, converted and rendered there."""
    md.block.register("mathjax_block", BLOCK_PATTERN, parse_block, before="list")
    for rules in (md.block.block_quote_rules, md.block.list_rules):
        md.block.insert_rule(rules, "mathjax_block", before="list")
    md.inline.register("mathjax_double", DOUBLE_PATTERN, parse_double, before="escape", start_chars="\\")
    md.inline.register("mathjax_single", SINGLE_PATTERN, parse_single, before="escape", start_chars="\\")
    add_end_hook(md, report_unread)
