"""Rendered, sanitised HTML as plain text, for the records machines read (meta tags, exports, feeds).

Working from the page's own HTML rather than from the Markdown source means a record says exactly
what the page says: what the sanitiser removed (a `<script>`, an event handler) is gone from the
record too, and typography is the page's. What the page shows only to help readers on the page is
left out: note markers and the notes themselves, back links, and the hidden "(external link)" words.

Formulas are written out linearly, the way people type them in plain text (`x^2`, `(a+b)/2`,
`∑_(i = 1)^n i`): a formula's bare text content would read `x2` for x², which says something else,
and readers of an abstract in Zotero or a feed reader see symbols, not TeX commands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

BLOCKS = frozenset({"p", "div", "li", "dt", "dd", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6",
                    "tr", "figcaption", "table", "ul", "ol", "dl", "figure", "section"})
VOID = frozenset({"br", "hr", "img", "wbr", "col", "source", "track", "input", "area", "base", "link", "meta",
                  "mspace", "mprescripts", "none", "maligngroup", "malignmark"})
# Page apparatus, by (tag, class): it helps readers of the page and means nothing in a record.
APPARATUS = frozenset({("sup", "fnref"), ("a", "fn-back"), ("section", "footnotes"), ("span", "visually-hidden")})
RELATIONS = frozenset("=≠<>≤≥≈≡∼≃≅∝→←↔⇒⇐⇔∈∉⊂⊃⊆⊇")
BINARY = frozenset("+−-±∓×·÷")
# Accents as latex2mathml writes them over (\hat, \tilde, \bar, \overline, \dot, \vec) and under
# (\underline) a name, and the combining marks that put them on its letters in plain text.
OVER_MARKS = {"^": "\u0302", "ˆ": "\u0302", "~": "\u0303", "˜": "\u0303", "¯": "\u0304", "―": "\u0305",
              "‾": "\u0305", "˙": "\u0307", "¨": "\u0308", "→": "\u20d7"}
UNDER_MARKS = {"―": "\u0332", "‾": "\u0332", "_": "\u0332"}
MAX_DEPTH = 200  # deeper nesting is kept as text without structure, never a recursion error
_SIMPLE = re.compile(r"[\w.′'″]+|.", re.S)


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    children: list["_Node | str"] = field(default_factory=list)


class _TreeBuilder(HTMLParser):
    """The HTML as a small tree; sanitised HTML is well formed, and stray end tags are ignored."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID and len(self.stack) < MAX_DEPTH:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(_Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if any(node.tag == tag for node in self.stack[1:]):
            while self.stack.pop().tag != tag:
                pass

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def html_to_plain(html: str) -> str:
    """Paragraphs kept apart by a blank line, spaces collapsed inside each, markup dropped."""
    if not html:
        return ""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    text = _text(builder.root)
    paragraphs = (" ".join(block.split()) for block in re.split(r"\n\s*\n", text))
    return "\n\n".join(p for p in paragraphs if p)


def _text(node: _Node | str) -> str:
    if isinstance(node, str):
        return node
    if _is_apparatus(node):
        return ""
    if node.tag == "br":
        return "\n"
    if node.tag == "math":
        formula = _linear(node)
        return f"\n\n{formula}\n\n" if node.attrs.get("display") == "block" else formula
    inner = "".join(_text(child) for child in node.children)
    if node.tag in ("td", "th"):
        return f"{inner} "
    return f"\n\n{inner}\n\n" if node.tag in BLOCKS else inner


def _is_apparatus(node: _Node) -> bool:
    classes = node.attrs.get("class", "").split()
    return node.attrs.get("aria-hidden") == "true" or any((node.tag, c) in APPARATUS for c in classes)


def _linear(node: _Node | str) -> str:
    """One MathML element as linear text: scripts with ^ and _, fractions with /, roots with √."""
    if isinstance(node, str):
        return " ".join(node.split())
    parts = [child for child in node.children if not isinstance(child, str) or child.strip()]
    write = _LINEAR.get(node.tag)
    if write is not None and len(parts) >= _ARITY.get(node.tag, 0):
        return write([_linear(p) for p in parts], node)
    if node.tag in ("annotation", "annotation-xml", "mphantom"):
        return ""
    if node.tag == "semantics":
        return _linear(parts[0]) if parts else ""
    if node.tag == "mspace":
        return " "
    return _joined([_linear(p) for p in parts], parts)


def _joined(texts: list[str], parts: list[_Node | str]) -> str:
    """Siblings side by side, relations and binary operators between spaces (a leading minus keeps
    to its operand); see `_needs_space` for the other spaces."""
    out = ""
    for index, (text, part) in enumerate(zip(texts, parts)):
        node = part if isinstance(part, _Node) else None
        if node is not None and node.tag == "mo" and index and (text in RELATIONS or text in BINARY):
            out = f"{out.rstrip()} {text} "
            continue
        if out[-1:] not in (" ", "") and _needs_space(parts[index - 1], texts[index - 1], text):
            out += " "
        out += text
    return out.strip()


def _needs_space(before: _Node | str, text_before: str, text: str) -> bool:
    """A space after a script ('x^2 y', 'lim_(x → 0) (sin x)/x') or a function name ('sin x'),
    so that what follows does not read as part of it."""
    if not isinstance(before, _Node) or not text:
        return False
    if before.tag in _SCRIPTED:
        return text[0].isalnum() or text[0] in "(√∑∏∫["
    return before.tag == "mi" and len(text_before) > 1 and text[0].isalnum()


def _group(text: str) -> str:
    """A script, numerator or radicand in parentheses unless it is a single name or number."""
    text = text.strip()
    return text if len(_SIMPLE.findall(text)) <= 1 else f"({text})"


def _table(rows: list[str], _node: _Node) -> str:
    return "[" + "; ".join(rows) + "]"


def _over(parts: list[str], _node: _Node) -> str:
    """An accent over a name (x̂, v⃗, A̅B̅) as combining marks; anything else as a superscript."""
    mark = OVER_MARKS.get(parts[1].strip())
    return _marked(parts[0], mark) if mark else parts[0] + "^" + _group(parts[1])


def _under(parts: list[str], _node: _Node) -> str:
    mark = UNDER_MARKS.get(parts[1].strip())
    return _marked(parts[0], mark) if mark else parts[0] + "_" + _group(parts[1])


def _marked(base: str, mark: str) -> str:
    return "".join(ch + mark if not ch.isspace() else ch for ch in base)


_SCRIPTED = frozenset({"msup", "msub", "msubsup", "munder", "mover", "munderover"})
_ARITY = {"msup": 2, "msub": 2, "msubsup": 3, "munder": 2, "mover": 2, "munderover": 3, "mfrac": 2, "mroot": 2}
_LINEAR = {
    "msup": lambda p, _n: p[0] + "^" + _group(p[1]),
    "msub": lambda p, _n: p[0] + "_" + _group(p[1]),
    "msubsup": lambda p, _n: p[0] + "_" + _group(p[1]) + "^" + _group(p[2]),
    "munder": _under,
    "mover": _over,
    "munderover": lambda p, _n: p[0] + "_" + _group(p[1]) + "^" + _group(p[2]),
    "mfrac": lambda p, _n: _group(p[0]) + "/" + _group(p[1]),
    "msqrt": lambda p, _n: "√" + _group("".join(p)),
    "mroot": lambda p, _n: _group(p[1]) + "√" + _group(p[0]),
    "mtable": _table,
    "mtr": lambda p, _n: ", ".join(p),
}
