"""HTML checks shared by the hardening tests: what content-controlled markup must never carry."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcset",
                  "ping", "cite", "longdesc", "manifest", "codebase"}
RESOURCE_TAGS = {"img", "script", "link", "iframe", "frame", "embed", "object", "source", "audio", "video",
                 "track", "input", "image", "use"}
FORBIDDEN_TAGS = {"iframe", "frame", "object", "embed", "base", "applet", "frameset", "portal"}
BAD_SCHEMES = re.compile(r"^(javascript|vbscript|data|file|blob):", re.IGNORECASE)
JSON_TYPES = {"application/ld+json", "application/json"}
PAGE_ONLY_TAGS = {"script", "style", "link", "meta", "title", "head", "body", "html"}


class Collector(HTMLParser):
    """Start tags with their attributes, and the raw text of every script element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[tuple[dict[str, str], str]] = []
        self._in_script: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name.lower(): value or "" for name, value in attrs}
        self.tags.append((tag, attributes))
        if tag == "script":
            self._in_script = attributes
            self.scripts.append((attributes, ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self._in_script = None

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            attributes, text = self.scripts[-1]
            self.scripts[-1] = (attributes, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None


def collect(page: Path) -> Collector:
    collector = Collector()
    collector.feed(page.read_text(encoding="utf-8"))
    collector.close()
    return collector


def _is_local(url: str) -> bool:
    """Relative, root-relative, or on the test server's own host."""
    url = url.strip()
    if url.startswith("//"):
        return False
    match = re.match(r"^[a-z][a-z0-9+.-]*:", url, re.IGNORECASE)
    return not match or url.lower().startswith("http://127.0.0.1")


def tag_problems(tag: str, attributes: dict[str, str]) -> list[str]:
    """What a content-controlled tag must never carry."""
    problems = [f"<{tag}> element"] if tag in FORBIDDEN_TAGS else []
    if tag == "form" and not _is_local(attributes.get("action", "")):
        problems.append(f"<form action={attributes.get('action', '')[:60]!r}> posts to another host")
    if tag == "meta" and attributes.get("http-equiv", "").lower() == "refresh":
        problems.append("<meta http-equiv=refresh>")
    for name, value in attributes.items():
        if name.startswith("on"):
            problems.append(f"<{tag} {name}=...> event handler")
        cleaned = re.sub(r"[\x00-\x20]", "", value)
        if name in URL_ATTRIBUTES and BAD_SCHEMES.match(cleaned):
            problems.append(f"<{tag} {name}={value[:60]!r}> script-capable URL")
        if tag in RESOURCE_TAGS and name in {"src", "data", "poster", "srcset"} and not _is_local(value):
            problems.append(f"<{tag} {name}={value[:60]!r}> loads from another host")
        if tag == "link" and name == "href" and not _is_local(value) and \
                attributes.get("rel", "").lower() in {"stylesheet", "preload", "modulepreload", "import", "icon"}:
            problems.append(f"<link href={value[:60]!r}> loads from another host")
    return problems


def fragment_problems(html: str) -> list[str]:
    """Problems in a rendered fragment (an article body): any script at all counts."""
    collector = Collector()
    collector.feed(html)
    collector.close()
    found = [problem for tag, attributes in collector.tags for problem in tag_problems(tag, attributes)]
    return found + [f"<{tag}> element in a fragment" for tag, _ in collector.tags if tag in PAGE_ONLY_TAGS]
