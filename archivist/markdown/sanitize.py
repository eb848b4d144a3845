"""Allow-lists and nh3 calls that make author HTML, MathML and the finished body safe.

Why an allow-list: articles come from many hands and are published on the archive's own
origin, so any script that slipped through would run with the site's authority. Authors
need ordinary text markup (emphasis, tables, definition lists, details) and nothing that
executes, loads from other hosts without review, or restyles the page: so no script,
style, iframe, object, embed, form or svg elements, no on* or style attributes, classes only
as the theme's callout classes (callouts.author_class), and only http, https, ftp, mailto,
tel and relative URLs (a doi: link becomes its https://doi.org/ address, as in Markdown).
"""

from __future__ import annotations

import re

import nh3

from .callouts import author_class
from .urls import doi_href

INLINE_TAGS = frozenset(
    "a abbr b bdi bdo br cite code data del dfn em i img ins kbd mark q s samp small span"
    " strong sub sup time u var wbr".split()
)
BLOCK_TAGS = frozenset(
    "address blockquote caption col colgroup dd details div dl dt figcaption figure h2 h3"
    " h4 h5 h6 hr li ol p pre summary table tbody td tfoot th thead tr ul".split()
)
RAW_TAGS = INLINE_TAGS | BLOCK_TAGS
VOID_TAGS = frozenset({"br", "col", "hr", "img", "wbr"})

RAW_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "bdo": {"dir"},
    "data": {"value"},
    "time": {"datetime"},
    "ol": {"start", "reversed", "type"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "details": {"open"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "*": {"lang", "dir", "class"},  # class: only the callout classes survive (callouts.author_class)
}
# Places an in-page link points at: `id`, and `name` on <a>, which rawlinks turns into an id and keeps unique.
RAW_ATTRIBUTES["*"] = RAW_ATTRIBUTES["*"] | {"id"}
RAW_ATTRIBUTES["a"] = RAW_ATTRIBUTES["a"] | {"name"}
URL_SCHEMES = {"http", "https", "ftp", "mailto", "tel"}
# Dropped together with their content, so no script text is left as visible garbage.
CONTENT_DROPPED = {"script", "style", "template", "textarea", "title", "noscript", "iframe", "object", "svg"}

MATHML_TAGS = frozenset(
    "math semantics annotation mrow mi mn mo ms mtext mspace msup msub msubsup mfrac msqrt"
    " mroot mover munder munderover mtable mtr mtd mstyle mpadded mphantom menclose merror"
    " mmultiscripts mprescripts none".split()
)
MATHML_ATTRIBUTES = {
    "xmlns", "display", "mathvariant", "stretchy", "fence", "separator", "lspace", "rspace",
    "columnalign", "columnspacing", "rowspacing", "columnlines", "rowlines", "displaystyle",
    "scriptlevel", "accent", "accentunder", "linethickness", "width", "height", "depth",
    "voffset", "notation", "movablelimits", "minsize", "maxsize", "symmetric", "form",
    "largeop", "mathsize", "mathcolor", "mathbackground", "encoding", "linebreak",
}

# What the renderer itself writes, on top of the author allow-list; the final pass uses it.
GENERATED_TAGS = frozenset({"section", "h2", "div", "figure", "figcaption", "span", "sup"})
GENERATED_ATTRIBUTES = {"id", "class", "role", "tabindex", "loading", "decoding", "rel", "aria-label",
                        "aria-labelledby", "aria-describedby", "aria-hidden"}
# A code line's number, drawn by CSS so it is never copied with the code (see code.py).
GENERATED_TAG_ATTRIBUTES = {"span": {"data-line"}}

_TAG_RE = re.compile(r"^<\s*(/?)\s*([A-Za-z][A-Za-z0-9-]*)")


def _final_attributes() -> dict[str, set[str]]:
    attributes = {tag: set(names) for tag, names in RAW_ATTRIBUTES.items()}
    attributes["*"] = attributes["*"] | GENERATED_ATTRIBUTES
    for tag, names in GENERATED_TAG_ATTRIBUTES.items():
        attributes[tag] = attributes.get(tag, set()) | names
    attributes.update({tag: set(MATHML_ATTRIBUTES) for tag in MATHML_TAGS})
    return attributes


def _author_filter(tag: str, attribute: str, value: str) -> str | None:
    """nh3 hook: a 'doi:' href (allowed for authors only so this can see it) becomes a doi.org
    link, and a class attribute keeps only what callouts.author_class makes of it."""
    if attribute == "class":
        return author_class(tag, value)
    return doi_href(value) if attribute == "href" else value


# Built once: a Cleaner compiles its rules, which costs more than cleaning a paragraph.
_AUTHOR = nh3.Cleaner(
    tags=set(RAW_TAGS),
    clean_content_tags=CONTENT_DROPPED,
    attributes=RAW_ATTRIBUTES,
    attribute_filter=_author_filter,
    url_schemes=URL_SCHEMES | {"doi"},
    strip_comments=True,
    link_rel="noopener noreferrer",
)
_MATHML = nh3.Cleaner(
    tags=set(MATHML_TAGS),
    clean_content_tags=CONTENT_DROPPED,
    attributes={"*": MATHML_ATTRIBUTES},
    url_schemes=set(),
    strip_comments=True,
    link_rel=None,
)
_FINAL = nh3.Cleaner(
    tags=set(RAW_TAGS | MATHML_TAGS | GENERATED_TAGS),
    clean_content_tags=CONTENT_DROPPED,
    attributes=_final_attributes(),
    url_schemes=URL_SCHEMES,
    strip_comments=True,
    link_rel=None,
)


def clean_block(html: str) -> str:
    """Sanitise a block of author HTML with the author allow-list."""
    return _AUTHOR.clean(html)


def clean_inline_tag(tag: str) -> tuple[str, str, bool]:
    """Sanitise one inline tag such as ``<b class=x>`` or ``</b>``.

    Returns (html, tag name, is_closing); html is '' when the tag is not allowed.
    Tags are cleaned one at a time because mistune hands them over unpaired; the
    caller balances them within their inline run.
    """
    m = _TAG_RE.match(tag)
    if not m or m.group(2).lower() not in INLINE_TAGS:
        return "", "", False
    name = m.group(2).lower()
    if m.group(1):
        return f"</{name}>", name, True
    cleaned = _AUTHOR.clean(tag)
    if not cleaned.startswith(f"<{name}"):
        return "", name, False
    return cleaned.removesuffix(f"</{name}>"), name, False


def clean_mathml(html: str) -> str:
    """Keep only presentation MathML: latex2mathml passes \\href and raw \\text through."""
    return _MATHML.clean(html)


def final_pass(html: str) -> str:
    """The last guarantee over the whole body: nothing outside the combined allow-lists."""
    return _FINAL.clean(html)
