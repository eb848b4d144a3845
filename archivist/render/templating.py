"""The Jinja environment: the site's templates first, the built-in ones behind, strict and escaped."""

from __future__ import annotations

import json
from collections import ChainMap
from pathlib import Path
from typing import Any

import jinja2
from jinja2.utils import missing as MISSING
from markupsafe import Markup

from archivist.diagnostics import Diagnostic, error
from archivist.library.readables import Reading
from archivist.render.theme import BUILTIN_TEMPLATES

from archivist.theme import PACKAGE_DIR
BUILTIN_PREFIX = "!builtin/"


class SiteLoader(jinja2.BaseLoader):
    """Looks in the site's templates/ first; '!builtin/name' always means the packaged template,
    so a site template can extend the very template it replaces."""

    def __init__(self, site_dir: Path | None):
        self.site = jinja2.FileSystemLoader(str(site_dir)) if site_dir and site_dir.is_dir() else None
        self.builtin = jinja2.FileSystemLoader(str(BUILTIN_TEMPLATES))

    def get_source(self, environment: jinja2.Environment, template: str):
        if template.startswith(BUILTIN_PREFIX):
            return self.builtin.get_source(environment, template[len(BUILTIN_PREFIX):])
        if self.site is not None:
            try:
                return self.site.get_source(environment, template)
            except jinja2.TemplateNotFound:
                pass
        return self.builtin.get_source(environment, template)

    def list_templates(self) -> list[str]:
        names = set(self.builtin.list_templates())
        if self.site is not None:
            names.update(self.site.list_templates())
        return sorted(names)


class SiteUndefined(jinja2.StrictUndefined):
    """Strict, and naming the real object, not its recording stand-in, when a template asks for what it
    lacks. Done where Jinja makes the undefined value, not around every attribute a template reads
    (hundreds of thousands in a build), which costs each read a call."""

    __slots__ = ()

    def __init__(self, hint: str | None = None, obj: Any = MISSING, name: str | None = None,
                 exc: type[jinja2.TemplateRuntimeError] = jinja2.UndefinedError) -> None:
        super().__init__(hint, obj._target if isinstance(obj, Reading) else obj, name, exc)


class TemplateGlobals(ChainMap):
    """A template's globals over the environment's, as Jinja makes them, with keys that are a plain set.

    Each `{% from ... import %}` subtracts a template's global names from a set; a ChainMap's key
    view answers that in Python, one lookup through every map per name (eight imports an article
    page), where a set made in C answers at once."""

    def keys(self) -> set[str]:  # type: ignore[override]
        return set().union(*self.maps)


class SiteEnvironment(jinja2.Environment):
    """Jinja's environment, with the globals above."""

    def make_globals(self, d: Any = None) -> TemplateGlobals:
        return TemplateGlobals({} if d is None else d, self.globals)


def make_environment(site_templates: Path | None) -> jinja2.Environment:
    """A strict environment: undefined names fail the build, and everything is escaped.

    Templates are not checked for changes while it lives: Jinja would otherwise look at a template
    file's time on each use (every include, import and extends: about fifty for an article page). An
    environment serves one build, and `serve` makes a new one when the planner finds a template changed."""
    env = SiteEnvironment(
        loader=SiteLoader(site_templates),
        auto_reload=False,
        autoescape=True,
        undefined=SiteUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["json_script"] = json_script
    env.filters["attr_json"] = attr_json
    return env


def json_script(value: Any) -> Markup:
    """JSON safe to place inside <script>: '<', '>' and '&' escaped so '</script>' cannot close it."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


def attr_json(value: Any) -> str:
    """Compact JSON for a data-* attribute; autoescape then makes it attribute-safe."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def template_diagnostic(exc: Exception, root: Path) -> Diagnostic:
    """Locate a template failure (syntax error, undefined variable) in the template file."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return error(_template_path(exc.filename or exc.name or "template", root), exc.lineno or 1,
                     "template.syntax", exc.message or str(exc))
    filename, line = _template_frame(exc)
    code = "template.undefined" if isinstance(exc, jinja2.UndefinedError) else "template.error"
    return error(_template_path(filename, root), line, code, str(exc))


def _template_frame(exc: Exception) -> tuple[str, int]:
    """Jinja rewrites tracebacks so template frames carry the template file and line."""
    tb = exc.__traceback__
    found = ("template", 1)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt", ".j2")):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _template_path(filename: str, root: Path) -> str:
    path = Path(filename)
    for base in (root, PACKAGE_DIR.parent):  # built-in: templates/… in a checkout, archivist/default_theme/… installed
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except (ValueError, OSError):
            continue
    return filename

