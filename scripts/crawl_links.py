"""Serve a built site under its sub-path and fail on any internal link that does not answer 200.

Usage: python scripts/crawl_links.py output --base /preview/

Starts at the site's home page, follows every internal link found in HTML pages (a, link,
script, img, source, iframe, and srcset), and requests every internal URL once, without
following redirects: a link that only works through a redirect is reported too.
"""

from __future__ import annotations

import argparse
import http.client
import sys
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from support.server import normalise_base, serve_site  # noqa: E402  (Pages' URL rules, shared with the tests)

LINK_ATTRIBUTES = {"a": ("href",), "link": ("href",), "script": ("src",), "img": ("src", "srcset"),
                   "source": ("src", "srcset"), "iframe": ("src",), "video": ("src", "poster"), "audio": ("src",)}


class LinkParser(HTMLParser):
    """Collects the URLs a page points at."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = LINK_ATTRIBUTES.get(tag, ())
        for name, value in attrs:
            if name in wanted and value:
                self.urls.extend(_srcset(value) if name == "srcset" else [value.strip()])


def _srcset(value: str) -> list[str]:
    return [part.strip().split()[0] for part in value.split(",") if part.strip()]


def fetch(origin: str, path: str) -> tuple[int, str, bytes]:
    """Status, content type and body of one path; redirects are not followed."""
    parts = urlsplit(origin)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", path)
        answer = connection.getresponse()
        return answer.status, answer.getheader("Content-Type", ""), answer.read()
    finally:
        connection.close()


def crawl(origin: str, base: str) -> dict[str, tuple[int, str]]:
    """Every internal URL reached from the home page that did not answer 200 -> (status, linking page)."""
    start = origin + base
    queue, seen, broken = deque([(start, "(start)")]), {start}, {}
    while queue:
        url, referrer = queue.popleft()
        path = urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else "")
        status, ctype, body = fetch(origin, path)
        if status != 200:
            broken[path] = (status, referrer)
            continue
        if not ctype.startswith("text/html"):
            continue
        parser = LinkParser()
        parser.feed(body.decode("utf-8", "replace"))
        for raw in parser.urls:
            target = urldefrag(urljoin(url, raw))[0]
            if _internal(target, origin, base) and target not in seen:
                seen.add(target)
                queue.append((target, urlsplit(url).path))
    return broken


def _internal(url: str, origin: str, base: str) -> bool:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" == origin and parts.path.startswith(base)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="the built site")
    parser.add_argument("--base", default="/", help="the URL path the site was built for, e.g. /preview/")
    args = parser.parse_args(argv)
    if not (args.folder / "index.html").is_file():
        print(f"crawl_links: {args.folder} holds no index.html; build the site first", file=sys.stderr)
        return 2
    base = normalise_base(args.base)
    with serve_site(args.folder, base) as site:
        broken = crawl(site.origin, base)
    for path, (status, referrer) in sorted(broken.items()):
        print(f"{status} {path} (linked from {referrer})")
    print(f"crawl_links: {len(broken)} broken internal link(s)" if broken else "crawl_links: every internal link answers 200")
    return 1 if broken else 0


if __name__ == "__main__":
    raise SystemExit(main())
