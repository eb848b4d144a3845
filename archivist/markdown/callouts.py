"""Callouts (note, tip, important, warning, caution) from HTML classes, GitHub alerts and Pandoc divs.

Three spellings reach one box, styled by the theme (`.callout`, `.callout--warning`):

- raw HTML with a class a theme would style as a callout: Bootstrap's
  `<div class="alert alert-warning">` (kramdown sites), `note`, `warning`, `tip`, Quarto's
  `callout-note`, … — shown without a title, exactly as the author wrote it;
- GitHub's alerts, a block quote whose first line is `[!NOTE]`, `[!TIP]`, `[!IMPORTANT]`,
  `[!WARNING]` or `[!CAUTION]`;
- Pandoc and Quarto fenced divs, `::: {.callout-warning title="Mind the gap"}` … `:::`, or
  `::: warning` (read by divs.py).

The last two are titled with the interface word for their kind (or the div's `title`).
Author classes never reach the page as written: those above become the theme's own callout
classes and every other class is dropped, reported once per article. So an author cannot
borrow the site's layout classes (`site-header`, `visually-hidden`, the reader tools').
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from mistune.util import escape

from .context import Session, Token, add_end_hook, add_hook, set_render

KINDS = ("note", "tip", "important", "warning", "caution")
# Author class -> the callout kind it asks for ('' adds no kind: a plain box, or a modifier).
CLASS_KINDS = {
    "alert": "", "alert-block": "", "callout": "", "admonition": "",
    "note": "note", "info": "note", "alert-info": "note", "alert-primary": "note", "alert-secondary": "note",
    "callout-note": "note", "admonition-note": "note",
    "tip": "tip", "hint": "tip", "success": "tip", "alert-success": "tip", "callout-tip": "tip",
    "important": "important", "callout-important": "important",
    "warning": "warning", "alert-warning": "warning", "callout-warning": "warning",
    "caution": "caution", "danger": "caution", "error": "caution", "alert-danger": "caution",
    "alert-error": "caution", "callout-caution": "caution",
}
# Elements that may hold a box of text; a callout class elsewhere is dropped like any other.
BOX_TAGS = frozenset({"div", "p", "blockquote", "details", "aside", "section", "figure"})
DROPPED = "dropped-classes"  # gathered: (class, line)
_ALERT = re.compile(r"\s*\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*", re.IGNORECASE)
_TITLE = re.compile(r"""\btitle\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def kind_of(words: list[str]) -> str | None:
    """The callout kind a list of class names asks for ('note' for a plain box), or None."""
    known = [CLASS_KINDS[word] for word in words if word in CLASS_KINDS]
    if not known:
        return None
    return next((kind for kind in known if kind), "note")


def author_class(tag: str, value: str) -> str | None:
    """nh3 filter: an author's class attribute, as the theme's callout classes or nothing."""
    kind = kind_of(value.lower().split()) if tag in BOX_TAGS else None
    return f"callout callout--{kind}" if kind else None


def dropped_classes(tag: str, value: str) -> list[str]:
    """The class names of one element that author_class does not keep (each kept one is read)."""
    words = value.split()
    if tag in BOX_TAGS and kind_of([w.lower() for w in words]):
        return [word for word in words if word.lower() not in CLASS_KINDS]
    return words


class _ClassScan(HTMLParser):
    """The class attributes of author HTML, with the line (within it) of each element."""

    def __init__(self, html: str, allowed: frozenset[str]):
        super().__init__(convert_charrefs=True)
        self.allowed, self.found = allowed, []  # type: tuple[frozenset[str], list[tuple[str, int]]]
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.allowed:
            return
        for name, value in attrs:
            if name == "class" and value:
                self.found.extend((word, self.getpos()[0] - 1) for word in dropped_classes(tag, value))

    handle_startendtag = handle_starttag


def gather_dropped(raw: str, allowed: frozenset[str], session: Session, line: int) -> None:
    """Note the classes of allowed elements in author HTML (starting on `line`) that are dropped."""
    if "class" not in raw.lower():
        return
    for word, offset in _ClassScan(raw, allowed).found:
        session.gather(DROPPED, (word, line + offset))


def report_dropped(state: Any, session: Session) -> None:
    """End hook: one warning per article, on the first line with a dropped class, naming them all."""
    found = session.gathered.get(DROPPED)
    if not found:
        return
    names = list(dict.fromkeys(word for word, _ in sorted(found, key=lambda item: item[1])))
    shown = ", ".join(f"'{name[:40]}'" for name in names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
    session.warning("body.html-class", f"HTML class names are dropped: {shown}; only callout classes of a box "
                    "(such as <div class=\"alert alert-warning\">, 'note', 'warning' or 'callout-tip' on a div, p "
                    "or blockquote) are kept, as the theme's own", min(line for _, line in found))


def github_alert(tok: Token, session: Session) -> None:
    """Hook: a block quote whose first line is '[!WARNING]' is a titled warning box."""
    children = tok.get("children") or []
    inline = children[0].get("children") if children and children[0]["type"] == "paragraph" else None
    if not inline:
        return
    end = next((i for i, child in enumerate(inline) if child["type"] != "text"), len(inline))
    marker = _ALERT.fullmatch("".join(child["raw"] for child in inline[:end]))
    if not marker or (end < len(inline) and inline[end]["type"] not in ("softbreak", "linebreak")):
        return
    del inline[:end + 1]
    if not inline:
        del children[0]
    tok["type"] = "callout"
    tok["attrs"] = {"kind": marker.group(1).lower(), "title": ""}


def callout_token(kind: str, attributes: str, children: list[Token]) -> Token:
    """A fenced div's box (divs.py reads the div), titled by its `title` attribute or by its kind."""
    title = _TITLE.search(attributes)
    return {"type": "callout", "children": children,
            "attrs": {"kind": kind, "title": next((t for t in title.groups() if t), "") if title else ""}}


def label_callout(tok: Token, session: Session) -> None:
    """Hook: the box's title, the author's or the interface word for its kind (None: no title,
    for a box made from classes, whose text is shown exactly as written)."""
    attrs = tok["attrs"]
    if attrs["title"] is not None:
        attrs["title"] = attrs["title"] or kind_words(session)[attrs["kind"]]


def kind_words(session: Session) -> dict[str, str]:
    ctx = session.ctx
    return {"note": ctx.label("callout_note"), "tip": ctx.label("callout_tip"),
            "important": ctx.label("callout_important"), "warning": ctx.label("callout_warning"),
            "caution": ctx.label("callout_caution")}


def render_callout(renderer: Any, text: str, kind: str, title: str | None) -> str:
    heading = f'<p class="callout__title">{escape(title)}</p>\n' if title else ""
    return f'<div class="callout callout--{kind}">\n{heading}{text}</div>\n'


def register(md: Any) -> None:
    add_hook(md, "block_quote", github_alert)
    add_hook(md, "callout", label_callout)
    add_end_hook(md, report_dropped)
    set_render(md, "callout", render_callout)
