"""The archive built as a GitHub Actions matrix builds it: N parts, each in its own process, folder
and empty cache (as a job on a machine of its own would), then `merge`. What a reader waits for is
the slowest part plus the merge, against one machine's cold build; and the merged site must be the
very bytes of that build, or the figure means nothing.

The parts run one after the other here, so each has the whole machine, as each job would.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from measure import Sample, measure

REPO_ROOT = Path(__file__).resolve().parent.parent
BUILD_SCRIPT = REPO_ROOT / "build.py"


@dataclass(frozen=True)
class MatrixRun:
    """One build in parts: each part's sample, in part order, and the merge's."""

    parts: tuple[Sample, ...]
    merge: Sample

    @property
    def slowest(self) -> Sample:
        return max(self.parts, key=lambda sample: sample.wall)

    @property
    def wall(self) -> float:
        """What the matrix takes from start to site: its slowest job, then the merge job."""
        return self.slowest.wall + self.merge.wall


def twin_site(site: Path, folder: Path) -> Path:
    """A site sharing `site`'s settings and content but with a cache of its own, so that the parts
    start cold and leave the main site's cache as the other scenarios need it."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(site / "pyproject.toml", folder / "pyproject.toml")
    link = folder / "content"
    if not link.exists():
        link.symlink_to(site / "content", target_is_directory=True)
    return folder


def part_folder(root: Path, k: int, count: int) -> Path:
    return root / f"part-{k}-of-{count}"


def build_in_parts(site: Path, root: Path, output: Path, count: int, base_url: str, timeout: float) -> MatrixRun:
    """Build `count` parts of `site` into folders under `root`, each from an empty cache, and merge
    them into `output`, the merge from an empty cache too (a job of its own)."""
    common = ["--base-url", base_url, "-q"]
    samples = []
    folders = [part_folder(root, k, count) for k in range(1, count + 1)]
    for k, folder in enumerate(folders, start=1):
        shutil.rmtree(site / ".cache", ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)
        samples.append(measure([sys.executable, str(BUILD_SCRIPT), "--site", str(site), "build", "--part",
                                f"{k}/{count}", "--output", str(folder), *common], timeout=timeout))
        print(f"    part {k}/{count}: {samples[-1].wall:.2f} s wall", file=sys.stderr)
    shutil.rmtree(site / ".cache", ignore_errors=True)
    shutil.rmtree(output, ignore_errors=True)
    merged = measure([sys.executable, str(BUILD_SCRIPT), "--site", str(site), "merge", *map(str, folders),
                      "--output", str(output), "-q"], timeout=timeout)
    return MatrixRun(tuple(samples), merged)


def differences(one: Path, other: Path, most: int = 10) -> list[str]:
    """Paths whose bytes differ between two trees, or that only one holds (at most `most` of them)."""
    found: list[str] = []
    names = sorted({_relative(p, one) for p in one.rglob("*") if p.is_file()}
                   | {_relative(p, other) for p in other.rglob("*") if p.is_file()})
    for name in names:
        if _digest(one / name) != _digest(other / name):
            found.append(name)
            if len(found) >= most:
                break
    return found


def _relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _digest(path: Path) -> str:
    if not path.is_file():
        return "absent"
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
