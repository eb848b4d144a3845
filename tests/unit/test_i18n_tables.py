"""The built-in word tables agree with English and with what the theme looks up: every language has
exactly English's keys with the same placeholders, every word the templates, scripts and Python ask
for exists, and every English word is asked for. Each test lists every offence at once."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import jinja2
import pytest

from archivist.i18n import BUILTIN_DIR, labels_for
from archivist.util.vocabulary import CSL_TYPES
from support import REPO_ROOT
from support.words import (Usage, delivered_keys, parse_templates, python_usage, script_usage, table_names,
                           template_usage)

PACKAGE = REPO_ROOT / "archivist"
TEMPLATES = REPO_ROOT / "templates"
SCRIPTS = TEMPLATES / "static"
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# Which template hands each script its words (a JSON block or a data-* attribute).
WORDS_FROM = {"find.js": "partials/find_box.html", "search-box.js": "partials/search_box.html",
              "search.js": "search.html", "reader*.js": "partials/reader_tools.html"}
# CJK text takes full-width punctuation; these ASCII marks have full-width forms.
ASCII_MARKS = re.compile(r"[,.:;!?()]")
CJK = ("zh", "zh-Hant", "ja")
NO_BREAK = ("\u00a0", "\u202f")


def raw_table(path: Path) -> dict[str, object]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


ENGLISH = raw_table(BUILTIN_DIR / "en.toml")
TABLES = {path.stem: raw_table(path) for path in sorted(BUILTIN_DIR.glob("*.toml"))}


def placeholders(text: object) -> list[str]:
    return sorted(PLACEHOLDER.findall(str(text)))


def theme_usage() -> Usage:
    """Every word the templates and the Python sources look up."""
    trees = parse_templates(TEMPLATES)
    tables = table_names(trees.values())
    usage = Usage()
    for name, tree in trees.items():
        usage.merge(template_usage(name, tree, tables))
    for path in sorted(PACKAGE.rglob("*.py")):
        usage.merge(python_usage(path.relative_to(REPO_ROOT).as_posix(), path.read_text(encoding="utf-8")))
    return usage


def test_the_builtin_languages_are_the_documented_ones():
    assert sorted(TABLES) == ["ar", "de", "en", "es", "fr", "ja", "ko", "pt", "zh", "zh-Hant"]


def test_every_table_has_exactly_the_english_keys():
    problems = [f"{lang}.toml: missing '{key}'" for lang, table in TABLES.items() for key in ENGLISH
                if key not in table]
    problems += [f"{lang}.toml: '{key}' is not in en.toml" for lang, table in TABLES.items() for key in table
                 if key not in ENGLISH]
    assert not problems, "\n".join(problems)


def test_every_word_is_a_non_empty_string():
    problems = [f"{lang}.toml: '{key}' is {value!r}" for lang, table in TABLES.items()
                for key, value in table.items() if not isinstance(value, str) or not value.strip()]
    assert not problems, "\n".join(problems)


def test_every_word_has_the_placeholders_of_its_english_word():
    problems = [f"{lang}.toml: '{key}' has {placeholders(value)}, English has {placeholders(ENGLISH[key])}"
                for lang, table in TABLES.items() for key, value in table.items()
                if key in ENGLISH and placeholders(value) != placeholders(ENGLISH[key])]
    assert not problems, "\n".join(problems)


def test_chinese_and_japanese_words_use_full_width_punctuation():
    problems = [f"{lang}.toml: '{key}' = {value!r}" for lang in CJK for key, value in TABLES[lang].items()
                if ASCII_MARKS.search(PLACEHOLDER.sub("", str(value)))]
    assert not problems, "\n".join(problems)


def french_spacing(value: str) -> bool:
    """A no-break space (plain or narrow) before : ; ! ? », and after «."""
    before = all(value[i - 1] in NO_BREAK for i, c in enumerate(value) if c in ":;!?»" and i)
    after = all(value[i + 1:i + 2] in NO_BREAK for i, c in enumerate(value) if c == "«")
    return before and after and not value.startswith((":", ";", "!", "?", "»"))


def test_french_words_keep_a_no_break_space_before_high_punctuation():
    problems = [f"fr.toml: '{key}' = {value!r}" for key, value in TABLES["fr"].items()
                if not french_spacing(str(value))]
    assert not problems, "\n".join(problems)


def test_every_csl_type_has_a_name_and_nothing_else_is_a_type():
    named = {key.removeprefix("type_") for key in ENGLISH if key.startswith("type_")}
    assert named == {kind.replace("-", "_") for kind in CSL_TYPES}


def test_every_word_the_theme_looks_up_is_in_the_english_table():
    usage = theme_usage()
    problems = list(usage.unknown)
    problems += [f"{where}: no word '{key}' in en.toml" for key, places in sorted(usage.keys.items())
                 if key not in ENGLISH for where in places]
    problems += [f"{where}: no word starts with '{prefix}' in en.toml" for prefix, places in usage.prefixes.items()
                 if not any(key.startswith(prefix) for key in ENGLISH) for where in places]
    assert not problems, "\n".join(problems)


def test_every_english_word_is_looked_up_somewhere():
    usage = theme_usage()
    unused = [key for key in ENGLISH if not usage.covers(key)]
    assert not unused, f"en.toml words no template or module uses: {unused}"


def script_problems(script: Path, template: str) -> list[str]:
    tree = parse_templates(TEMPLATES)[template]
    usage, handed = script_usage(script.name, script.read_text(encoding="utf-8")), delivered_keys(tree)
    problems = [f"{where}: asks for '{key}', which {template} does not hand it"
                for key, places in usage.keys.items() if key not in handed for where in places]
    return problems + [f"{where}: asks for '{prefix}…', which {template} does not hand it"
                       for prefix, places in usage.prefixes.items()
                       if not any(key.startswith(prefix) for key in handed) for where in places]


def test_scripts_ask_only_for_words_their_template_hands_them():
    problems = []
    for script in sorted(SCRIPTS.glob("*.js")):
        template = next((t for pattern, t in WORDS_FROM.items() if script.match(pattern)), None)
        if template is not None:
            problems += script_problems(script, template)
        elif script_usage(script.name, script.read_text(encoding="utf-8")).keys:
            problems.append(f"{script.name} asks for words: name the template that hands them in WORDS_FROM")
    assert not problems, "\n".join(problems)


# The checks above, shown to fail on a theme that breaks them.

def usage_of(source: str) -> Usage:
    tree = jinja2.Environment().parse(source)
    return template_usage("page.html", tree, table_names([tree]))


def test_the_template_scan_finds_every_kind_of_lookup():
    usage = usage_of('{% set labels = labels_for(lang) %}{{ site_labels.home }}{{ labels["copy"] }}'
                     '{{ labels.get("isbn", "ISBN") }}{{ labels["theme_" ~ choice] }}'
                     '{% for key in ["note", "edit"] %}{{ labels[key] }}{% endfor %}')
    assert sorted(usage.keys) == ["copy", "edit", "home", "isbn", "note"]
    assert list(usage.prefixes) == ["theme_"] and usage.unknown == []


def test_the_template_scan_reports_what_it_cannot_resolve_and_shadowed_methods():
    usage = usage_of("{% set find = labels_for(x) %}{{ find[some.call()] }}\n{{ site_labels.copy }}")
    assert sorted(usage.unknown) == ["page.html:1: cannot tell which word this looks up",
                             "page.html:2: .copy is the table's method, not the word: write [\"copy\"]"]


def test_the_script_scan_reads_keys_from_calls_variables_and_template_strings():
    source = ('say("find_none");\nsay(n === 1 ? "a_one" : "a", { count: "x_y" });\n'
              'const key = n ? "b" : "c";\nsay(`facet_${name}`);')
    usage = script_usage("x.js", source)
    assert sorted(usage.keys) == ["a", "a_one", "b", "c", "find_none"] and list(usage.prefixes) == ["facet_"]
    assert usage.keys["a_one"] == ["x.js:2"]


def test_the_python_scan_reads_subscripts_and_label_calls():
    usage = python_usage("m.py", 'crumb = labels["home"]\ntext = ctx.label("notes")\nother = data["home2"]\n')
    assert usage.keys == {"home": ["m.py:1"], "notes": ["m.py:2"]}


@pytest.mark.parametrize("lang", sorted(TABLES))
def test_each_table_loads_through_labels_for(lang):
    words = labels_for(lang)
    assert dict(words) == {key: str(value) for key, value in TABLES[lang].items()}
