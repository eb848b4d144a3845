"""Translations: an original article and the articles whose 'translation_of' names it, checked once every
article is read."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable, Iterable, Mapping

from archivist.diagnostics import Diagnostic, did_you_mean, error, warning
from archivist.model import Parsed, SourceFile


def translation_problems(parsed: Iterable[Parsed], withheld: Iterable[str] = ()) -> list[Diagnostic]:
    """Every 'translation_of' that names no published article or a translation (groups name their
    original directly, so a group is one original and its translations), and every language that
    two members of a group share, each culprit named. `withheld` holds the slugs of articles left
    out of this build (see `withheld_slug`): naming one of those is only a warning, and so is a
    published translation naming a draft, which a build without drafts leaves out."""
    parsed = list(parsed)
    by_slug = {item.meta.slug: item for item in parsed}
    absent = set(withheld)
    problems = []
    for item in parsed:
        target, line = item.meta.translation_of, item.meta.lines.get("translation_of", 1)
        if target and target not in by_slug and target in absent:
            problems.append(warning(item.source.relpath, line, "meta.translation-of",
                                    f"the original '{target}' is left out of this build (a draft, or its "
                                    "front-matter has errors), so no page links this translation to it"))
            continue
        problem = _target_problem(target, by_slug)
        if problem:
            problems.append(error(item.source.relpath, line, "meta.translation-of", problem))
        elif target and by_slug[target].meta.draft and not item.meta.draft:
            problems.append(warning(item.source.relpath, line, "meta.translation-of",
                                    f"the original '{target}' is a draft: a build without --drafts leaves it out, "
                                    "and then no page links this translation to it"))
    groups = translation_groups(parsed, lambda item: item.meta.slug, lambda item: item.meta.translation_of)
    for members in groups.values():
        problems.extend(_shared_languages(members))
    return problems


def withheld_slug(source: SourceFile, item: Parsed | None) -> str:
    """The slug of an article left out of a build: a draft's own (its `slug:` may differ from its
    file name), or the one the file name gives when the front-matter could not be read."""
    return item.meta.slug if item is not None else source.default_slug


def _target_problem(target: str, by_slug: Mapping[str, Parsed]) -> str:
    if not target:
        return ""
    original = by_slug.get(target)
    if original is None:
        return f"no published article has the slug '{target}'{did_you_mean(target, by_slug)}"
    above = original.meta.translation_of
    if above:
        return (f"'{target}' is itself a translation (of '{above}'); name the original, "
                f"which every translation of it names too")
    return ""


def translation_groups(items: list[Any], slug_of: Callable[[Any], str],
                       original_of: Callable[[Any], str]) -> dict[str, list[Any]]:
    """Original slug -> [original, translations...], for originals that have a translation; a member
    whose original is missing or is itself a translation is left out (that is an error)."""
    by_slug = {slug_of(item): item for item in items}
    groups: dict[str, list] = defaultdict(list)
    for item in items:
        original = by_slug.get(original_of(item))
        if original is not None and not original_of(original):
            groups[slug_of(original)].append(item)
    return {slug: [by_slug[slug], *members] for slug, members in groups.items()}


def _shared_languages(members: list[Parsed]) -> list[Diagnostic]:
    by_language: dict[str, list[Parsed]] = defaultdict(list)
    for item in members:
        by_language[item.meta.language.casefold()].append(item)
    problems = []
    for sharing in by_language.values():
        for item in sharing if len(sharing) > 1 else ():
            others = ", ".join(o.source.relpath for o in sharing if o is not item)
            line, whence = _language_source(item)
            problems.append(error(item.source.relpath, line, "meta.translation-language",
                                  f"language '{item.meta.language}'{whence} is also the language of {others}, in the "
                                  f"same translation group (of '{members[0].meta.slug}'); each language may appear once"))
    return problems


def _language_source(item: Parsed) -> tuple[int, str]:
    """Where to report a member's language, and a note when the site gave it: an original without
    `language:` has neither key, so its title line stands for the article."""
    lines = item.meta.lines
    line = lines.get("translation_of") or lines.get("language") or lines.get("title", 1)
    whence = "" if "language" in lines else " (the site's default, since the article sets no 'language')"
    return line, whence
