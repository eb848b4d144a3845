"""Quarto's figure and table divs: `::: {#fig-map}` … `:::`, numbered floats whose last paragraph is the caption.

Quarto lets a labelled div hold any content (one image or several, a code block, a table)
and takes the div's last paragraph as its caption:

    ::: {#fig-quine}
    ![](quine.png)

    Frequency distribution for number of days absent from school.
    :::

A figure div is a figure like `![…](…){#fig-…}` (figures.py): numbered with the others in
document order, its label its id, named by `@fig-quine`. A table div holding one Markdown
table gives that table its caption and label, as a `: Caption {#tbl-…}` line does (tables.py);
one holding anything else (an image of a table, say) is a float numbered as a table, its
caption above its content, where a table's caption stands.

An image in a captioned div may go without alt text: the caption, which the figure is
announced with, describes it, so it gets alt="" and a screen reader reads those words once
rather than twice. An image in a div without a caption needs alt text like any other.

Labelled figures inside a figure div (`![Surus](surus.jpg){#fig-surus}` or a nested
`::: {#fig-…}`) are its parts, lettered (a), (b), … and named "Figure 1a". Quarto's layout
attributes (`layout-ncol=2`, `.column-margin`) are left out: the parts stand side by side as
far as the page's width allows.
"""

from __future__ import annotations

from typing import Any

from .context import Session, Token, add_hook, set_render, warn_while_parsing
from .crossrefs import claim_label
from .figures import caption_html
from .tables import strip_caption_start

KINDS = ("figure", "table")
CODE = "body.float-caption"


def float_token(kind: str, label: str, blocks: list[Token], line: int, state: Any) -> Token:
    """The token a labelled div becomes. Block rules run before inline parsing: the caption is still text."""
    blocks = [block for block in blocks if block["type"] != "blank_line"]
    caption = blocks.pop() if len(blocks) > 1 and blocks[-1]["type"] == "paragraph" else None
    if caption is None:
        warn_while_parsing(state, CODE, f"the {kind} div '{label}' has no caption; write the caption as the div's "
                           f"last paragraph, after the {kind}", line)
    if kind == "table" and len(blocks) == 1 and blocks[0]["type"] == "table":
        return _captioned_table(blocks[0], caption, label, line)
    title = {"type": "float_caption", "text": caption["text"] if caption else "",
             "_line": caption.get("_line", line) if caption else line}
    return {"type": "figure" if kind == "figure" else "table_float", "attrs": {},
            "children": [title, *blocks] if kind == "table" else [*blocks, title],
            "_label": (label, line), "_float": True, "_described": caption is not None}


def _captioned_table(table: Token, caption: Token | None, label: str, line: int) -> Token:
    """A table div of one table is that table, captioned and labelled (tables.number_table numbers it)."""
    title = {"type": "table_caption", "text": strip_caption_start(caption["text"]) if caption else "",
             "_line": caption.get("_line", line) if caption else line, "_label": label, "_label_line": line}
    table["children"].insert(0, title)
    table["_caption"] = title
    return table


def adopt_content(tok: Token, session: Session) -> None:
    """Hook on a figure or table div, once numbered: its caption shows its label, and what it holds
    is its content (paragraphs without passage ids, images described by the caption, figures its parts)."""
    if not tok.pop("_float", False):
        return
    attrs, described = tok["attrs"], tok.pop("_described")
    takes_parts = tok["type"] == "figure" and not attrs.get("sub")
    for child in tok["children"]:
        if child["type"] == "float_caption":
            child["attrs"] = {"owner": attrs, "css": "figure-label" if tok["type"] == "figure" else "table-label"}
            continue
        if takes_parts and child["type"] in ("paragraph", "figure"):
            child["_parent"] = attrs
        _mark_content(child, described)


def _mark_content(tok: Token, described: bool) -> None:
    if tok["type"] == "paragraph":
        tok["_no_id"] = True
    elif tok["type"] == "image" and described:
        tok["_described"] = True
    for child in tok.get("children", ()):
        _mark_content(child, described)


def number_table_float(tok: Token, session: Session) -> None:
    """Hook: a table div that holds no Markdown table is numbered among the tables; its label is its id."""
    number = session.next_number("table")
    attrs = tok["attrs"]
    attrs.update(number=number, label=f"{session.ctx.label('table')} {number}", id="")
    label, line = tok.pop("_label")
    if claim_label(session, label, "table", attrs, line):
        attrs["id"] = label


def render_float_caption(renderer: Any, text: str, owner: dict[str, Any], css: str) -> str:
    # The owner's label is read now, not when the caption was reached: an article whose captions
    # number themselves drops the automatic numbers once the whole body has been seen.
    return f"<figcaption>{caption_html(owner.get('label', ''), text, css, bool(owner.get('sub')))}</figcaption>\n"


def render_table_float(renderer: Any, text: str, id: str = "", **_: Any) -> str:
    named = f' id="{id}"' if id else ""
    return f"<figure{named}>\n{text}</figure>\n"


def register(md: Any) -> None:
    """Must follow figures.register: a figure div is numbered before its content is adopted."""
    add_hook(md, "figure", adopt_content)
    add_hook(md, "table_float", number_table_float)
    add_hook(md, "table_float", adopt_content)
    set_render(md, "float_caption", render_float_caption)
    set_render(md, "table_float", render_table_float)
