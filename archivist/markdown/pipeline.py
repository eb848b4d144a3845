"""render_body: parse, check and annotate the token tree, then render it once, safely."""

from __future__ import annotations

import threading
from typing import Any

from mistune import Markdown
from mistune.plugins.abbr import abbr
from mistune.plugins.def_list import def_list

from archivist.diagnostics import Diagnostic, normalise
from archivist.model import Heading, RenderedBody

from . import emphasis_scan  # noqa: F401 - mistune's marker scan, faster (see the module)
from . import (anchors, attributes, callouts, citations, code, crossrefs, divs, figures, floats, footnotes, htmlblocks,
               ids, images, links, math, mathjax, rawhtml, rawlinks, references_place, renderer, scripts, spans, tables)
from .context import LIST_HOOKS, BodyContext, Hook, ListHook, Session, Token, hooks_of
from .positions import SOURCE_LINES, LineBlockParser, LineInlineParser, LineState, wrap_definition_lists
from .sanitize import final_pass
from .text import block_text, count_words, plain_text
from .typography import smarten

# Order matters where two plugins hook the same token: figures must see a paragraph
# before ids numbers it, and number a figure div before floats adopts its content; code wraps the fence rule that figures' directive installs;
# htmlblocks wraps the HTML rules; attributes names a heading after ids does; crossrefs puts its
# inline rules ahead of every other rule, and resolves references after the others' end hooks.
PLUGINS = (
    renderer.register, footnotes.register, tables.register, math.register, mathjax.register,
    figures.register, floats.register, code.register, ids.register, images.register, links.register,
    rawlinks.register_before, rawhtml.register, htmlblocks.register, rawlinks.register,
    scripts.register, citations.register, def_list, abbr,
    callouts.register, divs.register, references_place.register, attributes.register, spans.register,
    crossrefs.register,
)

_local = threading.local()


def body_markdown() -> Markdown:
    """One Markdown object per thread: all per-document state lives in BlockState.env and
    the Session, so reusing it is safe and saves rebuilding the rule tables per article."""
    md = getattr(_local, "md", None)
    if md is None:
        md = Markdown(renderer=renderer.create_renderer(), block=LineBlockParser(), inline=LineInlineParser())
        for plugin in PLUGINS:
            plugin(md)
        wrap_definition_lists(md)
        _local.md = md
    return md


def parse_inlines(md: Markdown, tokens: list[Token], env: Any, line: int) -> None:
    """Parse the inline text of every block, in document order (footnotes number by it),
    each knowing the file line its text starts on."""
    for tok in tokens:
        at = tok.get("_line") or line
        if "children" in tok:
            parse_inlines(md, tok["children"], env, at)
        elif "text" in tok:
            tok["children"] = md.inline.parse_text(tok.pop("text").strip(" \r\n\t\f"), env, at)
            tok["_inline"] = True


def walk(tokens: list[Token], session: Session, hooks: dict[str, list[Hook]]) -> None:
    """Run plugin hooks over the tree in document order.

    A token's children are prepared (typography, list hooks such as HTML balancing)
    before the token's own hooks run, so those hooks see finished content. The session
    knows the line of the token being visited, for hooks on tokens that carry none.
    """
    for tok in tokens:
        children = tok.get("children")
        if not children and tok["type"] not in hooks:
            continue  # a leaf no hook asks for: most text runs
        outer = session.line
        session.line = tok.get("_line") or outer
        if children:
            if tok.get("_inline"):
                smarten(children, session.lang)
            _run_list_hooks(children, session, hooks)
        _dispatch(tok, session, hooks)
        children = tok.get("children")
        if children:
            session.depth += 1
            walk(children, session, hooks)
            session.depth -= 1
        session.line = outer


def _run_list_hooks(tokens: list[Token], session: Session, hooks: dict[str, list[Hook]]) -> None:
    """The list hooks whose token types the list holds. The types are collected before the first
    hook runs: a hook adds no type that a later one needs (blank lines, and attribute lists that
    only their own hook reads)."""
    list_hooks: list[ListHook] = hooks.get(LIST_HOOKS, [])  # type: ignore[assignment]
    if not list_hooks:
        return
    kinds = {tok["type"] for tok in tokens}
    for list_hook in list_hooks:
        if not kinds.isdisjoint(list_hook.needs):
            list_hook.run(tokens, session)


def _dispatch(tok: Token, session: Session, hooks: dict[str, list[Hook]]) -> None:
    """Call the hooks of a token's type; if one changes the type, the new type's hooks too."""
    seen: set[str] = set()
    while tok["type"] not in seen:
        kind = tok["type"]
        seen.add(kind)
        for hook in hooks.get(kind, ()):
            hook(tok, session)
            if tok["type"] != kind:
                break


def render_body(source: str, ctx: BodyContext) -> tuple[RenderedBody, list[Diagnostic]]:
    """The article body as safe HTML with its contents, ids, assets and diagnostics."""
    source = source.replace("\r\n", "\n").replace("\r", "\n")
    md = body_markdown()
    session = Session(ctx, line=ctx.first_line)
    state = LineState(line_base=ctx.first_line)
    state.env[scripts.OPTIONS] = ctx.options
    state.env[citations.ENABLED] = bool(ctx.citations)
    state.env[citations.NOTE_STYLE] = ctx.citations == "note"
    state.env[SOURCE_LINES] = (ctx.first_line, source.split("\n"))
    state.process(source if source.endswith("\n") else source + "\n")
    md.block.parse(state)
    tokens = state.tokens
    parse_inlines(md, tokens, state.env, ctx.first_line)
    state.env[citations.IN_NOTES] = True
    notes = footnotes.build_notes(md, state, lambda toks: parse_inlines(md, toks, state.env, ctx.first_line))
    footnotes.adopt_heading(tokens, state, notes, ctx.lang)
    references_title = references_place.adopt_place(tokens, state.env, ctx.lists_works, ctx.lang)
    session.heading_shift = ids.heading_shift(tokens)
    hooks = hooks_of(md)
    _run_list_hooks(tokens, session, hooks)
    walk(tokens, session, hooks)
    body_citations = len(session.citations)
    if notes:
        session.in_notes = True
        walk([notes], session, hooks)
    footnotes.check_definitions(state, session)
    for finish in hooks.get("[end]", ()):
        finish(state, session)  # type: ignore[arg-type]
    html = md.renderer(tokens + ([notes] if notes else []), state)
    html, found = anchors.settle_fragments(final_pass(html), session)
    body = RenderedBody(
        html=html,
        toc=tuple(_toc_entry(md, tok, state) for tok in session.headings),
        paragraph_ids=tuple(session.paragraph_ids),
        footnote_count=len(notes["children"]) if notes else 0,
        notes_title=notes.get("_title", "") if notes else "",
        references_title=references_title,
        assets=tuple(session.assets),
        word_count=count_words(block_text(tokens)),
        ids=found.ids,
        heading_aliases=found.aliases,
        site_links=tuple(session.site_links),
        citations=citations.in_reading_order(session, body_citations),
    )
    return body, normalise(session.diagnostics)


def _toc_entry(md: Markdown, tok: Token, state: LineState) -> Heading:
    children = _without_links(tok["children"])
    html = final_pass(md.renderer.render_tokens(children, state))
    return Heading(tok["attrs"]["level"], tok["attrs"]["id"], plain_text(tok["children"]).strip(), html)


def _without_links(tokens: list[Token]) -> list[Token]:
    """Heading content for the contents list: no note numbers, no links inside its link, and no id
    a span or inline code has (the heading holds it already)."""
    out: list[Token] = []
    for tok in tokens:
        if tok["type"] == "footnote_ref":
            continue
        if tok["type"] == "crossref":
            out.append({**tok, "attrs": {**tok["attrs"], "in_link": True}})
            continue
        if tok["type"] in ("bracketed_span", "codespan") and "id" in (tok.get("attrs") or {}):
            tok = {**tok, "attrs": {key: value for key, value in tok["attrs"].items() if key != "id"}}
        if tok["type"] == "link":
            out.extend(_without_links(tok["children"]))
        elif "children" in tok:
            out.append({**tok, "children": _without_links(tok["children"])})
        else:
            out.append(tok)
    return out
