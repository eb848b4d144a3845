"""`archivist init DIR`: a new site with its own copy of the default theme, settings and workflows.

The starter files live in `archivist/starter_site/`. Names that start with a dot are
stored without it (`gitignore`, `github/`), since package-data globs do not match hidden files.
Nothing written depends on the date or the machine, so two sites made by one version are the same.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from archivist import __version__
from archivist.theme import THEME_DIR

STARTER_DIR = Path(__file__).resolve().parent.parent / "starter_site"
HIDDEN_NAMES = {"gitignore": ".gitignore", "github": ".github"}
ENGINE_NOTE = ("# The Archivist version this archive is built with. Raise it to upgrade; the theme in\n"
               "# templates/ stays as it is (see `archivist theme diff`).\n")


class InitError(Exception):
    """The site cannot be made where asked; the message says why."""


@dataclass(frozen=True)
class NewSite:
    """What `init` wrote: the folder, and how many files."""

    root: Path
    files: int


def create_site(target: Path, engine: str = "") -> NewSite:
    """Fill a new or empty folder with a site that builds as it is; refuse any other folder."""
    _refuse_unless_empty(target)
    files = {**starter_files(), **theme_files(), "requirements.txt": requirements(engine)}
    try:
        for relpath, data in sorted(files.items()):
            path = target / relpath
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    except OSError as exc:
        raise InitError(f"cannot write the site into {target}: {exc.strerror or exc}") from None
    return NewSite(target, len(files))


def _refuse_unless_empty(target: Path) -> None:
    """A site is only made where nothing can be overwritten or mixed in."""
    if target.is_file():
        raise InitError(f"{target} is a file; give a new or empty folder for the site")
    try:
        if target.is_dir() and any(target.iterdir()):
            raise InitError(f"{target} is not empty; give a new or empty folder for the site")
    except PermissionError:
        raise InitError(f"cannot read {target}: permission denied") from None


def starter_files() -> dict[str, bytes]:
    """The settings, workflows, .gitignore, Node manifest and example article, by site path."""
    return {_site_path(path.relative_to(STARTER_DIR)): path.read_bytes() for path in _files(STARTER_DIR)}


def theme_files() -> dict[str, bytes]:
    """The default theme, as the site's own templates/."""
    return {f"templates/{path.relative_to(THEME_DIR).as_posix()}": path.read_bytes() for path in _files(THEME_DIR)}


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and not _ignored(p.relative_to(folder)))


def _ignored(relpath: Path) -> bool:
    return any(part.startswith(".") or part == "__pycache__" for part in relpath.parts)


def _site_path(relpath: Path) -> str:
    first, *rest = relpath.parts
    return "/".join([HIDDEN_NAMES.get(first, first), *rest])


def requirements(engine: str = "") -> bytes:
    """requirements.txt: the engine pinned as given, else to where this copy was installed from."""
    return (ENGINE_NOTE + (engine.strip() or engine_requirement()) + "\n").encode()


def engine_requirement() -> str:
    """A pin that installs this very version: a repository commit or an archive URL when Archivist
    was installed from one (pip records it in direct_url.json), else the version number."""
    origin = _install_origin()
    url = origin.get("url", "")
    vcs = origin.get("vcs_info", {})
    if url and vcs.get("vcs") == "git" and vcs.get("commit_id"):
        return f"archivist @ git+{url}@{vcs['commit_id']}"
    if url.startswith("https://") and "archive_info" in origin:
        return f"archivist @ {url}"
    return f"archivist=={__version__}"


def _install_origin() -> dict:
    """pip's record of where the running copy came from; none when this code is not the installed
    copy (a checkout run beside an installed Archivist)."""
    try:
        dist = metadata.distribution("archivist")
        if Path(str(dist.locate_file("archivist/content/starter.py"))).resolve() != Path(__file__).resolve():
            return {}
        return json.loads(dist.read_text("direct_url.json") or "{}")
    except (metadata.PackageNotFoundError, ValueError, OSError):
        return {}
