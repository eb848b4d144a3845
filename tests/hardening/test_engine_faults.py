"""Engines failing in the middle of a build: the citation worker (Node) killed, hung or writing garbage,
Pagefind killed, hung, exiting with an error or writing garbage. Each must end the build with one line
that names the engine and what it was doing, exit status 3 and the output untouched; the next build
succeeds. Each fault comes at a few moments drawn from a seeded random (more with ARCHIVIST_LONG_FAULTS=1):
an answer of the engine's, cut off at a random point. Faulty builds follow one another (each with an edit);
the build without the fault then shows the last edit."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness import CASES, REPO_ROOT

LONG = os.environ.get("ARCHIVIST_LONG_FAULTS") == "1"
MOMENTS = 10 if LONG else 3
SHIM = Path(__file__).with_name("engine_shim.py")
# Deadlines at 2% of their normal length (1.2 s instead of 60 s) when the engine hangs, so the hang is
# cut off in about a second; other faults keep the normal deadlines, which a healthy answer never meets.
HANG_TIMEOUT_SCALE = "0.02"
BUILD_TIMEOUT_SECONDS = 120  # far above what any of these builds takes: reaching it is a hang
ARTICLES = 6
SITE_TOML = """[tool.archivist]
title = "Engine faults"
base_url = "https://example.org/faults/"
citation_styles = ["apa", "modern-language-association", "chicago-author-date"]
"""
REASONS = {
    "kill": "it was killed by SIGKILL",
    "hang": "no answer within",
    "garbage": "it wrote something that is not an answer",
    "exit": "it exited with status 1",
}


@dataclass(frozen=True)
class Engine:
    """One engine as the shim stands in for it and as the build's error line names it."""

    name: str
    title: str  # the engine in the error line
    doing: str  # how the error line starts to say what it was doing
    separator: str  # what ends one of its answers, for the shim
    only: str  # the shim fails only a process whose arguments contain this
    cache: str  # the cache folder removed before a build, so that the engine runs: citations are kept per item


NODE = Engine("node", "citeproc-js in Node", "formatting citations in style '", "line", "worker.js", "citations")
PAGEFIND = Engine("pagefind", "Pagefind", "indexing search shard 1 of 1 (6 pages)", "comma", "", "")


def real_binary(engine: Engine) -> str:
    if engine is NODE:
        found = shutil.which("node")
        assert found, "Node.js is needed for the citation tests"
        return found
    from pagefind.service import get_executable

    found_pagefind = get_executable()
    assert found_pagefind is not None
    return str(found_pagefind)


@pytest.fixture(scope="module")
def shims(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with `node` and `pagefind`: each runs the real engine through the shim."""
    folder = tmp_path_factory.mktemp("engine-shims")
    for engine in (NODE, PAGEFIND):
        script = folder / engine.name
        script.write_text(
            "#!/bin/sh\n"
            f"SHIM_REAL='{real_binary(engine)}' SHIM_SEP={engine.separator} SHIM_NAME={engine.name} "
            f"SHIM_ONLY='{engine.only}' exec '{sys.executable}' '{SHIM}' \"$@\"\n", encoding="utf-8")
        script.chmod(0o755)
    return folder


def make_site(root: Path) -> Path:
    articles = root / "content" / "articles"
    articles.mkdir(parents=True)
    (root / "pyproject.toml").write_text(SITE_TOML, encoding="utf-8")
    for number in range(1, ARTICLES + 1):
        (articles / f"article-{number}.md").write_text(
            f"---\ntitle: Harbour dues, part {number}\nauthors: ['Pell, Oliver']\ndate: 2020-0{number}-01\n"
            f"journal: Coastal History Review\nvolume: {number}\nkeywords: [ports]\n---\n"
            f"Dues paid at the harbour in year {number}.\n", encoding="utf-8")
    return root


def edit(site: Path, marker: str) -> None:
    """Change one article, so a build has something to write and a partial write would show."""
    target = site / "content" / "articles" / "article-1.md"
    target.write_text(target.read_text(encoding="utf-8") + f"\nRevised: {marker}.\n", encoding="utf-8")


def build(site: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(REPO_ROOT / "build.py"), "--site", str(site), "build",
               "--output", str(site / "output"), "-q"]
    return subprocess.run(command, capture_output=True, text=True, timeout=BUILD_TIMEOUT_SECONDS,
                          env={**os.environ, **(env or {})}, check=False)


def shim_env(shims: Path, log: Path, fault: str = "none", at: int = 0, fraction: float = 0.0) -> dict[str, str]:
    """Both engines run through the shim; the one named by SHIM_TARGET fails as told."""
    env = {"SHIM_FAULT": fault, "SHIM_AT": str(at), "SHIM_FRACTION": f"{fraction:.3f}", "SHIM_LOG": str(log),
           "PATH": f"{shims}{os.pathsep}{os.environ.get('PATH', '')}", "PAGEFIND_BINARY_PATH": str(shims / "pagefind")}
    if fault == "hang":
        env["ARCHIVIST_ENGINE_TIMEOUT_SCALE"] = HANG_TIMEOUT_SCALE
    return env


def forget(site: Path, engine: Engine) -> None:
    if engine.cache:
        shutil.rmtree(site / ".cache" / "archivist" / engine.cache, ignore_errors=True)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of a tree with its bytes and modification time: a rewrite with equal bytes shows too."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def shim_logs(log: Path) -> list[list[str]]:
    """Each shim's last line: engine, its pid, the real engine's pid, answers passed on, state."""
    return [path.read_text(encoding="utf-8").split() for path in sorted(log.iterdir())]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory, shims: Path) -> tuple[Path, dict[str, int]]:
    """The site, built; and how many answers the busiest process of each engine gives when the site is
    edited and built again (as the builds below are)."""
    root = tmp_path_factory.mktemp("engine-faults")
    site, log = make_site(root / "site"), root / "log"
    assert build(site).returncode == 0
    edit(site, "counting")
    forget(site, NODE)
    log.mkdir()
    done = build(site, shim_env(shims, log))
    assert done.returncode == 0, done.stderr
    counts = {}
    for engine in (NODE, PAGEFIND):
        counted = [int(line[3]) for line in shim_logs(log) if line[0] == engine.name]
        assert counted and max(counted) >= 2, f"the {engine.name} shim saw too little: {counted}"
        counts[engine.name] = max(counted)
    return site, counts


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def assert_no_engine_left(log: Path) -> None:
    """Every shim and the engine behind it have ended, within a moment of the build's end."""
    pids = [int(pid) for line in shim_logs(log) for pid in line[1:3]]
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in pids if alive(pid)], "an engine process outlived the build"


def assert_one_line(done: subprocess.CompletedProcess[str], engine: Engine, fault: str, moment: str) -> None:
    lines = done.stderr.splitlines()
    assert done.returncode == 3, f"{moment}: exit {done.returncode}\n{done.stderr[-2000:]}"
    assert len(lines) == 1, f"{moment}: stderr is not one line:\n{done.stderr[-3000:]}"
    assert lines[0].startswith(f"archivist: {engine.title} failed while {engine.doing}"), f"{moment}: {lines[0]}"
    assert REASONS[fault] in lines[0], f"{moment}: {lines[0]}"
    assert "Traceback" not in done.stdout, moment


def fail_once(engine: Engine, fault: str, site: Path, shims: Path, log: Path, moment: tuple[int, float]) -> None:
    """One build with the fault at `moment` (answer, fraction of it): it fails cleanly and touches nothing."""
    at, fraction = moment
    told = f"{engine.name} {fault} in answer {at} after {fraction:.0%} of it"
    forget(site, engine)
    before = snapshot(site / "output")
    log.mkdir()
    done = build(site, {**shim_env(shims, log, fault, at, fraction), "SHIM_TARGET": engine.name})
    assert_one_line(done, engine, fault, told)
    assert snapshot(site / "output") == before, f"{told}: the output changed"
    assert not list(site.glob(".output.*")), f"{told}: leftovers beside the output"
    assert_no_engine_left(log)
    CASES[f"{engine.name} {fault} at a random moment"] += 1


def assert_next_build_succeeds(site: Path, marker: str) -> None:
    after = build(site)
    assert after.returncode == 0 and not after.stderr, f"after {marker}: the next build failed\n{after.stderr}"
    assert marker in (site / "output" / "articles" / "article-1" / "index.html").read_text(encoding="utf-8")


def run_fault(engine: Engine, fault: str, tmp_path: Path, shims: Path, base: tuple[Path, dict[str, int]]) -> None:
    """For each moment: edit, build with the fault; then build without it, which succeeds and shows the
    edits. A long run builds without the fault after every moment, the default run after the last."""
    site = tmp_path / "site"
    shutil.copytree(base[0], site, symlinks=True)
    rng = random.Random(f"{engine.name}-{fault}")
    for number in range(MOMENTS):
        marker = f"moment {number} of {engine.name} {fault}"
        edit(site, marker)
        fail_once(engine, fault, site, shims, tmp_path / f"log-{number}", (rng.randrange(base[1][engine.name]),
                                                                             rng.random()))
        if LONG or number == MOMENTS - 1:
            assert_next_build_succeeds(site, marker)


@pytest.mark.parametrize("fault", ["kill", "hang", "garbage"])
def test_citation_worker_fault_stops_the_build_cleanly(fault: str, tmp_path: Path, shims: Path, base: tuple) -> None:
    run_fault(NODE, fault, tmp_path, shims, base)


@pytest.mark.parametrize("fault", ["kill", "hang", "exit", "garbage"])
def test_pagefind_fault_stops_the_build_cleanly(fault: str, tmp_path: Path, shims: Path, base: tuple) -> None:
    run_fault(PAGEFIND, fault, tmp_path, shims, base)
