"""Interface words: a site's word files override the built-in ones, and edits to them are seen."""

from __future__ import annotations

from archivist.i18n import labels_for


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
