"""The theme's files: the built-in templates, static files and interface words, and the site's own that override them."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from archivist.config import SiteConfig

PACKAGE_DIR = Path(__file__).resolve().parent.parent
STATIC_DIR = PACKAGE_DIR / "static"
BUILTIN_TEMPLATES = PACKAGE_DIR / "templates"
PACKAGE_LOCALES = PACKAGE_DIR / "i18n"


def theme_folders(root: Path, csl_dirs: Iterable[str]) -> list[Path]:
    """Folders whose files reach every page: templates, static files, locales and citation styles."""
    return [root / "templates", *(root / d for d in csl_dirs), BUILTIN_TEMPLATES, STATIC_DIR, PACKAGE_LOCALES]


def static_files(config: SiteConfig) -> dict[str, Path]:
    """The theme's static files, with the site's templates/static/ replacing or adding by name."""
    files: dict[str, Path] = {}
    for folder in (STATIC_DIR, config.templates_dir / "static"):
        if folder.is_dir():
            for source in sorted(folder.rglob("*")):
                if source.is_file() and not source.name.startswith("."):
                    files[f"static/{source.relative_to(folder).as_posix()}"] = source
    return files
