"""Links: article: references resolved, doi: links made openable, external links marked, unsafe schemes
dropped, links into the site given the base path and recorded for checking."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from mistune.util import escape

from archivist.model import SiteLink

from .context import Session, Token, add_hook, set_render
from .hrefs import local_href
from .urls import EXTERNAL_SCHEMES, HARMFUL_SCHEMES, LINK_SCHEMES, doi_href, scheme_of

ARTICLE_SCHEME = "article:"


def resolve_link(tok: Token, session: Session) -> None:
    """Hook: decide what a Markdown link becomes, reporting what cannot be linked."""
    attrs = tok["attrs"]
    url: str = attrs["url"]
    line = session.line_of(tok)
    if url.lower().startswith(ARTICLE_SCHEME):
        _resolve_article(tok, url[len(ARTICLE_SCHEME):], session, line)
        return
    scheme = scheme_of(url)
    if scheme in HARMFUL_SCHEMES or (scheme and scheme not in LINK_SCHEMES):
        # Other schemes would be stripped by the final sanitiser anyway; say so here.
        code = "body.unsafe-url" if scheme in HARMFUL_SCHEMES else "body.link-scheme"
        session.warning(code, f"dropped link with a '{scheme}:' URL", line)
        _unlink(tok)
        return
    if scheme == "doi":
        attrs["url"] = doi_href(url)
    if scheme in EXTERNAL_SCHEMES:
        attrs["external"] = session.ctx.label("external")
    if not scheme:
        attrs["url"] = local_href(url, session, line)


def _resolve_article(tok: Token, target: str, session: Session, line: int) -> None:
    slug, _, fragment = unquote(target).partition("#")
    href = session.ctx.resolve_article(slug) if slug else None
    if href is None:
        session.error("body.unknown-article", f"link to unknown article '{slug}'", line)
        _unlink(tok)
        return
    tok["attrs"]["url"] = f"{href}#{fragment}" if fragment else href
    if fragment:  # the other article's ids are known once it is rendered too
        session.site_links.append(SiteLink("article", f"{slug}#{fragment}", line))


def _unlink(tok: Token) -> None:
    """Keep the link text, lose the link: readers still see what the author wrote."""
    tok["type"] = "unlinked"
    tok.pop("attrs", None)


def render_link(renderer: Any, text: str, url: str, title: str | None = None, external: str | None = None) -> str:
    attrs = f' href="{escape(url)}"'
    if title:
        attrs += f' title="{escape(title)}"'
    if external is None:
        return f"<a{attrs}>{text}</a>"
    marker = f'<span class="visually-hidden"> ({escape(external)})</span>'
    return f'<a{attrs} class="external" rel="noopener noreferrer">{text}{marker}</a>'


def render_unlinked(renderer: Any, text: str) -> str:
    return text


def register(md: Any) -> None:
    add_hook(md, "link", resolve_link)
    set_render(md, "link", render_link)
    set_render(md, "unlinked", render_unlinked)
