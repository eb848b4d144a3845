"""`archivist new`: slugs, front-matter that validates, refusal to overwrite."""

from __future__ import annotations

from pathlib import Path

import pytest

from archivist.cli import main
from archivist.content.frontmatter import split
from archivist.content.scaffold import NewArticle, ScaffoldError, create, slugify
from archivist.content.schema import validate

SETTINGS = '[tool.archivist]\ntitle = "Scaffold Test"\nbase_url = "https://example.org/"\ncitation_styles = ["apa"]\n'


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    (tmp_path / "content" / "articles").mkdir(parents=True)
    return tmp_path


@pytest.mark.parametrize("title, slug", [
    ("Kim Takes Control: The \"Great Purge\"", "kim-takes-control-the-great-purge"),
    ("Łódź, Ærø and the Straße", "lodz-aero-and-the-strasse"),
    ("  Ça va?  Déjà—vu!  ", "ca-va-deja-vu"),
    ("1848: Revolutions", "1848-revolutions"),
    ("호적대장", ""),
])
def test_slugify(title: str, slug: str):
    assert slugify(title) == slug


def test_new_article_has_valid_front_matter_and_an_outline(site: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 UTC
    path = create(site, NewArticle('On "Moby-Dick": a note', authors=("van der Berg, Anneke",), journal="Ledger"))
    assert path == site / "content" / "articles" / "on-moby-dick-a-note.md"
    fm = split(path.read_text(encoding="utf-8"))
    meta, problems = validate(fm, "x.md", "on-moby-dick-a-note", "en-US")
    assert problems == [] and meta is not None
    assert meta.title == 'On "Moby-Dick": a note'
    assert meta.date.iso == "2023-11-14"
    assert [(p.family, p.given) for p in meta.authors] == [("van der Berg", "Anneke")]
    assert meta.journal == "Ledger" and meta.keywords == ()
    assert not meta.abstract  # guidance stays in comments, nothing that would publish
    assert "## Introduction" in fm.body


def test_bundle_makes_a_folder(site: Path):
    path = create(site, NewArticle("Counting Barges", bundle=True))
    assert path == site / "content" / "articles" / "counting-barges" / "index.md"


def test_refuses_to_overwrite_or_reuse_a_slug(site: Path):
    create(site, NewArticle("Paper Against Plague"))
    with pytest.raises(ScaffoldError, match="already exists"):
        create(site, NewArticle("Paper against plague!"))
    with pytest.raises(ScaffoldError, match="already exists"):
        create(site, NewArticle("Paper Against Plague", bundle=True))
    other = site / "content" / "articles" / "other.md"
    other.write_text("---\ntitle: X\ndate: 2020\nslug: taken-slug\n---\n", encoding="utf-8")
    with pytest.raises(ScaffoldError, match="already uses the slug 'taken-slug'"):
        create(site, NewArticle("Taken Slug"))


def test_cli_exit_codes_and_messages(site: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["--site", str(site), "new", "A Study of Ink", "--author", "Baptista, Inês"]) == 0
    assert main(["--site", str(site), "new", "A Study of Ink"]) == 2
    assert "content/articles/a-study-of-ink.md already exists" in capsys.readouterr().err
    assert main(["--site", str(site), "new", "호적대장"]) == 2
    assert "--slug" in capsys.readouterr().err
    assert main(["--site", str(site), "new", "호적대장", "--slug", "hojeok-daejang"]) == 0


def test_a_new_article_passes_check(site: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["--site", str(site), "new", "Reading Iron-Gall Ink", "--author", "Merriweather, Jonathan"]) == 0
    assert main(["--site", str(site), "new", "An Editorial Without Authors", "--bundle"]) == 0
    assert main(["--site", str(site), "check"]) == 0
    err = capsys.readouterr().err
    assert "checked 2 articles" in err and "error" not in err.replace("0 errors", "")
