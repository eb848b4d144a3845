"""Run one command and measure it: wall time, CPU of the whole process tree, and peak memory."""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Sequence

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
SAMPLE_INTERVAL = 0.05  # seconds between samples of the process tree's memory


class RunFailed(Exception):
    """The measured command exited non-zero or ran past its time limit."""


@dataclass(frozen=True)
class Sample:
    """One measured run.

    cpu counts the command and every descendant it waited for (wait4's rusage), so
    Node and Pagefind workers are included; max_rss is the largest single process;
    tree_rss is the largest sum over the live process tree, sampled every 50 ms.
    tree_pss is the largest sum of the tree's proportional set sizes (Linux's PSS, from
    /proc/PID/smaps_rollup), sampled with it: a page that forked workers share counts once
    in all, where summed RSS counts it in every process, so it is the tree's real footprint.
    """

    wall: float
    cpu: float
    max_rss: int
    tree_rss: int
    tree_pss: int = 0

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def median_sample(samples: Sequence[Sample]) -> Sample:
    """Field-by-field median: each figure is robust to one slow run."""
    return Sample(
        wall=statistics.median(s.wall for s in samples),
        cpu=statistics.median(s.cpu for s in samples),
        max_rss=int(statistics.median(s.max_rss for s in samples)),
        tree_rss=int(statistics.median(s.tree_rss for s in samples)),
        tree_pss=int(statistics.median(s.tree_pss for s in samples)),
    )


def measure(command: Sequence[str], cwd: Path | None = None, timeout: float = 900.0,
            env: dict[str, str] | None = None) -> Sample:
    """Run command to completion; raise RunFailed with its last stderr lines when it fails."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(list(command), cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                                   stderr=errors, start_new_session=True)
        sampler = _TreeSampler(process.pid)
        sampler.start()
        timer = threading.Timer(timeout, _kill_group, (process.pid,))
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
            sampler.stop()
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)  # already reaped: tell Popen
        if process.returncode != 0:
            errors.seek(0)
            tail = errors.read().decode("utf-8", "replace").strip().splitlines()[-5:]
            reason = "timed out" if wall >= timeout else f"exit {process.returncode}"
            raise RunFailed(f"{' '.join(command[:3])} ...: {reason}: " + " | ".join(tail))
    return Sample(wall=wall, cpu=usage.ru_utime + usage.ru_stime, max_rss=usage.ru_maxrss * 1024,
                  tree_rss=max(sampler.peak, usage.ru_maxrss * 1024), tree_pss=sampler.peak_pss)


def _kill_group(pid: int) -> None:
    """Stop the command we started and everything it started (its own session)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


class _TreeSampler(threading.Thread):
    """Polls /proc for the summed RSS and PSS of a process and its descendants."""

    def __init__(self, root_pid: int):
        super().__init__(daemon=True)
        self.root_pid, self.peak, self.peak_pss = root_pid, 0, 0
        self._stopped = threading.Event()

    def run(self) -> None:
        while not self._stopped.wait(SAMPLE_INTERVAL):
            tree = _tree(self.root_pid)
            self.peak = max(self.peak, sum(_rss(pid) for pid in tree))
            self.peak_pss = max(self.peak_pss, sum(_pss(pid) for pid in tree))

    def stop(self) -> None:
        self._stopped.set()
        self.join()


def _tree(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(_children(current))
    return found


def _children(pid: int) -> list[int]:
    children: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                children.extend(int(c) for c in handle.read().split())
    except OSError:  # the process ended between listing and reading
        pass
    return children


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


def _pss(pid: int) -> int:
    """The process's proportional set size in bytes (0 when it has ended or the kernel hides it)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return 0


def folder_size(folder: Path) -> tuple[int, int]:
    """(bytes, files) under a folder, not following symlinks."""
    total = files = 0
    for dirpath, _dirnames, filenames in os.walk(folder):
        for name in filenames:
            total += os.lstat(os.path.join(dirpath, name)).st_size
            files += 1
    return total, files
