"""Serve a built site on 127.0.0.1 under a sub-path, with GitHub Pages' URL rules."""

from __future__ import annotations

import mimetypes
import threading
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

# Explicit types for what the site publishes, so the answer never depends on the
# machine's /etc/mime.types (which differs between a laptop and a fresh CI image).
CONTENT_TYPES: dict[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".xml": "application/xml",
    ".atom": "application/atom+xml",
    ".rss": "application/rss+xml",
    ".xsl": "application/xml",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".bib": "text/plain; charset=utf-8",
    ".ris": "application/x-research-info-systems",
    ".csl": "application/xml",
    ".wasm": "application/wasm",
    ".pagefind": "application/octet-stream",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
}
# Pagefind's index pieces (.pf_fragment, .pf_index, .pf_meta, .pf_filter) are binary.
PAGEFIND_PREFIX = ".pf_"
FALLBACK_TYPE = "application/octet-stream"


@dataclass(frozen=True)
class ServedRequest:
    """One request the server answered, so tests can see what a browser asked for."""

    method: str
    path: str
    status: int


@dataclass
class ServedSite:
    """A running server: ``url`` is the site's home, e.g. ``http://127.0.0.1:PORT/archive/``."""

    url: str
    origin: str
    base: str
    root: Path
    requests: list[ServedRequest] = field(default_factory=list)

    def url_for(self, relative: str) -> str:
        """The absolute URL of a path given relative to the site's base."""
        return self.url + relative.lstrip("/")

    def statuses(self, status: int) -> list[str]:
        """Paths that were answered with ``status`` (e.g. every 404 a page caused)."""
        return [r.path for r in list(self.requests) if r.status == status]


def content_type_for(path: Path) -> str:
    """The Content-Type header for a file, by its extension."""
    suffix = path.suffix.lower()
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    if suffix.startswith(PAGEFIND_PREFIX):
        return FALLBACK_TYPE
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or FALLBACK_TYPE


def normalise_base(base: str) -> str:
    """``archive`` and ``/archive`` both mean ``/archive/``."""
    return "/" + base.strip("/") + "/" if base.strip("/") else "/"


@dataclass(frozen=True)
class Resolution:
    """What a URL path means for the site: a file to send, a redirect, or not found."""

    status: HTTPStatus
    file: Path | None = None
    location: str | None = None


def resolve_request(root: Path, base: str, raw_path: str) -> Resolution:
    """Map a request path to a file under ``root`` the way GitHub Pages does."""
    parts = urllib.parse.urlsplit(raw_path)
    path = urllib.parse.unquote(parts.path, errors="strict")
    query = f"?{parts.query}" if parts.query else ""
    if path + "/" == base:
        return Resolution(HTTPStatus.MOVED_PERMANENTLY, location=base + query)
    if not path.startswith(base):
        return Resolution(HTTPStatus.NOT_FOUND)
    relative = path[len(base):]
    folder = _inside(root, relative)
    if folder is not None and folder.is_dir():
        if not path.endswith("/"):
            return Resolution(HTTPStatus.MOVED_PERMANENTLY, location=parts.path + "/" + query)
        return _found(_inside(root, relative + "/index.html"), root)
    if path.endswith("/"):
        return _not_found(root)
    # "/archive/about" serves about.html when there is no file named "about".
    return _found(_inside(root, relative) or _inside(root, relative + ".html"), root)


def _inside(root: Path, relative: str) -> Path | None:
    """The existing file or folder at ``relative``; None if absent or outside ``root``."""
    segments = [s for s in relative.split("/") if s not in ("", ".")]
    if any(s == ".." or "\\" in s or "\x00" in s for s in segments):
        return None
    real_root = root.resolve()
    try:
        resolved = real_root.joinpath(*segments).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    # A symlink may not lead out of the published folder.
    if resolved != real_root and not resolved.is_relative_to(real_root):
        return None
    return resolved


def _found(file: Path | None, root: Path) -> Resolution:
    if file is not None and file.is_file():
        return Resolution(HTTPStatus.OK, file=file)
    return _not_found(root)


def _not_found(root: Path) -> Resolution:
    page = root / "404.html"
    return Resolution(HTTPStatus.NOT_FOUND, file=page if page.is_file() else None)


class _SiteHandler(BaseHTTPRequestHandler):
    """Answers GET and HEAD from one site folder; anything else gets 501 from the base class."""

    protocol_version = "HTTP/1.1"
    timeout = 30  # a browser's idle keep-alive connection must not pin a thread forever
    site: ServedSite  # set on the subclass made per server

    def do_GET(self) -> None:  # noqa: N802 (the name http.server dispatches to)
        self._answer(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        try:
            found = resolve_request(self.site.root, self.site.base, self.path)
        except UnicodeDecodeError:
            found = Resolution(HTTPStatus.BAD_REQUEST)
        self.site.requests.append(ServedRequest(self.command, self.path, int(found.status)))
        if found.location is not None:
            location = {"Location": found.location}
            self._send(found.status, b"", "text/plain; charset=utf-8", location, send_body)
        elif found.file is not None:
            self._send(found.status, found.file.read_bytes(), content_type_for(found.file), {}, send_body)
        else:
            body = f"{int(found.status)} {found.status.phrase}\n".encode()
            self._send(found.status, body, "text/plain; charset=utf-8", {}, send_body)

    def _send(self, status: int, body: bytes, ctype: str, extra: dict[str, str], send_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet: the request list on ServedSite is the log."""


@contextmanager
def serve_site(root: Path, base: str = "/archive/") -> Iterator[ServedSite]:
    """Serve ``root`` at ``http://127.0.0.1:<free port><base>`` until the block ends."""
    base = normalise_base(base)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SiteHandler)
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    site = ServedSite(url=origin + base, origin=origin, base=base, root=Path(root))
    server.RequestHandlerClass = type("SiteHandler", (_SiteHandler,), {"site": site})
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="site-server", daemon=True
    )
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
