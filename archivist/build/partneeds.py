"""Which articles of other parts a part must render to make its own pages exactly as a whole build does.

Another part's article reaches this part's pages in two ways: as a summary (related articles,
translations), which shows its front-matter and whether it has a text; and as a citing article in
the "cited by" block of an article it cites, which shows the passages that cite it. Front-matter is
loaded for every article anyway; the rest is decided here, cheaply, with a margin on the safe side:

- a body that is blank has no text, and one with more than a few pages of words has one; a short
  body may be nothing but notes never referred to, link definitions or comments, which show nothing,
  so it is rendered to know (short bodies render fast);
- an article may cite one of this part's articles only if a key its text puts after an '@' (or its
  `nocite` lists) is a work of its bibliography that is one of them (by DOI, or by title and year, as
  the cite step links them). Those articles are rendered and cited
  here as in their own part. Reading every citing article's bibliography is the price; rendering is
  paid only for the few that may cite this part's articles.
"""

from __future__ import annotations

import re
from typing import Collection, Iterable, Sequence

from archivist.citations.bibliography import Bibliography, BibliographyReader, site_bibliography_files
from archivist.citations.cite_references import archive_paths
from archivist.citations.references import archive_path_of
from archivist.citations.styles import citation_mode
from archivist.config import SiteConfig
from archivist.diagnostics import Diagnostic, error
from archivist.model import Article, Parsed

COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
CITED_KEY = re.compile(r"@(?:\{([^{}\n]+)\}|(\w(?:[\w:.#$%&\-+?<>~/]*\w)?))")  # as markdown.citations reads keys
SHORT_BODY = 2000  # characters outside comments: below this a body is rendered to know whether it shows text


def presumed_text(body: str) -> bool | None:
    """Whether a body shows text on its page, as far as its length tells: None when only rendering it can."""
    if not body.strip():
        return False
    if len(COMMENT.sub("", body).strip()) < SHORT_BODY:
        return None
    return True


def presumption_problems(articles: Iterable[Article], bodies: dict[str, str]) -> list[Diagnostic]:
    """An article of this part whose long body shows nothing: the other parts' pages would take it for
    one with a text, so the build stops and says why (`bodies`: source -> Markdown body)."""
    problems = []
    for article in articles:
        source = article.source.relpath
        if presumed_text(bodies[source]) and not article.has_body:
            problems.append(error(source, article.body_line, "build.part-body",
                                  "the body shows nothing on the page, though it is long; the other parts of a "
                                  "build in parts take it for a text: remove what it holds, or leave it empty"))
    return problems


def possible_citers(config: SiteConfig, others: Sequence[Parsed], every: Sequence[Parsed],
                    targets: Collection[str]) -> set[str]:
    """The sources of `others` that may cite an article whose url_path is among `targets`; `every` is
    the whole archive, whose articles references are matched against."""
    site_wide = bool(site_bibliography_files(config.root))
    citing = [item for item in others if citation_mode(config, item.meta, site_wide)
              and (item.meta.nocite or CITED_KEY.search(item.body))]
    if not citing or not targets:
        return set()
    reader = BibliographyReader(config, config.cache_dir / "bibliography")
    try:
        bibliographies, _problems = reader.for_articles([(item.source, item.meta) for item in citing])
    finally:
        reader.close()  # the problems are reported by the article's own part
    paths = archive_paths([item.meta for item in every])
    return {item.source.relpath for item, bibliography in zip(citing, bibliographies)
            if _may_cite(item, bibliography, paths, targets)}


def _may_cite(item: Parsed, bibliography: Bibliography, paths: dict[str, str], targets: Collection[str]) -> bool:
    """Whether a key the text (or `nocite`) names is a work that is one of the `targets`: looked up key
    by key, since a site-wide bibliography may hold thousands of works."""
    if "*" in item.meta.nocite:
        return any(archive_path_of(entry.csl, paths) in targets for entry in bibliography.entries.values())
    for key in {*named_keys(item.body), *item.meta.nocite}:
        entry = bibliography.get(key)
        if entry is not None and archive_path_of(entry.csl, paths) in targets:
            return True
    return False


def named_keys(text: str) -> set[str]:
    """Every word after an '@' that may be a citation key, wherever it stands (in code too, and with or
    without Markdown's backslash escapes): more than the body cites, never less."""
    found = set()
    for variant in (text, text.replace("\\", "")):
        for braced, bare in CITED_KEY.findall(variant):
            found.add(braced.strip() or bare)
    return found
