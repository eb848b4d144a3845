"""A full disk, a quota or a read-only folder at any write of a build: one line naming the folder, the
previous site untouched, nothing half-written left behind, and the next build equals a clean one."""

from __future__ import annotations

import errno
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from archivist.cli import EXIT_ENVIRONMENT, EXIT_OK, main
from faults import Faults
from harness import CASES, FULL, REPO_ROOT

CODES = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES)
PER_SITE = 3 if FULL else 1  # faults per kind of write site and errno
EDITED = "content/articles/harbour-dues.md"
LEFTOVER_PREFIXES = (".tmp-", "spool-", ".output.staging-", ".output.old-")
# Where each kind of write goes, and what its one line says (None: the build goes on, with a warning).
SITES = {
    "lock": ("the build lock in site/.cache/archivist (", EXIT_ENVIRONMENT),
    "spool": ("the rendered pages in site/.cache/archivist (", EXIT_ENVIRONMENT),
    "staging": ("the new output/ in site (", EXIT_ENVIRONMENT),
    "record": ("the cache in site/.cache/archivist/builds was not written", EXIT_OK),
    "cache": ("the cache in site/.cache/archivist/", EXIT_OK),
}


def site_kind(path: str, site: Path) -> str:
    """Which of SITES a write to `path` belongs to."""
    relative = Path(path).relative_to(site).as_posix()
    if relative.startswith((".output.", "output")):
        return "staging"
    cache = relative.removeprefix(".cache/archivist").lstrip("/")
    if cache in ("", "build.lock") or relative == ".cache":
        return "lock"
    if cache.startswith("spool-"):
        return "spool"
    return "record" if cache.startswith("builds") else "cache"


def scope_of(path: str, site: Path) -> str:
    """The folder a refused write to `path` stands for, which refuses every later write too: the
    staging tree, or one folder of the cache (the cache folder itself for the lock)."""
    parts = Path(path).relative_to(site).parts
    depth = (3 if len(parts) > 3 else 2) if parts[0] == ".cache" else 1
    return str(site.joinpath(*parts[:depth]))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.name.startswith(LEFTOVER_PREFIXES))


def build(site: Path, capsys: pytest.CaptureFixture) -> tuple[int, list[str]]:
    """One build in this process; its exit status and the lines it printed on stderr."""
    code = main(["--site", str(site), "build", "-q"])
    return code, capsys.readouterr().err.splitlines()


def edit(site: Path) -> None:
    article = site / EDITED
    article.write_text(article.read_text(encoding="utf-8") + "\nA paragraph added after the fault.\n", encoding="utf-8")


@pytest.fixture
def sites(scratch: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> tuple[Path, dict]:
    """A built site whose article was then edited (the template each fault starts from), and the output a
    clean build of the edited site makes."""
    monkeypatch.chdir(scratch)
    template = scratch / "template"
    shutil.copytree(REPO_ROOT / "tests" / "golden_site", template)
    assert build(template, capsys)[0] == EXIT_OK
    edit(template)
    clean = scratch / "clean"
    shutil.copytree(template, clean)
    shutil.rmtree(clean / ".cache")
    shutil.rmtree(clean / "output")
    assert build(clean, capsys)[0] == EXIT_OK
    return template, snapshot(clean / "output")


def fresh_site(scratch: Path, template: Path) -> Path:
    """The template at one fixed path, so the build record made for that path is trusted."""
    site = scratch / "site"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(template, site, symlinks=True)
    return site


def test_every_write_site_refused_leaves_the_site_whole(sites, scratch: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture) -> None:
    template, clean = sites
    before = snapshot(template / "output")
    site = fresh_site(scratch, template)
    counter = Faults(str(site))
    with monkeypatch.context() as patch:
        counter.install(patch)
        assert build(site, capsys)[0] == EXIT_OK
    by_kind: dict[str, list[int]] = {}  # each kind's writes, numbered within the kind (see Faults)
    for path in counter.calls:
        numbers = by_kind.setdefault(site_kind(path, site), [])
        numbers.append(len(numbers) + 1)
    assert set(by_kind) == set(SITES), by_kind.keys()
    tried = 0
    for code in CODES:
        chance = random.Random(code)
        for kind, numbers in sorted(by_kind.items()):
            for number in chance.sample(numbers, min(PER_SITE, len(numbers))):
                check_one_fault(scratch, template, code, number, kind, before, clean, monkeypatch, capsys)
                tried += 1
    CASES["disk faults injected"] += tried
    assert tried >= len(CODES) * len(SITES)


def check_one_fault(scratch: Path, template: Path, code: int, number: int, kind: str, before: dict, clean: dict,
                    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    site = fresh_site(scratch, template)
    faults = Faults(str(site), code, number, lambda path: scope_of(path, site), kind=lambda path: site_kind(path, site),
                    fail_kind=kind)
    with monkeypatch.context() as patch:
        faults.install(patch)
        status, lines = build(site, capsys)
    struck = [path for path in faults.calls if site_kind(path, site) == kind][number - 1:number]
    case = f"{errno.errorcode[code]} at {kind} write {number} ({struck})"
    expected, expected_status = SITES[kind]
    ours = [line for line in lines if line.startswith("archivist:")]
    assert status == expected_status, (case, lines)
    assert len(ours) == 1 and expected in ours[0], (case, lines)
    assert not any("Traceback" in line or "internal error" in line for line in lines), (case, lines)
    assert leftovers(site) == [], case
    if status == EXIT_OK:
        assert snapshot(site / "output") == clean, case  # a cache not written costs time, never bytes
    else:
        assert snapshot(site / "output") == before, case
    assert build(site, capsys)[0] == EXIT_OK, case  # healed: the next build succeeds
    assert snapshot(site / "output") == clean, case
    assert leftovers(site) == [], case


# What the one line says when a real (or emulated) small disk fills up or turns read-only.
SMALL_DISK = {
    "output-full": "no space left on device while writing the new output/ in output-full-volume (",
    "cache-full": "in cache-full/.cache/archivist (free some space and build again)",
    "output-read-only": "read-only file system while writing the new output/ in output-read-only-volume (",
}


def namespace_command() -> list[str] | None:
    """`unshare` with a private mount namespace (as a mapped root), when this machine allows one."""
    for command in (["unshare", "-rm"], ["unshare", "-m"]):
        try:
            made = subprocess.run([*command, "true"], capture_output=True, timeout=30, check=False)
        except OSError:
            return None
        if made.returncode == 0:
            return command
    return None


def test_a_small_disk_that_fills_up_or_turns_read_only(scratch: Path) -> None:
    """Real tmpfs mounts where a mount namespace can be made (else the same folders refuse every write)."""
    namespace = namespace_command()
    here = Path(__file__).resolve().parent
    driver = [sys.executable, str(here / "small_disk.py"), str(scratch), "mount" if namespace else "emulate"]
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(here), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run((namespace or []) + driver, capture_output=True, text=True, timeout=600,
                          env=environment, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(done.stdout)
    assert [result["scenario"] for result in results] == list(SMALL_DISK)
    for result in results:
        case = json.dumps(result, indent=1)
        ours = [line for line in result["lines"] if line.startswith("archivist:")]
        assert result["first"] == 0 and result["status"] == EXIT_ENVIRONMENT, case
        assert len(ours) == 1 and SMALL_DISK[result["scenario"]] in ours[0], case
        assert not any("Traceback" in line for line in result["lines"]), case
        assert result["intact"] and result["leftovers"] == [], case
        assert result["healed"] == 0 and result["equals_clean"] and result["leftovers_after"] == [], case
    CASES["small disks filled or frozen" + ("" if namespace else " (emulated)")] += len(results)


def test_a_refused_swap_without_renameat2_puts_the_previous_site_back(scratch: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Where folders cannot be exchanged in one step, the old site is moved aside first: when the new
    one then cannot take its place, the old one goes back."""
    from archivist.util.diskfaults import DiskFault
    from archivist.write import commit as commit_module

    output = scratch / "output"
    commit_module.commit(output, {"index.html": b"old"})
    before = snapshot(output)
    monkeypatch.setattr(commit_module, "_exchange", lambda _a, _b: False)
    real_rename = os.rename

    def refuse_the_new_site(source: str | Path, target: str | Path) -> None:
        if Path(source).name.startswith(".output.staging-"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))
        real_rename(source, target)

    monkeypatch.setattr(os, "rename", refuse_the_new_site)
    with pytest.raises(DiskFault, match="no space left on device while writing the new output/"):
        commit_module.commit(output, {"index.html": b"new"})
    assert snapshot(output) == before
    assert [p.name for p in scratch.iterdir()] == ["output"]


def test_the_preview_on_a_full_disk_keeps_serving_and_recovers(scratch: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from archivist.serve.preview import Preview

    site = scratch / "site"
    shutil.copytree(REPO_ROOT / "tests" / "golden_site", site)
    out = io.StringIO()
    preview = Preview(site, port=0, out=out)
    try:
        preview.start()
        preview.observer.stop()  # rebuilds happen when this test says, not when the watcher sees the edit
        preview.observer.join(timeout=10)
        for thread in preview._threads:  # the first build's search index is in place before the disk fills
            if thread.name == "archivist-search":
                thread.join(timeout=120)
        page = preview.folder / "articles" / "harbour-dues" / "index.html"
        before = page.read_bytes()
        with monkeypatch.context() as patch:
            Faults(str(preview.folder), errno.ENOSPC, 1, scope=lambda _path: str(preview.folder)).install(patch)
            edit(site)
            preview.rebuild()
        lines = [line for line in out.getvalue().splitlines() if line.startswith("archivist:")]
        assert len(lines) == 1 and "no space left on device while writing the preview in" in lines[0], lines
        assert "Traceback" not in out.getvalue() and page.read_bytes() == before
        assert preview.rebuild() is not None  # space freed: the next rebuild shows the edit
        assert b"A paragraph added after the fault." in page.read_bytes()
    finally:
        preview.stop()
