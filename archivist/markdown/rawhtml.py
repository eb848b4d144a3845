"""Author HTML inside Markdown: sanitised block by block and tag by tag, images checked."""

from __future__ import annotations

import html as htmllib
import re
from typing import Any

from mistune.util import escape

from .callouts import gather_dropped
from .context import Session, Token, add_hook, add_list_hook, set_render
from .images import check_image
from .mathjax import formulas_in_html, put_formulas
from .sanitize import INLINE_TAGS, RAW_TAGS, VOID_TAGS, clean_block, clean_inline_tag
from .tables import wrap_raw_tables

# nh3 writes attributes double-quoted and escaped, so its output can be scanned by regex.
_IMG_RE = re.compile(r"<img\b([^>]*)>")
_RAW_IMG_RE = re.compile(r"<img\b", re.I)
_ATTR_RE = re.compile(r'([a-zA-Z-]+)="([^"]*)"')


def check_raw_images(cleaned: str, raw: str, session: Session, line: int) -> str:
    """Apply the image policy to <img> tags of sanitised HTML; drop those that fail it.

    Each is reported on the line of the same <img> in the author's HTML (`raw`, which starts
    on `line`): sanitising keeps the tags it allows in order, so the n-th survivor is the
    n-th written unless the sanitiser dropped one, when the block's first line is used.
    """
    written = _line_offsets(raw, (m.start() for m in _RAW_IMG_RE.finditer(raw)))
    found = _IMG_RE.findall(cleaned)
    offsets = written if len(written) == len(found) else [0] * len(found)
    lines = iter(line + offset for offset in offsets)

    def visit(m: re.Match[str]) -> str:
        at = next(lines, line)
        attrs = {k: htmllib.unescape(v) for k, v in _ATTR_RE.findall(m.group(1))}
        src, alt = attrs.get("src", ""), attrs.get("alt", "")
        kept = check_image(src, alt, session, at) if src else None
        if not src:
            session.error("body.image-path", "an <img> has no src", at)
        return m.group(0) if kept is not None else escape(alt)

    return _IMG_RE.sub(visit, cleaned) if "<img" in cleaned else cleaned


def _line_offsets(text: str, positions: Any) -> list[int]:
    """How many lines into `text` each position (in increasing order) stands."""
    offsets, done, count = [], 0, 0
    for pos in positions:
        count += text.count("\n", done, pos)
        done = pos
        offsets.append(count)
    return offsets


def clean_block_token(tok: Token, session: Session) -> None:
    """Hook: sanitise a block of author HTML."""
    tok["raw"] = sanitise_block(tok["raw"], session, session.line_of(tok))


def sanitise_block(raw: str, session: Session, line: int) -> str:
    """Author HTML starting on `line`, sanitised, with what was removed reported; its tables
    then scroll like Markdown ones."""
    raw, formulas = formulas_in_html(raw, session, line)
    cleaned = clean_block(raw)
    _report_removed(raw, cleaned, session, line)
    gather_dropped(raw, RAW_TAGS, session, line)
    return put_formulas(wrap_raw_tables(check_raw_images(cleaned, raw, session, line), session), formulas)


def _report_removed(raw: str, cleaned: str, session: Session, line: int) -> None:
    """Warn on the line (within the HTML starting on `line`) where the first removed construct stands."""
    lowered = raw.lower()
    for marker in ("<script", "<iframe", "<object", "<embed", "<form", "<svg", "<style", " on", "javascript:"):
        if marker in lowered and marker not in cleaned.lower():
            at = line + raw.count("\n", 0, lowered.index(marker))
            session.warning("body.unsafe-html", f"removed unsafe HTML ('{marker.strip()}...')", at)
            return


def balance_inline_html(tokens: list[Token], session: Session) -> None:
    """List hook: clean each inline tag and keep them balanced within their run.

    mistune yields '<b>' and '</b>' as separate tokens; an unclosed or stray tag could
    otherwise break out of the paragraph, so stray closers are dropped and open tags
    closed at the end of the run.
    """
    if not any(t["type"] == "inline_html" for t in tokens):
        return
    stack: list[str] = []
    for tok in tokens:
        if tok["type"] == "inline_html":
            tok["raw"] = _clean_inline(tok["raw"], stack, session, session.line_of(tok))
    for name in reversed(stack):
        tokens.append({"type": "inline_html", "raw": f"</{name}>"})


def _clean_inline(raw: str, stack: list[str], session: Session, line: int) -> str:
    if raw.startswith("<!--"):
        return ""
    cleaned, name, closing = clean_inline_tag(raw)
    if not name:
        session.warning("body.unsafe-html", f"removed HTML tag {raw[:40]!r}", line)
        return ""
    _report_removed(raw, cleaned, session, line)
    gather_dropped(raw, INLINE_TAGS, session, line)
    if closing:
        if name not in stack:
            return ""
        while stack:  # close anything opened inside it, as a browser would
            top = stack.pop()
            if top == name:
                break
            cleaned = f"</{top}>" + cleaned
        return cleaned
    if name not in VOID_TAGS:
        stack.append(name)
    return check_raw_images(cleaned, raw, session, line) if name == "img" else cleaned


def render_raw(renderer: Any, html: str) -> str:
    return html


def render_block_raw(renderer: Any, html: str) -> str:
    return html.strip() + "\n" if html.strip() else ""


def register(md: Any) -> None:
    add_hook(md, "block_html", clean_block_token)
    add_list_hook(md, balance_inline_html, needs=("inline_html",))
    set_render(md, "inline_html", render_raw)
    set_render(md, "block_html", render_block_raw)
