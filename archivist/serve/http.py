"""The preview's HTTP side: files from one folder, a live-reload script and error overlay added to HTML on the way out."""

from __future__ import annotations

import html
import mimetypes
import threading
import urllib.parse
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Sequence

from archivist.serve.limits import MAX_CONNECTIONS, BoundedServer, GuardedHandler

EVENTS_PATH = "/__archivist__/events"
KEEPALIVE_SECONDS = 15.0
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
                 ".js": "text/javascript; charset=utf-8", ".json": "application/json",
                 ".xml": "application/xml", ".svg": "image/svg+xml", ".txt": "text/plain; charset=utf-8",
                 ".bib": "text/plain; charset=utf-8", ".ris": "text/plain; charset=utf-8",
                 ".pdf": "application/pdf", ".wasm": "application/wasm"}
OVERLAY_ID = "archivist-overlay"


class Hub:
    """What every request needs to know about the latest build: its number and what went wrong."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self.generation = 0
        self.problems: tuple[str, ...] = ()  # formatted diagnostics of the newest failed build
        self.closing = False

    def publish(self, problems: Sequence[str]) -> None:
        """A rebuild finished (good or bad): record its problems and wake every waiting page."""
        with self._changed:
            self.problems = tuple(problems)
            self.generation += 1
            self._changed.notify_all()

    def wait_after(self, generation: int, timeout: float) -> int:
        """Block until a build newer than `generation` exists, the timeout passes or the server closes."""
        with self._changed:
            self._changed.wait_for(lambda: self.generation > generation or self.closing, timeout)
            return self.generation

    def close(self) -> None:
        with self._changed:
            self.closing = True
            self._changed.notify_all()


@dataclass(frozen=True)
class Found:
    """What a request path names: a file, a redirect, a refusal or nothing."""

    status: HTTPStatus
    file: Path | None = None
    location: str = ""


def locate(root: Path, raw_path: str) -> Found:
    """Map a URL path to a file under `root`; anything that could leave the folder is refused."""
    parts = urllib.parse.urlsplit(raw_path)
    try:
        path = urllib.parse.unquote(parts.path, errors="strict")
    except UnicodeDecodeError:
        return Found(HTTPStatus.BAD_REQUEST)
    segments = [s for s in path.split("/") if s not in ("", ".")]
    if any(s == ".." or "\\" in s or "\x00" in s for s in segments):
        return Found(HTTPStatus.FORBIDDEN)
    base = root.resolve()
    target = base.joinpath(*segments)
    try:
        resolved = target.resolve()
    except (OSError, RuntimeError):
        return Found(HTTPStatus.NOT_FOUND)
    if resolved != base and not resolved.is_relative_to(base):
        return Found(HTTPStatus.FORBIDDEN)  # a symbolic link that leads out
    if resolved.is_dir():
        if not path.endswith("/"):
            query = f"?{parts.query}" if parts.query else ""
            return Found(HTTPStatus.MOVED_PERMANENTLY, location=parts.path + "/" + query)
        resolved = resolved / "index.html"
    if resolved.is_file():
        return Found(HTTPStatus.OK, file=resolved)
    missing = base / "404.html"
    return Found(HTTPStatus.NOT_FOUND, file=missing if missing.is_file() else None)


def live_script(generation: int) -> str:
    """Reload the page once a build newer than the one it shows is complete."""
    return ("<script data-archivist-live>(function(){var s=new EventSource("
            f"\"{EVENTS_PATH}?since={generation}\");s.addEventListener(\"reload\",function(){{"
            "s.close();location.reload();});})();</script>")


def overlay(problems: Sequence[str]) -> str:
    """The build's problems over the page, escaped; the page beneath is the last good build."""
    items = "".join(f"<li>{html.escape(p)}</li>" for p in problems)
    return (f'<div id="{OVERLAY_ID}" role="alert" style="position:fixed;inset:0;z-index:2147483647;'
            'overflow:auto;background:rgba(24,8,8,.94);color:#fff;font:14px/1.5 ui-monospace,monospace;'
            'padding:2rem;white-space:pre-wrap">'
            '<h2 style="font:bold 18px/1.3 sans-serif;margin:0 0 1rem">The site did not build. '
            'You are looking at the last version that did.</h2>'
            f'<ul style="margin:0;padding-left:1.2rem">{items}</ul>'
            '<p style="font:13px sans-serif;opacity:.8">Fix the file and save: this page reloads by itself.</p>'
            "</div>")


def inject(page: bytes, generation: int, problems: Sequence[str]) -> bytes:
    """Add the live script (and the overlay, when the newest build failed) before </body>."""
    addition = (overlay(problems) if problems else "") + live_script(generation)
    data = addition.encode("utf-8")
    end = page.lower().rfind(b"</body>")
    return page + data if end < 0 else page[:end] + data + page[end:]


def content_type(path: Path) -> str:
    return CONTENT_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


class PreviewHandler(GuardedHandler):
    """GET and HEAD from the preview folder, plus the event stream that tells pages to reload."""

    protocol_version = "HTTP/1.1"
    root: Path
    hub: Hub
    quiet: bool = True

    def do_GET(self) -> None:  # noqa: N802 (the name http.server dispatches to)
        if urllib.parse.urlsplit(self.path).path == EVENTS_PATH:
            self._stream_events()
        else:
            self._answer(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        found = locate(self.root, self.path)
        if found.location:
            self._send(found.status, b"", "text/plain; charset=utf-8", send_body, {"Location": found.location})
            return
        if found.file is None:
            body, ctype = self._fallback(found.status)
        else:
            try:
                body, ctype = found.file.read_bytes(), content_type(found.file)
            except OSError:  # swapped away by a rebuild between locating and reading
                body, ctype = self._fallback(HTTPStatus.NOT_FOUND)
        if ctype.startswith("text/html"):
            body = inject(body, self.hub.generation, self.hub.problems)
        self._send(found.status, body, ctype, send_body)

    def _fallback(self, status: HTTPStatus) -> tuple[bytes, str]:
        text = f"<!DOCTYPE html><title>{status.value}</title><body><h1>{status.value} {status.phrase}</h1></body>"
        return text.encode(), "text/html; charset=utf-8"

    def _send(self, status: HTTPStatus, body: bytes, ctype: str, send_body: bool,
              extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _stream_events(self) -> None:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        try:
            seen = int(query.get("since", ["0"])[0])
        except ValueError:
            seen = 0
        self.close_connection = True
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        try:
            while not self.hub.closing:
                newest = self.hub.wait_after(seen, KEEPALIVE_SECONDS)
                message = f"event: reload\ndata: {newest}\n\n" if newest > seen else ": still here\n\n"
                seen = newest
                self.wfile.write(message.encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return  # the page went away

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        if not self.quiet:
            super().log_message(format, *args)


def make_server(host: str, port: int, root: Path, hub: Hub, max_connections: int = MAX_CONNECTIONS) -> BoundedServer:
    """A threaded server bound to host:port (0 picks a free port); raises OSError when taken."""
    handler = type("Handler", (PreviewHandler,), {"root": root, "hub": hub})
    return BoundedServer((host, port), handler, max_connections)
