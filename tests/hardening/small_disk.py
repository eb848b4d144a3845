"""Builds on a disk that fills up or turns read-only, then is healed; prints what happened as JSON.

Run as `python small_disk.py WORK mount` inside a private mount namespace (`unshare -rm`), where the
output and the cache each live on a small tmpfs that really runs out of space and really is
remounted read-only. Where no namespace can be made, `emulate` refuses every write below the same
folders instead (see faults.py). Builds run in this process, so the faults can be injected.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from archivist.cli import main
from faults import Faults

BIG = 300_000  # characters of the article that no longer fits
SLACK = "96k"  # room left on a full disk: less than that article's page
GOLDEN = Path(__file__).resolve().parents[1] / "golden_site"


class Disk:
    """A folder on a tmpfs of its own (mount), or a folder whose writes are refused on demand (emulate)."""

    def __init__(self, folder: Path, real: bool):
        self.folder, self.real = folder, real
        self.refusal = 0
        folder.mkdir(parents=True, exist_ok=True)
        if real:
            subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(folder)], check=True)

    def fill(self) -> None:
        """Leave less room than the next build needs."""
        if self.real:
            used = shutil.disk_usage(self.folder).used // 1024
            subprocess.run(["mount", "-o", f"remount,size={used + int(SLACK[:-1])}k", str(self.folder)], check=True)
        self.refusal = errno.ENOSPC

    def freeze(self) -> None:
        if self.real:
            subprocess.run(["mount", "-o", "remount,ro", str(self.folder)], check=True)
        self.refusal = errno.EROFS

    def heal(self) -> None:
        if self.real:
            subprocess.run(["mount", "-o", "remount,rw,size=64m", str(self.folder)], check=True)
        self.refusal = 0


def build(site: Path, output: Path, disk: Disk) -> tuple[int, list[str]]:
    """One build in this process: its exit status and its stderr lines; on an emulated disk in trouble,
    every write below the disk's folder is refused."""
    err = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stderr(err):
        if disk.refusal and not disk.real:
            Faults(str(disk.folder), disk.refusal, 1, scope=lambda _path: str(disk.folder)).install(patch)
        status = main(["--site", str(site), "build", "-q", "--output", str(output)])
    return status, err.getvalue().splitlines()


def digest(folder: Path) -> str:
    """One digest of every file's path and bytes."""
    total = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            total.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return total.hexdigest()


def leftovers(*folders: Path) -> list[str]:
    names = (".tmp-", "spool-", ".output.staging-", ".output.old-")
    return sorted(str(p) for folder in folders for p in folder.rglob("*") if p.name.startswith(names))


def add_big_article(site: Path) -> None:
    paragraph = "Harbour ledgers list every cargo by weight and port of call. " * 20 + "\n\n"
    body = paragraph * (BIG // len(paragraph))
    (site / "content" / "articles" / "ledgers.md").write_text(
        "---\ntitle: Ledgers\ndate: 2021-05-01\nauthors: ['Novak, Ana']\n---\n" + body, encoding="utf-8")


def clean_digest(site: Path, work: Path, name: str) -> str:
    clean = work / f"clean-{name}"
    shutil.copytree(site / "content", clean / "content")
    shutil.copy(site / "pyproject.toml", clean / "pyproject.toml")
    status, lines = build(clean, clean / "output", Disk(clean, real=False))
    assert status == 0, lines
    return digest(clean / "output")


def scenario(work: Path, name: str, real: bool, trouble: str, cache_on_disk: bool) -> dict:
    """Build, bring the disk into `trouble` ('fill' or 'freeze'), change the site, build (which must
    fail), heal the disk, build again; what each step showed."""
    site = work / name
    shutil.copytree(GOLDEN, site)
    disk = Disk(site / ".cache" if cache_on_disk else work / f"{name}-volume", real)
    output = site / "output" if cache_on_disk else disk.folder / "output"
    first = build(site, output, disk)
    before = digest(output)
    getattr(disk, trouble)()
    add_big_article(site)
    status, lines = build(site, output, disk)
    result = {"scenario": name, "first": first[0], "status": status, "lines": lines,
              "intact": digest(output) == before, "leftovers": leftovers(disk.folder, output.parent)}
    disk.heal()
    healed = build(site, output, disk)
    result.update(healed=healed[0], healed_lines=healed[1], equals_clean=digest(output) == clean_digest(site, work, name),
                  leftovers_after=leftovers(disk.folder, output.parent))
    return result


def run(work: Path, real: bool) -> list[dict]:
    os.chdir(work)  # messages name folders from here
    return [scenario(work, "output-full", real, "fill", cache_on_disk=False),
            scenario(work, "cache-full", real, "fill", cache_on_disk=True),
            scenario(work, "output-read-only", real, "freeze", cache_on_disk=False)]


if __name__ == "__main__":
    results = run(Path(sys.argv[1]), sys.argv[2] == "mount")
    print(json.dumps(results))
