"""Code blocks: coloured by Pygments at build time, with optional line numbers and marked lines.

Each block is a labelled region that scrolls sideways on a phone (reachable by keyboard, as
tables are); the script static/reader-code.js adds a copy button. Line numbers are drawn by
CSS from a data attribute of an empty, aria-hidden span, so they are neither copied with the
code nor read out as part of it.
"""

from __future__ import annotations

import re
from difflib import get_close_matches
from typing import Any, Match

from mistune.util import escape

from .context import Session, Token, add_hook, set_render
from .fences import FenceSpec, parse_info
from .highlight import display_name, highlight_lines, is_plain, known_names, lexer_for, plain_lines

_CHUNK_NAME_RE = re.compile(r"\s*\{\s*([A-Za-z0-9_-]+)\s*\}\s*$")
_CHUNK_OPTION_RE = re.compile(r"#\|.*(?:\n|$)")
TYPO_CUTOFF = 0.8  # 'pyhton' is 0.83 from 'python'; 'geojson' (0.73 from 'json') is a real name


def parse_fence(previous: Any, block: Any, m: Match[str], state: Any) -> int | None:
    """A fence like ```{r}: a directive when one of that name is registered ({figure}),
    otherwise code in that language, instead of an unknown directive."""
    end = previous(m, state)
    name = _CHUNK_NAME_RE.match(m.group("fenced_3") or "")
    last = state.tokens[-1] if end is not None and state.tokens else None
    if name and last is not None and last["type"] == "block_error" and _is_language(name.group(1)):
        state.tokens.pop()
        return block.parse_fenced_code(m, state)
    return end


def _is_language(name: str) -> bool:
    return is_plain(name) or lexer_for(name) is not None


def prepare_code(tok: Token, session: Session) -> None:
    """Hook: read the fence's requests, check them, and name the block 'Code N (Language)'."""
    info = (tok.get("attrs") or {}).get("info", "")
    spec = parse_info(info)
    line = session.line_of(tok)
    code = _without_chunk_options(tok["raw"]) if spec.chunk else tok["raw"]
    tok["raw"] = code
    lexer = lexer_for(spec.language)
    if spec.language and lexer is None and not is_plain(spec.language):
        _report_unknown_language(spec.language, session, line)
    for problem in spec.problems:
        session.warning("body.code-option", problem, line)
    count = code.count("\n") + (0 if code.endswith("\n") or not code else 1)
    _check_marked(spec, count, session, line)
    label = f"{session.ctx.label('code')} {session.next_number('code')}"
    language = display_name(spec.language, lexer) if lexer else ""
    tok["attrs"] = {
        "language": spec.language.lower() if lexer else "",
        "label": f"{label} ({language})" if language else label,
        "numbered": spec.numbered,
        "start": spec.start,  # may be 0 (Pandoc's startFrom="0"), so 'numbered' says whether to number
        "marked": spec.marked_lines(count),
    }


def _without_chunk_options(code: str) -> str:
    """Quarto's leading '#| key: value' lines are chunk options, not code to show."""
    pos = 0
    while m := _CHUNK_OPTION_RE.match(code, pos):
        pos = m.end()
    return code[pos:]


def _report_unknown_language(language: str, session: Session, line: int) -> None:
    """Warn only about a likely typo ('pyhton'), once per article and language.

    A name Pygments lacks and nothing resembles (xpath, mermaid, ris) is a deliberate tag: the
    block is shown as plain text in silence, since the author has nothing to fix and warnings
    that cannot be fixed teach readers of the build log to ignore warnings.
    """
    name = language.lower()
    close = get_close_matches(name, known_names(), n=1, cutoff=TYPO_CUTOFF) if len(name) >= 4 else []
    if not close or session.next_number(f"code-language:{name}") > 1:
        return
    session.warning("body.code-language", f"unknown code language '{language[:40]}' (did you mean "
                    f"'{close[0]}'?); the block is shown without highlighting", line)


def _check_marked(spec: FenceSpec, count: int, session: Session, line: int) -> None:
    beyond = spec.first_beyond(count)
    if beyond is not None:
        session.warning("body.code-option", f"hl_lines names line {beyond}, but the block has {count} "
                        "line(s); hl_lines counts from the block's first line", line)


def render_code(renderer: Any, text: str, language: str = "", label: str = "", numbered: bool = False,
                start: int = 1, marked: frozenset[int] = frozenset(), **_ignored: Any) -> str:
    lexer = lexer_for(language) if language else None
    lines = (highlight_lines(text, lexer) if lexer else plain_lines(text)) if text else []
    classes = "code"
    if numbered or marked:
        classes += " code--lines"
    if numbered:
        classes += f" code--numbered ln-{min(max(len(str(start + len(lines) - 1)), 2), 6)}"
    body = _wrap_lines(lines, numbered, start, marked) if numbered or marked else "".join(f"{line}\n" for line in lines)
    lang_class = f' class="language-{escape(language)}"' if language else ""
    return (
        f'<div class="code-block">\n<pre class="{classes}" dir="ltr" role="region" tabindex="0" '
        f'aria-label="{escape(label)}"><code{lang_class}>{body}</code></pre>\n</div>\n'
    )


def _wrap_lines(lines: list[str], numbered: bool, start: int, marked: frozenset[int]) -> str:
    """Each line in its own element: a <mark> when marked (it is announced as highlighted),
    with an empty, aria-hidden number span when numbered. The line end stays inside it."""
    out = []
    for index, line in enumerate(lines, start=1):
        number = f'<span class="ln" data-line="{start + index - 1}" aria-hidden="true"></span>' if numbered else ""
        tag = "mark" if index in marked else "span"
        out.append(f'<{tag} class="line">{number}{line}\n</{tag}>')
    return "".join(out)


def register(md: Any) -> None:
    """Must follow figures.register: it wraps the fence rule of the {figure} directive."""
    previous = md.block._methods["fenced_code"]  # mistune keeps rules there; no public getter
    md.block.register("fenced_code", None, lambda block, m, state: parse_fence(previous, block, m, state))
    add_hook(md, "block_code", prepare_code)
    set_render(md, "block_code", render_code)
