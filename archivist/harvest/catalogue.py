"""The whole archive's catalogue in one file per format: archive.bib, archive.ris and archive.json."""

from __future__ import annotations

import json
from typing import Iterable

from archivist.library.entry import Entry


def catalogue_files(entries: Iterable[Entry]) -> dict[str, bytes]:
    """archive.bib, archive.ris and archive.json: every article's own exports, in slug order."""
    ordered = sorted((e for e in entries if e.exports), key=lambda e: e.slug)
    bib = "\n".join(e.exports["cite.bib"].rstrip("\n") + "\n" for e in ordered)
    ris = "\n".join(e.exports["cite.ris"].rstrip("\n") + "\n" for e in ordered)
    items = [item for e in ordered for item in json.loads(e.exports["cite.json"])]
    csl = json.dumps(items, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
    return {"archive.bib": bib.encode("utf-8"), "archive.ris": ris.encode("utf-8"),
            "archive.json": csl.encode("utf-8")}
