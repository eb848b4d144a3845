"""An article's citations in place and its reference list: from the body's recorded citations, its
bibliography and what citeproc-js formats for them (engine.format_articles).

`job_for` checks every cited key (an unknown key is an error at its line and column, with a
did-you-mean) and says what to format; `apply` puts the formatted clusters where the body's
placeholders stand, links each work to its entry, and adds the References section before the notes.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace
from typing import Any, Callable, Mapping, Sequence

from archivist.citations.csl_fields import issued_year
from archivist.citations.sanitize import clean_html, html_to_text
from archivist.diagnostics import Diagnostic, did_you_mean, error
from archivist.markdown.citations import PLACEHOLDER_PATTERN
from archivist.markdown.references_place import MARKER_PATTERN
from archivist.model import Article, CitationUse, Heading, Reference

_MARKED = re.compile("\ue030([^\ue031]*)\ue031(.*?)\ue032", re.S)
_MARKED_KEY = re.compile("\ue030([^\ue031]*)\ue031")
_ID_UNSAFE = re.compile(r"[^\w:.\-]+")
NOTES_SECTION = '<section class="footnotes"'


@dataclass(frozen=True)
class Planned:
    """What one article asks citeproc-js for, and how its keys map onto bibliography entries."""

    job: dict[str, Any]  # worker.js formatArticle's input
    works: Mapping[str, Mapping[str, Any]]  # entry key -> its CSL-JSON item (id = entry key)
    cited_as: Mapping[str, str]  # a key as the body writes it (doi:…) -> the entry key


def job_for(article: Article, bibliography: Any) -> tuple[Planned | None, list[Diagnostic]]:
    """The article's formatting job, or None when it cites nothing; its unknown keys as errors."""
    uses = article.body.citations
    nocite = article.meta.nocite
    if not uses and not nocite:
        return None, []
    problems: list[Diagnostic] = []
    cited_as: dict[str, str] = {}
    for use in uses:
        for item in use.items:
            found = _entry_key(bibliography, item.key)
            if found is None:
                problems.append(_unknown(article, bibliography, item.key, use.line, use.column))
            else:
                cited_as[item.key] = found
    uncited = _nocited(article, bibliography, problems)
    if problems:
        return None, problems
    keys = list(dict.fromkeys([*cited_as.values(), *uncited]))
    works = {key: {**bibliography.entries[key].csl, "id": key} for key in keys}
    job = {"items": [works[key] for key in keys],
           "clusters": [_cluster(use, cited_as) for use in uses],
           "uncited": [key for key in uncited if key not in cited_as.values()],
           "bibliography": True}
    return Planned(job, works, cited_as), []


def _entry_key(bibliography: Any, key: str) -> str | None:
    entry = bibliography.get(key) if bibliography is not None else None
    return entry.key if entry is not None else None


def _unknown(article: Article, bibliography: Any, key: str, line: int, column: int) -> Diagnostic:
    known = list(bibliography.entries) if bibliography is not None else []
    if not known and not article.meta.bibliography:
        hint = " (the article has no bibliography: add 'bibliography:' to its front-matter)"
    elif not known:
        hint = " (its bibliography files hold no works)"
    elif key.lower().startswith("doi:"):
        hint = f" (no work in its bibliography has this DOI; add it with: archivist refs add {article.source.relpath} {key})"
    else:
        hint = did_you_mean(key, known)
    return error(article.source.relpath, line, "cite.unknown-key", f"unknown citation key '{key}'{hint}", column)


def _nocited(article: Article, bibliography: Any, problems: list[Diagnostic]) -> list[str]:
    keys: list[str] = []
    entries = bibliography.entries if bibliography is not None else {}
    for key in article.meta.nocite:
        if key == "*":
            keys.extend(entries)
            continue
        found = _entry_key(bibliography, key)
        if found is None:
            line = article.meta.lines.get("nocite", 1)
            problems.append(error(article.source.relpath, line, "cite.unknown-key",
                                  f"'nocite' names an unknown citation key '{key}'{did_you_mean(key, list(entries))}"))
        else:
            keys.append(found)
    return keys


def _cluster(use: CitationUse, cited_as: Mapping[str, str]) -> dict[str, Any]:
    """A citeproc-js citation: its items with locators and affixes, its note, its mode."""
    items = []
    for item in use.items:
        entry: dict[str, Any] = {"id": cited_as[item.key]}
        if item.locator:
            entry.update(locator=item.locator, label=item.label or "page")
        if item.prefix:
            entry["prefix"] = item.prefix + " "
        if item.suffix:
            entry["suffix"] = item.suffix
        if item.suppress_author:
            entry["suppress-author"] = True
        items.append(entry)
    mode = "author-only" if use.author_only else ("composite" if use.narrative and not use.in_own_note else "")
    return {"items": items, "noteIndex": use.note, "mode": mode}


def anchor_of(key: str, taken: set[str]) -> str:
    """The id of a work's entry: 'ref-' and the key, made safe for ids and fragments, unique."""
    base = "ref-" + (_ID_UNSAFE.sub("-", key).strip("-") or "work")
    anchor, n = base, 1
    while anchor in taken:
        n += 1
        anchor = f"{base}-{n}"
    taken.add(anchor)
    return anchor


def apply(article: Article, planned: Planned, reply: Mapping[str, Any], labels: Mapping[str, str],
          archive_paths: Mapping[str, str], url_for: Callable[[str], str]) -> tuple[Article, tuple[Reference, ...]]:
    """The article with its citations in place and its References section, and its references."""
    uses = article.body.citations
    entries = reply.get("bibliography") or {"keys": [], "entries": []}
    taken = set(article.body.ids)
    anchors = {key: anchor_of(key, taken) for key in entries["keys"]}
    cited_at: dict[str, list[str]] = {}
    for use in uses:
        for item in use.items:
            cited_at.setdefault(planned.cited_as[item.key], []).append(use.id)
    shown = {use.id: _cluster_html(use, pair, anchors) for use, pair in zip(uses, reply["clusters"])}
    references = tuple(_reference(key, planned.works[key], entry_html, anchors[key], cited_at, archive_paths)
                       for key, entry_html in zip(entries["keys"], entries["entries"]))
    body_html = PLACEHOLDER_PATTERN.sub(lambda m: shown.get(m.group(1), ""), article.body.html)
    title = article.body.references_title or labels.get("references") or "References"
    body_html = _with_section(body_html, references_section(references, title, labels, url_for))
    toc = tuple(replace(h, html=PLACEHOLDER_PATTERN.sub(lambda m: _unlinked(shown.get(m.group(1), "")), h.html))
                for h in article.body.toc)
    toc = _with_contents_entry(toc, body_html, title) if references else toc
    body = replace(article.body, html=body_html, toc=toc, ids=article.body.ids + tuple(anchors.values()))
    return replace(article, body=body), references


def _cluster_html(use: CitationUse, pair: Sequence[str], anchors: Mapping[str, str]) -> str:
    plain = clean_html(pair[0]).replace("[NO_PRINTED_FORM] ", "").replace("[NO_PRINTED_FORM]", "")
    keys = " ".join(dict.fromkeys(item.key for item in use.items))
    inner = _linked(plain, clean_html(pair[1]), anchors)
    return f'<span class="citation" id="{use.id}" data-cites="{html.escape(keys)}">{inner}</span>'


def _linked(plain: str, marked: str, anchors: Mapping[str, str]) -> str:
    """The style's own text, each work's part made a link to its entry. The marked formatting (see
    worker.js) lacks the cluster's outer affixes, so its text is found inside the plain one; when it
    is not there, or a part holds a link of its own, the text is shown unlinked, never changed."""
    bare = _MARKED.sub(lambda m: m.group(2), marked)
    at = plain.find(bare) if bare else -1
    if at < 0:
        works = set(_MARKED_KEY.findall(marked))
        anchor = anchors.get(works.pop()) if len(works) == 1 else None
        if anchor is None or "<a " in plain:
            return plain
        return f'<a class="citation__ref" href="#{anchor}" role="doc-biblioref">{plain}</a>'

    def link(m: re.Match[str]) -> str:
        anchor = anchors.get(m.group(1))
        if anchor is None or "<a " in m.group(2):
            return m.group(2)
        return f'<a class="citation__ref" href="#{anchor}" role="doc-biblioref">{m.group(2)}</a>'

    return plain[:at] + _MARKED.sub(link, marked) + plain[at + len(bare):]


def _unlinked(shown: str) -> str:
    return re.sub(r"</?a\b[^>]*>", "", re.sub(r'\s(?:id|data-cites)="[^"]*"', "", shown))


def _reference(key: str, csl: Mapping[str, Any], entry_html: str, anchor: str, cited_at: Mapping[str, list[str]],
               archive_paths: Mapping[str, str]) -> Reference:
    clean = clean_html(entry_html)
    return Reference(key=key, csl=csl, html=clean, text=html_to_text(clean), anchor=anchor,
                     cited_at=tuple(cited_at.get(key, ())), archive_path=archive_path_of(csl, archive_paths))


def archive_path_of(csl: Mapping[str, Any], archive_paths: Mapping[str, str]) -> str:
    """The url_path of the archive's article this work is: by DOI, else by title and year."""
    doi = str(csl.get("DOI") or "").strip().lower()
    if doi and f"doi:{doi}" in archive_paths:
        return archive_paths[f"doi:{doi}"]
    return archive_paths.get(title_year_key(str(csl.get("title") or ""), _year(csl)), "")


def title_year_key(title: str, year: str) -> str:
    words = re.sub(r"<[^>]+>|[^\w\s]", " ", title.casefold()).split()
    return f"title:{' '.join(words)}|{year}" if words and year else ""


def _year(csl: Mapping[str, Any]) -> str:
    """The issued year, read from a 'raw' or 'literal' date when the work has no date parts."""
    issued = csl.get("issued")
    raw = str(issued.get("raw") or issued.get("literal") or "") if isinstance(issued, Mapping) else ""
    found = re.search(r"\d{4}", raw)
    return issued_year(csl) or (found.group(0) if found else "")


def references_section(references: Sequence[Reference], title: str, labels: Mapping[str, str],
                       url_for: Callable[[str], str]) -> str:
    """The References section under `title`: each entry with its way back to every place that cites it."""
    if not references:
        return ""
    title = html.escape(title)
    items = "".join(_entry_item(ref, labels, url_for) for ref in references)
    return (f'<section class="references" id="references" role="doc-bibliography" aria-labelledby="references-title">\n'
            f'<h2 id="references-title">{title}</h2>\n<ul class="references__list">\n{items}</ul>\n</section>\n')


def _entry_item(ref: Reference, labels: Mapping[str, str], url_for: Callable[[str], str]) -> str:
    back = labels.get("back_to_citation") or "Back to citation {n}"
    links = " ".join(
        f'<a href="#{cite}" class="ref-back" role="doc-backlink" aria-label="{html.escape(back.replace("{n}", str(n)))}">'
        f'↩{f"<sup>{n}</sup>" if n > 1 else ""}</a>'
        for n, cite in enumerate(ref.cited_at, 1))
    archive = ""
    if ref.archive_path:
        archive = (f' <a class="reference__archive" href="{html.escape(url_for(ref.archive_path))}">'
                   f'{html.escape(labels.get("in_this_archive") or "In this archive")}</a>')
    back_links = f' <span class="reference__back">{links}</span>' if links else ""
    return (f'<li class="reference" id="{ref.anchor}"><span class="reference__text">{ref.html}</span>'
            f'{archive}{back_links}</li>\n')


def _with_contents_entry(toc: tuple[Heading, ...], body_html: str, title: str) -> tuple[Heading, ...]:
    """The contents with the References section among the headings when it stands between them (at
    an author's `::: {#refs}`); at the end, the page's template lists it after the headings itself."""
    at = body_html.find('id="references"')
    after = [h for h in toc if body_html.find(f'id="{h.id}"') > at]
    if not toc or not after:
        return toc
    top = min(h.level for h in toc)
    entry = Heading(top, "references", title, html.escape(title))
    index = toc.index(after[0])
    return toc[:index] + (entry,) + toc[index:]


def _with_section(body_html: str, section: str) -> str:
    """The References section where the author's `::: {#refs}` stood, else before the notes, as
    Pandoc places it, else at the end."""
    marked = MARKER_PATTERN.search(body_html)
    if marked:
        return body_html[:marked.start()] + section + MARKER_PATTERN.sub("", body_html[marked.end():])
    if not section:
        return body_html
    at = body_html.find(NOTES_SECTION)
    return body_html + section if at < 0 else body_html[:at] + section + body_html[at:]
