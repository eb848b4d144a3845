"""The exceptions the citation step raises, so the CLI can print a message instead of a trace."""

from __future__ import annotations


class CitationError(Exception):
    """Any problem formatting citations; the message says what to change."""


class UnknownStyleError(CitationError):
    """A citation style id that no style directory provides."""


class CitationEngineError(CitationError):
    """The citation engine (Node and citeproc-js) is missing, failed or stopped."""
