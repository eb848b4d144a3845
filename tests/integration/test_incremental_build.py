"""`build` after a previous build: nothing to do, only the changed pages, or everything; always the
same files as a build from nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from archivist import cli
from archivist.build import record as incremental

REPO = Path(__file__).resolve().parents[2]
ARTICLE = "content/articles/age-at-marriage-from-listings.md"
SETTINGS = """[tool.archivist]
title = "Incremental Test Archive"
base_url = "https://example.org/archive/"
language = "en-US"
publisher = "Test Society"
citation_styles = ["apa"]
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the sample archive's articles with one citation style, so each build is quick."""
    root = tmp_path / "site"
    shutil.copytree(REPO / "content", root / "content")
    (root / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    return root


def build(site: Path, capsys, *extra: str, output: str = "output") -> str:
    code = cli.main(["--site", str(site), "build", "--no-search", "--output", output, *extra])
    printed = capsys.readouterr()
    assert code == 0, printed.err + printed.out
    return printed.out


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def rendered(summary: str) -> int:
    """The page count from '... : 12 pages rendered; ...'."""
    return int(summary.split(": ")[1].split(" pages rendered")[0])


def assert_same_as_full_build(site: Path, capsys) -> None:
    build(site, capsys, "--full", output="full")
    assert tree(site / "output") == tree(site / "full")


def test_a_build_with_nothing_changed_does_nothing(site, capsys):
    first = build(site, capsys)
    before = {p: p.stat().st_mtime_ns for p in (site / "output").rglob("*")}
    again = build(site, capsys)
    assert rendered(first) > 50
    assert "nothing changed since the last build; 0 files written" in again
    assert {p: p.stat().st_mtime_ns for p in (site / "output").rglob("*")} == before


def test_a_body_edit_renders_only_that_article_page(site, capsys):
    build(site, capsys)
    path = site / ARTICLE
    path.write_text(path.read_text(encoding="utf-8") + "\nA closing paragraph added later.\n", encoding="utf-8")
    summary = build(site, capsys)
    assert rendered(summary) == 1, summary
    page = (site / "output/articles/age-at-marriage-from-listings/index.html").read_text(encoding="utf-8")
    assert "A closing paragraph added later." in page
    assert_same_as_full_build(site, capsys)


def test_a_title_edit_renders_the_pages_that_list_the_article(site, capsys):
    first = build(site, capsys)
    path = site / ARTICLE
    text = path.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    path.write_text(text.replace(title, 'title: "Marriage Ages Reconsidered"'), encoding="utf-8")
    summary = build(site, capsys)
    assert 1 < rendered(summary) < rendered(first)
    assert "Marriage Ages Reconsidered" in (site / "output/index.html").read_text(encoding="utf-8")
    assert_same_as_full_build(site, capsys)


def test_removing_and_adding_articles_matches_a_full_build(site, capsys):
    build(site, capsys)
    article = site / "content/articles/iron-gall-ink-as-evidence.md"  # no other article links to it
    article.rename(site / "moved-away.md")
    build(site, capsys)
    assert not (site / "output/articles/iron-gall-ink-as-evidence").exists()
    assert_same_as_full_build(site, capsys)
    (site / "moved-away.md").rename(article)
    build(site, capsys)
    assert (site / "output/articles/iron-gall-ink-as-evidence/index.html").is_file()
    assert_same_as_full_build(site, capsys)


def set_front_matter(path: Path, key: str, line: str) -> None:
    """Replace the front-matter line starting with `key:` (or add `line` before the closing fence)."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    close = lines.index("---", 1)
    found = [i for i in range(1, close) if lines[i].startswith(f"{key}:")]
    if found:
        lines[found[0]] = line
    else:
        lines.insert(close, line)
    path.write_text("\n".join(lines), encoding="utf-8")


def test_adding_and_removing_an_alias_writes_and_prunes_its_page(site, capsys):
    build(site, capsys)
    path = site / ARTICLE
    original = path.read_text(encoding="utf-8")
    set_front_matter(path, "aliases", 'aliases: ["/old/marriage-ages/", "Marriage.html"]')
    build(site, capsys)
    redirect = site / "output/old/marriage-ages/index.html"
    assert "url=/archive/articles/age-at-marriage-from-listings/" in redirect.read_text(encoding="utf-8")
    assert (site / "output/Marriage.html").is_file()
    assert_same_as_full_build(site, capsys)
    set_front_matter(path, "aliases", 'aliases: ["Marriage.html"]')
    build(site, capsys)
    assert not (site / "output/old").exists() and (site / "output/Marriage.html").is_file()
    assert_same_as_full_build(site, capsys)
    path.write_text(original, encoding="utf-8")
    build(site, capsys)
    assert not (site / "output/Marriage.html").exists()
    assert_same_as_full_build(site, capsys)


def test_a_redirect_page_follows_its_articles_new_title(site, capsys):
    path = site / ARTICLE
    set_front_matter(path, "aliases", 'aliases: ["/old/marriage-ages/"]')
    build(site, capsys)
    set_front_matter(path, "title", 'title: "Marriage Ages Reconsidered"')
    build(site, capsys)
    assert "Marriage Ages Reconsidered" in (site / "output/old/marriage-ages/index.html").read_text(encoding="utf-8")
    assert_same_as_full_build(site, capsys)


def test_a_translations_new_language_reaches_its_originals_page(site, capsys):
    build(site, capsys)
    original = "output/articles/archive-as-workshop/index.html"
    assert 'hreflang="es"' in (site / original).read_text(encoding="utf-8")
    set_front_matter(site / "content/articles/archivo-como-taller.md", "language", "language: pt")
    build(site, capsys)
    page = (site / original).read_text(encoding="utf-8")
    assert 'hreflang="pt"' in page and "Português" in page and 'hreflang="es"' not in page
    assert_same_as_full_build(site, capsys)
    set_front_matter(site / "content/articles/archivo-como-taller.md", "translation_of", "translation_of: kim-takes-control")
    build(site, capsys)
    assert "hreflang" not in (site / original).read_text(encoding="utf-8")
    assert_same_as_full_build(site, capsys)


def test_a_change_outside_the_sites_settings_renders_nothing(site, capsys):
    build(site, capsys)
    settings = site / "pyproject.toml"
    settings.write_text('[project]\nname = "my-journal"\nversion = "2"\n\n# the archive\n'
                        + SETTINGS.replace('language = "en-US"\n', "") + 'language = "en-US"\n', encoding="utf-8")
    assert rendered(build(site, capsys)) == 0
    assert_same_as_full_build(site, capsys)


def test_a_changed_setting_renders_everything(site, capsys):
    first = build(site, capsys)
    settings = site / "pyproject.toml"
    settings.write_text(SETTINGS.replace("Test Society", "Another Society"), encoding="utf-8")
    assert rendered(build(site, capsys)) == rendered(first)
    assert_same_as_full_build(site, capsys)


def test_a_template_change_renders_everything(site, capsys):
    first = build(site, capsys)
    (site / "templates").mkdir()
    (site / "templates/base.html").write_text(
        '{% extends "!builtin/base.html" %}{% block title %}Changed — {{ super() }}{% endblock %}', encoding="utf-8")
    summary = build(site, capsys)
    assert rendered(summary) == rendered(first)
    assert_same_as_full_build(site, capsys)


def test_an_output_changed_by_hand_is_rebuilt_whole(site, capsys):
    first = build(site, capsys)
    page = site / "output/articles/age-at-marriage-from-listings/index.html"
    original = page.read_bytes()
    page.write_bytes(b"edited by hand")
    summary = build(site, capsys)
    assert rendered(summary) == rendered(first)
    assert page.read_bytes() == original


def test_a_damaged_record_costs_only_time(site, capsys):
    first = build(site, capsys)
    for record in (site / ".cache/archivist/builds").iterdir():
        record.write_bytes(b"build-record-1\nnot a pickle")
    summary = build(site, capsys)
    assert rendered(summary) == rendered(first) and "0 files written" in summary


def state_file(site: Path) -> Path:
    (found,) = (site / ".cache/archivist/builds").glob("*.state.entry")
    return found


def test_a_build_with_nothing_to_do_reads_no_state(site, capsys):
    """The planner's state is most of the record; a build that finds nothing changed never reads it,
    and one with work to do and no state renders everything."""
    first = build(site, capsys)
    state_file(site).unlink()
    assert "nothing changed since the last build" in build(site, capsys)
    path = site / ARTICLE
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
    assert rendered(build(site, capsys)) == rendered(first)
    assert_same_as_full_build(site, capsys)


def test_a_state_left_by_an_earlier_build_is_not_taken_for_the_last(site, capsys):
    """A state file from another build (a cache restored in part) would plan against pages that are no
    longer there: the head names its state by digest, so the build renders everything instead."""
    first = build(site, capsys)
    earlier = state_file(site).read_bytes()
    path = site / ARTICLE
    path.write_text(path.read_text(encoding="utf-8").replace("title: \"Estimating", "title: \"Re-estimating", 1), encoding="utf-8")
    build(site, capsys)
    state_file(site).write_bytes(earlier)
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
    cli.main(["--site", str(site), "build", "--no-search"])
    printed = capsys.readouterr()
    assert rendered(printed.out) == rendered(first)
    assert "not the state its build record was written with" in printed.err
    assert_same_as_full_build(site, capsys)


def test_a_new_version_of_archivist_renders_everything(site, capsys, monkeypatch):
    first = build(site, capsys)
    monkeypatch.setattr(incremental, "package_fingerprint", lambda: "another version")
    assert rendered(build(site, capsys)) == rendered(first)


def test_a_failed_build_keeps_the_output_and_the_next_good_one_catches_up(site, capsys):
    build(site, capsys)
    before = tree(site / "output")
    path = site / ARTICLE
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("title:", "titel:", 1), encoding="utf-8")
    assert cli.main(["--site", str(site), "build", "--no-search"]) == cli.EXIT_CONTENT
    assert "titel" in capsys.readouterr().err
    assert tree(site / "output") == before
    path.write_text(good + "\nOne more paragraph.\n", encoding="utf-8")
    assert rendered(build(site, capsys)) == 1
    assert_same_as_full_build(site, capsys)


def test_warnings_are_repeated_when_nothing_changed(site, capsys):
    path = site / ARTICLE
    path.write_text(path.read_text(encoding="utf-8") + "\nSee [this](javascript:alert(1)).\n", encoding="utf-8")
    build(site, capsys)
    again = build(site, capsys)
    assert "nothing changed since the last build" in again
    assert cli.main(["--site", str(site), "build", "--no-search", "--strict"]) == cli.EXIT_CONTENT
    printed = capsys.readouterr()
    assert "warning[body.unsafe-url]" in printed.err, printed


def test_warnings_are_printed_again(site, capsys):
    path = site / ARTICLE
    path.write_text(path.read_text(encoding="utf-8") + "\nSee [this](javascript:alert(1)).\n", encoding="utf-8")
    cli.main(["--site", str(site), "build", "--no-search"])
    first = capsys.readouterr().err
    cli.main(["--site", str(site), "build", "--no-search"])
    second = capsys.readouterr().err
    assert "warning[body.unsafe-url]" in first
    warnings = [line for line in first.splitlines() if "warning[" in line]
    assert warnings and warnings == [line for line in second.splitlines() if "warning[" in line]


def test_a_build_with_nothing_to_do_does_not_load_the_pipeline(site, capsys):
    import subprocess
    import sys

    build(site, capsys)
    probe = ("import sys; from archivist import cli; "
             f"code = cli.main(['--site', {str(site)!r}, 'build', '--no-search']); "
             "print(code, sorted(m for m in ('archivist.build.pipeline', 'archivist.content.load', 'jinja2', 'mistune') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip().splitlines()[-1] == "0 []", done.stdout + done.stderr
    assert "nothing changed since the last build" in done.stdout


def test_a_new_citation_of_an_article_changes_the_cited_page(site, capsys):
    """The cited article's "Cited by" block shows a citing article: citing it anew re-renders it."""
    build(site, capsys)
    cited = site / "output" / "articles" / "counting-barges-on-the-elbe" / "index.html"
    assert "Cited by 1 article in this archive" in cited.read_text(encoding="utf-8")
    citing = site / ARTICLE
    text = citing.read_text(encoding="utf-8")
    body_at = text.index("\n---\n", 4) + 5
    paragraph = "The river tolls were counted in the same way [@doi:10.99999/ll.2021.014, p. 3].\n\n"
    citing.write_text(text[:body_at] + "\n" + paragraph + text[body_at:], encoding="utf-8")
    build(site, capsys)
    page = cited.read_text(encoding="utf-8")
    assert "Cited by 2 articles in this archive" in page
    assert 'articles/age-at-marriage-from-listings/#p1"' in page
    assert_same_as_full_build(site, capsys)
