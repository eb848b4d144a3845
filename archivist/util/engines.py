"""The external engines a build runs (Node with citeproc-js, Pagefind): how long each may take, and the
one error a build stops with when one is killed, hangs or answers with something that is not an answer."""

from __future__ import annotations

import os
import signal

CITEPROC = "citeproc-js in Node"
PAGEFIND = "Pagefind"
TIMEOUT_SCALE_ENV = "ARCHIVIST_ENGINE_TIMEOUT_SCALE"
# Every deadline is at least this long: starting an engine and building a large citation style take a
# few seconds on a slow, busy machine, and a deadline exists only to end a wait that would never end.
FLOOR_SECONDS = 60.0


class EngineFailure(Exception):
    """An engine process died, hung past its deadline or wrote garbage: not the content's fault and not
    a bug in Archivist, so the build stops with this one line (exit status 3) and writes nothing."""

    def __init__(self, engine: str, doing: str, reason: str):
        super().__init__(f"{engine} failed while {doing}: {reason}")
        self.engine = engine
        self.doing = doing
        self.reason = reason

    def while_doing(self, doing: str) -> EngineFailure:
        """The same failure, told by a caller that knows better what the engine was asked to do."""
        return EngineFailure(self.engine, doing, self.reason)


def allowance(items: int, per_item: float) -> float:
    """Seconds an engine may take for `items` pieces of work: the floor plus `per_item` for each,
    both times $ARCHIVIST_ENGINE_TIMEOUT_SCALE (default 1; a value that is not a positive number is
    ignored). The deadline grows with the work, so a large healthy build never meets it."""
    return timeout_scale() * (FLOOR_SECONDS + per_item * max(0, items))


def timeout_scale() -> float:
    try:
        scale = float(os.environ.get(TIMEOUT_SCALE_ENV, "1"))
    except ValueError:
        return 1.0
    return scale if scale > 0 else 1.0


def exit_reason(returncode: int | None) -> str:
    """How an engine process ended, in words: a signal by name, or its exit status."""
    if returncode is None:
        return "it stopped answering"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"it was killed by {name}"
    return f"it exited with status {returncode}"


def timed_out(seconds: float) -> str:
    return f"no answer within {seconds:.0f} s (the deadline grows with the work; {TIMEOUT_SCALE_ENV} scales it)"


def garbage(data: bytes | str) -> str:
    """A reason naming the first bytes of what the engine wrote instead of an answer."""
    shown = data if isinstance(data, str) else data.decode("utf-8", "replace")
    return f"it wrote something that is not an answer: {ascii(shown[:60])}"
