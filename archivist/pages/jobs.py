"""The unit of rendering: one output page, its template, its data and what it depends on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping


@dataclass(frozen=True)
class OutputJob:
    """One page to render: where it goes, with which template, and the data it shows."""

    path: str  # site path, e.g. 'articles/kim-takes-control/index.html'
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)
    sources: tuple[str, ...] = ()  # content files this page depends on, for incremental rebuilds
