"""The HTML handed to Pagefind: the rendered page without the ids that only make anchors the bundle drops.

Pagefind records an anchor (the element, its id, its text) for every element with an id inside
the indexed body, and writes them all into the page's fragment; the bundle keeps only headings'
anchors (see bundle.trim_fragments). Article paragraphs all carry ids, so Pagefind would copy
the whole text once more, compress it, and hand it over, only for the copy to be dropped. A
double-quoted id on any element but a heading adds no word, no weight and no sub-result, so it
is taken out before indexing; every other id is left as written, and what remains of it is
still trimmed afterwards. Elements are found only in markup: text holds '<' escaped, and an
element whose attributes hold a '>' before its id keeps the id.
"""

from __future__ import annotations

import re

# Block elements: Pagefind puts a space around their text with or without an id, so dropping
# the id moves no word boundary (on an inline element such as <sup> it would join two words).
BLOCKS = b"p|li|div|section|blockquote|figure|table|ol|ul|dl|dd|dt|aside"
# An opening block tag, its attributes up to a double-quoted id, and the id itself.
NON_HEADING_ID = re.compile(rb'(<(?:' + BLOCKS + rb')(?:\s[^<>]*?)?)\s+id="[^"<>]*"')


def feed_html(page: bytes) -> bytes:
    """The page as Pagefind reads it, with only the anchors a published fragment keeps."""
    return NON_HEADING_ID.sub(rb"\1", page)
