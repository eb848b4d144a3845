"""Runs worker.js in one long-lived Node process and exchanges JSON lines with it."""

from __future__ import annotations

import hashlib
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any, NoReturn

from archivist.citations.errors import CitationEngineError
from archivist.util.engines import CITEPROC, EngineFailure, allowance, exit_reason, garbage, timed_out

WORKER_SCRIPT = Path(__file__).with_name("worker.js")
WORKER_MODULES = (WORKER_SCRIPT, Path(__file__).with_name("styletree.js"))  # everything the worker runs of ours
NODE_MODULES_ENV = "ARCHIVIST_NODE_MODULES"
_INSTALL_HINT = "run `npm ci` in the project root (it installs node_modules/citeproc)"


def find_citeproc(node_modules: Path | None = None) -> Path:
    """The citeproc package folder: an explicit or $ARCHIVIST_NODE_MODULES folder, else the
    nearest node_modules above the working directory or above this package."""
    explicit = node_modules or (Path(os.environ[NODE_MODULES_ENV]) if os.environ.get(NODE_MODULES_ENV) else None)
    if explicit is not None:
        candidate = Path(explicit) / "citeproc"
        if (candidate / "package.json").is_file():
            return candidate
        raise CitationEngineError(f"{explicit} has no citeproc package: {_INSTALL_HINT}")
    for base in (Path.cwd().resolve(), Path(__file__).resolve().parent):
        for folder in (base, *base.parents):
            candidate = folder / "node_modules" / "citeproc"
            if (candidate / "package.json").is_file():
                return candidate
    raise CitationEngineError(f"the citation engine citeproc-js is not installed: {_INSTALL_HINT}")


def find_node() -> str:
    node = shutil.which("node")
    if node is None:
        raise CitationEngineError(f"Node.js is needed to format citations: install Node.js 20 or later, then {_INSTALL_HINT}")
    return node


@lru_cache(maxsize=8)
def engine_version(citeproc_dir: Path) -> str:
    """citeproc's version and a hash of the worker's code: a change to either invalidates caches."""
    package = json.loads((citeproc_dir / "package.json").read_text(encoding="utf-8"))
    worker_hash = hashlib.sha256(b"\0".join(path.read_bytes() for path in WORKER_MODULES)).hexdigest()[:16]
    return f"citeproc-{package.get('version', '?')}+worker-{worker_hash}"


class NodeWorker:
    """One Node process; requests are sent one at a time, each answered by one line.

    Answers are read on a thread of their own, so a wait for one ends at its deadline: a worker that
    died, hung or wrote something other than an answer is killed and reported as an EngineFailure."""

    def __init__(self, citeproc_dir: Path):
        self._stderr = tempfile.TemporaryFile()
        env = dict(os.environ, ARCHIVIST_CITEPROC=str(citeproc_dir))
        try:
            self._process = subprocess.Popen(
                [find_node(), str(WORKER_SCRIPT)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, env=env,
            )
        except OSError as exc:
            raise CitationEngineError(f"cannot start Node.js: {exc}") from exc
        self._answers: queue.Queue[bytes] = queue.Queue()
        self._reader = threading.Thread(target=self._read_answers, daemon=True)
        self._reader.start()
        self._lock = threading.Lock()
        self._seq = 0

    def _read_answers(self) -> None:
        """Every line the worker writes, then b"" at its end (a last line without its newline is cut off)."""
        stdout = self._process.stdout
        assert stdout is not None
        for line in iter(stdout.readline, b""):
            self._answers.put(line if line.endswith(b"\n") else b"")
        self._answers.put(b"")

    def request(self, op: str, timeout: float | None = None, **fields: Any) -> Any:
        """Send one request and return its result, waiting at most `timeout` seconds (default: the
        floor of engines.allowance); the worker's errors become exceptions."""
        with self._lock:
            self._seq += 1
            line = json.dumps({"seq": self._seq, "op": op, **fields}, ensure_ascii=False)
            reply = self._exchange(line.encode("utf-8") + b"\n", allowance(0, 0) if timeout is None else timeout)
        if not reply.get("ok"):
            raise CitationEngineError(f"citeproc-js failed: {reply.get('error')}")
        return reply.get("result")

    def _exchange(self, request: bytes, timeout: float) -> dict[str, Any]:
        stdin = self._process.stdin
        assert stdin is not None
        try:
            stdin.write(request)
            stdin.flush()
        except (OSError, ValueError):
            pass  # a worker that is gone is reported from what it did instead: its answer never comes
        try:
            answer = self._answers.get(timeout=timeout)
        except queue.Empty:
            self._fail(timed_out(timeout))
        if not answer:
            self._fail(self._ended())
        try:
            reply = json.loads(answer)
        except ValueError:
            reply = None
        if not isinstance(reply, dict) or reply.get("seq") != self._seq:
            self._fail(garbage(answer))
        return reply

    def _fail(self, reason: str) -> NoReturn:
        """Kill the worker (SIGKILL ends a stopped one too) and report why it was given up."""
        self._stop()
        raise EngineFailure(CITEPROC, "formatting citations", reason)

    def _ended(self) -> str:
        """Why the worker's output ended: how it exited, and the last lines it wrote on stderr."""
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._stop()
            return "it closed its output and stopped answering"
        tail = self._stderr_tail()
        return exit_reason(self._process.returncode) + (f" ({tail})" if tail else "")

    def _stderr_tail(self) -> str:
        self._stderr.seek(0)
        lines = self._stderr.read().decode("utf-8", "replace").strip().splitlines()[-3:]
        missing = any("Cannot find module" in line for line in lines)
        return " / ".join(lines) + (f"; {_INSTALL_HINT}" if missing else "")

    def _stop(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()

    def close(self, kill: bool = False) -> None:
        """Close stdin so the worker exits on its own; kill it if it will not, or at once with `kill`."""
        if kill:
            self._stop()
        if self._process.poll() is None:
            try:
                self._process.stdin.close()
                self._process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self._stop()
        self._reader.join(timeout=5)  # the worker has exited: its output ends at once
        if not self._reader.is_alive() and self._process.stdout is not None:
            self._process.stdout.close()
        self._stderr.close()
