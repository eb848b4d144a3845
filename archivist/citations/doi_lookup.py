"""Fetch one work's CSL-JSON by DOI content negotiation, for `archivist refs add` only: the build never
imports this module, so a build stays offline whatever its bibliographies cite."""

from __future__ import annotations

import json
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from archivist import __version__
from archivist.util.identifiers import normalise_doi

DEFAULT_RESOLVER = "https://doi.org/"
RESOLVER_ENV = "ARCHIVIST_DOI_RESOLVER"
CSL_JSON = "application/vnd.citationstyles.csl+json"
TIMEOUT_SECONDS = 20.0
USER_AGENT = f"archivist/{__version__} (refs add; DOI content negotiation)"
MAX_REPLY_BYTES = 8 * 1024 * 1024  # a work's record with its whole reference list is well under 1 MB

# What a registration agency adds for its own bookkeeping, which no citation style prints: cited
# references and licences (often hundreds of lines), index and deposit times, counts and scores,
# links for text mining, funders, the agency's member and prefix numbers, and dates that repeat
# `issued` (Crossref's published-print/-online). `abstract` is left out too: it is long, often
# JATS markup, and a reference list never shows it.
NOISE = frozenset({
    "abstract", "accepted", "alternative-id", "approved", "assertion", "content-domain", "copyright",
    "created", "deposited", "funder", "indexed", "institution", "is-referenced-by-count", "isbn-type",
    "issn-type", "journal-issue", "license", "link", "member", "prefix", "published", "published-online",
    "published-other", "published-print", "reference", "reference-count", "references-count", "relation",
    "resource", "score", "short-container-title", "source", "subject", "update-policy", "update-to",
})
# Name parts no style reads, which Crossref adds: the order of authors (the list has it), ORCID checks, affiliations.
NAME_NOISE = frozenset({"sequence", "authenticated-orcid", "affiliation"})
NAME_ROLES = ("author", "editor", "translator", "container-author", "collection-editor", "composer",
              "director", "editorial-director", "illustrator", "interviewer", "original-author", "recipient",
              "reviewed-author")


class DoiLookupError(Exception):
    """A DOI that could not be turned into a CSL-JSON item; the message is the one line to show."""


def parse_identifier(text: str) -> str | None:
    """The bare DOI of `doi:10.…`, a bare `10.…` DOI or a doi.org URL; None for anything else."""
    return normalise_doi(text)


def citation_id(doi: str) -> str:
    """The citation key an item fetched by DOI is filed under (Manubot's form): DOIs ignore case."""
    return f"doi:{doi.lower()}"


def resolver_url(option: str | None) -> str:
    """The resolver to ask: --resolver, else $ARCHIVIST_DOI_RESOLVER, else doi.org; always ending in '/'."""
    url = option or os.environ.get(RESOLVER_ENV) or DEFAULT_RESOLVER
    return url if url.endswith("/") else url + "/"


def fetch(doi: str, resolver: str, timeout: float = TIMEOUT_SECONDS) -> dict[str, Any]:
    """The work's CSL-JSON item, cleaned and filed under `citation_id(doi)`; DoiLookupError says why not."""
    url = resolver + urllib.parse.quote(doi, safe="/:;()")
    request = urllib.request.Request(url, headers={"Accept": CSL_JSON, "User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:  # follows doi.org's redirect
            body, kind = reply.read(MAX_REPLY_BYTES + 1), reply.headers.get_content_type()
    except urllib.error.HTTPError as exc:
        raise DoiLookupError(_http_problem(doi, exc)) from None
    except (urllib.error.URLError, OSError, socket.timeout) as exc:
        reason = getattr(exc, "reason", exc)
        raise DoiLookupError(f"could not reach {resolver} to look up {doi}: {reason}") from None
    return clean(_decoded(doi, body, kind), doi)


def _http_problem(doi: str, exc: urllib.error.HTTPError) -> str:
    exc.close()
    if exc.code == 404:
        return f"no such DOI: {doi} (the resolver answered 404 Not Found; check it for typos)"
    if exc.code == 406:
        return f"{doi} has no citation metadata: its registration agency does not offer CSL-JSON (406)"
    return f"the resolver answered {exc.code} {exc.reason} for {doi}; try again later"


def _decoded(doi: str, body: bytes, kind: str) -> dict[str, Any]:
    """The reply as one CSL-JSON object; anything else (an HTML landing page, a list) is refused."""
    if len(body) > MAX_REPLY_BYTES:
        raise DoiLookupError(f"the answer for {doi} is over {MAX_REPLY_BYTES // 1024 // 1024} MB; not CSL-JSON")
    try:
        item = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise DoiLookupError(f"the answer for {doi} is not CSL-JSON but {kind}: the DOI's registration agency "
                           "may not offer citation metadata") from None
    if not isinstance(item, dict) or not isinstance(item.get("type"), str):
        raise DoiLookupError(f"the answer for {doi} is JSON but not a CSL-JSON item (no 'type')")
    return item


def clean(item: dict[str, Any], doi: str) -> dict[str, Any]:
    """The item as a bibliography keeps it: `id` and `type` first, then the other fields in name order
    (so a second fetch writes the same bytes whatever order the agency sent), without `NOISE` or empty values."""
    kept = {key: _clean_names(value) if key in NAME_ROLES else value
            for key, value in item.items() if key not in NOISE and key not in ("id", "type") and not _empty(value)}
    if isinstance(kept.get("archive"), list):  # Crossref's preservation services, not the CSL archive string
        del kept["archive"]
    kept.setdefault("DOI", doi)
    return {"id": citation_id(doi), "type": item["type"], **dict(sorted(kept.items()))}


def _clean_names(value: Any) -> Any:
    if not isinstance(value, list):
        return value
    return [{k: v for k, v in name.items() if k not in NAME_NOISE and not _empty(v)} if isinstance(name, dict)
            else name for name in value]


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, (str, list, dict)) and not value)
