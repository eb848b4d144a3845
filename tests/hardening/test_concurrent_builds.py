"""Two builds of one site at once (a CI retry, a hook while `serve` rebuilds): the second waits for the
first, saying so, and the output is what one clean build makes; a build that cannot wait says why."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archivist.build.lock import site_lock
from archivist.cli import EXIT_ENVIRONMENT
from archivist.config import cache_dir_of
from archivist.serve.preview import Preview
from harness import CASES, FULL, REPO_ROOT

ROUNDS = 6 if FULL else 2
WAITING = "archivist: waiting for another build"


def command(site: Path, *extra: str) -> list[str]:
    return [sys.executable, str(REPO_ROOT / "build.py"), "--site", str(site), "build", "-q", *extra]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def golden(target: Path) -> Path:
    shutil.copytree(REPO_ROOT / "tests" / "golden_site", target)
    return target


def edit(site: Path, round_number: int) -> None:
    article = site / "content" / "articles" / "harbour-dues.md"
    article.write_text(article.read_text(encoding="utf-8") + f"\nRevision {round_number}.\n", encoding="utf-8")


def clean_build(site: Path, scratch: Path) -> dict[str, bytes]:
    """The output a build from nothing makes of the site as it is now, in a folder of its own."""
    clean = scratch / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    shutil.copytree(site / "content", clean / "content")
    shutil.copy(site / "pyproject.toml", clean / "pyproject.toml")
    done = subprocess.run(command(clean), capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return snapshot(clean / "output")


def test_two_builds_at_once_end_as_one_clean_build(scratch: Path) -> None:
    site = golden(scratch / "site")
    waited = 0
    for round_number in range(ROUNDS):
        edit(site, round_number)
        pair = [subprocess.Popen(command(site, *extra), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for extra in ((), ("--full",))]
        results = [(process.wait(timeout=300), process.stderr.read()) for process in pair]
        for process in pair:
            process.stdout.close()
            process.stderr.close()
        for status, err in results:
            assert status == 0, err
            assert "Traceback" not in err, err
        waited += sum(WAITING in err for _status, err in results)
        assert snapshot(site / "output") == clean_build(site, scratch), f"round {round_number}"
        assert not [p.name for p in site.iterdir() if p.name.startswith(".output.")]
        CASES["concurrent build pairs"] += 1
    assert waited >= 1  # the builds overlapped, and one waited for the other


def test_a_build_that_cannot_wait_names_the_lock_and_its_holder(scratch: Path) -> None:
    site = golden(scratch / "site")
    environment = {**os.environ, "ARCHIVIST_LOCK_WAIT": "0"}
    with site_lock(cache_dir_of(site)):
        done = subprocess.run(command(site), capture_output=True, text=True, timeout=300, env=environment, check=False)
    assert done.returncode == EXIT_ENVIRONMENT, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("archivist: another build"), lines
    assert f"process {os.getpid()}" in lines[0] and ".cache/archivist/build.lock" in lines[0]
    assert not (site / "output").exists()


def test_a_build_waits_for_the_holder_then_builds(scratch: Path) -> None:
    site = golden(scratch / "site")
    with site_lock(cache_dir_of(site)):
        process = subprocess.Popen(command(site), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        first = process.stderr.readline()
        time.sleep(0.5)
        assert process.poll() is None  # still waiting while the lock is held
    status = process.wait(timeout=300)
    rest = process.stderr.read()
    process.stderr.close()
    assert first.startswith(WAITING) and f"process {os.getpid()}" in first, first
    assert status == 0, rest
    assert snapshot(site / "output") == clean_build(site, scratch)


def test_serve_rebuilds_take_the_same_lock(scratch: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = golden(scratch / "site")
    out = io.StringIO()
    preview = Preview(site, port=0, out=out)
    try:
        preview.start()
        monkeypatch.setenv("ARCHIVIST_LOCK_WAIT", "0.3")
        with site_lock(cache_dir_of(site)):
            assert preview.rebuild() is None
        assert f"archivist: another build (process {os.getpid()}) holds" in out.getvalue(), out.getvalue()
        assert "still serving the last good build" in out.getvalue()
        assert preview.rebuild() is not None  # the lock released, the preview builds again and clears the overlay
    finally:
        preview.stop()
