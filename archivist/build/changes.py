"""Decide what a change to the site's files forces to be rendered again: one pure function of two states."""

from __future__ import annotations

from dataclasses import dataclass, field
from posixpath import dirname
from typing import Any, Mapping

from archivist.library import ENTRY


@dataclass(frozen=True)
class SiteState:
    """What a build depended on, reduced to hashes, so two builds can be compared without re-reading files.

    ``outputs`` and ``pages`` describe the rendered pages of that build; they are empty for a state
    taken from disk before planning, which `plan_rebuild` reads as "not known yet".
    """

    settings: str = ""  # hash of pyproject.toml, build options and the package version
    templates: Mapping[str, str] = field(default_factory=dict)  # template/static/locale/style file -> hash
    sources: Mapping[str, str] = field(default_factory=dict)  # every content file -> hash
    listed: Mapping[str, str] = field(default_factory=dict)  # article source -> hash of what listings show
    slugs: Mapping[str, str] = field(default_factory=dict)  # article source -> its slug
    links: Mapping[str, frozenset[str]] = field(default_factory=dict)  # article source -> slugs it links to
    paths: Mapping[str, frozenset[str]] = field(default_factory=dict)  # article source -> root paths it links to
    aliases: Mapping[str, str] = field(default_factory=dict)  # an article's old address -> its slug
    outputs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # page -> the article sources it declares
    pages: Mapping[str, str] = field(default_factory=dict)  # page -> the article source it is the page of
    contexts: Mapping[str, str] = field(default_factory=dict)  # page -> digest of what it was given when planned
    reads: Mapping[str, tuple[tuple, ...]] = field(default_factory=dict)  # page -> (root, paths, digest) it read
    seen: Any = field(default_factory=dict)  # (root, paths) -> digest on this build's library; `.get` only


@dataclass(frozen=True)
class RebuildPlan:
    """The work one change needs; ``full`` means start again from nothing."""

    full: bool = False
    reason: str = ""
    articles: frozenset[str] = frozenset()  # sources to load, cite and render again
    removed: frozenset[str] = frozenset()  # sources that are gone
    relisted: frozenset[str] = frozenset()  # sources whose listing facts changed (added, removed, retitled ...)
    outputs: frozenset[str] = frozenset()  # pages to render again

    @property
    def nothing(self) -> bool:
        """True when the change cannot alter the built site (a save without edits, an ignored file)."""
        return not (self.full or self.articles or self.removed or self.outputs)


def plan_rebuild(old: SiteState | None, new: SiteState) -> RebuildPlan:
    """Which articles and pages a change touches; when unsure, everything.

    Settings and templates reach every page (a base template is extended by all), so any change
    to them rebuilds all. A changed article re-renders its own pages. Any other page is rendered
    again when it is new, when what it was given at planning differs (other articles on it, another
    page of a paginated list, other related articles), or when what it read while it rendered (an
    article's title, an author's page) reads differently now: dependencies are recorded, not guessed.
    An article that links to another by its slug or by an old address is rendered again when that
    slug or address comes or goes.
    """
    if old is None:
        return RebuildPlan(full=True, reason="first build")
    if old.settings != new.settings:
        return RebuildPlan(full=True, reason="settings changed")
    changed_templates = _changed_keys(old.templates, new.templates)
    if changed_templates:
        return RebuildPlan(full=True, reason=f"templates changed: {', '.join(sorted(changed_templates))}")
    changed = _changed_keys(old.sources, new.sources)
    articles_before, articles_now = set(old.listed), set(new.listed)
    touched, site_data = _articles_touched(changed, articles_before | articles_now)
    if site_data:
        return RebuildPlan(full=True, reason=f"site data changed: {', '.join(sorted(site_data))}")
    removed = frozenset(articles_before - articles_now)
    relisted = frozenset(s for s in touched if old.listed.get(s) != new.listed.get(s))
    articles = ((touched - removed) | _linking_to(_changed_slugs(old, new), new)
                | _linking_to_paths(_changed_keys(old.aliases, new.aliases), new))
    outputs = _outputs_to_render(old, new, frozenset(articles) | removed, relisted)
    return RebuildPlan(articles=frozenset(articles), removed=removed, relisted=relisted, outputs=outputs,
                       reason=_describe(articles, removed, relisted))


def _changed_keys(old: Mapping[str, object], new: Mapping[str, object]) -> set[str]:
    return {key for key in old.keys() | new.keys() if old.get(key) != new.get(key)}


def _articles_touched(changed: set[str], articles: set[str]) -> tuple[set[str], set[str]]:
    """Articles whose file or bundle asset changed, and changed files that belong to no article."""
    bundles = {dirname(a) + "/": a for a in articles if a.endswith("/index.md")}
    touched, site_data = set(), set()
    for path in changed:
        if path in articles:
            touched.add(path)
            continue
        owner = next((a for folder, a in bundles.items() if path.startswith(folder)), None)
        if owner is None:
            site_data.add(path)
        else:
            touched.add(owner)
    return touched, site_data


def _changed_slugs(old: SiteState, new: SiteState) -> set[str]:
    """Slugs that appeared or disappeared: links to them now resolve differently."""
    return set(old.slugs.values()) ^ set(new.slugs.values())


def _linking_to(slugs: set[str], new: SiteState) -> set[str]:
    if not slugs:
        return set()
    return {source for source, targets in new.links.items() if targets & slugs}


def _linking_to_paths(paths: set[str], new: SiteState) -> set[str]:
    """Articles with a link to an old address that now leads elsewhere: their links are written anew."""
    if not paths:
        return set()
    return {source for source, targets in new.paths.items() if targets & paths}


def _outputs_to_render(old: SiteState, new: SiteState, articles: frozenset[str],
                       relisted: frozenset[str]) -> frozenset[str]:
    chosen: set[str] = set()
    for state in (old, new):
        chosen.update(page for page, owner in state.pages.items() if owner in articles)
    if not new.outputs:
        return frozenset(chosen)  # the new pages are not planned yet: their own articles' pages for now
    for page in new.outputs:
        if page in chosen:
            continue
        if page not in old.outputs or old.contexts.get(page) != new.contexts.get(page) or page not in old.reads:
            chosen.add(page)
        elif _read_changed(old.reads[page], new, articles, relisted):
            chosen.add(page)
    return frozenset(chosen.intersection(new.outputs))


def _read_changed(reads: tuple[tuple, ...], new: SiteState, articles: frozenset[str], relisted: frozenset[str]) -> bool:
    """Whether anything a page read reads differently now. An article's values depend on its own file
    alone, so only the changed ones are looked at; what the collections gave (an article's author pages,
    its journal) depends on every article's listing facts, so it is looked at when any of those changed."""
    for root, paths, found in reads:
        if root[0] == ENTRY:
            if root[1] not in articles:
                continue
        elif not relisted:
            continue
        if new.seen.get((root, paths)) != found:
            return True
    return False


def _describe(articles: set[str], removed: frozenset[str], relisted: frozenset[str]) -> str:
    parts = []
    if articles:
        parts.append(f"{len(articles)} article(s) changed")
    if removed:
        parts.append(f"{len(removed)} removed")
    if relisted:
        parts.append(f"{len(relisted)} listed differently")
    return ", ".join(parts) or "nothing relevant changed"
