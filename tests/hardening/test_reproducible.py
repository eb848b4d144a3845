"""Reproducible builds: the same sources give the same bytes, whatever the folder, file order,
modification times, time zone, hash seed or SOURCE_DATE_EPOCH."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from harness import CASES, REPO_ROOT, sample_settings

BASE_URL = "https://example.org/archive/"


def copy_tree(source: Path, target: Path, reverse: bool, mtime: float) -> None:
    """Copy files one by one in the given order (directory order follows creation on many file
    systems), stamping every file and folder with `mtime`."""
    files = sorted((p for p in source.rglob("*") if p.is_file()), reverse=reverse)
    for path in files:
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
        os.utime(destination, (mtime, mtime))
    for folder in sorted((p for p in target.rglob("*") if p.is_dir()), reverse=True):
        os.utime(folder, (mtime, mtime))


def make_copy(target: Path, reverse: bool, mtime: float) -> Path:
    """The sample archive and its settings at `target`, with a cold citation cache of its own."""
    copy_tree(REPO_ROOT / "content", target / "content", reverse, mtime)
    (target / "pyproject.toml").write_text(sample_settings(), encoding="utf-8")
    return target


def start_build(site: Path, output: Path, cwd: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    command = [sys.executable, str(REPO_ROOT / "build.py"), "--site", str(site), "build",
               "--output", str(output), "--base-url", BASE_URL, "-q"]
    return subprocess.Popen(command, cwd=cwd, env={**os.environ, **env}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen[str]) -> None:
    _out, err = process.communicate(timeout=900)
    assert process.returncode == 0, err[-3000:]


def first_difference(one: bytes, two: bytes) -> str:
    """The first differing line of two files, to say what changed."""
    for left, right in zip(one.decode("utf-8", "replace").splitlines(), two.decode("utf-8", "replace").splitlines()):
        if left != right:
            return f"\n- {left[:300]}\n+ {right[:300]}"
    return " (one file is a prefix of the other)"


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_clean_builds_in_different_worlds_are_byte_identical(tmp_path: Path) -> None:
    first = make_copy(tmp_path / "a" / "site", reverse=False, mtime=1_000_000_000)
    second = make_copy(tmp_path / "elsewhere" / "deeper" / "copy", reverse=True, mtime=1_700_000_000)
    env = {"TZ": "Asia/Seoul", "PYTHONHASHSEED": "4242", "SOURCE_DATE_EPOCH": "1234567890", "LC_ALL": "C.UTF-8"}
    builds = [  # side by side: half the wall time, on two cores
        start_build(first, tmp_path / "a" / "out", cwd=first, env={"TZ": "UTC", "PYTHONHASHSEED": "0", "LC_ALL": "C"}),
        start_build(second, tmp_path / "b-output", cwd=tmp_path, env=env),
    ]
    for process in builds:
        finish(process)
    one, two = tree(tmp_path / "a" / "out"), tree(tmp_path / "b-output")
    CASES["files compared across two clean builds"] += len(one)
    assert sorted(one) == sorted(two), set(one) ^ set(two)
    differing = [path for path in one if one[path] != two[path]]
    assert not differing, f"{len(differing)} files differ, e.g. {differing[0]}:" + (
        first_difference(one[differing[0]], two[differing[0]]) if differing else "")
    leaked = [path for path, data in one.items() if str(tmp_path).encode() in data]
    assert not leaked, f"build folder paths leak into {leaked[:10]}"
