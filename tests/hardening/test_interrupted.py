"""Interrupted builds: a build killed at any moment leaves the previous site or the new one, whole,
and the next build succeeds and equals a clean one."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archivist.write.commit import commit
from harness import CASES, FULL, REPO_ROOT, sample_settings

BASE_URL = "https://example.org/archive/"
KILLS = 24 if FULL else 6
MAX_DELAY_SECONDS = 2.0


def copy_sample(target: Path, cache: Path) -> Path:
    """The repository's sample archive in a folder of its own, citing in one style to keep builds short,
    with its citation cache in a shared folder so each copy does not format every reference again."""
    target.mkdir(parents=True)
    shutil.copytree(REPO_ROOT / "content", target / "content")
    (target / "pyproject.toml").write_text(sample_settings(), encoding="utf-8")
    cache.mkdir(parents=True, exist_ok=True)
    (target / ".cache").symlink_to(cache, target_is_directory=True)
    return target


def modify(site: Path) -> None:
    """A realistic edit: one body changed, one article added, one that nothing links to removed."""
    articles = site / "content" / "articles"
    edited = articles / "age-at-marriage-from-listings.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA paragraph added in revision.\n", encoding="utf-8")
    (articles / "added-late.md").write_text(
        "---\ntitle: Added late\ndate: 2024-03-01\nauthors: ['Novak, Ana']\nkeywords: [interruptions]\n---\n"
        "A new article that only the modified site has.\n", encoding="utf-8")
    (articles / "watermark-twins.md").unlink()


def command(site: Path, output: Path) -> list[str]:
    return [sys.executable, str(REPO_ROOT / "build.py"), "--site", str(site), "build",
            "--output", str(output), "--base-url", BASE_URL, "-q"]


def build(site: Path, output: Path) -> float:
    """Build to completion; the seconds it took, so kills can be spread over a build's length."""
    started = time.perf_counter()
    done = subprocess.run(command(site, output), capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return time.perf_counter() - started


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of a tree, by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def start_and_kill(site: Path, output: Path, delay: float) -> bool:
    """Start a build, SIGKILL it (and its Node worker) after `delay` seconds; True if it had already finished."""
    process = subprocess.Popen(command(site, output), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        process.wait(timeout=delay)
        return True
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
        return False


def leftovers(output: Path) -> list[str]:
    return sorted(p.name for p in output.parent.iterdir() if p.name.startswith(f".{output.name}."))


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The sample (old) and its modification (new), each with a clean build to compare against."""
    root = tmp_path_factory.mktemp("interrupted")
    cache = root / "shared-cache"
    old, new = copy_sample(root / "old", cache), copy_sample(root / "new", cache)
    modify(new)
    build(old, root / "clean-old")
    seconds = build(new, root / "clean-new")  # with a warm cache, as the builds killed below have
    return {"old": old, "new": new, "root": root, "seconds": seconds,
            "clean-old": snapshot(root / "clean-old"), "clean-new": snapshot(root / "clean-new")}


def test_killed_builds_leave_a_whole_site(sites: dict) -> None:
    old_site, new_site, root = sites["old"], sites["new"], sites["root"]
    states = {"old": sites["clean-old"], "new": sites["clean-new"]}
    output = root / "site" / "output"
    output.parent.mkdir()
    build(old_site, output)
    assert snapshot(output) == states["old"]
    current, rng = "old", random.Random(20240301)
    for attempt in range(KILLS):
        target = "new" if current == "old" else "old"
        delay = rng.uniform(0, min(MAX_DELAY_SECONDS, 1.2 * sites["seconds"]))
        done = start_and_kill(new_site if target == "new" else old_site, output, delay)
        CASES["builds killed at a random moment"] += 1
        CASES["killed builds that had already finished"] += done
        now = snapshot(output)
        assert now in (states[current], states[target]), f"attempt {attempt}: output is neither site"
        if done:
            assert now == states[target], f"attempt {attempt}: finished build left the old site"
        current = target if now == states[target] else current
    build(new_site, output)
    assert snapshot(output) == states["new"]
    assert leftovers(output) == []


def test_a_commit_that_fails_midway_leaves_the_output_untouched(tmp_path: Path) -> None:
    output = tmp_path / "output"
    commit(output, {"index.html": b"first", "a/b.html": b"kept"})
    before = snapshot(output)
    broken = {"index.html": b"second", "z/late.bin": tmp_path / "vanished-before-copy"}
    with pytest.raises(OSError):
        commit(output, broken)
    assert snapshot(output) == before
    assert leftovers(output) == []
    report = commit(output, {"index.html": b"third", "a/b.html": b"kept"})
    assert report.written == 1 and report.unchanged == 2
    assert (output / "index.html").read_bytes() == b"third"
    assert leftovers(output) == []


def test_a_killed_builds_leftovers_are_swept_by_the_next(tmp_path: Path) -> None:
    output = tmp_path / "output"
    commit(output, {"index.html": b"first"})
    for name in (f".output.staging-{os.getpid() + 1}", ".output.old-99999"):
        (tmp_path / name / "deep").mkdir(parents=True)
        (tmp_path / name / "deep" / "half.html").write_bytes(b"<p>half")
    commit(output, {"index.html": b"second"})
    assert leftovers(output) == []
    assert snapshot(output) == {".archivist-output": (output / ".archivist-output").read_bytes(),
                                "index.html": b"second"}


def test_a_build_with_nothing_to_do_sweeps_a_killed_builds_leftovers(sites: dict) -> None:
    """A build killed while it filled its new tree leaves the record of the last complete build valid,
    so the next build has nothing to do; it must still sweep the half-made tree."""
    output = sites["root"] / "unchanged" / "output"
    output.parent.mkdir()
    build(sites["old"], output)
    half_made = output.parent / ".output.staging-99999" / "articles"
    half_made.mkdir(parents=True)
    (half_made / "half.html").write_bytes(b"<p>half")
    build(sites["old"], output)
    assert leftovers(output) == []
    assert snapshot(output) == sites["clean-old"]


def test_the_cache_survives_kills_and_a_later_build_matches_a_clean_one(sites: dict, tmp_path: Path) -> None:
    """Kill builds of a fresh copy while its citation cache fills, then build to completion."""
    site = tmp_path / "site"
    shutil.copytree(sites["new"], site, ignore=shutil.ignore_patterns(".cache", "output"))  # a cold cache
    output = tmp_path / "output"
    for delay in (0.4, 0.9, 1.5):
        start_and_kill(site, output, delay)
        CASES["builds killed at a random moment"] += 1
        time.sleep(0.05)
    build(site, output)
    assert snapshot(output) == sites["clean-new"]
