"""Interface words: which tables a language tag reads, and how a site's word files override the
built-in ones (edits seen at once)."""

from __future__ import annotations

from archivist.i18n import labels_for, table_names


def test_site_words_override_and_an_edit_is_seen_at_once(tmp_path):
    folder = tmp_path / "i18n"
    folder.mkdir()
    assert labels_for("en-US", folder)["home"] == "Home"
    (folder / "en.toml").write_text('home = "Front page"\n', encoding="utf-8")
    assert labels_for("en-US", folder)["home"] == "Front page"
    (folder / "en.toml").write_text('home = "Start here, reader"\n', encoding="utf-8")
    assert labels_for("en-US", folder)["home"] == "Start here, reader"
    (folder / "en.toml").unlink()
    assert labels_for("en-US", folder)["home"] == "Home"


def test_the_words_cannot_be_changed_by_a_caller(tmp_path):
    words = labels_for("en", tmp_path)
    try:
        words["home"] = "changed"  # type: ignore[index]
    except TypeError:
        pass
    assert labels_for("en", tmp_path)["home"] == "Home"


def test_chinese_reads_the_table_of_its_script():
    assert table_names("zh-TW") == ["en", "zh", "zh-Hant", "zh-TW"]
    assert table_names("zh-Hant-HK") == ["en", "zh", "zh-Hant", "zh-Hant-HK"]
    assert table_names("zh-hant") == ["en", "zh", "zh-Hant", "zh-hant"]
    assert table_names("zh-CN") == ["en", "zh", "zh-CN"] and table_names("fr-CA") == ["en", "fr", "fr-CA"]
    traditional = ["zh-TW", "zh-HK", "zh-MO", "zh-Hant", "zh-Hant-TW"]
    simplified = ["zh", "zh-CN", "zh-SG", "zh-Hans", "zh-Hans-TW"]
    assert {lang: labels_for(lang)["search"] for lang in traditional} == dict.fromkeys(traditional, "搜尋")
    assert {lang: labels_for(lang)["search"] for lang in simplified} == dict.fromkeys(simplified, "搜索")


def test_a_site_table_for_a_script_overrides_the_builtin_one_for_its_regions(tmp_path):
    (tmp_path / "zh-Hant.toml").write_text('home = "本站首頁"\n', encoding="utf-8")
    assert labels_for("zh-TW", tmp_path)["home"] == "本站首頁"
    assert labels_for("zh-TW", tmp_path)["search"] == "搜尋"
    assert labels_for("zh-CN", tmp_path)["home"] == "首页"


def test_a_region_without_its_own_table_reads_its_language():
    assert labels_for("pt-PT")["abstract"] == "Resumo"
    assert labels_for("de-AT")["print_cited_as"] == "Zitiervorschlag"
    assert labels_for("xx-YY")["abstract"] == "Abstract"


def test_a_site_word_the_templates_cannot_use_is_left_out_and_an_unreadable_table_is_ignored(tmp_path):
    folder = tmp_path / "i18n"
    folder.mkdir()
    (folder / "de.toml").write_text('article_count_other = "{n} Artikel"\nredirecting_to = "Weiter zu {titel}"\n'
                                    'home = "Start"\nfeed = 3\n', encoding="utf-8")
    german = labels_for("de", folder)
    assert german["home"] == "Start" and german["feed"] == labels_for("de")["feed"]
    assert german["article_count_other"] == labels_for("de")["article_count_other"] == "{count} Artikel"
    assert "{title}" in german["redirecting_to"]
    (folder / "de.toml").write_text('home = "Start\n', encoding="utf-8")
    assert labels_for("de", folder)["home"] == labels_for("de")["home"]
