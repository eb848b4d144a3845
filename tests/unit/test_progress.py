"""Stages as a build reports them: the plain lines of a log, the columns of the terminal's line, and
counts that come back from worker processes one result at a time."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.progress import Progress as RichProgress, Task

from archivist.util.progress import Progress, StageLines
from archivist.util.terminal import Counted, TimeLeft, duration
from archivist.util.workers import forked_map


class Recorder(Progress):
    """Keeps what a display is told, in order."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, int, int | None]] = []

    def began(self, stage):
        self.seen.append(("began", stage.name, stage.done, stage.total))

    def changed(self, stage):
        self.seen.append(("changed", stage.name, stage.done, stage.total))

    def ended(self, stage):
        self.seen.append(("ended", stage.name, stage.done, stage.total))

    def dropped(self, stage):
        self.seen.append(("dropped", stage.name, stage.done, stage.total))


def test_a_finished_stage_is_one_line_with_thousands_separators():
    stream = io.StringIO()
    lines = StageLines(stream)
    with lines.stage("citations", "article", 5000) as stage:
        stage.advance(4999)
        stage.advance()
        assert stream.getvalue() == ""  # nothing while the stage runs
    assert stream.getvalue().startswith("citations: 5,000 articles in ")
    assert stream.getvalue().endswith(" s\n")
    with lines.stage("reference lists", "article") as stage:
        stage.total = 1
        stage.advance()
    assert stream.getvalue().splitlines()[1].startswith("reference lists: 1 article in ")


def test_a_stage_with_nothing_to_do_or_that_fails_is_not_reported():
    recorder = Recorder()
    with recorder.stage("markdown", "article") as stage:
        stage.total = 0
    with pytest.raises(RuntimeError):
        with recorder.stage("pages", "page", 3) as stage:
            stage.advance()
            raise RuntimeError("a template broke")
    assert recorder.seen == [("began", "markdown", 0, None), ("changed", "markdown", 0, 0),
                             ("dropped", "markdown", 0, 0), ("began", "pages", 0, 3),
                             ("changed", "pages", 1, 3), ("dropped", "pages", 1, 3)]


def test_results_of_forked_workers_are_counted_as_they_come_back():
    recorder = Recorder()
    with recorder.stage("pages", "page", 40) as stage:
        squares = forked_map(_square, list(range(40)), 2, max_chunk=4, done=stage.advance)
    assert squares == [n * n for n in range(40)]
    counts = [done for kind, _name, done, _total in recorder.seen if kind == "changed"]
    assert counts == list(range(1, 41))  # one at a time, in this process, not all at the end
    assert recorder.seen[-1] == ("ended", "pages", 40, 40)


def _square(n: int) -> int:
    return n * n


def test_the_terminal_line_shows_counts_and_the_time_left():
    task = Task(id=0, description="citations", total=5000, completed=3412, _get_time=lambda: 10.0)
    assert str(Counted().render(task)) == "3,412/5,000"
    task.total = None
    assert str(Counted().render(task)) == "3,412"
    task.total = 5000
    assert str(TimeLeft().render(task)) == ""  # no speed measured yet: no guess
    clock = [0.0]
    display = RichProgress(console=Console(file=io.StringIO()), get_time=lambda: clock[0], auto_refresh=False)
    measured = display.add_task("citations", total=5000)
    display.update(measured, completed=100)  # found in the cache at once: not a speed
    clock[0] = 10.0
    display.update(measured, completed=1100)  # 1,000 in 10 s
    assert str(TimeLeft().render(display.tasks[0])) == "· 39 s left"
    assert (duration(41.9), duration(185), duration(3720)) == ("41 s", "3 min 05 s", "1 h 02 min")
