"""In-page links: each '#id' of a body is checked against the ids its page has, once the body is rendered.

Ids are known only when the whole body is: a link may point at a heading further down, a note or an
author's anchor. A fragment written for another tool's heading ids (kramdown's, GitHub's, Pandoc's;
see idschemes) is pointed at the heading it names here; the link's text is unchanged. Any other
fragment that matches nothing is reported on the link's line, with the id it most resembles.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass
from urllib.parse import unquote

from mistune.util import escape

from archivist.diagnostics import did_you_mean

from .context import Session
from .idschemes import heading_aliases

# The body has passed the final sanitiser here, which writes every attribute double-quoted after
# one space; a pattern that starts with that literal text is found many times faster than one
# starting with any white space.
_ID = re.compile(r' id="([^"]*)"')
_FRAGMENT_HREF = re.compile(r'(\shref=")#([^"]*)"')
_PASSAGE = re.compile(r"p\d+")
# Places every article page has around its body; 'top' is the top of any page to a browser.
PAGE_TARGETS = frozenset({"top", "main", "article-body", "cite"})


@dataclass(frozen=True)
class Anchors:
    """The ids a rendered body holds besides its passages' (`p1`, … are in `paragraph_ids` already, and
    a long article has thousands), and the other tools' ids of its headings that are not ids here."""

    ids: tuple[str, ...]
    aliases: tuple[tuple[str, str], ...]


def fragment_target(text: str) -> str:
    """The id a fragment names, as the browser reads it: entities and %-escapes decoded."""
    return unquote(htmllib.unescape(text))


def settle_fragments(html: str, session: Session) -> tuple[str, Anchors]:
    """Check every '#id' link of the body; point those written for another tool's ids at our own."""
    ids = tuple(dict.fromkeys(htmllib.unescape(value) for value in _ID.findall(html)))
    known = set(ids) | PAGE_TARGETS | session.ctx.known_ids
    aliases = {other: own for other, own in heading_aliases(session.named_headings).items() if other not in known}
    moved: dict[str, str] = {}
    for fragment, line in session.fragments:
        target = fragment_target(fragment)
        if target in known:
            continue
        if target in aliases:
            moved[target] = aliases[target]
            continue
        session.warning("body.missing-anchor", missing_anchor(target, "this page", ids), line)
    named = tuple(i for i in ids if not _PASSAGE.fullmatch(i))
    return (_point(html, moved) if moved else html), Anchors(named, tuple(sorted(aliases.items())))


def missing_anchor(target: str, where: str, ids: tuple[str, ...]) -> str:
    """The message for a fragment that names no id of a page, with the id it most resembles."""
    return f"link to '#{target}': {where} has no element with that id{closest_id(target, ids)}"


def closest_id(target: str, ids: tuple[str, ...]) -> str:
    """' (did you mean …?)' with the id most like a missing one; passages (p1, p2) are never meant."""
    return did_you_mean(target, [i for i in ids if not _PASSAGE.fullmatch(i)])


def _point(html: str, moved: dict[str, str]) -> str:
    def visit(m: re.Match[str]) -> str:
        target = fragment_target(m.group(2))
        return f'{m.group(1)}#{escape(moved[target])}"' if target in moved else m.group(0)

    return _FRAGMENT_HREF.sub(visit, html)
