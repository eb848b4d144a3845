"""Callout boxes are legible in both themes: text, links and titles meet WCAG AA on each kind's
ground, and its rule and badge stand out 3:1 from the ground and the page.

The colours are read from archivist.css: each .callout rule sets --callout-rule, --callout-bg and
--callout-title as light-dark(day, night), and the text colours are the page's own variables.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archivist.markdown.callouts import KINDS

CSS = (Path(__file__).resolve().parents[2] / "templates" / "static" / "archivist.css").read_text(encoding="utf-8")
PAIR = r"light-dark\((#[0-9a-fA-F]{3,6}),\s*(#[0-9a-fA-F]{3,6})\)"
TEXT = ("--ink", "--ink-2", "--accent", "--accent-hover")  # body text, quotes and links inside a box


def variables(block: str) -> dict[str, tuple[str, str]]:
    return {name: (day, night) for name, day, night in re.findall(r"(--[a-z0-9-]+):\s*" + PAIR, block)}


def rule_of(selector: str) -> dict[str, tuple[str, str]]:
    m = re.search(r"^" + re.escape(selector) + r" \{(.*?)\}", CSS, re.M | re.S)
    assert m, f"archivist.css has no {selector} rule"
    return variables(m.group(1))


def luminance(colour: str) -> float:
    digits = colour.lstrip("#")
    digits = "".join(ch * 2 for ch in digits) if len(digits) == 3 else digits
    channels = [int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


PAGE = variables(re.search(r"^:root \{(.*?)^\}", CSS, re.M | re.S).group(1))


def palette(kind: str) -> dict[str, tuple[str, str]]:
    """A kind's colours: its own rule's, over the base .callout ones (which are the note's)."""
    colours = rule_of(".callout")
    if kind != "note":
        colours.update(rule_of(f".callout--{kind}"))
    return colours


@pytest.mark.parametrize("theme", [0, 1], ids=["light", "dark"])
@pytest.mark.parametrize("kind", KINDS)
def test_text_links_and_title_meet_aa_on_the_ground(kind, theme):
    colours = palette(kind)
    ground = colours["--callout-bg"][theme]
    inks = {name: PAGE[name][theme] for name in TEXT} | {"--callout-title": colours["--callout-title"][theme]}
    failures = {name: round(contrast(ink, ground), 2) for name, ink in inks.items() if contrast(ink, ground) < 4.5}
    assert failures == {}


@pytest.mark.parametrize("theme", [0, 1], ids=["light", "dark"])
@pytest.mark.parametrize("kind", KINDS)
def test_the_rule_and_badge_stand_out_from_the_ground_and_the_page(kind, theme):
    colours = palette(kind)
    rule = colours["--callout-rule"][theme]
    assert contrast(rule, colours["--callout-bg"][theme]) >= 3  # the badge's glyph is the ground colour
    assert contrast(rule, PAGE["--paper"][theme]) >= 3


def test_each_kind_has_its_own_colours_and_badge():
    grounds = {palette(kind)["--callout-bg"] for kind in KINDS}
    assert len(grounds) == len(KINDS)
    badges = [kind for kind in KINDS if kind != "note" and not re.search(rf"^\.callout--{kind}::before \{{[^}}]*content:", CSS, re.M)]
    assert badges == []
