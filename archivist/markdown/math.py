"""TeX math: `$...$` and `$$...$$` turned into MathML at build time with latex2mathml."""

from __future__ import annotations

import html as htmllib
import re
from functools import lru_cache
from typing import Any

from latex2mathml.converter import convert
from mistune.plugins.math import BLOCK_MATH_PATTERN, parse_block_math
from mistune.util import escape

from .context import MarkdownOptions, Session, Token, add_hook, set_render
from .sanitize import clean_mathml
from .scripts import OPTIONS

# Pandoc's rule: no space just inside the dollars and no digit right after the closing
# one, so '$5 and $6' stays prose.
INLINE_MATH_PATTERN = (
    r"\$\$(?P<display_math_text>(?:[^$\\]|\\.)+?)\$\$|"
    r"\$(?=[^\s$])(?P<math_text>(?:[^$\\\n]|\\.)*?(?:[^\s$\\]|\\.))\$(?!\d)"
)
_UNKNOWN_COMMAND = re.compile(r">(\\[A-Za-z]+)<")
_TAG = re.compile(r"<[^>]*>")
# Characters of an inline formula beyond which it may not fit a phone's column (about 20em at
# the largest reader text size): such a formula gets a focusable region that scrolls sideways.
WIDE_INLINE = 20


def dollars_on(state: Any) -> bool:
    """Whether the site reads `$…$` as math (`markdown_math_delimiters`; it does by default)."""
    options: MarkdownOptions = state.env.get(OPTIONS) or MarkdownOptions()
    return "dollars" in options.math


def parse_dollar_block(block: Any, m: re.Match[str], state: Any) -> int | None:
    return parse_block_math(block, m, state) if dollars_on(state) else None


def parse_inline_math(inline: Any, m: re.Match[str], state: Any) -> int | None:
    if not dollars_on(state):
        return None
    display = m.group("display_math_text")
    if display is not None:
        # display math inside a paragraph: no block wrapper, which <p> may not contain
        state.append_token({"type": "display_math", "raw": display})
    else:
        state.append_token({"type": "inline_math", "raw": m.group("math_text")})
    return m.end()


@lru_cache(maxsize=2048)
def tex_to_mathml(tex: str, display: bool) -> tuple[str, str]:
    """(MathML, '') for good TeX, ('', reason) for TeX that latex2mathml cannot convert."""
    try:
        mathml = convert(tex.strip(), display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises many unrelated exception types
        return "", _reason(exc)
    unknown = _UNKNOWN_COMMAND.search(mathml)
    if unknown:
        return "", f"unknown command {unknown.group(1)}"
    return clean_mathml(mathml), ""


def _reason(exc: Exception) -> str:
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", type(exc).__name__).lower().removesuffix(" error")
    return f"{words}: {exc}" if str(exc) else words


def convert_math(tok: Token, session: Session) -> None:
    """Hook: convert once, or report the TeX error on its line and show the source."""
    display = tok["type"] != "inline_math"
    tex = tok["raw"]
    mathml, problem = tex_to_mathml(tex, display)
    if problem:
        session.error("body.math", f"cannot convert TeX '{tex.strip()[:60]}': {problem}", _tex_line(tok, session))
    tok["attrs"] = {"mathml": mathml}
    if mathml and (display or _is_wide(mathml)):
        # one count for all: each region needs a name of its own
        tok["attrs"]["label"] = f"{session.ctx.label('equation')} {session.next_number('equation')}"


def _tex_line(tok: Token, session: Session) -> int:
    """The line of the TeX itself: a '$$' block's TeX starts on the line after its opening '$$'."""
    line = session.line_of(tok)
    if tok["type"] != "block_math":
        return line
    tex = tok["raw"]
    return line + 1 + tex[:len(tex) - len(tex.lstrip())].count("\n")


def _is_wide(mathml: str) -> bool:
    """A generous guess from the characters shown: a fraction or script counts all its parts."""
    return len(htmllib.unescape(_TAG.sub("", mathml))) > WIDE_INLINE


def _region(tag: str, css_class: str, label: str, mathml: str) -> str:
    # a named, focusable region: keyboard users can scroll a formula wider than a phone
    return f'<{tag} class="{css_class}" role="region" tabindex="0" aria-label="{escape(label)}">{mathml}</{tag}>'


def render_inline_math(renderer: Any, text: str, mathml: str = "", label: str = "") -> str:
    if mathml:
        return _region("span", "math-scroll", label, mathml) if label else mathml
    return f'<code class="math-error">${escape(text)}$</code>'


def render_display_math(renderer: Any, text: str, mathml: str = "", label: str = "") -> str:
    """Display math inside a paragraph: a span, since a <p> may not hold a <div>."""
    if mathml:
        return _region("span", "math-block", label, mathml)
    return f'<code class="math-error">$${escape(text)}$$</code>'


def render_block_math(renderer: Any, text: str, mathml: str = "", label: str = "") -> str:
    if mathml:
        return _region("div", "math-block", label, mathml) + "\n"
    return f'<pre class="math-error"><code>$$\n{escape(text.strip())}\n$$</code></pre>\n'


def register(md: Any) -> None:
    md.block.register("block_math", BLOCK_MATH_PATTERN, parse_dollar_block, before="list")
    md.block.insert_rule(md.block.block_quote_rules, "block_math", before="list")
    md.block.insert_rule(md.block.list_rules, "block_math", before="list")
    md.inline.register("inline_math", INLINE_MATH_PATTERN, parse_inline_math, before="codespan", start_chars="$")
    add_hook(md, "inline_math", convert_math)
    add_hook(md, "block_math", convert_math)
    add_hook(md, "display_math", convert_math)
    set_render(md, "display_math", render_display_math)
    set_render(md, "inline_math", render_inline_math)
    set_render(md, "block_math", render_block_math)
