"""Author HTML after sanitising: its links treated as Markdown links are, its ids and anchors kept unique.

`<a href="/en/lessons/x">` gets the site's base path and is checked like `[x](/en/lessons/x)`;
`<a href="#Drucker">` is a link to a place on the page; `<a name="Drucker">` (the old way to mark one)
becomes `id="Drucker"`, as does `id="#Drucker"`; an id the page already has is removed with a
warning. Each is reported on the line of its tag in the author's HTML.
"""

from __future__ import annotations

import html as htmllib
import re
from typing import Any, Callable, Iterator

from mistune.util import escape

from .context import Session, Token, add_hook
from .hrefs import is_root_path, local_href
from .ids import claim_id
from .urls import scheme_of

# nh3 writes every attribute double-quoted with '"' escaped, so a value never holds a quote.
_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s\"'=<>/]+(?:=\"[^\"]*\")?)*)\s*/?>")
_ATTRIBUTE = re.compile(r"\s+([^\s\"'=<>/]+)(?:=\"([^\"]*)\")?")
_WATCHED = ("id=", "name=", "href=", "src=", "<a")
SOURCE = "_html_source"


def keep_source(tok: Token, session: Session) -> None:
    """Hook, before sanitising: keep the author's HTML, whose lines the tags are reported on."""
    tok[SOURCE] = tok["raw"]


def settle_block(tok: Token, session: Session) -> None:
    """Hook, after sanitising: links, anchors and ids of a block of author HTML."""
    source = tok.pop(SOURCE, "")
    if any(marker in tok["raw"] for marker in _WATCHED):
        lines = _TagLines(source, tok["raw"], session.line_of(tok))
        tok["raw"] = settle(tok["raw"], session, lines.line_of)


def settle_inline(tok: Token, session: Session) -> None:
    """Hook: the same for one inline tag, which stands on its token's line."""
    if any(marker in tok["raw"] for marker in _WATCHED):
        line = session.line_of(tok)
        tok["raw"] = settle(tok["raw"], session, lambda _name, _index: line)


def settle(cleaned: str, session: Session, line_of: Callable[[str, int], int]) -> str:
    """Rewrite each start tag of sanitised HTML; `line_of(name, n)` is the line of the n-th tag of a name."""
    seen: dict[str, int] = {}

    def visit(m: re.Match[str]) -> str:
        name = m.group(1).lower()
        index = seen.get(name, 0)
        seen[name] = index + 1
        attributes = [(key.lower(), value) for key, value in _ATTRIBUTE.findall(m.group(2))]
        if name != "a" and not any(key in ("id", "name", "href", "src") for key, _ in attributes):
            return m.group(0)
        kept = _settle_attributes(name, attributes, session, lambda: line_of(name, index))
        return f"<{m.group(1)}{''.join(_attribute(k, v) for k, v in kept)}>"

    return _TAG.sub(visit, cleaned)


def _settle_attributes(name: str, attributes: list[tuple[str, str]], session: Session,
                       line: Callable[[], int]) -> list[tuple[str, str]]:
    values = {key: htmllib.unescape(value) for key, value in attributes}
    # 'id="#x"' is 'x' written as a link to it would be: the '#' is not meant as part of the name.
    anchor = (values.get("id") or (values.get("name", "") if name == "a" else "")).strip().lstrip("#")
    kept_id = bool(anchor) and not any(ch.isspace() for ch in anchor) and claim_id(anchor, session, line())
    out = []
    for key, value in values.items():
        if key in ("id", "name") or (key == "rel" and "href" not in values):
            continue  # the sanitiser adds rel to every <a>; HTML allows it only on a link
        if key == "href" and name == "a" and not scheme_of(value):
            value = local_href(value, session, line())
        elif key == "src" and name == "img" and is_root_path(value):
            value = session.ctx.site_root + value[1:]  # the image itself was checked while sanitising
        out.append((key, value))
    return ([("id", anchor)] if kept_id else []) + out


def _attribute(key: str, value: str) -> str:
    return f' {key}="{escape(value)}"'


class _TagLines:
    """The file line of the n-th tag of a name, found in the author's HTML (`source`, from `first`).

    The sanitiser keeps the tags it allows in order, so the n-th kept is the n-th written when as
    many of that name were kept as written; otherwise the block's first line is the best that can
    be said.
    """

    def __init__(self, source: str, cleaned: str, first: int):
        self.source, self.cleaned, self.first = source, cleaned, first
        self.found: dict[str, list[int]] = {}

    def line_of(self, name: str, index: int) -> int:
        if name not in self.found:
            written = list(self._lines(name))
            kept = len(re.findall(rf"<{re.escape(name)}\b", self.cleaned, re.I))
            self.found[name] = written if len(written) == kept else []
        lines = self.found[name]
        return lines[index] if index < len(lines) else self.first

    def _lines(self, name: str) -> Iterator[int]:
        count, done = 0, 0
        for m in re.finditer(rf"<{re.escape(name)}\b", self.source, re.I):
            count += self.source.count("\n", done, m.start())
            done = m.start()
            yield self.first + count


def register_before(md: Any) -> None:
    """Registered ahead of the sanitiser, so the author's HTML is still at hand."""
    add_hook(md, "block_html", keep_source)


def register(md: Any) -> None:
    add_hook(md, "block_html", settle_block)
    add_hook(md, "inline_html", settle_inline)
