"""Runs worker.js in one long-lived Node process and exchanges JSON lines with it."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from archivist.citations.errors import CitationEngineError

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
    """One Node process; requests are sent one at a time, each answered by one line."""

    def __init__(self, citeproc_dir: Path):
        self._stderr = tempfile.TemporaryFile()
        env = dict(os.environ, ARCHIVIST_CITEPROC=str(citeproc_dir))
        try:
            self._process = subprocess.Popen(
                [find_node(), str(WORKER_SCRIPT)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
                env=env, text=True, encoding="utf-8", bufsize=1,
            )
        except OSError as exc:
            raise CitationEngineError(f"cannot start Node.js: {exc}") from exc
        self._lock = threading.Lock()
        self._seq = 0

    def request(self, op: str, **fields: Any) -> Any:
        """Send one request and return its result; the worker's errors become exceptions."""
        with self._lock:
            self._seq += 1
            line = json.dumps({"seq": self._seq, "op": op, **fields}, ensure_ascii=False)
            try:
                self._process.stdin.write(line + "\n")
                self._process.stdin.flush()
                answer = self._process.stdout.readline()
            except (OSError, ValueError):
                answer = ""
            if not answer:
                raise CitationEngineError(f"the citation worker stopped: {self._stderr_tail()}")
            reply = json.loads(answer)
        if not reply.get("ok"):
            raise CitationEngineError(f"citeproc-js failed: {reply.get('error')}")
        return reply.get("result")

    def _stderr_tail(self) -> str:
        self._process.poll()
        self._stderr.seek(0)
        text = self._stderr.read().decode("utf-8", "replace").strip()
        lines = text.splitlines()[-8:]
        if not lines:
            return f"exit code {self._process.returncode}"
        missing = any("Cannot find module" in line for line in lines)
        hint = f" ({_INSTALL_HINT})" if missing else ""
        return "\n".join(lines) + hint

    def close(self) -> None:
        """Close stdin so the worker exits on its own; kill it only if it will not."""
        if self._process.poll() is None:
            try:
                self._process.stdin.close()
                self._process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self._process.kill()
                self._process.wait()
        self._stderr.close()
