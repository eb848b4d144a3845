"""Pandoc's bracketed spans, `[text]{.smallcaps}`, and attributes on inline code, `` `x`{.r} ``.

A span is read where a link would close: a `]` directly followed by an attribute list closes
the innermost open `[` as a span instead, as in Pandoc, so what it holds is inline Markdown
like a link's text (emphasis, links, math, citations, other spans). A `]` followed by `(` or
`[` is still a link, and `[^1]`, `[@key]` and `[-@fig-x]` are read by their own rules first.

What of the attributes reaches the page is decided in pandocattrs.py: small capitals, an
underline and a highlight become the theme's `<span class="smallcaps">`, `<u>` and `<mark>`;
a language tag, a direction and an unused id are kept. Everything else (the Journal of
Statistical Software's `.proglang`, `.pkg` and `.fct`, a `style`, an `onclick`) is left out
and named in one warning per article, on the first place it is written. An empty span shows
nothing and is reported, unless it carries an id: `[]{#here}` is Pandoc's way to mark a place.

On inline code the braces are never shown. A first class naming a language (`{.r}`) is read
and used for nothing, since inline code is not coloured; other classes are reported as on a
span. `{=html}` makes the code raw HTML, sanitised as any author HTML is; `{=latex}` and other
formats are content for other outputs, left out as Pandoc's HTML leaves them, and reported.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Match

from mistune.util import escape

from . import pandocattrs
from .context import Session, Token, add_end_hook, add_hook, set_render
from .highlight import known_names

# A run of ']' stops before one that opens attributes, so that one is tried as a span's end.
CLOSE_PATTERN = r"\](?:\](?!\{))*"
DROPPED = "span-attributes"  # gathered: (line, column, the item as written)
OMITTED = "archivist_raw_formats"  # env key: (line, column, format), found while parsing
HTML_FORMATS = frozenset({"html", "html5", "html4"})
ELEMENTS = {"smallcaps": ("span", ' class="smallcaps"'), "underline": ("u", ""), "mark": ("mark", "")}


def parse_close(inline: Any, m: Match[str], state: Any) -> int | None:
    """Inline rule in place of mistune's link_close: a span where the ']' is followed by attributes."""
    opener = state.brackets[-1] if state.brackets else None
    found = pandocattrs.read(state.src, m.end()) if opener is not None and not opener.image else None
    if found is None or state.depth + opener.child_depth >= inline.max_nested_level:
        return inline.parse_link_close(m, state)
    state.brackets.pop()
    state.last_link = opener.previous_link
    children = inline.finalize_tokens(state.tokens[opener.token_index + 1:], state.depth + 1)
    del state.tokens[opener.token_index:]
    start = opener.start - 1  # the '['
    tok = {"type": "bracketed_span", "children": children, "_items": found[0], "_line": state.line_at(start),
           "_braces": (state.line_at(m.end()), state.column_at(m.end()))}
    if not children:  # reported where the '[' stands (a column costs a look at the whole line)
        tok["_column"] = state.column_at(start)
    state.append_token(tok)
    return found[1]


def parse_code(inline: Any, m: Match[str], state: Any) -> int:
    """Inline rule in place of mistune's codespan: the code, then its attribute list if it has one."""
    before = len(state.tokens)
    end = inline.parse_codespan(m, state)
    if len(state.tokens) == before or state.tokens[-1]["type"] != "codespan":
        return end
    raw = pandocattrs.RAW.match(state.src, end)
    if raw:
        code = state.tokens.pop()["raw"]
        _raw_content(inline, state, code, raw.group("format").lower(), m.start())
        return raw.end()
    found = pandocattrs.read(state.src, end)
    if found is None:
        return end
    state.tokens[-1].update(_items=found[0], _braces=(state.line_at(end), state.column_at(end)))
    return found[1]


def _raw_content(inline: Any, state: Any, code: str, fmt: str, start: int) -> None:
    """`{=html}`: the code read as inline HTML, tag by tag, as author HTML in text is; another format: nothing."""
    line = state.line_at(start)
    if fmt not in HTML_FORMATS:  # noted now: a paragraph holding nothing else is never walked
        state.env.setdefault(OMITTED, []).append((line, state.column_at(start), fmt))
        state.append_token({"type": "omitted_raw", "raw": "", "_line": line})
        return
    inner = state.inner(start, code)
    tags, pos = inline.compile_sc(["inline_html"]), 0
    while (found := tags.search(code, pos)) is not None:
        if found.start() > pos:
            inline.process_text(code[pos:found.start()], inner, parse_emphasis=False)
        end = inline.parse_inline_html(found, inner)
        if end is None:
            inline.process_text("<", inner, parse_emphasis=False)
        pos = end or found.start() + 1
    if pos < len(code):
        inline.process_text(code[pos:], inner, parse_emphasis=False)
    for tok in inner.tokens:
        state.append_token({**tok, "_line": line})


def apply_span(tok: Token, session: Session) -> None:
    """Hook: keep what of a span's attributes is safe; an empty span without an id shows nothing."""
    items, braces = tok.pop("_items"), tok.pop("_braces")
    if not tok["children"] and not any(item.kind == "id" for item in items):
        written = " ".join(item.written for item in items)
        session.warning("body.empty-span", f"the span '[]{{{written[:60]}}}' holds no text and is left out",
                        session.line_of(tok), tok["_column"])
        tok["attrs"] = {}
        return
    applied = pandocattrs.apply(items, session, braces)
    _gather(applied.dropped, braces, session)
    tok["attrs"] = {"wrappers": tuple(applied.wrappers), **applied.html_attributes()}


def apply_code(tok: Token, session: Session) -> None:
    """Hook: an id, lang or dir on inline code is kept as a span's is; a first class naming a
    language is read and used for nothing; every other class is reported."""
    items, braces = tok.pop("_items", None), tok.pop("_braces", None)
    if items is None:
        return
    classes = [item for item in items if item.kind == "class"]
    if classes and classes[0].name.lower() in _languages():
        items = [item for item in items if item is not classes[0]]
    applied = pandocattrs.apply(items, session, braces, elements=False)
    _gather(applied.dropped, braces, session)
    if applied.html_attributes():
        tok["attrs"] = applied.html_attributes()


def _gather(items: list[pandocattrs.Item], braces: tuple[int, int], session: Session) -> None:
    for item in items:
        session.gather(DROPPED, (braces[0], braces[1] + item.offset, item.written))


def report(state: Any, session: Session) -> None:
    """End hook: one warning per article for the attributes left out, and one for raw content
    left out, each on the first place where one is written, naming them all."""
    dropped = sorted(session.gathered.get(DROPPED, ()))
    if dropped:
        line, column = dropped[0][:2]
        session.warning("body.span-attribute", f"attributes not applied: {_names(w for *_, w in dropped)}; a span "
                        "keeps only .smallcaps, .underline, .mark, lang (a BCP 47 tag), dir and an #id no other "
                        "element has, and inline code the last three", line, column)
    omitted = sorted(state.env.get(OMITTED, ()))
    if omitted:
        line, column = omitted[0][:2]
        session.warning("body.raw-format", f"raw inline code for other output formats is left out, as Pandoc's "
                        f"HTML leaves it: {_names(f'{{={fmt}}}' for *_, fmt in omitted)}; only {{=html}} is shown",
                        line, column)


def _names(names: Any) -> str:
    unique = list(dict.fromkeys(names))
    shown = ", ".join(f"'{name[:40]}'" for name in unique[:8])
    return shown + (f" and {len(unique) - 8} more" if len(unique) > 8 else "")


@lru_cache(maxsize=1)
def _languages() -> frozenset[str]:
    return frozenset(known_names())


def render_span(renderer: Any, text: str, wrappers: tuple[str, ...] = (), **attributes: str) -> str:
    """The span's elements, the first class outermost; the outermost carries the id, lang and dir."""
    if not text and not attributes:
        return ""
    elements = [ELEMENTS[name] for name in wrappers] or ([("span", "")] if attributes else [])
    html = text
    for depth, (tag, classes) in reversed(list(enumerate(elements))):
        extra = "".join(f' {name}="{escape(value)}"' for name, value in attributes.items()) if depth == 0 else ""
        html = f"<{tag}{classes}{extra}>{html}</{tag}>"
    return html


def render_code(renderer: Any, text: str, **attributes: str) -> str:
    extra = "".join(f' {name}="{escape(value)}"' for name, value in attributes.items())
    return f"<code{extra}>{escape(text)}</code>"


def render_nothing(renderer: Any, text: str = "", **_: Any) -> str:
    return ""


def register(md: Any) -> None:
    """Replaces mistune's link_close and codespan rules, keeping their places among the rules."""
    md.inline.register("link_close", CLOSE_PATTERN, parse_close, start_chars="]")
    md.inline.register("codespan", None, parse_code, start_chars="`")
    add_hook(md, "bracketed_span", apply_span)
    add_hook(md, "codespan", apply_code)
    add_end_hook(md, report)
    set_render(md, "bracketed_span", render_span)
    set_render(md, "codespan", render_code)
    set_render(md, "omitted_raw", render_nothing)
