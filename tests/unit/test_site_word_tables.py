"""A site's own word tables: unknown words, words that are not text, placeholders other than
English's and TOML errors are errors on the line of the word, in the site's file."""

from __future__ import annotations

from archivist.i18n.site_tables import check_site_tables, key_lines


def found(tmp_path, **tables: str) -> list[str]:
    folder = tmp_path / "templates" / "i18n"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in tables.items():
        (folder / f"{name.replace('_', '-')}.toml").write_text(text, encoding="utf-8")
    return [d.format_text() for d in check_site_tables(folder, tmp_path)]


def test_good_tables_and_a_site_without_tables_have_no_problems(tmp_path):
    assert check_site_tables(tmp_path / "templates" / "i18n", tmp_path) == []
    assert found(tmp_path, it='home = "Inizio"\narticle_count_other = "{count} articoli"\n') == []


def test_each_problem_is_on_the_line_of_its_word(tmp_path):
    assert found(tmp_path, en='# words\narticle_count_other = "{n} Artikel"\n\nredirecting_to = """Weiter\nzu {titel}"""\n'
                              'artcle_count_one = "x"\nabstract = 5\nnotes = "{count} notes"\n') == [
        "templates/i18n/en.toml:2:1: error[i18n.placeholder]: 'article_count_other' has the placeholders {n}, but "
        "the templates fill {count} (as in en.toml); the built-in word is shown until they match",
        "templates/i18n/en.toml:4:1: error[i18n.placeholder]: 'redirecting_to' has the placeholders {titel}, but "
        "the templates fill {title} (as in en.toml); the built-in word is shown until they match",
        "templates/i18n/en.toml:6:1: error[i18n.unknown-key]: unknown word 'artcle_count_one' (did you mean "
        "'article_count_one'?); the words are those of en.toml",
        "templates/i18n/en.toml:7:1: error[i18n.type]: 'abstract' must be text in quotes, not int",
        "templates/i18n/en.toml:8:1: error[i18n.placeholder]: 'notes' has the placeholders {count}, but the "
        "templates fill none (as in en.toml); the built-in word is shown until they match",
    ]


def test_toml_and_encoding_errors_are_located_too(tmp_path):
    (tmp_path / "templates" / "i18n").mkdir(parents=True)
    (tmp_path / "templates" / "i18n" / "fr.toml").write_bytes(b"home = '\xff'\n")
    assert found(tmp_path, de='home = "Start"\ncite = "Zitieren\n') == [
        "templates/i18n/de.toml:2:1: error[i18n.syntax]: not valid TOML: Illegal character '\\n' (at line 2, "
        "column 17)",
        "templates/i18n/fr.toml:1:1: error[i18n.syntax]: the word table is not valid UTF-8; save it as UTF-8",
    ]


def test_key_lines_come_from_the_parse_of_each_statement():
    text = ('# "home = x" in a comment\n"quoted key" = 1\nlist = [\n  "a]",\n  "b",\n]\nlong = """\nfake = 2\n"""\n'
            "inline = {a = 1}\nlast = 'x'\n[table]\nunder = 1\n")
    assert key_lines(text) == {"quoted key": 2, "list": 3, "long": 7, "inline": 10, "last": 11}
