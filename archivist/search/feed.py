"""The HTML handed to Pagefind: the rendered page without the ids that only make anchors the bundle drops.

Pagefind records an anchor (the element, its id, its text) for every element with an id inside
the indexed body, and writes them all into the page's fragment; the bundle keeps only headings'
anchors (see bundle.trim_fragments). Article paragraphs and note references all carry ids, so
Pagefind would copy the whole text once more, compress it and hand it over, and the bundle
would then decompress, trim and compress every fragment again. A double-quoted id adds no word,
weight or sub-result except on a heading, so it is taken out before indexing; where Pagefind
marks an anchor it also puts a space before the element, so an element that loses its id gets
that space, and an inline element's text stays a word of its own ('barge.<sup id=..>1</sup>' is
'barge. 1', not 'barge.1'). An element marked data-pagefind-ignore keeps its id (Pagefind
gives it no mark), as does anything the patterns below do not cover; what remains is still
trimmed afterwards. Elements are found only in markup: text holds '<' escaped.

The headings the archive gives the notes and references of every article ("Notes",
"References") are not searched: at a heading's weight, a word on every page would only add noise.
"""

from __future__ import annotations

import re

# The elements whose ids are taken out: blocks, inline text, and the scripts pages carry data in.
ELEMENTS = (b"p li div section blockquote figure table ol ul dl dd dt aside "
            b"a abbr b cite code em i small span strong sub sup time q dfn kbd samp var script").split()
# An opening tag of one of those elements with attributes, and a double-quoted id among them.
TAG = re.compile(rb"<(" + b"|".join(sorted(ELEMENTS)) + rb")(\s[^<>]*)>")
ID = re.compile(rb'\s+id="[^"<>]*"')
# The section headings of the notes and references, as the Markdown and citation steps write them.
SECTION_LABEL = re.compile(rb'<h2 id="(notes-title|references-title)">')


def feed_html(page: bytes) -> bytes:
    """The page as Pagefind reads it, with only the anchors a published fragment keeps."""
    return TAG.sub(_without_id, SECTION_LABEL.sub(rb'<h2 id="\1" data-pagefind-ignore>', page))


def _without_id(found: re.Match[bytes]) -> bytes:
    name, attributes = found.group(1), found.group(2)
    if b"data-pagefind-ignore" in attributes:
        return found.group(0)
    kept, removed = ID.subn(b"", attributes, count=1)
    if not removed:
        return found.group(0)
    return b" <" + name + kept + b">"  # the space Pagefind puts where it marks an anchor
