"""Render planned pages through the site's templates into bytes."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Mapping

import jinja2

from archivist.config import SiteConfig
from archivist.diagnostics import Diagnostic
from archivist.i18n import labels_for
from archivist.library.readables import Read, ReadLog, wrap_context
from archivist.pages.jobs import OutputJob
from .templating import make_environment, template_diagnostic
from archivist.util.vocabulary import AUTONYMS, LICENSES, text_direction


class Renderer:
    """Holds one Jinja environment for a build and the globals every template may use.

    `reads` keeps, per page rendered, what it read of the library (`archivist.library.readables`):
    the rebuild planner compares it with the next build's library."""

    def __init__(self, config: SiteConfig, static_files: Mapping[str, Path]):
        self.config = config
        self._remembered: dict[Any, tuple[Any, list]] = {}
        self._log = ReadLog()
        self.reads: dict[str, tuple[Read, ...]] = {}
        self._paths: dict[frozenset, frozenset] = {}  # one copy of each set of paths, shared by the pages
        self._shared: dict[Read, Read] = {}  # one copy of each read: most pages read the same site-wide roots
        self.env = make_environment(config.templates_dir)
        self.env.globals.update(self._globals(static_files))

    def _globals(self, static_files: Mapping[str, Path]) -> dict[str, Any]:
        config = self.config
        fingerprints = {path: _fingerprint(source) for path, source in static_files.items()}

        def static_url(name: str) -> str:
            path = f"static/{name}"
            if path not in fingerprints:
                raise jinja2.UndefinedError(f"no static file '{name}'")
            return f"{config.url_for(path)}?v={fingerprints[path]}"

        return {
            "site": config,
            "url_for": config.url_for,
            "absolute_url": config.absolute_url,
            "static_url": static_url,
            "site_labels": labels_for(config.language, config.templates_dir / "i18n"),
            "labels_for": lambda lang: labels_for(lang, config.templates_dir / "i18n"),
            "text_direction": text_direction,
            "licenses": LICENSES,
            "language_names": AUTONYMS,
            "once": self._once,
        }

    def forget(self) -> None:
        """Drop what `once` remembered: a renderer kept between rebuilds must not show old summaries.
        The shared reads go too (the pages kept hold their own), so that a long preview does not keep
        every read it ever saw."""
        self._remembered.clear()
        self._shared.clear()

    def _once(self, key: Any, function: Any, *args: Any) -> Any:
        """`function(*args)` the first time `key` is seen in this build, the remembered result after.

        An article's summary is the same on every listing and related-articles block that shows
        it; rendering it once per build instead of once per page saves most of the listing time.
        The key must name everything the result depends on besides the build's own settings. What
        the first call read is counted as read by every page that shows the result.
        """
        if key not in self._remembered:
            capture = self._log.start_capture()
            try:
                result = function(*args)
            finally:
                self._log.stop_capture()
            self._remembered[key] = (result, capture)
        result, notes = self._remembered[key]
        self._log.replay(notes)
        return result

    def render(self, job: OutputJob) -> tuple[bytes | None, Diagnostic | None]:
        """The page's bytes, or a diagnostic naming the template file and line that failed."""
        self._log = ReadLog()
        try:
            template = self.env.get_template(job.template)
            html = template.render(page_path=job.path, page_url=self.config.url_for(_page_url(job.path)),
                                   **wrap_context(job.context, self._log))
        except (jinja2.TemplateError, TypeError, ValueError, KeyError, AttributeError) as exc:
            self.reads.pop(job.path, None)
            return None, template_diagnostic(exc, self.config.root)
        self.keep_reads(job.path, self._log.reads())
        return html.encode("utf-8"), None

    def keep_reads(self, path: str, reads: tuple[Read, ...]) -> None:
        """Remember what a page read (rendered here or in a worker process). A worker's reads arrive as
        fresh copies, so each read is kept once and shared by every page that made it: thousands of
        pages read the same few hundred roots, and the copies cost more than a page's own reads."""
        self.reads[path] = tuple(self._share(read) for read in reads)

    def _share(self, read: Read) -> Read:
        root, paths, found = read
        one = (root, self._paths.setdefault(paths, paths), found)
        return self._shared.setdefault(one, one)


def _page_url(path: str) -> str:
    """'articles/x/index.html' is served as 'articles/x/'."""
    return path[: -len("index.html")] if path.endswith("index.html") else path


def _fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:10]

