"""How a build was asked to run, apart from the site's own settings."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BuildOptions:
    drafts: bool = False
    search: bool = True
    check_only: bool = False
