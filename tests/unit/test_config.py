"""Site settings: defaults, sub-path URLs, and every bad key reported at once."""

import pytest

from archivist import config
from archivist.diagnostics import ContentError


def write(tmp_path, body):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n\n[tool.archivist]\n" + body, encoding="utf-8")
    return tmp_path


def test_defaults_and_sub_path(tmp_path):
    site = config.load(write(tmp_path, 'title = "T"\nbase_url = "https://owner.github.io/repo"\n'))
    assert site.base_url == "https://owner.github.io/repo/"
    assert site.path_prefix == "/repo/"
    assert site.url_for("articles/x/") == "/repo/articles/x/"
    assert site.absolute_url("articles/x/") == "https://owner.github.io/repo/articles/x/"
    assert site.language == "en-US"
    assert site.citation_styles[0] == "apa"


def test_every_bad_setting_is_reported_with_its_line(tmp_path):
    write(tmp_path, 'title = ""\nbase_url = "example.org"\nlanguge = "en"\npage_size = 0\n')
    with pytest.raises(ContentError) as caught:
        config.load(tmp_path)
    found = [(d.line, d.code) for d in caught.value.diagnostics]
    assert found == [(5, "config.invalid"), (6, "config.invalid"), (7, "config.unknown-key"), (8, "config.invalid")]
    assert "did you mean 'language'" in caught.value.diagnostics[2].message


def test_toml_syntax_error_names_the_line(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.archivist]\ntitle = \n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        config.load(tmp_path)
    assert caught.value.diagnostics[0].code == "config.syntax"
    assert caught.value.diagnostics[0].line == 2


@pytest.mark.parametrize("value", ["", "item", "en-GB", "de", "de-CH", "zh-Hant", "pt-br"])
def test_citation_locale_accepts_item_and_locales_a_file_serves(tmp_path, value):
    assert config.load(write(tmp_path, f'citation_locale = "{value}"\n')).citation_locale == value


@pytest.mark.parametrize("toml, shown", [
    ('"en-UK"', "'en-UK'"),  # en-US would stand in for it without a word
    ('"en-IN"', "'en-IN'"), ('"tlh"', "'tlh'"), ('"Item"', "'Item'"), ('"english"', "'english'"), ("true", "True"),
])
def test_a_citation_locale_no_file_serves_is_an_error_on_its_line(tmp_path, toml, shown):
    write(tmp_path, f'title = "T"\n\ncitation_locale = {toml}\n')
    with pytest.raises(ContentError) as caught:
        config.load(tmp_path)
    [problem] = caught.value.diagnostics
    assert (problem.path, problem.line, problem.code) == ("pyproject.toml", 7, "config.invalid")
    assert problem.message == f"setting 'citation_locale' must be 'item' or a CSL locale such as 'en-GB' or 'de', not {shown}"


def test_markdown_syntax_settings_default_on_and_take_only_booleans(tmp_path):
    site = config.load(write(tmp_path, 'markdown_subscript = false\n'))
    assert (site.markdown_subscript, site.markdown_superscript) == (False, True)
    write(tmp_path, 'markdown_subscript = "no"\nmarkdown_superscrpt = false\n')
    with pytest.raises(ContentError) as caught:
        config.load(tmp_path)
    found = [(d.line, d.code) for d in caught.value.diagnostics]
    assert found == [(5, "config.invalid"), (6, "config.unknown-key")]
    assert "did you mean 'markdown_superscript'" in caught.value.diagnostics[1].message


def test_the_settings_import_nothing_from_later_steps():
    """Settings come first in the pipeline: reading them must not load the citation step."""
    import subprocess
    import sys

    code = "import sys, archivist.config; print(sorted(m for m in sys.modules if m.startswith('archivist')))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "['archivist', 'archivist.config', 'archivist.diagnostics', 'archivist.util', 'archivist.util.locales']"


def test_math_delimiters_default_to_dollars_and_take_only_known_distinct_names(tmp_path):
    assert config.load(write(tmp_path, "")).markdown_math_delimiters == ("dollars",)
    site = config.load(write(tmp_path, 'markdown_math_delimiters = ["dollars", "double_backslash"]\n'))
    assert site.markdown_math_delimiters == ("dollars", "double_backslash")
    assert config.load(write(tmp_path, "markdown_math_delimiters = []\n")).markdown_math_delimiters == ()
    write(tmp_path, 'markdown_math_delimiters = ["dollar"]\nmarkdown_math_delimiter = ["dollars"]\n')
    with pytest.raises(ContentError) as caught:
        config.load(tmp_path)
    found = [(d.line, d.code) for d in caught.value.diagnostics]
    assert found == [(5, "config.invalid"), (6, "config.unknown-key")]
    assert "'dollars', 'double_backslash', 'single_backslash'" in caught.value.diagnostics[0].message
    assert "did you mean 'markdown_math_delimiters'" in caught.value.diagnostics[1].message


@pytest.mark.parametrize("toml", ['["dollars", "dollars"]', '["double_backslash", 1]', '"dollars"'])
def test_math_delimiters_reject_repeats_other_types_and_a_bare_string(tmp_path, toml):
    with pytest.raises(ContentError) as caught:
        config.load(write(tmp_path, f"markdown_math_delimiters = {toml}\n"))
    assert [d.code for d in caught.value.diagnostics] == ["config.invalid"]
