"""Citations: an article's CSL-JSON item, its formatted references and its export files.

The names below are loaded when first used, so that importing one light module of the package
(its errors, or the lookup of the citation engine) does not load the engine and its XML parser.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "DEFAULT_STYLES": "styles",
    "PINPOINT_SENTINEL": "engine",
    "CitationEngine": "engine",
    "CitationEngineError": "errors",
    "CitationError": "errors",
    "FormattedCitation": "engine",
    "ItemCitations": "engine",
    "UnknownStyleError": "errors",
    "csl_item": "csl",
    "csl_name": "csl",
    "to_bibtex": "exports",
    "to_csl_json": "exports",
    "to_ris": "exports",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
    globals()[name] = value
    return value
