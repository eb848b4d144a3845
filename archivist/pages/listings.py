"""Plan the browsing pages: all articles (paginated), authors, journals, volumes, issues, years, keywords."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from archivist.library.collections import Author, Collections, Issue, Journal, Keyword, Volume, Year
from archivist.util.names import initial_of
from archivist.config import SiteConfig
from archivist.i18n import labels_for
from archivist.library.assemble import Library
from archivist.library.entry import Entry
from archivist.markdown import MarkdownOptions, inline_text, render_inline
from .jobs import OutputJob


@dataclass(frozen=True)
class Crumb:
    """One step of a breadcrumb trail; the last one is the page itself."""

    label: str
    path: str
    lang: str = ""


@dataclass(frozen=True)
class Pagination:
    """Where a page of a long list sits among its siblings, with every sibling's site path."""

    page: int
    paths: tuple[str, ...]  # site path of page 1, 2, ...

    @property
    def pages(self) -> int:
        return len(self.paths)

    @property
    def previous(self) -> str:
        return self.paths[self.page - 2] if self.page > 1 else ""

    @property
    def next(self) -> str:
        return self.paths[self.page] if self.page < self.pages else ""


def plan_listings(config: SiteConfig, library: Library) -> list[OutputJob]:
    """Every listing page, in a stable order; the groups come from the library's site data (authors,
    journals) as assembled, so planning reads no file."""
    groups = library.collections
    jobs = list(_article_pages(config, library, groups))
    jobs += _author_pages(config, groups)
    jobs += _journal_pages(config, groups)
    jobs += _year_pages(config, groups)
    jobs += _keyword_pages(config, groups)
    return jobs


def _job(path: str, template: str, shown: Iterable[Entry], **context: Any) -> OutputJob:
    """A listing page; its sources are the articles it shows, so editing one re-renders it."""
    return OutputJob(f"{path}index.html", template, context,
                     sources=tuple(sorted({e.article.source.relpath for e in shown})))


def _home(config: SiteConfig) -> Crumb:
    return Crumb(_labels(config)["home"], "")


def _labels(config: SiteConfig) -> Mapping[str, str]:
    return labels_for(config.language, config.templates_dir / "i18n")


def _trail(config: SiteConfig, *steps: tuple[str, str] | Crumb) -> tuple[Crumb, ...]:
    crumbs = [step if isinstance(step, Crumb) else Crumb(*step) for step in steps]
    return (_home(config), *crumbs)


def article_page_paths(count: int, page_size: int) -> tuple[str, ...]:
    """'articles/', 'articles/page/2/', … enough pages for `count` articles (at least one)."""
    pages = max(1, -(-count // page_size))
    return tuple("articles/" if n == 1 else f"articles/page/{n}/" for n in range(1, pages + 1))


def _article_pages(config: SiteConfig, library: Library, groups: Collections) -> Iterable[OutputJob]:
    labels = _labels(config)
    paths = article_page_paths(len(library.entries), config.page_size)
    for number, path in enumerate(paths, start=1):
        start = (number - 1) * config.page_size
        entries = library.entries[start:start + config.page_size]
        crumbs = _trail(config, (labels["articles"], "articles/"))
        if number > 1:
            crumbs += (Crumb(labels["page_n_of"].format(page=number, pages=len(paths)), path),)
        yield _job(path, "listing_articles.html", entries, entries=entries, collections=groups,
                   pagination=Pagination(number, paths), total=len(library.entries), breadcrumbs=crumbs)


def _author_pages(config: SiteConfig, groups: Collections) -> list[OutputJob]:
    labels = _labels(config)
    index = (labels["authors"], "authors/")
    letters: dict[str, list[Author]] = {}
    for author in groups.authors:
        letters.setdefault(author.initial, []).append(author)
    jobs = [_job("authors/", "listing_authors.html", (), letters=tuple(letters.items()), collections=groups,
                 breadcrumbs=_trail(config, index))]
    options = MarkdownOptions.of(config)
    for author in groups.authors:
        crumbs = _trail(config, index, (author.name, author.path))
        jobs.append(_job(author.path, "author.html", author.entries, author=author, entries=author.entries,
                         bio_html=bio_paragraphs(author.bio, config.language, options), collections=groups,
                         breadcrumbs=crumbs))
    return jobs


def bio_paragraphs(bio: str, language: str, options: MarkdownOptions = MarkdownOptions()) -> tuple[str, ...]:
    """A biography's paragraphs as HTML, with the inline Markdown titles allow (emphasis, code)."""
    return tuple(render_inline(" ".join(p.split()), language, options) for p in bio.split("\n\n") if p.strip())


def _journal_pages(config: SiteConfig, groups: Collections) -> list[OutputJob]:
    labels = _labels(config)
    index = (labels["journals"], "journals/")
    jobs = [_job("journals/", "listing_journals.html", (), journals=groups.journals_only,
                 others=groups.other_containers, collections=groups, breadcrumbs=_trail(config, index))]
    for journal in groups.journals:
        crumb = Crumb(journal.title, journal.path, journal.language)
        jobs.append(_job(journal.path, "journal.html", journal.entries, journal=journal, collections=groups,
                         breadcrumbs=_trail(config, index, crumb)))
        for volume in journal.volumes:
            jobs.extend(_volume_pages(config, groups, journal, volume, (index, crumb)))
    return jobs


def _volume_pages(config: SiteConfig, groups: Collections, journal: Journal, volume: Volume,
                  above: tuple) -> list[OutputJob]:
    labels = _labels(config)
    volume_crumb = Crumb(labels["volume_n"].format(volume=volume.volume), volume.path)
    entries = [e for issue in volume.issues for e in issue.entries]
    jobs = [_job(volume.path, "issue.html", entries, journal=journal, volume=volume, issue=None,
                 collections=groups, breadcrumbs=_trail(config, *above, volume_crumb))]
    for issue in volume.issues:
        if issue.issue:
            crumb = Crumb(labels["issue_n"].format(issue=issue.issue), issue.path)
            jobs.append(_job(issue.path, "issue.html", issue.entries, journal=journal, volume=volume, issue=issue,
                             collections=groups, breadcrumbs=_trail(config, *above, volume_crumb, crumb)))
    return jobs


def _year_pages(config: SiteConfig, groups: Collections) -> list[OutputJob]:
    index = (_labels(config)["years"], "years/")
    jobs = [_job("years/", "listing_years.html", (), years=groups.years, collections=groups,
                 breadcrumbs=_trail(config, index))]
    for year in groups.years:
        jobs.append(_job(year.path, "listing_year.html", year.entries, year=year, entries=year.entries,
                         collections=groups, breadcrumbs=_trail(config, index, (str(year.year), year.path))))
    return jobs


def _keyword_pages(config: SiteConfig, groups: Collections) -> list[OutputJob]:
    index = (_labels(config)["keywords"], "keywords/")
    jobs = [_job("keywords/", "listing_keywords.html", (), keywords=groups.keywords, collections=groups,
                 breadcrumbs=_trail(config, index))]
    for keyword in groups.keywords:
        crumb = Crumb(keyword.label, keyword.path, keyword.language)
        jobs.append(_job(keyword.path, "listing_keyword.html", keyword.entries, keyword=keyword,
                         entries=keyword.entries, collections=groups, breadcrumbs=_trail(config, index, crumb)))
    return jobs


def article_extras(config: SiteConfig, library: Library, entry: Entry) -> dict[str, Any]:
    """What article.html needs from the collections: related articles, breadcrumbs, the byline's pages,
    and the article's translations."""
    groups = library.collections
    labels = _labels(config)
    meta = entry.article.meta
    title_text = inline_text(meta.title, meta.language, MarkdownOptions.of(config))
    title = Crumb(title_text, entry.article.url_path, meta.language)
    journal, issue = groups.journal_of(entry), groups.issue_of(entry)
    if journal is None:
        crumbs = _trail(config, (labels["articles"], "articles/"), title)
    else:
        steps: list[tuple[str, str] | Crumb] = [(labels["journals"], "journals/"),
                                                 Crumb(journal.title, journal.path, journal.language)]
        if issue is not None:
            steps.append(_issue_crumb(labels, issue))
        crumbs = _trail(config, *steps, title)
    return {"related": groups.related(entry), "breadcrumbs": crumbs, "collections": groups,
            "translations": library.translations.get(entry.slug, ()), "cited_by": library.cited_by(entry)}


def _issue_crumb(labels: dict[str, str], issue: Issue) -> Crumb:
    if issue.issue:
        return Crumb(labels["volume_issue"].format(volume=issue.volume, issue=issue.issue), issue.path)
    return Crumb(labels["volume_n"].format(volume=issue.volume), issue.path)


def home_extras(config: SiteConfig, library: Library) -> dict[str, Any]:
    """What the home page can show beyond the newest articles: journals, other collections, years."""
    groups = library.collections
    return {"journals": groups.journals_only, "others": groups.other_containers, "years": groups.years,
            "collections": groups, "feed_path": "feed.xml"}


__all__ = ["plan_listings", "article_extras", "home_extras", "Crumb", "Pagination", "Keyword", "Year",
           "initial_of"]
