"""`archivist init DIR`: the new site's files, that it checks clean, builds and serves as it is, that
its settings file documents every setting at its default, and that a folder with anything in it is
refused without a trace of a traceback."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import tomllib
import urllib.request
from dataclasses import MISSING, fields
from pathlib import Path

import pytest
import yaml

from archivist import __version__, config as config_step
from archivist.content import starter
from support import REPO_ROOT
from support.actionlint import actionlint

STARTER_FILES = [
    ".github/pages-matrix.yml", ".github/workflows/pages.yml", ".github/workflows/pr.yml", ".gitignore", "README.md",
    "content/articles/example-article.md", "package-lock.json", "package.json", "pyproject.toml",
    "requirements.txt",
]
TIMEOUT = 600


def archivist(*args: str, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess:
    """`python build.py ARGS`, as an editor runs it."""
    return subprocess.run([sys.executable, str(REPO_ROOT / "build.py"), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=TIMEOUT)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("init") / "journal"
    done = archivist("init", str(root))
    assert done.returncode == 0, done.stderr
    assert f"created a site of {len(tree(root))} files in {root}" in done.stdout
    return root


def test_the_site_holds_the_starter_files_and_its_own_copy_of_the_theme(site: Path):
    files = tree(site)
    assert sorted(name for name in files if not name.startswith("templates/")) == STARTER_FILES
    theme = tree(REPO_ROOT / "templates")
    assert {f"templates/{name}": data for name, data in theme.items()} == {
        name: data for name, data in files.items() if name.startswith("templates/")}
    assert {"templates/base.html", "templates/static/archivist.css", "templates/i18n/en.toml"} <= set(files)


def test_the_new_site_checks_clean_and_builds_as_it_is(site: Path, tmp_path: Path):
    checked = archivist("check", "--strict", cwd=site)
    assert checked.returncode == 0 and "checked 1 articles: no problems" in checked.stderr, checked.stderr
    built = archivist("--site", str(site), "build", "--output", str(tmp_path / "out"), "-q")
    assert built.returncode == 0, built.stderr
    page = (tmp_path / "out" / "articles" / "example-article" / "index.html").read_text(encoding="utf-8")
    assert "An Example Article: How an Article Is Written for This Archive" in page
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML"' in page and '<li id="fn-1">' in page
    home = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "<title>My Archive</title>" in home


def test_the_new_site_serves(site: Path, tmp_path: Path):
    copy = tmp_path / "served"
    for name, data in tree(site).items():
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        (copy / name).write_bytes(data)
    process = subprocess.Popen([sys.executable, str(REPO_ROOT / "build.py"), "serve", "--port", "0"], cwd=copy,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = _serving_url(process)
        with urllib.request.urlopen(url + "articles/example-article/", timeout=60) as answer:
            page = answer.read().decode("utf-8")
        assert answer.status == 200 and "How an Article Is Written" in page and "data-archivist-live" in page
    finally:
        process.terminate()
        process.wait(timeout=60)


def _serving_url(process: subprocess.Popen) -> str:
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Serving "):
                ready.set()
        ready.set()

    threading.Thread(target=read, daemon=True).start()
    ready.wait(TIMEOUT)
    serving = [line for line in lines if line.startswith("Serving ")]
    assert serving, "serve did not start:\n" + "".join(lines)
    return serving[0].split()[1]


def test_two_sites_made_apart_are_byte_identical(tmp_path: Path):
    first = archivist("init", "first", cwd=tmp_path)
    again = archivist("init", str(tmp_path / "deeper" / "again"), cwd=REPO_ROOT)
    assert first.returncode == 0 and again.returncode == 0, first.stderr + again.stderr
    assert tree(tmp_path / "first") == tree(tmp_path / "deeper" / "again")


@pytest.mark.parametrize("occupant", ["file", "hidden file", "folder"])
def test_a_folder_with_anything_in_it_is_refused_and_left_alone(tmp_path: Path, occupant: str):
    target = tmp_path / "taken"
    target.mkdir()
    if occupant == "folder":
        (target / "content").mkdir()
    else:
        (target / (".git" if occupant == "hidden file" else "notes.txt")).write_text("mine")
    before = tree(target)
    done = archivist("init", str(target))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == f"archivist: {target} is not empty; give a new or empty folder for the site\n"
    assert tree(target) == before and [p.name for p in target.iterdir()] == [next(target.iterdir()).name]


def test_init_into_a_made_site_refuses_and_changes_nothing(site: Path):
    before = tree(site)
    done = archivist("init", str(site))
    assert done.returncode == 2 and "is not empty" in done.stderr and "Traceback" not in done.stderr
    assert tree(site) == before


def test_a_file_is_refused(tmp_path: Path):
    (tmp_path / "plain").write_text("x")
    done = archivist("init", str(tmp_path / "plain"))
    assert done.returncode == 2
    assert done.stderr == f"archivist: {tmp_path / 'plain'} is a file; give a new or empty folder for the site\n"


def test_an_empty_existing_folder_is_used(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    done = archivist("init", str(tmp_path / "empty"), "--engine", "archivist @ git+https://example.org/a.git@v1")
    assert done.returncode == 0, done.stderr
    lines = (tmp_path / "empty" / "requirements.txt").read_text().splitlines()
    assert lines[-1] == "archivist @ git+https://example.org/a.git@v1" and all(x.startswith("#") for x in lines[:-1])


# --- the settings file ------------------------------------------------------------------------

SETTING_LINE = re.compile(r"^# ?(\[tool\.archivist\.extra\]|[a-z_]+ = .*)$")


def test_the_settings_file_shows_every_setting_at_its_default(site: Path, tmp_path: Path):
    text = (site / "pyproject.toml").read_text(encoding="utf-8")
    commented = [m.group(1) for line in text.splitlines() if (m := SETTING_LINE.match(line))]
    (tmp_path / "pyproject.toml").write_text(text + "\n" + "\n".join(commented) + "\n", encoding="utf-8")
    on = tomllib.loads(text + "\n".join(commented) + "\n")["tool"]["archivist"]
    assert set(on) == set(config_step.SETTINGS), "every setting is in the file, as a line or a comment"
    loaded = config_step.load(tmp_path)  # raises ContentError on any bad value
    defaults = {f.name: f.default if f.default_factory is MISSING else f.default_factory()
                for f in fields(config_step.SiteConfig) if f.name != "root"}
    shown = {key: getattr(loaded, key) for key in on}
    written = tomllib.loads(text)["tool"]["archivist"]
    assert {k: v for k, v in shown.items() if k not in written} == {
        k: v for k, v in defaults.items() if k not in written}
    assert written == {"title": "My Archive", "description": "", "base_url": "http://localhost:8000/",
                       "language": "en-US"}


# --- the workflows and the pins -----------------------------------------------------------------

def test_the_workflows_lint_clean_and_install_the_pinned_engine(site: Path):
    workflows = site / ".github" / "workflows"
    assert actionlint(workflows / "pages.yml", workflows / "pr.yml", site / ".github" / "pages-matrix.yml") == []
    for name in ("pages.yml", "pr.yml"):
        data = yaml.safe_load((workflows / name).read_text(encoding="utf-8"))
        steps = next(iter(data["jobs"].values()))["steps"]
        commands = "\n".join(step.get("run", "") for step in steps)
        assert "pip install --disable-pip-version-check -r requirements.txt" in commands and "npm ci" in commands
        assert "scripts/" not in commands and "build.py" not in commands  # a site has only the package
    pages = (workflows / "pages.yml").read_text(encoding="utf-8")
    assert '.venv/bin/archivist build --output output --base-url "$BASE_URL/"' in pages
    assert ".venv/bin/archivist check --format github" in (workflows / "pr.yml").read_text(encoding="utf-8")


def test_the_example_workflow_builds_in_parts_and_merges_them(site: Path):
    """Kept beside the workflows, so it runs only once moved among them (in place of pages.yml)."""
    data = yaml.safe_load((site / ".github" / "pages-matrix.yml").read_text(encoding="utf-8"))
    part, merge, deploy = data["jobs"]["part"], data["jobs"]["merge"], data["jobs"]["deploy"]
    assert part["strategy"]["matrix"]["part"] == [1, 2, 3, 4]
    build = next(step for step in part["steps"] if step.get("name") == "Build the part")
    assert build["env"]["PART"] == "${{ matrix.part }}/${{ strategy.job-total }}"
    assert build["run"] == '.venv/bin/archivist build --part "$PART" --output part --base-url "$BASE_URL/"'
    upload = next(step for step in part["steps"] if step.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["name"] == "part-${{ matrix.part }}" and upload["with"]["path"] == "part/"
    assert merge["needs"] == "part" and deploy["needs"] == "merge"
    download = next(step for step in merge["steps"] if step.get("uses", "").startswith("actions/download-artifact@"))
    assert download["with"] == {"pattern": "part-*", "path": "parts"}
    commands = "\n".join(step.get("run", "") for step in merge["steps"])
    assert ".venv/bin/archivist merge parts/part-* --output output" in commands and "npm ci" in commands
    assert [s["with"]["path"] for s in merge["steps"] if s.get("uses", "").startswith("actions/upload-pages")] == ["output"]


def test_the_node_pins_are_the_repositorys(site: Path):
    ours = json.loads((REPO_ROOT / "package-lock.json").read_text())["packages"]["node_modules/citeproc"]
    theirs = json.loads((site / "package-lock.json").read_text())
    assert theirs["packages"]["node_modules/citeproc"] == ours
    wanted = json.loads((REPO_ROOT / "package.json").read_text())["dependencies"]
    assert json.loads((site / "package.json").read_text())["dependencies"] == wanted
    assert theirs["packages"][""]["dependencies"] == wanted


@pytest.mark.parametrize(("origin", "pin"), [
    ({"url": "https://example.org/archivist.git", "vcs_info": {"vcs": "git", "commit_id": "ab12"}},
     "archivist @ git+https://example.org/archivist.git@ab12"),
    ({"url": "https://example.org/archivist-0.1.0.tar.gz", "archive_info": {}},
     "archivist @ https://example.org/archivist-0.1.0.tar.gz"),
    ({"url": "file:///home/me/archivist", "dir_info": {"editable": True}}, f"archivist=={__version__}"),
    ({}, f"archivist=={__version__}"),
])
def test_the_engine_is_pinned_to_where_it_was_installed_from(monkeypatch, origin: dict, pin: str):
    monkeypatch.setattr(starter, "_install_origin", lambda: origin)
    assert starter.engine_requirement() == pin
