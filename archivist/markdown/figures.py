"""Numbered figures: a ```{figure} directive, or a paragraph holding one titled image."""

from __future__ import annotations

from typing import Any, Match

from mistune.directives import FencedDirective
from mistune.directives._base import BaseDirective, DirectivePlugin
from mistune.util import escape, escape_url

from .context import Session, Token, add_hook, set_render
from .images import check_image, image_needles, image_size, img_tag
from .text import plain_text

KNOWN_OPTIONS = frozenset({"alt", "credit"})


class FigureDirective(DirectivePlugin):
    """```{figure} path / :alt: / :credit: / caption in Markdown```."""

    NAME = "figure"

    def parse(self, block: Any, m: Match[str], state: Any) -> Token:
        options = dict(self.parse_options(m))
        src = self.parse_title(m).strip()
        children = _caption_tokens(list(self.parse_tokens(block, self.parse_content(m), state)))
        if options.get("credit"):
            children.append({"type": "figure_credit", "text": options["credit"]})
        attrs = {"url": escape_url(src), "alt": options.get("alt", ""), "source": f"{{figure}} {src}"}
        unknown = sorted(set(options) - KNOWN_OPTIONS)
        return {"type": "figure", "attrs": attrs, "children": children, "_unknown": unknown}

    def __call__(self, directive: BaseDirective, md: Any) -> None:
        directive.register(self.NAME, self.parse)


def _caption_tokens(tokens: list[Token]) -> list[Token]:
    """One paragraph becomes the caption text; several stay paragraphs, without ids."""
    blocks = [t for t in tokens if t["type"] != "blank_line"]
    if len(blocks) == 1 and blocks[0]["type"] == "paragraph":
        return [{"type": "figure_caption", "text": blocks[0]["text"]}]
    for tok in blocks:
        tok["_no_id"] = True
    return [{"type": "figure_caption_blocks", "children": blocks}] if blocks else []


def promote_image(tok: Token, session: Session) -> None:
    """Hook: a paragraph that is only an image with a title is a figure captioned by it."""
    parts = [c for c in tok["children"] if not (c["type"] == "text" and not c["raw"].strip())]
    if len(parts) != 1 or parts[0]["type"] != "image" or not parts[0]["attrs"].get("title"):
        return
    image = parts[0]
    title = image["attrs"]["title"]
    tok["type"] = "figure"
    tok["attrs"] = {"url": image["attrs"]["url"], "alt": plain_text(image["children"]), "source": ""}
    tok["children"] = [{"type": "figure_caption", "children": [{"type": "text", "raw": title}], "_inline": True}]


def number_figure(tok: Token, session: Session) -> None:
    """Hook: fig-N in document order, the figure label, and the image policy."""
    attrs = tok["attrs"]
    number = session.next_number("figure")
    attrs["id"] = f"fig-{number}"
    attrs["label"] = f"{session.ctx.label('figure')} {number}"
    needles = (attrs.pop("source"),) + image_needles(attrs["url"])
    for name in tok.pop("_unknown", []):
        session.warning("body.figure-option", f"unknown figure option ':{name}:'", f":{name}:")
    attrs["src"] = check_image(attrs["url"], attrs["alt"], session, *needles)
    attrs["size"] = image_size(attrs["src"], session) if attrs["src"] else None


def render_figure(renderer: Any, text: str, url: str, alt: str, id: str, label: str, src: str | None = None,
                  size: tuple[int, int] | None = None) -> str:
    image = img_tag(src, alt, size=size) + "\n" if src else ""
    caption = f'<span class="figure-label">{escape(label)}.</span> {text}'.rstrip()
    return f'<figure id="{id}">\n{image}<figcaption>{caption}</figcaption>\n</figure>\n'


def render_caption(renderer: Any, text: str) -> str:
    return text


def render_caption_blocks(renderer: Any, text: str) -> str:
    return "\n" + text


def render_credit(renderer: Any, text: str) -> str:
    return f' <span class="credit">{text}</span>'


def register(md: Any) -> None:
    FencedDirective([FigureDirective()])(md)
    add_hook(md, "paragraph", promote_image)
    add_hook(md, "figure", number_figure)
    set_render(md, "figure", render_figure)
    set_render(md, "figure_caption", render_caption)
    set_render(md, "figure_caption_blocks", render_caption_blocks)
    set_render(md, "figure_credit", render_credit)
