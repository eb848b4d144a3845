"""Typographic quotes, dashes and ellipses in prose, by the conventions of each language."""

from __future__ import annotations

import re
from typing import Any, Iterable

NNBSP = "\u202f"
APOSTROPHE = "’"

# (open double, close double, open single, close single), by BCP 47 tag or primary subtag.
QUOTES: dict[str, tuple[str, str, str, str]] = {
    "en": ("“", "”", "‘", "’"),
    "de": ("„", "“", "‚", "‘"),
    "de-ch": ("«", "»", "‹", "›"),
    "fr": ("«" + NNBSP, NNBSP + "»", "“", "”"),
    "ko": ("“", "”", "‘", "’"),
    "zh": ("“", "”", "‘", "’"),
    "ja": ("“", "”", "‘", "’"),
    "ru": ("«", "»", "„", "“"),
    "uk": ("«", "»", "„", "“"),
    "be": ("«", "»", "„", "“"),
    "pl": ("„", "”", "«", "»"),
    "cs": ("„", "“", "‚", "‘"),
    "sk": ("„", "“", "‚", "‘"),
    "hu": ("„", "”", "»", "«"),
    "nl": ("“", "”", "‘", "’"),
    "it": ("«", "»", "“", "”"),
    "es": ("«", "»", "“", "”"),
    "pt": ("“", "”", "‘", "’"),
    "pt-pt": ("«", "»", "“", "”"),
    "sv": ("”", "”", "’", "’"),
    "fi": ("”", "”", "’", "’"),
    "da": ("»", "«", "›", "‹"),
    "nb": ("«", "»", "‘", "’"),
    "no": ("«", "»", "‘", "’"),
}
_SPACE_BEFORE_OPEN = set(" \t\n\u00a0\u202f([{<\u2014\u2013-/") | {q[0].strip() for q in QUOTES.values()} | {"‘", "‚", "‹", "«"}
_QUOTE_RE = re.compile(r"[\"']")
_URL_RE = re.compile(r"(?:https?://|www\.)\S+")
_DECADE_RE = re.compile(r"\d\d(?:s\b|\b)")
# A table's delimiter row shown as text (a table GFM does not accept): its dashes are not dashes.
_DELIMITER_ROW = re.compile(r"\s*\|?(?:\s*:?-+:?\s*\|)+(?:\s*:?-+:?\s*)?")
_OPAQUE = {"codespan", "inline_math", "display_math", "block_math", "inline_html", "footnote_ref"}


def quotes_for(lang: str) -> tuple[str, str, str, str]:
    tag = lang.lower().replace("_", "-")
    return QUOTES.get(tag) or QUOTES.get(tag.split("-", 1)[0]) or QUOTES["en"]


class Smartener:
    """Walks one block's inline tokens in order, so a quote's side is judged across tokens."""

    def __init__(self, lang: str):
        self.quotes = quotes_for(lang)
        self.prev = " "
        self.open_singles = 0

    def run(self, tokens: Iterable[dict[str, Any]]) -> None:
        for tok in tokens:
            kind = tok["type"]
            if kind == "text":
                tok["raw"] = self.text(tok["raw"])
            elif kind in _OPAQUE or _is_autolink(tok):
                self.prev = "x"  # code, math and URLs read as a word for the next quote
            elif kind in ("softbreak", "linebreak"):
                self.prev = " "
            elif "children" in tok:
                self.run(tok["children"])

    def text(self, text: str) -> str:
        if "|" in text and _DELIMITER_ROW.fullmatch(text):
            self.prev = "|"
            return text
        if "http" not in text and "www." not in text:
            return self._prose(text)
        out, pos = [], 0
        for m in _URL_RE.finditer(text):
            out.append(self._prose(text[pos:m.start()]))
            out.append(m.group(0))
            self.prev = m.group(0)[-1]
            pos = m.end()
        out.append(self._prose(text[pos:]))
        return "".join(out)

    def _prose(self, text: str) -> str:
        if not text:
            return text
        text = text.replace("---", "—").replace("--", "–").replace("...", "…")
        if '"' not in text and "'" not in text:
            self.prev = text[-1]
            return text
        out, pos = [], 0
        for m in _QUOTE_RE.finditer(text):
            i = m.start()
            if i > pos:
                out.append(text[pos:i])
                self.prev = text[i - 1]
            mark = self._double(text, i) if m.group(0) == '"' else self._single(text, i)
            out.append(mark)
            self.prev = mark[0] if mark[-1] == NNBSP else mark[-1]
            pos = i + 1
        if pos < len(text):
            out.append(text[pos:])
            self.prev = text[-1]
        return "".join(out)

    def _double(self, text: str, i: int) -> str:
        return self.quotes[0] if self._opens(text, i) else self.quotes[1]

    def _opens(self, text: str, i: int) -> bool:
        # At the end of a text token the next character is markup (emphasis, a link),
        # which counts as a word: '"*Moby-Dick*"' opens before the emphasis.
        after = text[i + 1] if i + 1 < len(text) else "x"
        return self.prev in _SPACE_BEFORE_OPEN and not after.isspace()

    def _single(self, text: str, i: int) -> str:
        after = text[i + 1] if i + 1 < len(text) else ""
        if self.prev.isalnum() and after.isalnum():
            return APOSTROPHE  # don't, l'homme
        if self.prev in _SPACE_BEFORE_OPEN and _DECADE_RE.match(text, i + 1):
            return APOSTROPHE  # the '90s
        if self._opens(text, i):
            self.open_singles += 1
            return self.quotes[2]
        if self.open_singles:
            self.open_singles -= 1
            return self.quotes[3]
        return APOSTROPHE  # the students' books


def _is_autolink(tok: dict[str, Any]) -> bool:
    if tok["type"] != "link":
        return False
    children = tok.get("children") or []
    if len(children) != 1 or children[0]["type"] != "text":
        return False
    url = tok["attrs"]["url"]
    return children[0]["raw"] in (url, url.removeprefix("mailto:"))


def smarten(tokens: list[dict[str, Any]], lang: str) -> None:
    """Apply typography to one block's inline tokens in place."""
    Smartener(lang).run(tokens)
