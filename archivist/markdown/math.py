"""TeX math: `$...$` and `$$...$$` turned into MathML at build time with latex2mathml.

A `$$` block followed by Quarto's label (`$$ E = mc^2 $$ {#eq-energy}`, on one line or with the
dollars on lines of their own) is a labelled equation (crossrefs.py): its
label is its id, and it shows its number, "(3)", beside it; the number is the one its region is
named by, "Equation 3", which counts every named formula of the article.
"""

from __future__ import annotations

import html as htmllib
import re
from functools import lru_cache
from typing import Any

from latex2mathml.converter import convert
from mistune.plugins.math import parse_block_math
from mistune.util import escape

from .context import MarkdownOptions, Session, Token, add_hook, set_render
from .crossrefs import claim_label
from .sanitize import clean_mathml
from .scripts import OPTIONS

# mistune's '$$' blocks, on one line or with the dollars on lines of their own, and Quarto's label
# after the closing dollars: '$$ E = mc^2 $$ {#eq-energy}'.
BLOCK_MATH_PATTERN = (
    r"^ {0,3}\$\$(?P<math_text_single>[^\n]*?)\$\$"
    r"(?:[ \t]*\{#(?P<math_label_single>eq-[^\s{}]+)\})?[ \t]*(?:\n|$)|"
    r"^ {0,3}\$\$[ \t]*\n(?P<math_text_multi>[\s\S]*?)\n\$\$"
    r"(?:[ \t]*\{#(?P<math_label_multi>eq-[^\s{}]+)\})?[ \t]*(?:\n|$)"
)
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
    if not dollars_on(state):
        return None
    end = parse_block_math(block, m, state)
    label = m.group("math_label_single") or m.group("math_label_multi")
    if label:
        state.tokens[-1]["_label"] = label
    return end


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
    if (mathml and (display or _is_wide(mathml))) or "_label" in tok:
        # one count for all: each region needs a name of its own
        number = session.next_number("equation")
        tok["attrs"].update(label=f"{session.ctx.label('equation')} {number}", number=number)
    wanted = tok.pop("_label", "")
    if wanted and claim_label(session, wanted, "equation", tok["attrs"], session.line_of(tok)):
        tok["attrs"]["id"] = wanted


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


def render_inline_math(renderer: Any, text: str, mathml: str = "", label: str = "", **_: Any) -> str:
    if mathml:
        return _region("span", "math-scroll", label, mathml) if label else mathml
    return f'<code class="math-error">${escape(text)}$</code>'


def render_display_math(renderer: Any, text: str, mathml: str = "", label: str = "", **_: Any) -> str:
    """Display math inside a paragraph: a span, since a <p> may not hold a <div>."""
    if mathml:
        return _region("span", "math-block", label, mathml)
    return f'<code class="math-error">$${escape(text)}$$</code>'


def render_block_math(renderer: Any, text: str, mathml: str = "", label: str = "", id: str = "",
                      number: int | None = None) -> str:
    if mathml:
        shown = _region("div", "math-block", label, mathml)
    else:
        shown = f'<pre class="math-error"><code>$$\n{escape(text.strip())}\n$$</code></pre>'
    if not id:
        return shown + "\n"
    # the region's name already says "Equation N": the visible number is for the eye only
    return (f'<div class="equation" id="{escape(id)}">{shown}'
            f'<span class="equation-number" aria-hidden="true">({number})</span></div>\n')


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
