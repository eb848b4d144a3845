"""Pagefind's service process, read as its answers arrive: a process that dies, hangs or writes garbage
fails every call waiting on it instead of leaving the build waiting."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import signal
from contextlib import suppress
from typing import Any

from pagefind.service import PagefindService

from archivist.search.answers import AnswerReader, NotAnAnswer
from archivist.util.engines import exit_reason

# Pagefind 1.5.2 allocates with jemalloc, which reads its settings from this variable.
ALLOCATOR_VARIABLE = "_RJEM_MALLOC_CONF"
# Freed memory handed back to the system after three seconds instead of jemalloc's ten. Building a
# shard's index, Pagefind copies every page's words, packs them into the index and frees the copies
# as it goes; with ten seconds' grace the freed pages stay the process's while it packs the rest.
# A long page costs 2.1-2.2 MB at the peak instead of 2.3 (625 pages: 1,380 -> 1,296 MiB; 1,000
# pages: 2,177 -> 2,007 MiB). One second saves more (1,246 MiB for 625 pages) but made a cold
# build of 1,000 articles 3-12 s slower (median 6 s of 60); three seconds cost nothing measurable.
ALLOCATOR_SETTINGS = "dirty_decay_ms:3000,muzzy_decay_ms:0"
MAX_ANSWER_BYTES = 2**28  # what one answer may hold that is neither a whole answer nor a bundle file
READ_BYTES = 2**16  # read at a time from the process: a pipe's capacity


class SearchIndexError(Exception):
    """Pagefind could not be started or refused a page; the build must stop without writing."""

    def __init__(self, message: str, path: str = ""):
        super().__init__(f"{path}: {message}" if path else message)
        self.message = message
        self.path = path  # the site path of the page at fault, when one is


class ProcessLost(Exception):
    """The Pagefind process ended or wrote garbage; `reason` says which (see engines.exit_reason)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class PromptService(PagefindService):
    """The wrapper's service, reading answers as soon as they arrive.

    The packaged reader sleeps a tenth of a second before every answer, which makes indexing
    10,000 pages take over quarter of an hour; it also never wakes waiting calls when the
    binary dies, and skips over output that is not a message. This reader does neither: a
    process that dies or writes garbage fails every call waiting on it, and every later one.
    """

    _lost: ProcessLost | None = None

    async def launch(self) -> "PromptService":
        # Like the wrapper's launch, with stderr kept out of the message stream; answers are read
        # as they arrive (see answers.AnswerReader): a bundle is never buffered as one message.
        self._backend = await asyncio.create_subprocess_exec(
            self._bin, "--service", cwd=os.getcwd(), env=engine_environment(),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL, limit=READ_BYTES,
        )
        self._poll_task = self._loop.create_task(self._wait_for_responses())
        return self

    def submit(self, payload: dict[str, Any]) -> "asyncio.Future[dict[str, Any]]":
        """Send a request without waiting for its answer. Pagefind reads and handles requests one
        at a time, in the order they are sent, so pages are still numbered in submission order."""
        assert self._backend.stdin is not None
        self._message_id += 1
        future: asyncio.Future[dict[str, Any]] = self._loop.create_future()
        if self._lost is not None:
            future.set_exception(self._lost)
            return future
        future.add_done_callback(_observed)
        self._responses[self._message_id] = future
        request = json.dumps({"message_id": self._message_id, "payload": payload})
        self._backend.stdin.write(base64.b64encode(request.encode("utf-8")) + b",")
        return future

    async def send(self, payload: Any) -> Any:
        """The packaged call, failing at once when the process is already lost."""
        if self._lost is not None:
            raise self._lost
        return await super().send(payload)

    async def lost(self) -> ProcessLost:
        """Why the process is gone, once the reader has seen its output end."""
        await asyncio.wait({self._poll_task}, timeout=10)  # neither its end nor the timeout raises; a cancel does
        return self._lost or ProcessLost(exit_reason(self._backend.returncode))

    async def drained(self) -> None:
        """Wait while the pipe to Pagefind is full."""
        assert self._backend.stdin is not None
        await self._backend.stdin.drain()

    async def _wait_for_responses(self) -> None:
        stdout = self._backend.stdout
        assert stdout is not None
        reader = AnswerReader(MAX_ANSWER_BYTES)
        try:
            while chunk := await stdout.read(READ_BYTES):
                self._take(reader, chunk)
            self._fail_waiting(ProcessLost(await self._ended()))
        except NotAnAnswer as exc:
            self._signal(signal.SIGKILL)  # an engine that wrote garbage is not trusted with another page
            self._fail_waiting(ProcessLost(exc.reason))
        except ConnectionError:
            self._fail_waiting(ProcessLost(await self._ended()))
        except Exception as exc:  # noqa: BLE001 - an answer no part of this reader foresaw: never a silent wait
            self._signal(signal.SIGKILL)
            self._fail_waiting(ProcessLost(f"its answer could not be read ({type(exc).__name__})"))

    def _take(self, reader: AnswerReader, chunk: bytes) -> None:
        """Deliver the answers this piece of output completes. Apart from the reading loop, so that no
        answer stays bound in the loop's frame: stopping the process cancels the loop, and the
        cancellation's traceback keeps that frame, with a shard's whole bundle, until a full collection."""
        for answer in reader.feed(chunk):
            self._deliver(answer)

    async def _ended(self) -> str:
        """How the process ended, once its output has: its exit status or the signal that killed it."""
        try:
            return exit_reason(await asyncio.wait_for(self._backend.wait(), timeout=5))
        except asyncio.TimeoutError:
            self._signal(signal.SIGKILL)
            return "it closed its output and stopped answering"

    async def stop(self, failed: bool) -> None:
        """End the process: asked to, after a complete answer; killed (a stopped one too) after a failure."""
        self._poll_task.cancel()
        self._signal(signal.SIGKILL if failed else signal.SIGTERM)
        try:
            await asyncio.wait_for(self._backend.wait(), timeout=10)
        except asyncio.TimeoutError:
            self._signal(signal.SIGKILL)
            await self._backend.wait()

    def _signal(self, number: int) -> None:
        """Signal the process without reaping it. The process's own kill() polls first, and a poll that
        reaps a process that has just died races asyncio's child watcher, which then prints "Unknown
        child process" on stderr. A dead process keeps its pid until the watcher reaps it, and the
        returncode is known a moment after: far too soon for the pid to have passed to another process."""
        if self._backend.returncode is None:
            with suppress(ProcessLookupError):
                os.kill(self._backend.pid, number)

    def _deliver(self, answer: dict[str, Any]) -> None:
        """Hand an answer to the call waiting for it (a bundle answer's files already decoded)."""
        payload = answer.get("payload") or {}
        message_id = answer.get("message_id")
        if message_id is None and payload.get("original_message"):
            message_id = _original_id(payload["original_message"])
        future = self._responses.get(message_id) if message_id is not None else None
        if future is None or future.done():
            return
        del self._responses[message_id]  # answered: the caller holds it now, and lets go of it when done
        if payload.get("type") == "Error":
            future.set_exception(SearchIndexError(f"Pagefind: {payload.get('message', 'unknown error')}"))
        else:
            future.set_result(payload)

    def _fail_waiting(self, error: ProcessLost) -> None:
        self._lost = error
        for future in self._responses.values():
            if not future.done():
                future.set_exception(error)
                future.exception()  # seen: a request whose pipe broke before it awaited its answer never will


def engine_environment() -> dict[str, str]:
    """This process's environment with Pagefind's allocator set to give memory back promptly (see
    ALLOCATOR_SETTINGS); settings a machine already gives the variable are kept. The allocator
    decides only when memory returns to the system, never what Pagefind writes."""
    environment = dict(os.environ)
    environment.setdefault(ALLOCATOR_VARIABLE, ALLOCATOR_SETTINGS)
    return environment


def _observed(future: "asyncio.Future[Any]") -> None:
    """Mark a page's failure as seen: after the first page fails, the build stops without waiting for
    the pages sent after it, and asyncio would print each of their failures as a stray traceback."""
    if not future.cancelled():
        future.exception()


def _original_id(original: str) -> int | None:
    try:
        return json.loads(original).get("message_id")
    except (ValueError, AttributeError):
        return None
