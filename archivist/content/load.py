"""Load every article file: read it, split its front-matter and validate it. Nothing is rendered here."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from . import discover, frontmatter, schema
from .translations import translation_problems, withheld_slug
from archivist.config import SiteConfig
from archivist.diagnostics import Diagnostic, error
from archivist.model import Parsed, SourceFile
from archivist.util.digests import parts_digest
from archivist.util.progress import SILENT, Progress


@dataclass(frozen=True)
class ArticleFiles:
    """Every article file of a site: its text, its parse (None for a file left out: a draft, or
    front-matter with errors), and the published articles in file order."""

    texts: dict[str, str]
    parsed: dict[str, Parsed | None]
    published: list[Parsed]


@dataclass
class LoadMemo:
    """What a site loaded again and again (by `serve`) may reuse: files unchanged on disk (same size,
    time and inode) are not read again, and a text already validated is not validated again, the
    slow part of looking at every file."""

    read: dict = field(default_factory=dict)
    parsed: dict[str, tuple[tuple[str, str], tuple[Parsed | None, list[Diagnostic]]]] = field(default_factory=dict)

    def parse(self, source: SourceFile, site_language: str) -> tuple[Parsed | None, list[Diagnostic]]:
        """`parse`, answered from memory while the file's text and the site language are the same (an
        unchanged file's text is the very string read before, so comparing it costs nothing)."""
        known = self.parsed.get(source.relpath)
        if known is not None and known[0] == (source.text, site_language):
            item, found = known[1]
            if item is not None and item.source is not source:
                item = replace(item, source=source)
            return item, list(found)
        item, found = parse(source, site_language)
        self.parsed[source.relpath] = ((source.text, site_language), (item, list(found)))
        return item, list(found)


def load(config: SiteConfig, drafts: bool = False, memo: LoadMemo | None = None, progress: Progress = SILENT,
         seen: Callable[[SourceFile], None] | None = None) -> tuple[ArticleFiles, list[Diagnostic]]:
    """Every article file read and validated, with every diagnostic of every file; the Markdown is
    rendered later, once all slugs are known. `progress` counts the files as they are validated.

    With `seen`, each file is handed to it while its text is at hand, and then the text and the
    Markdown body are let go (see `let_go`): a large archive's texts are never all in memory at once,
    and `texts` is left empty."""
    parsed: dict[str, Parsed | None] = {}
    withheld: list[str] = []
    found: list[Diagnostic] = []
    with progress.stage("loading", "file") as stage:
        def take(source: SourceFile) -> SourceFile:
            item, problems = memo.parse(source, config.language) if memo is not None else parse(source, config.language)
            found.extend(problems)
            if seen is not None:
                seen(source)
                source, item = replace(source, text=""), let_go(item)
            parsed[source.relpath] = item if item is not None and (drafts or not item.meta.draft) else None
            if parsed[source.relpath] is None:
                withheld.append(withheld_slug(source, item))
            stage.advance()
            return source

        def count(total: int) -> None:
            stage.total = total

        sources, problems = discover.scan(config.root, memo.read if memo is not None else None, take, count)
    problems.extend(found)
    published = [item for item in parsed.values() if item is not None]
    problems.extend(duplicates(published))
    problems.extend(missing_pdfs(published))
    problems.extend(translation_problems(published, withheld))
    texts = {} if seen is not None else {source.relpath: source.text for source in sources}
    return ArticleFiles(texts, parsed, published), problems


def let_go(item: Parsed | None) -> Parsed | None:
    """The parse without its text and Markdown body, which `read_back` reads again from the file."""
    if item is None:
        return None
    return replace(item, source=replace(item.source, text=""), body="", digest=text_digest(item.source.text),
                   blank=not item.body.strip())


def text_digest(text: str) -> str:
    """What the render cache knows a file's text by."""
    return parts_digest(text.encode("utf-8"))


class TextChanged(Exception):
    """A file whose text is no longer the text it had when the build read it first."""

    def __init__(self, problem: Diagnostic):
        super().__init__(problem.message)
        self.problem = problem


def read_back(item: Parsed, site_root: Path) -> Parsed:
    """The parse with its text and Markdown body again, when `let_go` let them go; TextChanged when
    the file cannot be read again or reads differently (the build reports it rather than render one
    text of the file with the front-matter of another)."""
    if not item.digest:
        return item
    text, problem = discover.read_again(item.source, site_root)
    if text is None or text_digest(text) != item.digest:
        raise TextChanged(problem or error(item.source.relpath, 1, "content.changed",
                                           "the file changed while the build was reading it; build again"))
    body = "\n".join(text.split("\n")[item.body_line - 1:])
    return replace(item, source=replace(item.source, text=text), body=body, digest="", blank=False)


def parse(source: SourceFile, site_language: str) -> tuple[Parsed | None, list[Diagnostic]]:
    """Split and validate one file's front-matter."""
    try:
        fm = frontmatter.split(source.text)
    except frontmatter.FrontMatterError as exc:
        return None, [frontmatter.as_diagnostic(exc, source.relpath)]
    meta, problems = schema.validate(fm, source.relpath, source.default_slug, site_language)
    if meta is None:
        return None, problems
    return Parsed(source, meta, fm.body, fm.body_line), problems


def duplicates(parsed: list[Parsed]) -> list[Diagnostic]:
    """Every article sharing a slug or a DOI with another, each culprit named."""
    problems = []
    for key, code, label in (("slug", "meta.duplicate-slug", "slug"), ("doi", "meta.duplicate-doi", "DOI")):
        groups: dict[str, list[Parsed]] = defaultdict(list)
        for item in parsed:
            value = getattr(item.meta, key)
            if value:
                groups[value.lower()].append(item)
        for value, items in groups.items():
            if len(items) < 2:
                continue
            for item in items:
                others = ", ".join(o.source.relpath for o in items if o is not item)
                line = item.meta.lines.get(key, 1)
                problems.append(error(item.source.relpath, line, code,
                                      f"{label} '{getattr(item.meta, key)}' is also used by {others}"))
    return problems


def missing_pdfs(parsed: list[Parsed]) -> list[Diagnostic]:
    """A 'pdf' that is not in the article's bundle."""
    problems = []
    for item in parsed:
        pdf = item.meta.pdf
        if not pdf:
            continue
        bundle = item.source.bundle_dir
        if bundle is None or not (bundle / pdf).is_file():
            where = "its bundle folder" if bundle else "a bundle (content/articles/<slug>/index.md with the PDF beside it)"
            problems.append(error(item.source.relpath, item.meta.lines.get("pdf", 1), "meta.pdf-missing",
                                  f"pdf '{pdf}' is not a file in {where}"))
    return problems
