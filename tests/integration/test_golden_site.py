"""The whole output of a small site, byte for byte (regenerate with `pytest --update-golden`)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent.parent
SITE = TESTS / "golden_site"
EXPECTED = TESTS / "golden" / "small-site"
REPO = TESTS.parent


def tree(folder: Path) -> dict[str, bytes]:
    """Every file except the theme's own assets, which are copied verbatim; fingerprints are masked so
    a theme edit does not rewrite every page of the golden tree."""
    files = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and not relative.startswith("static/"):
            files[relative] = re.sub(rb"\?v=[0-9a-f]{10}", b"?v=FINGERPRINT", path.read_bytes())
    return files


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("golden") / "site"
    shutil.copytree(SITE, site)
    output = site / "output"
    done = subprocess.run([sys.executable, str(REPO / "build.py"), "--site", str(site), "build", "--no-search", "-q"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return output


def test_output_matches_the_golden_tree(built, update_golden):
    actual = tree(built)
    if update_golden:
        shutil.rmtree(EXPECTED, ignore_errors=True)
        for relative, data in actual.items():
            target = EXPECTED / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    expected = tree(EXPECTED)
    assert sorted(actual) == sorted(expected), "the set of output files changed (pytest --update-golden)"
    for relative in expected:
        assert actual[relative] == expected[relative], f"{relative} differs (pytest --update-golden if intended)"


def test_a_second_build_writes_nothing(built):
    site = built.parent
    done = subprocess.run([sys.executable, str(REPO / "build.py"), "--site", str(site), "build", "--no-search"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "0 files written" in done.stdout and "0 removed" in done.stdout, done.stdout
