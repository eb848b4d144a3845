"""Classify URLs written in Markdown, so links and images apply one policy."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote

from mistune.util import unescape

_SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.I)
_INVISIBLE_RE = re.compile(r"[\x00-\x20\x7f]+")

# Browsers run script from these; a link or image using one is dropped.
HARMFUL_SCHEMES = frozenset({"javascript", "data", "vbscript"})
# Links may use these; any other scheme is dropped with a warning. A 'doi:' link is written
# as its https://doi.org/ address, which every browser can open (the link text is unchanged).
LINK_SCHEMES = frozenset({"http", "https", "mailto", "ftp", "tel", "doi"})
EXTERNAL_SCHEMES = frozenset({"http", "https", "ftp", "doi"})  # links that lead to another site
DOI_RESOLVER = "https://doi.org/"
_DOI_PREFIX = re.compile(r"^\s*doi:\s*/*", re.I)


def scheme_of(url: str) -> str:
    """The lower-cased scheme the browser would see, or '' for relative URLs.

    Entities, percent-escapes and control characters are removed first, because
    browsers ignore them too ('java&#x09;script:' is still javascript:).
    """
    text = url
    for _ in range(3):
        decoded = unquote(unescape(text))
        if decoded == text:
            break
        text = decoded
    text = _INVISIBLE_RE.sub("", text)
    if text.startswith("//"):
        return "https"  # protocol-relative: another host
    m = _SCHEME_RE.match(text)
    return m.group(1).lower() if m else ""


def bundle_path(url: str) -> str | None:
    """The bundle-relative file a relative URL points to, or None if it leaves the bundle."""
    path = unquote(unescape(url)).split("#", 1)[0].split("?", 1)[0]
    if not path or path.startswith("/"):
        return None
    norm = posixpath.normpath(path)
    if norm == ".." or norm.startswith("../"):
        return None
    return norm


def doi_href(url: str) -> str:
    """'doi:10.1000/x' as 'https://doi.org/10.1000/x'; any other URL unchanged."""
    m = _DOI_PREFIX.match(url)
    return DOI_RESOLVER + url[m.end():] if m else url
