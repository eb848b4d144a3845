"""Stands in for an engine binary (node, pagefind) in the engine-fault tests: runs the real one, passes
its answers on, and at a chosen moment fails the way a real engine can.

Settings, from the environment:
  SHIM_REAL      the real binary
  SHIM_ONLY      run the real binary untouched unless an argument contains this (node also reads BibTeX)
  SHIM_SEP       what ends one answer: "line" (the citation worker) or "comma" (Pagefind's service)
  SHIM_FAULT     none (only count the answers), kill (SIGKILL itself), hang (SIGSTOP itself),
                 garbage (write bytes that are no answer) or exit (exit with status 1)
  SHIM_TARGET    when set, only the engine of this SHIM_NAME fails; the other only counts
  SHIM_AT        the answer the fault comes in: 0 is before the first, 1 after it, ...
  SHIM_FRACTION  how much of that answer is passed on before the fault (0 to 1)
  SHIM_LOG       a folder where each shim writes "<engine> <pid> <real pid> <answers>" when it starts and ends

The real process dies with the shim (PR_SET_PDEATHSIG), so what the build does to the shim is what it
would do to the engine. A process that ends before the chosen answer still fails, at its end.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
from pathlib import Path

JUNK = b"\x00\xffthis is garbage, not an answer{\n"


def _die_with_parent() -> None:
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _log(real: subprocess.Popen, answers: int, state: str) -> None:
    folder = os.environ.get("SHIM_LOG")
    if folder:
        name = os.environ.get("SHIM_NAME", "engine")
        Path(folder, f"{name}-{os.getpid()}").write_text(f"{name} {os.getpid()} {real.pid} {answers} {state}\n")


def _fail(fault: str) -> None:
    sys.stdout.buffer.flush()
    if fault == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif fault == "hang":
        os.kill(os.getpid(), signal.SIGSTOP)
    elif fault == "exit":
        os._exit(1)
    elif fault == "garbage":
        os.write(1, JUNK)


def relay(real: subprocess.Popen, sep: bytes, fault: str, at: int, fraction: float, answers: list[int]) -> None:
    """Pass the real engine's output on, failing in answer number `at`; answers[0] counts the answers passed."""
    pending, failed = b"", fault == "none"
    while chunk := os.read(real.stdout.fileno(), 65536):
        if failed:
            os.write(1, chunk)
            answers[0] += chunk.count(sep)
            continue
        pending += chunk
        while not failed and sep in pending:
            answer, pending = pending.split(sep, 1)
            if answers[0] == at:
                os.write(1, (answer + sep)[: int(len(answer + sep) * fraction)])
                _fail(fault)
                failed = True
                os.write(1, pending)
                pending = b""
            else:
                os.write(1, answer + sep)
                answers[0] += 1
    if not failed:
        os.write(1, pending)
        _fail(fault)


def _stop(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)  # asked to stop (Pagefind is, once its answer is complete): log first


def main() -> int:
    real_binary = os.environ["SHIM_REAL"]
    arguments = sys.argv[1:]
    if os.environ.get("SHIM_ONLY", "") not in " ".join(arguments):
        os.execv(real_binary, [real_binary, *arguments])
    real = subprocess.Popen([real_binary, *arguments], stdout=subprocess.PIPE, preexec_fn=_die_with_parent)
    _log(real, 0, "started")
    sep = b"\n" if os.environ.get("SHIM_SEP") == "line" else b","
    answers = [0]
    name = os.environ.get("SHIM_NAME", "engine")
    fault = os.environ.get("SHIM_FAULT", "none") if os.environ.get("SHIM_TARGET", name) == name else "none"
    signal.signal(signal.SIGTERM, _stop)
    try:
        relay(real, sep, fault, int(os.environ.get("SHIM_AT", "0")),
              float(os.environ.get("SHIM_FRACTION", "0")), answers)
        return real.wait()
    finally:
        _log(real, answers[0], "ended")


if __name__ == "__main__":
    raise SystemExit(main())
