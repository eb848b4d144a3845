"""Every inline rule names the characters its matches start with.

mistune scans text for those characters and tries the rules only where one stands; a single rule
registered without them makes it search the combined pattern of all rules at every position
instead, which made a long article's Markdown twice as slow to render. The output is the same
either way, so only this check sees the difference."""

from __future__ import annotations

import mistune.inline_parser as inline_parser

from archivist.markdown.inline import _title_markdown
from archivist.markdown.pipeline import body_markdown


def rules_without_start_characters(md) -> list[str]:
    inline = md.inline
    return [name for name in inline.rules
            if inline._rule_start_chars.get(name, inline_parser._KNOWN_RULE_START_CHARS.get(name)) is None]


def test_body_and_title_parsers_keep_mistunes_fast_path():
    for md in (body_markdown(), _title_markdown()):
        assert rules_without_start_characters(md) == []
        assert md.inline._get_fast_trigger_chars()


def test_citation_rules_start_where_their_syntax_does():
    chars = body_markdown().inline._get_fast_trigger_chars()
    assert {"[", "@"} <= chars
