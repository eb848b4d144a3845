"""An article's old addresses ('aliases'): each checked for a form a site file can have, and turned into
that file's path (the redirect pages themselves are planned in `archivist.pages.redirects`)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable
from urllib.parse import unquote

# Letters and digits of any script and the punctuation a path segment may hold without escaping,
# less the characters some file systems refuse (':', '*', '|', '"', '<', '>', '?', '\').
SEGMENT = re.compile(r"^[\w\-.~!$&'()+,;=@]+$")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
MAX_SEGMENT_BYTES = 255  # the longest file name most file systems allow
# The longest page path: macOS refuses paths over 1,024 bytes, and on Linux (4,096) the output
# folder's own path and the build's temporary names still have to fit in front of it.
MAX_PATH_BYTES = 1024


@lru_cache(maxsize=4096)
def alias_file(alias: str) -> tuple[str, str]:
    """(the site file an alias is written to, '') or ('', why it cannot be one).

    '/old/path/', '/old/path' and 'old/path' all mean the folder old/path/ under the site's base
    URL (a server answers '/old/path' by redirecting to '/old/path/'); a name ending in .html or
    .htm is that file. Case is kept: the host compares it.
    """
    text = alias.strip()
    problem = _shape_problem(text)
    if problem:
        return "", problem
    try:
        path = unquote(text, errors="strict")
    except UnicodeDecodeError:
        return "", "its %-escapes are not UTF-8"
    segments = path.strip("/").split("/") if path.strip("/") else []
    for segment in segments:
        problem = _segment_problem(segment)
        if problem:
            return "", problem
    if segments and segments[-1].lower().endswith((".html", ".htm")):
        page = "/".join(segments)
    else:
        page = "".join(f"{s}/" for s in segments) + "index.html"
    size = len(page.encode("utf-8"))
    if size > MAX_PATH_BYTES:
        return "", f"the path is {size:,} bytes long, longer than the {MAX_PATH_BYTES:,} bytes a page's path may have"
    return page, ""


def link_key(path: str) -> str:
    """A site path as links and aliases both name it: 'old/path/', '/old/path' and 'old/path/index.html'
    are the one page 'old/path'; 'old.html' stays itself. `path` is decoded, from the site's root."""
    key = path.strip("/")
    if key == "index.html" or key.endswith("/index.html"):
        key = key[: -len("index.html")].rstrip("/")
    return key


def alias_targets(articles: Iterable[tuple[str, Iterable[str]]]) -> dict[str, str]:
    """Each valid alias's page (its `link_key`) -> the slug of the article it sends readers on to.

    `articles` is (slug, aliases as written) of each published article; where two claim one
    address (an error reported elsewhere) the first keeps it."""
    targets: dict[str, str] = {}
    for slug, aliases in articles:
        for text in aliases:
            path, _problem = alias_file(text)
            if path:
                targets.setdefault(link_key(path), slug)
    return targets


def _shape_problem(text: str) -> str:
    if not text:
        return "it is empty"
    if SCHEME.match(text) or text.startswith("//"):
        return "it is a full URL; write only its path on this site, such as '/old/path/'"
    if "?" in text or "#" in text:
        return "a query string or '#' part cannot be given a page of its own; write the path alone"
    if "\\" in text:
        return "it holds a backslash; paths are written with '/'"
    if PERCENT.search(text):
        return "a '%' must start an escape such as '%20'"
    return ""


def _segment_problem(segment: str) -> str:
    if segment in ("", ".", ".."):
        return "'.', '..' and empty parts ('//') cannot be in a path"
    if segment.startswith("."):
        return f"'{segment}' is a hidden name, which not every host publishes"
    if not SEGMENT.match(segment):
        bad = next(ch for ch in segment if not SEGMENT.match(ch))
        return f"the character {bad!r} cannot be in a path (spaces and ':*|\"<>' are refused)"
    if len(segment.encode("utf-8")) > MAX_SEGMENT_BYTES:
        return f"the part '{segment[:20]}…' is longer than a file name may be"
    return ""
