"""Where an article's reference list goes, and under whose heading, as Pandoc decides it.

Pandoc puts the list of works cited in the div `::: {#refs}` when the text has one, else at the
end of the text. Authors who write for it therefore end an article with their own heading
(`# References {-}`, `## Works Cited`) and nothing under it, or put that heading just before the
`{#refs}` div. Archivist builds its References section itself (citations/references.py), so such
a heading would stand empty above a second one: instead the section takes the author's words as
its title and the empty heading goes, as footnotes.adopt_heading does for the notes.

Only an article that will have a reference list adopts anything: one with a bibliography that
cites a work or lists one in `nocite`. Without one, `::: {#refs}` shows nothing and every
heading stays.
"""

from __future__ import annotations

import re
from typing import Any, Match

from .citations import ENABLED, USES
from .context import Token, set_render
from .footnotes import shows_nothing
from .ids import heading_words
from .typography import smarten

PATTERN = r"^ {0,3}:{3,}[ \t]*\{[ \t]*#refs[ \t]*\}[ \t]*\n(?:[ \t]*\n)*[ \t]{0,3}:{3,}[ \t]*(?:\n|$)"
MARKER = "\ue020references\ue021"  # where the References section goes; survives sanitising as text
MARKER_PATTERN = re.compile("\ue020references\ue021\n?")


def parse_place(block: Any, m: Match[str], state: Any) -> int:
    """Block rule: the empty `::: {#refs}` div, kept as a token that marks the place."""
    state.append_token({"type": "references_place", "attrs": {"active": False}})
    return m.end()


def adopt_place(tokens: list[Token], env: dict[str, Any], lists_works: bool, lang: str) -> str:
    """The author's heading that titles the reference list ('' for none), taken out of the
    tokens; the first `{#refs}` div is marked active and any other is dropped."""
    places = [i for i, tok in enumerate(tokens) if tok["type"] == "references_place"]
    for index in reversed(places[1:]):
        del tokens[index]
    if not env.get(ENABLED) or not (env.get(USES) or lists_works):
        return ""
    if places:
        tokens[places[0]]["attrs"]["active"] = True
        return _take_heading(tokens, places[0], lang)
    return _take_heading(tokens, len(tokens), lang)


def _take_heading(tokens: list[Token], before: int, lang: str) -> str:
    """The text of the heading that stands just before `before` (blank lines and comments aside),
    which is removed; '' when something else stands there."""
    last = next((i for i in range(before - 1, -1, -1) if not shows_nothing(tokens[i])), None)
    if last is None or tokens[last]["type"] != "heading":
        return ""
    heading = tokens[last]
    smarten(heading["children"], lang)
    title = heading_words(heading["children"])
    if title:
        del tokens[last]
    return title


def render_place(renderer: Any, active: bool = False) -> str:
    return MARKER + "\n" if active else ""


def register(md: Any) -> None:
    md.block.register("references_place", PATTERN, parse_place, before="fenced_div")
    set_render(md, "references_place", render_place)
