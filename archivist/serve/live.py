"""Keep the preview's site up to date: the build's pipeline, kept in memory between rebuilds."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from archivist import config as config_step
from archivist.build.changes import RebuildPlan
from archivist.build.options import BuildOptions
from archivist.build.pipeline import Pipeline, SiteBuild
from archivist.config import SiteConfig
from archivist.util.progress import SILENT, Progress


@dataclass(frozen=True)
class Outcome:
    """One rebuild: the complete site, what was wrong with it, what was redone and how long it took."""

    build: SiteBuild
    plan: RebuildPlan
    rendered: int  # pages rendered by this rebuild
    seconds: float


class LiveBuilder:
    """Builds one site over and over; each `rebuild` redoes only what changed since the last."""

    def __init__(self, root: Path, options: BuildOptions, base_url: str | None = None):
        self.root, self.options, self.base_url = root.resolve(), options, base_url
        self.pipeline = Pipeline(options, remember=True)

    @property
    def style_dirs(self) -> tuple[str, ...]:
        """The citation style folders the settings name (watched like templates)."""
        return self.config.csl_dirs if self.config is not None else ("styles",)

    @property
    def config(self) -> SiteConfig | None:
        """The settings of the last rebuild (with the preview's base URL), None before the first."""
        return self.pipeline.config

    def close(self) -> None:
        """Stop what the pipeline keeps running between rebuilds (the citation engine's Node workers)."""
        self.pipeline.close()

    def forget(self) -> None:
        """Drop what was remembered, so the next rebuild starts from nothing (after a crash)."""
        self.pipeline.forget()

    def rebuild(self, force_full: bool = False, progress: Progress = SILENT) -> Outcome | None:
        """Bring the site up to date; None when nothing that matters changed. May raise ContentError.
        `progress` is told how far each step has got."""
        started = time.perf_counter()
        config = config_step.load(self.root)
        if self.base_url:
            config = config.with_base_url(self.base_url)
        if force_full:
            self.pipeline.forget()
        build = self.pipeline.run(config, progress=progress)
        if build is None:
            return None
        return Outcome(build, build.plan, build.rendered, time.perf_counter() - started)
