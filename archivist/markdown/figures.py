"""Numbered figures: a ```{figure} directive, or a paragraph holding one titled image.

A caption that already numbers itself ("Figure 3:", "Fig. 3.", "Imagem 3 –", in the
article's word for figure or in a word for it that archives commonly use) gets no second
number: the author's caption is shown exactly as written, with a warning, since
"Figure 1. Figure 3: …" helps nobody. Once one caption numbers itself, the author is numbering
the article's figures, so none of them gets an automatic number: an uncaptioned "Figure 1."
beside the author's own "Figure 1:" would only mislead.

A figure may carry a cross-reference label (crossrefs.py), which becomes its id: Quarto's
`![Caption](map.png){#fig-map}` (an image alone in its paragraph; the caption is its title if it
has one, else its text) or the directive's `:name: fig-map` option (MyST's; `:label:` too).
A Quarto figure div, `::: {#fig-map}` (floats.py), is numbered here like any other figure, and
the labelled figures inside it are its parts, lettered (a), (b), … and numbered "1a", "1b".
"""

from __future__ import annotations

import re
from typing import Any, Match

from mistune.directives import FencedDirective
from mistune.directives._base import BaseDirective, DirectivePlugin
from mistune.directives._fenced import _directive_re, _type_re
from mistune.util import escape, escape_url

from .context import Session, Token, add_end_hook, add_hook, set_render
from .crossrefs import claim_label, label_kind
from .idschemes import AS_TYPED
from .images import check_image, image_size, img_tag
from .positions import LineState
from .text import plain_text

KNOWN_OPTIONS = frozenset({"alt", "credit", "name", "label"})
# Quarto's label after an image: '![Caption](map.png){#fig-map}'.
_IMAGE_LABEL = re.compile(r"\s*\{#(?P<label>fig-[^\s{}]+)\}\s*")
_AUTOMATIC_ID = re.compile(r"fig-\d+")
_OPTION = re.compile(r"^:(?P<name>[a-zA-Z0-9_-]+): *(?P<value>[^\n]*)", re.M)
# "Figure 3:", "Fig. 3.", "FIGURE 3a –", "그림 3." or a caption that is only "Figure 3".
_SELF_NUMBER = re.compile(
    r"\s*(?P<word>[^\W\d_]+)(?P<dot>\.)?\s*(?P<number>\d+(?:\.\d+)*[a-z]?)\s*(?:[:.|\-\u2013\u2014\uff1a]|$)",
    re.IGNORECASE,
)
# Words for "figure" that captions written for other tools start with, in the languages the
# interface speaks and a few more an archive brings (compared case-blind, abbreviations too).
FIGURE_WORDS = frozenset({
    "figure", "fig", "figura", "figuur", "abbildung", "abb", "bild", "imagem", "image", "illustration",
    "ilustración", "ilustração", "grafik", "gráfico", "grafico", "carte", "mapa", "map", "plate", "planche",
    "그림", "图", "圖", "図", "شكل", "الشكل",
})


class FigureDirective(DirectivePlugin):
    """```{figure} path / :alt: / :credit: / caption in Markdown```."""

    NAME = "figure"

    def parse(self, block: Any, m: Match[str], state: LineState) -> Token:
        # m matched the text after the opening fence, so its line 0 is the fence's line.
        fence_line = state.line_at(state.cursor)
        options = _options(m, fence_line)
        src = self.parse_title(m).strip()
        state.next_child_line = fence_line + m.string.count("\n", 0, m.start("text"))
        children = _caption_tokens(list(self.parse_tokens(block, self.parse_content(m), state)))
        state.next_child_line = None
        values = {name: value for name, value, _ in options}
        if values.get("credit"):
            children.append({"type": "figure_credit", "text": values["credit"]})
        attrs = {"url": escape_url(src), "alt": values.get("alt", "")}
        unknown = [(name, line) for name, _, line in options if name not in KNOWN_OPTIONS]
        label = next(((value, line) for name, value, line in options if name in ("name", "label")), None)
        return {"type": "figure", "attrs": attrs, "children": children, "_unknown": unknown, "_label": label}

    def __call__(self, directive: BaseDirective, md: Any) -> None:
        directive.register(self.NAME, self.parse)


class IndentedFencedDirective(FencedDirective):
    """mistune's fenced directives, also where the fence is indented one to three spaces.

    CommonMark allows that indentation on any fence and removes as much from each line of
    the content; mistune's directive reads the text after the line's first three characters
    instead of after the fence, so an indented ```{r} or ```{figure} was no block at all, and
    its closing fence opened a code block that ran to the end of the file.
    """

    def parse_fenced_code(self, block: Any, m: Match[str], state: Any) -> int | None:
        info = m.group("fenced_3")
        if not info or not _type_re.match(info) or state.depth() >= block.max_nested_level:
            return block.parse_fenced_code(m, state)
        return self._indented_directive(block, m, state)

    def _indented_directive(self, block: Any, m: Match[str], state: Any) -> int | None:
        marker, indent = m.group("fenced_2"), len(m.group("fenced_1"))
        closing = re.compile(r"^ {0,3}" + re.escape(marker[0]) + "{" + str(len(marker)) + r",}[ \t]*(?:\n|$)", re.M)
        end = closing.search(state.src, m.end("fenced_2"))
        text = state.src[m.end("fenced_2"):end.start() if end else state.cursor_max]
        if indent:
            text = re.sub("^ {0,%d}" % indent, "", text, flags=re.M)
        directive = _directive_re.match(text.lstrip(" \t"))
        if not directive:
            return None
        self.parse_method(block, directive, state)
        return end.end() if end else state.cursor_max


def _options(m: Match[str], fence_line: int) -> list[tuple[str, str, int]]:
    """(name, value, file line) of each ':name: value' line under the fence."""
    text, first = m.group("options"), fence_line + m.string.count("\n", 0, m.start("options"))
    return [(o.group("name"), o.group("value").strip(), first + text.count("\n", 0, o.start()))
            for o in _OPTION.finditer(text)]


def _caption_tokens(tokens: list[Token]) -> list[Token]:
    """One paragraph becomes the caption text; several stay paragraphs, without ids."""
    blocks = [t for t in tokens if t["type"] != "blank_line"]
    if len(blocks) == 1 and blocks[0]["type"] == "paragraph":
        return [{"type": "figure_caption", "text": blocks[0]["text"], "_line": blocks[0].get("_line")}]
    for tok in blocks:
        tok["_no_id"] = True
    return [{"type": "figure_caption_blocks", "children": blocks}] if blocks else []


def promote_image(tok: Token, session: Session) -> None:
    """Hook: a paragraph that is only an image with a title, or with a `{#fig-…}` label after it,
    is a figure captioned by the title (else, as in Quarto, by the image's text). Inside a figure
    div (floats.py) only a labelled image is a figure, one of the div's parts."""
    parts = [c for c in tok["children"] if not (c["type"] == "text" and not c["raw"].strip())]
    label = _image_label(parts)
    if label:
        parts = parts[:1]
    titled = len(parts) == 1 and parts[0]["type"] == "image" and parts[0]["attrs"].get("title")
    if len(parts) != 1 or parts[0]["type"] != "image" or not (label or (titled and "_parent" not in tok)):
        return
    image = parts[0]
    title = image["attrs"].get("title")
    caption = [{"type": "text", "raw": title}] if title else image["children"]
    tok["type"] = "figure"
    tok["attrs"] = {"url": image["attrs"]["url"], "alt": plain_text(image["children"])}
    tok["_line"] = session.line_of(image)
    tok["_label"] = (label, tok["_line"]) if label else None
    tok["_described"] = image.get("_described", False)
    tok["children"] = [{"type": "figure_caption", "children": caption, "_inline": True}]


def _image_label(parts: list[Token]) -> str:
    """The label of '![…](…){#fig-map}': an image, then text that is only the label."""
    if len(parts) < 2 or parts[0]["type"] != "image" or any(p["type"] != "text" for p in parts[1:]):
        return ""
    m = _IMAGE_LABEL.fullmatch("".join(p["raw"] for p in parts[1:]))
    return m.group("label").translate(AS_TYPED) if m else ""


def number_figure(tok: Token, session: Session) -> None:
    """Hook: fig-N in document order (or a letter, for a part of a figure div), the figure label,
    and the image policy."""
    parent = tok.pop("_parent", None)
    if parent is None:
        _number_whole(tok, session)
    else:
        _number_part(tok, parent, session)
    for name, at in tok.pop("_unknown", []):
        session.warning("body.figure-option", f"unknown figure option ':{name}:'", at)
    attrs = tok["attrs"]
    if "url" in attrs:  # a figure div holds its images in its content
        described = bool(tok.pop("_described", False))
        attrs["src"] = check_image(attrs["url"], attrs["alt"], session, session.line_of(tok), described)
        attrs["size"] = image_size(attrs["src"], session) if attrs["src"] else None


def _number_whole(tok: Token, session: Session) -> None:
    """The next figure number, and the label with it unless the caption has its own."""
    attrs, line = tok["attrs"], session.line_of(tok)
    number = session.next_number("figure")
    attrs["id"], attrs["number"] = _figure_id(tok, f"fig-{number}", session), number
    attrs["label"] = f"{session.ctx.label('figure')} {number}"
    caption = _caption(tok)
    own = own_number(plain_text(caption.get("children", ())), session.ctx.label("figure"))
    session.gathered.setdefault("figures", []).append(attrs)
    if own:
        attrs["own_number"] = _SELF_NUMBER.match(own).group("number")  # type: ignore[union-attr]
        session.gathered.setdefault("self-numbered", []).append(own)
        session.warning("body.figure-number", f"the caption numbers itself ('{own}'), so it is shown as written, "
                        f"and the article's figures are not numbered automatically", caption.get("_line") or line)


def _number_part(tok: Token, parent: dict[str, Any], session: Session) -> None:
    """A labelled figure inside a figure div is its part (a), (b), …; its number, '1a', is settled
    once the div's own is (see settle_numbers)."""
    attrs = tok["attrs"]
    letter = _letters(session.next_number(f"parts of {parent['id']}"))
    attrs["id"] = _figure_id(tok, f"{parent['id']}-{letter}", session)
    attrs.update(number="", label=f"({letter})", sub=True, letter=letter)
    parent["panels"] = True
    session.gather("figure-parts", (attrs, parent))


def _letters(count: int) -> str:
    """a, b, … z, aa, ab, …: the letter of the count-th part."""
    letters = ""
    while count:
        count, rest = divmod(count - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def _figure_id(tok: Token, fallback: str, session: Session) -> str:
    """The figure's label when it has one (and no other element has it), else the fallback (fig-N)."""
    label, line = tok.pop("_label", None) or ("", 0)
    if label and label_kind(label) != "figure":
        session.warning("body.crossref", f"the figure label '{label}' does not start with 'fig-', so nothing can "
                        "refer to it; write ':name: fig-…'", line)
    elif label and _AUTOMATIC_ID.fullmatch(label):
        session.warning("body.crossref", f"the figure label '{label}' has the form of the automatic ids of "
                        "figures (fig-1, fig-2, …), which it could clash with; give it a name", line)
    elif label and claim_label(session, label, "figure", tok["attrs"], line):
        return label
    return fallback


def settle_numbers(state: Any, session: Session) -> None:
    """End hook: when any caption numbers itself, no figure of the article gets a number of ours, and
    a reference to a figure takes the caption's own number; a part's number follows its figure's."""
    if session.gathered.get("self-numbered"):
        for attrs in session.gathered.get("figures", ()):
            attrs["label"] = ""
            attrs["number"] = attrs.pop("own_number", "")
    for attrs, parent in session.gathered.get("figure-parts", ()):
        attrs["number"] = f"{parent['number']}{attrs['letter']}" if parent["number"] else ""


def _caption(tok: Token) -> Token:
    """A figure's caption, or the first paragraph of a caption of several blocks ({} if none)."""
    for child in tok.get("children", ()):
        if child["type"] in ("figure_caption", "float_caption"):
            return child
        if child["type"] == "figure_caption_blocks":
            return next((b for b in child["children"] if b.get("_inline")), {})
    return {}


def own_number(caption: str, label: str) -> str:
    """The caption's own leading 'Figure 3:' (in the label's words or in English), or ''."""
    m = _SELF_NUMBER.match(caption)
    if not m:
        return ""
    word = m.group("word").casefold()
    names = FIGURE_WORDS | {label.casefold()}
    abbreviated = m.group("dot") and len(word) >= 3 and any(name.startswith(word) for name in names)
    return m.group(0).strip() if word in names or abbreviated else ""


def render_figure(renderer: Any, text: str, id: str, label: str, url: str | None = None, alt: str = "",
                  src: str | None = None, size: tuple[int, int] | None = None, sub: bool = False,
                  panels: bool = False, **_: Any) -> str:
    if url is None:  # a figure div: its content and its caption (floats.py) are its children
        layout = ' class="figure-panels"' if panels else ""
        return f'<figure id="{id}"{layout}>\n{text}</figure>\n'
    image = img_tag(src, alt, size=size) + "\n" if src else ""
    return f'<figure id="{id}">\n{image}<figcaption>{caption_html(label, text, sub=sub)}</figcaption>\n</figure>\n'


def caption_html(label: str, text: str, css: str = "figure-label", sub: bool = False) -> str:
    """A caption after its label: 'Figure 2.', or '(a)' for a part of a figure."""
    if not label:
        return text.rstrip()
    return f'<span class="{css}">{escape(label)}{"" if sub else "."}</span> {text}'.rstrip()


def render_caption(renderer: Any, text: str) -> str:
    return text


def render_caption_blocks(renderer: Any, text: str) -> str:
    return "\n" + text


def render_credit(renderer: Any, text: str) -> str:
    return f' <span class="credit">{text}</span>'


def register(md: Any) -> None:
    IndentedFencedDirective([FigureDirective()])(md)
    add_hook(md, "paragraph", promote_image)
    add_hook(md, "figure", number_figure)
    add_end_hook(md, settle_numbers)
    set_render(md, "figure", render_figure)
    set_render(md, "figure_caption", render_caption)
    set_render(md, "figure_caption_blocks", render_caption_blocks)
    set_render(md, "figure_credit", render_credit)
