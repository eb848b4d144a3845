"""The wheel: it ships the default theme (byte for byte the repository's templates/) and the starter
site, and an Archivist run from it alone, far from this checkout, makes a site that builds."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from support import NODE_MODULES, REPO_ROOT

SOURCES = ("archivist", "templates", "setup.py", "pyproject.toml", "README.md", "LICENSE")
THEME_IN_WHEEL = "archivist/default_theme/"


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built by pip from a copy of the sources (setuptools writes build/ into the folder it builds)."""
    work = tmp_path_factory.mktemp("wheel")
    for name in SOURCES:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, work / "src" / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (work / "src").mkdir(exist_ok=True)
            shutil.copy2(source, work / "src" / name)
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                           "--disable-pip-version-check", "-q", "-w", str(work / "dist"), str(work / "src")],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    (built,) = (work / "dist").glob("archivist-*.whl")
    return built


def test_the_wheel_ships_the_repositorys_theme_unchanged(wheel: Path):
    with zipfile.ZipFile(wheel) as archive:
        shipped = {name[len(THEME_IN_WHEEL):]: archive.read(name) for name in archive.namelist()
                   if name.startswith(THEME_IN_WHEEL)}
        names = set(archive.namelist())
    assert shipped == files(REPO_ROOT / "templates")
    assert {"archivist/citations/worker.js", "archivist/starter_site/github/workflows/pages.yml",
            "archivist/starter_site/github/pages-matrix.yml",
            "archivist/starter_site/gitignore", "archivist/starter_site/content/articles/example-article.md"} <= names
    assert not any(name.startswith(("templates/", "archivist/templates/", "archivist/static/")) for name in names)


def test_the_installed_engine_alone_makes_a_site_that_builds(wheel: Path, tmp_path: Path):
    installed = tmp_path / "site-packages"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(installed)
    env = {**os.environ, "PYTHONPATH": str(installed), "ARCHIVIST_NODE_MODULES": str(NODE_MODULES)}
    run = [sys.executable, "-c", "import sys; from archivist.cli import main; sys.exit(main())"]
    where = subprocess.run([sys.executable, "-c", "import archivist.theme as t; print(t.THEME_DIR)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()) == installed / "archivist" / "default_theme"

    made = subprocess.run([*run, "init", "journal"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    assert files(tmp_path / "journal" / "templates") == files(REPO_ROOT / "templates")
    built = subprocess.run([*run, "build", "-q"], cwd=tmp_path / "journal", env=env, capture_output=True,
                           text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "journal" / "output" / "articles" / "example-article" / "index.html").is_file()
