"""Load for the preview server, on one asyncio loop: readers that fetch pages and the search bundle
over kept-alive connections, live-reload listeners, and clients that are slow on purpose (a request
a byte at a time, a connection that says nothing, answers never read)."""

from __future__ import annotations

import asyncio
import json
import random
import re
import socket
import time
from dataclasses import dataclass, field
from typing import Callable

# Search bundle files whose names do not change from one index to the next.
SEARCH_FILES = ("pagefind/pagefind.js", "pagefind/pagefind-worker.js", "pagefind/wasm.unknown.pagefind",
                "pagefind/pagefind-entry.json")
HEAD_LIMIT = 64 * 1024


@dataclass
class Tally:
    """What the clients saw; `errors` holds one line per failed request (empty when all went well)."""

    requests: int = 0
    pages_checked: int = 0
    reloads: int = 0
    errors: list[str] = field(default_factory=list)
    slowest: float = 0.0  # seconds, the longest wait of a reader for one answer
    slow_closed: list[float] = field(default_factory=list)  # seconds until the server closed a slow client

    def fail(self, text: str) -> None:
        if len(self.errors) < 50:
            self.errors.append(text)


class Closed(Exception):
    """The server closed a kept-alive connection before answering (a reader reconnects)."""


async def _answer(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 answer with a Content-Length: status, headers, the complete body."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers["content-length"]))
    return status, headers, body


async def _get(streams, host: str, path: str) -> tuple[int, dict[str, str], bytes]:
    reader, writer = streams
    writer.write(f"GET /{path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    await writer.drain()
    try:
        return await _answer(reader)
    except asyncio.IncompleteReadError as exc:
        if not exc.partial:
            raise Closed from None
        raise


async def reader_client(host: str, port: int, paths: list[str], check: Callable[[str, bytes], str | None],
                        until: float, tally: Tally, seed: int) -> None:
    """Fetch random paths over one kept-alive connection until `until`; every answer must be a
    complete 200 whose body passes `check`."""
    rng = random.Random(seed)
    streams = None
    while time.monotonic() < until:
        path = rng.choice(paths)
        try:
            if streams is None:
                streams = await asyncio.open_connection(host, port)
            started = time.monotonic()
            status, _headers, body = await _get(streams, host, path)
            tally.slowest = max(tally.slowest, time.monotonic() - started)
        except Closed:
            streams = _close(streams)
            continue
        except (OSError, asyncio.IncompleteReadError, ValueError, KeyError) as exc:
            tally.fail(f"{path}: {type(exc).__name__}: {exc}")
            streams = _close(streams)
            continue
        tally.requests += 1
        problem = f"status {status}" if status not in (200, 304) else check(path, body)
        if problem:
            tally.fail(f"{path}: {problem}")
    _close(streams)


def _close(streams) -> None:
    if streams is not None:
        streams[1].close()
    return None


async def event_client(host: str, port: int, until: float, tally: Tally) -> None:
    """Listen to the live-reload stream as a page does: on `reload`, reconnect from that build."""
    since = 0
    while time.monotonic() < until:
        try:
            reader, writer = await asyncio.open_connection(host, port)
        except OSError as exc:
            tally.fail(f"events: {exc}")
            return
        try:
            writer.write(f"GET /__archivist__/events?since={since} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
            if not head.startswith(b"HTTP/1.1 200") or b"text/event-stream" not in head:
                tally.fail(f"events: {head[:60]!r}")
                return
            since = await _next_reload(reader, until)
            tally.requests += 1
            tally.reloads += since is not None
            since = since or 0
        except (OSError, asyncio.IncompleteReadError) as exc:
            tally.fail(f"events: {type(exc).__name__}: {exc}")
        finally:
            writer.close()


async def _next_reload(reader: asyncio.StreamReader, until: float) -> int | None:
    """The build number of the next reload event, or None when `until` comes first."""
    while True:
        remaining = until - time.monotonic()
        if remaining <= 0:
            return None
        try:
            event = await asyncio.wait_for(reader.readuntil(b"\n\n"), remaining)
        except asyncio.TimeoutError:
            return None
        match = re.search(rb"event: reload\ndata: (\d+)", event)
        if match:
            return int(match.group(1))


async def trickler(host: str, port: int, until: float, tally: Tally, silent: bool = False) -> None:
    """Send a request head a byte a second and never finish it (or, `silent`, send nothing); note how
    long the server takes to close the connection, then start again."""
    head = f"GET / HTTP/1.1\r\nHost: {host}\r\nX-Slow: {'x' * 400}\r\n".encode()
    while time.monotonic() < until:
        reader, writer = await asyncio.open_connection(host, port)
        opened = time.monotonic()
        try:
            if await _dribble(reader, writer, b"" if silent else head, until, tally):
                tally.slow_closed.append(time.monotonic() - opened)
        except ConnectionError:
            tally.slow_closed.append(time.monotonic() - opened)
        finally:
            writer.close()


async def _dribble(reader, writer, head: bytes, until: float, tally: Tally) -> bool:
    """Send `head` a byte a second (then wait); True once the server closes, False when `until` comes."""
    sent = 0
    while time.monotonic() < until:
        if sent < len(head):
            writer.write(head[sent:sent + 1])
            sent += 1
            await writer.drain()
        try:
            data = await asyncio.wait_for(reader.read(256), 1.0)
        except asyncio.TimeoutError:
            continue
        if data:
            tally.fail(f"a slow client was answered: {data[:60]!r}")
        return True
    return False


def stuck_reader(host: str, port: int, path: str, requests: int = 200) -> socket.socket:
    """A connection that asks for `path` many times over and never reads: the server's writes block."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((host, port))
    sock.sendall(f"GET /{path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode() * requests)
    return sock


def search_check(path: str, body: bytes) -> str | None:
    """A search bundle file is non-empty; the entry file is JSON naming the index."""
    if not body:
        return "empty body"
    if path.endswith(".json"):
        try:
            entry = json.loads(body)
        except ValueError:
            return "entry file is not JSON"
        if "languages" not in entry:
            return "entry file names no index"
    return None
