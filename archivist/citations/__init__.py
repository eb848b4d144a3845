"""Citations: an article's CSL-JSON item, its formatted references and its export files."""

from archivist.citations.csl import csl_item, csl_name
from archivist.citations.engine import PINPOINT_SENTINEL, CitationEngine, FormattedCitation, ItemCitations
from archivist.citations.errors import CitationEngineError, CitationError, UnknownStyleError
from archivist.citations.exports import to_bibtex, to_csl_json, to_ris
from archivist.citations.styles import DEFAULT_STYLES

__all__ = [
    "DEFAULT_STYLES",
    "PINPOINT_SENTINEL",
    "CitationEngine",
    "CitationEngineError",
    "CitationError",
    "FormattedCitation",
    "ItemCitations",
    "UnknownStyleError",
    "csl_item",
    "csl_name",
    "to_bibtex",
    "to_csl_json",
    "to_ris",
]
