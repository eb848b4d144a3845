"""The theme's files: the built-in templates, static files and interface words, and the site's own that override them."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from archivist.config import SiteConfig
from archivist.theme import THEME_DIR

STATIC_DIR = THEME_DIR / "static"
BUILTIN_TEMPLATES = THEME_DIR
PACKAGE_LOCALES = THEME_DIR / "i18n"


def theme_folders(root: Path, csl_dirs: Iterable[str]) -> list[Path]:
    """Folders whose files reach every page: templates, static files, locales and citation styles.
    The default theme holds its static files and locales; it is left out when it is the site's own
    templates/ (the repository's sample site), so no file is read twice."""
    site = root / "templates"
    builtin = [] if _same_folder(site, THEME_DIR) else [THEME_DIR]
    return [site, *(root / d for d in csl_dirs), *builtin]


def _same_folder(one: Path, other: Path) -> bool:
    try:
        return one.resolve() == other.resolve()
    except OSError:
        return False


def static_files(config: SiteConfig) -> dict[str, Path]:
    """The theme's static files, with the site's templates/static/ replacing or adding by name."""
    files: dict[str, Path] = {}
    for folder in (STATIC_DIR, config.templates_dir / "static"):
        if folder.is_dir():
            for source in sorted(folder.rglob("*")):
                if source.is_file() and not source.name.startswith("."):
                    files[f"static/{source.relative_to(folder).as_posix()}"] = source
    return files
