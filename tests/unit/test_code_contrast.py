"""Every colour a code block uses meets WCAG AA (4.5:1) on its background, day and night.

The colours are read from archivist.css itself: each --code-* variable of the .code-block rule
is light-dark(day, night), and each token rule must use one of them, so a colour cannot be
added without this test seeing it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archivist.markdown.highlight import CLASSES

CSS = Path(__file__).resolve().parents[2] / "templates" / "static" / "archivist.css"
AA = 4.5
BACKGROUNDS = ("--code-bg", "--code-mark-bg")
NOT_TEXT = {"--code-bg", "--code-mark-bg", "--code-mark-rule"}


def code_block_rule(css: str) -> str:
    m = re.search(r"^\.code-block \{(.*?)^\}", css, re.M | re.S)
    assert m, "archivist.css has no .code-block rule"
    return m.group(1)


def palette(css: str) -> dict[str, tuple[str, str]]:
    """--code-* name -> (day, night) hex colours."""
    found = re.findall(r"(--code-[a-z-]+):\s*light-dark\((#[0-9a-fA-F]{3,6}),\s*(#[0-9a-fA-F]{3,6})\)",
                       code_block_rule(css))
    return {name: (day, night) for name, day, night in found}


def token_rules(css: str) -> list[tuple[str, str]]:
    """(selector, declarations) of every rule that styles a code token or line number."""
    rules = re.findall(r"^(\.code[^{@]*)\{([^}]*)\}", css, re.M)
    return [(sel.strip(), body) for sel, body in rules if not sel.startswith(".code-block__")]  # the copy bar is chrome


def luminance(colour: str) -> float:
    hex_digits = colour.lstrip("#")
    if len(hex_digits) == 3:
        hex_digits = "".join(ch * 2 for ch in hex_digits)
    channels = [int(hex_digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_formula_matches_known_ratios():
    assert contrast("#000", "#fff") == pytest.approx(21.0)
    assert contrast("#fff", "#fff") == pytest.approx(1.0)
    assert contrast("#767676", "#fff") == pytest.approx(4.54, abs=0.01)  # the classic AA grey


@pytest.mark.parametrize("theme", [0, 1], ids=["light", "dark"])
def test_every_text_colour_meets_aa_on_both_code_backgrounds(theme):
    colours = palette(CSS.read_text(encoding="utf-8"))
    text = {name: pair[theme] for name, pair in colours.items() if name not in NOT_TEXT}
    assert len(text) >= 10, text
    failures = [f"{name} {colour} on {bg} {colours[bg][theme]}: {contrast(colour, colours[bg][theme]):.2f}"
                for name, colour in text.items() for bg in BACKGROUNDS
                if contrast(colour, colours[bg][theme]) < AA]
    assert failures == []


@pytest.mark.parametrize("theme", [0, 1], ids=["light", "dark"])
def test_the_marked_line_rule_is_visible_without_relying_on_its_background(theme):
    colours = palette(CSS.read_text(encoding="utf-8"))
    rule = colours["--code-mark-rule"][theme]
    assert contrast(rule, colours["--code-mark-bg"][theme]) >= 3  # non-text contrast, WCAG 1.4.11


def test_token_rules_use_only_the_checked_colours():
    css = CSS.read_text(encoding="utf-8")
    defined = set(palette(css))
    for selector, body in token_rules(css):
        for value in re.findall(r"(?<![-\w])(?:color|background|border[a-z-]*):\s*([^;]+)", body):
            for m in re.finditer(r"#[0-9a-fA-F]{3,6}\b|\b(?:rgb|hsl|oklch|lab|lch)a?\(|var\((--[a-z-]+)\)", value):
                assert m.group(1) in defined, f"{selector} uses {value!r}, not a checked --code-* colour"


def test_every_coloured_token_class_has_a_rule():
    css = CSS.read_text(encoding="utf-8")
    styled = {cls for selector, _ in token_rules(css) for cls in re.findall(r"\.([a-z0-9]{1,3})\b", selector)}
    assert set(CLASSES.values()) <= styled
