"""Shared fixtures: the sample archive built once, served under /archive/, the small archive of each
interface language, and one Chromium."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

# Tests import the harness as ``support.*`` whatever pytest's import mode.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from support import REPO_ROOT  # noqa: E402
from support.browser import DESKTOP, Viewport, WatchedPage, launch_chromium, open_page  # noqa: E402
from support.language_sites import LANGUAGES, write_site  # noqa: E402
from support.server import ServedSite, serve_site  # noqa: E402

SAMPLE_BASE_URL = "https://example.org/archive/"
SAMPLE_BASE_PATH = "/archive/"
LANGUAGE_SITES_URL = "https://example.org/"
BUILD_TIMEOUT_SECONDS = 900
ARTIFACTS_DIR = REPO_ROOT / "test-artifacts"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite the expected output trees from the current build instead of comparing",
    )


@pytest.fixture(scope="session")
def update_golden(pytestconfig: pytest.Config) -> bool:
    """True when the run was asked to regenerate golden files."""
    return bool(pytestconfig.getoption("--update-golden"))


def build_with_cli(output: Path, base_url: str, site: Path | None = None) -> Path:
    """`build.py [--site SITE] build` into `output`, as a user runs it; a failure fails the test."""
    command = [sys.executable, "build.py", *(["--site", str(site)] if site else []), "build",
               "--output", str(output), "--base-url", base_url, "-q"]
    done = subprocess.run(
        command, cwd=REPO_ROOT, capture_output=True, text=True,
        timeout=BUILD_TIMEOUT_SECONDS, check=False,
    )
    if done.returncode != 0 or not output.is_dir():
        pytest.fail(
            f"building failed (exit {done.returncode}): {' '.join(command)}\n"
            f"--- stdout ---\n{done.stdout}\n--- stderr ---\n{done.stderr}",
            pytrace=False,
        )
    return output


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's sample archive, built once per run with the real command line."""
    return build_with_cli(tmp_path_factory.mktemp("sample-build") / "site", SAMPLE_BASE_URL)


@pytest.fixture(scope="session")
def language_sites(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One small archive per interface language (support/language_sites.py), each built with the
    command line into `<folder>/<lang>/` for the base URL `https://example.org/<lang>/`."""
    sources, built = tmp_path_factory.mktemp("language-sources"), tmp_path_factory.mktemp("language-sites")
    for lang in LANGUAGES:
        write_site(sources / lang, lang, f"{LANGUAGE_SITES_URL}{lang}/")
        build_with_cli(built / lang, f"{LANGUAGE_SITES_URL}{lang}/", site=sources / lang)
    return built


@pytest.fixture(scope="session")
def served_language_sites(language_sites: Path) -> Iterator[ServedSite]:
    """Every language's archive on 127.0.0.1, each under /<lang>/."""
    with serve_site(language_sites, "/") as site:
        yield site


@pytest.fixture(scope="session")
def served_sample(sample_site: Path) -> Iterator[ServedSite]:
    """The built sample on 127.0.0.1 under /archive/, as GitHub Pages would serve it."""
    with serve_site(sample_site, SAMPLE_BASE_PATH) as site:
        yield site


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One system Chromium for the whole run; each test gets fresh contexts from it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        chromium = launch_chromium(driver)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page_factory(browser: Any) -> Iterator[Callable[..., WatchedPage]]:
    """Opens watched pages (``url``, ``viewport="desktop"|"phone"``); all closed afterwards."""
    opened: list[WatchedPage] = []

    def open_watched(
        url: str | None = None, viewport: Viewport | str = DESKTOP, **options: Any
    ) -> WatchedPage:
        watched = open_page(browser, url=None, viewport=viewport, **options)
        opened.append(watched)
        if url is not None:
            watched.goto(url)
        return watched

    yield open_watched
    for watched in opened:
        watched.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """Where full-page screenshots go (git-ignored), kept after the run for review."""
    folder = ARTIFACTS_DIR / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
