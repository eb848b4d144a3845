"""Plain text of parsed tokens, for headings, alt text, titles and word counts."""

from __future__ import annotations

import re
from typing import Any, Iterable

from mistune.util import unescape

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Chinese and Japanese write without spaces, so each ideograph or kana counts as a word;
# Korean separates words with spaces and is counted like alphabetic scripts.
_WORD_RE = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+(?:['’\-][^\W{_CJK}]+)*")
# The same count for text without CJK, which is most text: a simpler pattern the scan runs faster.
_CJK_RE = re.compile(f"[{_CJK}]")
_PLAIN_WORD_RE = re.compile(r"\w+(?:['’\-]\w+)*")

_SKIPPED = {"footnote_ref", "inline_html", "block_html", "footnotes"}
_CODE_LIKE = {"codespan", "inline_math", "block_math", "block_code"}
_SPACES = {"softbreak", "linebreak"}


def plain_text(tokens: Iterable[dict[str, Any]]) -> str:
    """Concatenated text of an inline token list, without markup or footnote numbers."""
    return "".join(_token_text(tok) for tok in tokens)


def _token_text(tok: dict[str, Any]) -> str:
    kind = tok["type"]
    if kind in _SKIPPED:
        return ""
    if kind in _SPACES:
        return " "
    if kind == "text":
        return unescape(tok["raw"])
    if kind == "crossref":  # its words once resolved, else as written
        return tok["attrs"].get("shown") or tok["raw"]
    if kind in _CODE_LIKE:
        return tok.get("raw", "")
    if "children" in tok:
        return plain_text(tok["children"])
    return ""


def block_text(tokens: Iterable[dict[str, Any]]) -> str:
    """Plain prose of a block token tree, one line per block; code blocks and HTML left out."""
    parts: list[str] = []
    for tok in tokens:
        if tok.get("_inline"):
            parts.append(plain_text(tok["children"]))
        elif "children" in tok and tok["type"] not in _SKIPPED:
            parts.append(block_text(tok["children"]))
    return "\n".join(p for p in parts if p)


def count_words(text: str) -> int:
    """Words in running text; CJK ideographs and kana count one each."""
    if _CJK_RE.search(text) is None:
        return len(_PLAIN_WORD_RE.findall(text))
    return len(_WORD_RE.findall(text))
