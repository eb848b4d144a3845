"""The build's progress on a terminal: the stage under way as one line that rich redraws in place
('citations ━━━━━━╺━━━━━ 3,412/5,000 · 41 s left'), and, when `keep` is set, each finished
stage's line printed above it, as a log would show it.

The line is redrawn from the build's own threads as counts arrive (at most ten times a second), not
by a timer thread: the build forks worker processes, and a thread that holds a lock while the
process forks leaves that lock held forever in the worker."""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, Progress as RichProgress, ProgressColumn, Task, TaskID, TextColumn
from rich.text import Text

from archivist.util.progress import Progress, Stage, StageLines

REDRAW_EVERY = 0.1  # seconds: often enough to look alive, rarely enough to cost nothing


def progress_for(stream: TextIO = sys.stderr, keep: bool = True) -> Progress:
    """The redrawn line on an interactive terminal; on a dumb one (TERM=dumb, TTY_INTERACTIVE=0),
    which cannot move the cursor, the plain lines (or nothing, without `keep`)."""
    console = Console(file=stream, force_terminal=True, highlight=False)
    if console.is_interactive:
        return LiveLine(console, keep)
    return StageLines(stream) if keep else Progress()


class LiveLine(Progress):
    """One rich task at a time, for the stage under way, on a display that disappears at the end."""

    def __init__(self, console: Console, keep: bool):
        self.keep = keep
        self.display = RichProgress(TextColumn("{task.description}"), BarColumn(bar_width=24), Counted(), TimeLeft(),
                                    console=console, auto_refresh=False, transient=True,
                                    redirect_stdout=False, redirect_stderr=False)
        self._lock = threading.Lock()
        self._tasks: dict[int, TaskID] = {}
        self._drawn = 0.0

    def began(self, stage: Stage) -> None:
        with self._lock:
            if not self.display.live.is_started:
                self.display.start()
            self._tasks[id(stage)] = self.display.add_task(stage.name, total=stage.total)
            self._draw(force=True)

    def changed(self, stage: Stage) -> None:
        with self._lock:
            task = self._tasks.get(id(stage))
            if task is not None:
                self.display.update(task, completed=stage.done, total=stage.total)
                self._draw()

    def ended(self, stage: Stage) -> None:
        self._remove(stage, stage.described() if self.keep else "")

    def dropped(self, stage: Stage) -> None:
        self._remove(stage, "")

    def close(self) -> None:
        with self._lock:
            if self.display.live.is_started:
                self.display.stop()

    def _remove(self, stage: Stage, line: str) -> None:
        with self._lock:
            task = self._tasks.pop(id(stage), None)
            if task is not None:
                self.display.remove_task(task)
            self._draw(force=True)  # before printing, which draws the live line again below the text
            if line:
                self.display.console.print(line, markup=False, highlight=False)

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._drawn >= REDRAW_EVERY:
            self._drawn = now
            self.display.refresh()


class Counted(ProgressColumn):
    """'3,412/5,000', or '3,412' while the total is not known yet."""

    def render(self, task: Task) -> Text:
        done = f"{int(task.completed):,}"
        return Text(done if task.total is None else f"{done}/{int(task.total):,}")


class TimeLeft(ProgressColumn):
    """'· 41 s left', once the speed so far gives an estimate."""

    def render(self, task: Task) -> Text:
        left = task.time_remaining
        if task.total is None or left is None or task.finished:
            return Text("")
        return Text(f"· {duration(left)} left")


def duration(seconds: float) -> str:
    """'41 s', '3 min 05 s', '1 h 02 min': as precise as an estimate deserves."""
    whole = int(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"
