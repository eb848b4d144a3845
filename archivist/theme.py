"""Where the default theme lives: in the installed package, or in the repository's templates/.

The theme (templates, static files, interface words) is kept at the top of the repository, in
`templates/`, because the repository is itself a site and edits its theme there. A wheel installs
the same files as `archivist/default_theme/`; a checkout (or an editable install) reads them in place.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
INSTALLED_THEME = PACKAGE_DIR / "default_theme"
CHECKOUT_THEME = PACKAGE_DIR.parent / "templates"


def default_theme_dir() -> Path:
    """The installed copy when there is one, else the checkout's templates/ beside the package."""
    return INSTALLED_THEME if INSTALLED_THEME.is_dir() else CHECKOUT_THEME


THEME_DIR = default_theme_dir()
