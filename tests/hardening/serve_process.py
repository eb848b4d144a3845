"""`archivist serve` as a real child process on a free port, with its log collected line by line and
its memory readable, for the tests that put it under load."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from harness import REPO_ROOT

WAIT_SECONDS = 300


class Server:
    """`build.py serve` in a child process, with its log collected line by line."""

    def __init__(self, root: Path):
        self.process = subprocess.Popen(
            [sys.executable, str(REPO_ROOT / "build.py"), "--site", str(root), "serve", "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=root)
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.url = self.wait_for(lambda line: line.startswith("Serving ")).split()[1]

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    def wait_for(self, check, since: int = 0) -> str:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            found = [line for line in self.lines[since:] if check(line)]
            if found:
                return found[-1]
            assert self.process.poll() is None, "serve stopped:\n" + "".join(self.lines[-30:])
            time.sleep(0.1)
        raise AssertionError("serve never said it:\n" + "".join(self.lines[-30:]))

    def settle(self, quiet: float = 3.0) -> None:
        """Wait until the log has been silent for `quiet` seconds after the index caught up."""
        mark = len(self.lines)
        self.wait_for(lambda line: line.startswith("search index updated"), since=mark - 1 if mark else 0)
        last, since = len(self.lines), time.monotonic()
        while time.monotonic() - since < quiet:
            time.sleep(0.2)
            if len(self.lines) != last:
                last, since = len(self.lines), time.monotonic()

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=60) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)

    def rss_mib(self) -> float:
        """The server's resident memory now, from /proc (Linux)."""
        with open(f"/proc/{self.process.pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        raise AssertionError("no VmRSS line")
