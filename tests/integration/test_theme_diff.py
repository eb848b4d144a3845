"""`archivist theme diff`: a patch git applies, reverses and merges, so a site takes a new default
theme without losing its own edits (the steps README's "Updating the engine" gives)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from archivist.content.starter import create_site
from archivist.render.theme_diff import blob_id, theme_diff
from support import REPO_ROOT

LOGO = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"  # a binary file of the site's own


def git(root: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-c", "user.name=Editor", "-c", "user.email=editor@example.org", *args],
                          cwd=root, input=stdin, capture_output=True, text=True, check=True)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site as `init` makes it, committed, with an editor's changes on top (committed too)."""
    root = tmp_path / "journal"
    create_site(root, engine="archivist==0.1.0")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "New archive")
    edit(root / "templates" / "base.html", "<body", "<body data-society=\"seal\"")
    (root / "templates" / "static" / "logo.png").write_bytes(LOGO)
    (root / "templates" / "partials" / "masthead.html").write_text("<p>The Society's Archive</p>", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Our look")
    return root


def test_the_repositorys_own_theme_differs_in_nothing():
    done = subprocess.run([sys.executable, "build.py", "theme", "diff"], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout == ""
    assert done.stderr.startswith("no file of templates/ differs from the default theme of archivist ")


def test_the_patch_names_each_change_with_gits_blob_ids(site: Path):
    done = subprocess.run([sys.executable, str(REPO_ROOT / "build.py"), "theme", "diff"], cwd=site,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0
    assert done.stderr.startswith("3 files of templates/ differ from the default theme of archivist ")
    patch = done.stdout
    base = (REPO_ROOT / "templates" / "base.html").read_bytes()
    ours = (site / "templates" / "base.html").read_bytes()
    assert f"diff --git a/templates/base.html b/templates/base.html\nindex {blob_id(base)}..{blob_id(ours)} 100644\n" in patch
    assert git(site, "hash-object", "templates/base.html").stdout.strip() == blob_id(ours)
    assert "+++ b/templates/partials/masthead.html\n@@ -0,0 +1 @@\n+<p>The Society's Archive</p>\n" \
           "\\ No newline at end of file\n" in patch
    assert "Binary files /dev/null and b/templates/static/logo.png differ\n" in patch
    assert "article.html" not in patch


def test_reversing_the_patch_gives_back_the_default_theme(site: Path):
    patch, _changed = theme_diff(site / "templates")
    git(site, "apply", "-R", "--index", "-", stdin=patch)
    assert tree(site / "templates") == tree(REPO_ROOT / "templates")
    git(site, "apply", "--index", "-", stdin=patch)
    assert theme_diff(site / "templates")[0] == patch


def test_an_upgrade_keeps_the_sites_edits_and_takes_the_new_default(site: Path, tmp_path: Path):
    old_default = REPO_ROOT / "templates"
    new_default = tmp_path / "new-default"
    shutil.copytree(old_default, new_default)
    # The new version changes base.html two lines after the site's edit, so the site's patch no
    # longer applies as it stands and git has to merge; it also changes a file the site never edited.
    lines = (new_default / "base.html").read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.lstrip().startswith("<body")) + 2
    lines[at] = lines[at] + "<!-- new in the next version -->"
    (new_default / "base.html").write_text("\n".join(lines), encoding="utf-8")
    edit(new_default / "article.html", "{% extends", "{# changed upstream #}\n{% extends")

    edits, _ = theme_diff(site / "templates", default=old_default)  # before the upgrade
    reset, _ = theme_diff(site / "templates", default=new_default)  # after it
    git(site, "apply", "-R", "--index", "-", stdin=reset)
    git(site, "commit", "-q", "-m", "The new default theme")
    assert tree(site / "templates") == tree(new_default)
    with pytest.raises(subprocess.CalledProcessError):
        git(site, "apply", "--check", "-", stdin=edits)  # without the merge, base.html conflicts
    git(site, "apply", "--3way", "-", stdin=edits)

    base = (site / "templates" / "base.html").read_text(encoding="utf-8")
    assert '<body data-society="seal"' in base and "<!-- new in the next version -->" in base
    assert "<<<<<<<" not in base
    assert (site / "templates" / "article.html").read_bytes() == (new_default / "article.html").read_bytes()
    assert (site / "templates" / "static" / "logo.png").read_bytes() == LOGO
    assert theme_diff(site / "templates", default=new_default)[1] == [
        "templates/base.html", "templates/partials/masthead.html", "templates/static/logo.png"]


def test_lines_end_where_git_ends_them(tmp_path: Path):
    default, ours = tmp_path / "default", tmp_path / "ours"
    default.mkdir(), ours.mkdir()
    (default / "page.html").write_bytes(b"one\r\ntwo\x0cstill two\nthree")
    (ours / "page.html").write_bytes(b"one\r\ntwo\x0cstill two\nthree\n")
    patch, changed = theme_diff(ours, default=default)
    assert changed == ["templates/page.html"]
    assert patch.endswith("-three\n\\ No newline at end of file\n+three\n")
    assert "\x0cstill two" in patch and patch.count("\n two") == 1
