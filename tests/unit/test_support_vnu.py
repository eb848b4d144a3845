"""The Nu Html Checker wrapper reports errors per file, keeps warnings apart, and batches files."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.vnu import VnuReport, validate_html

VALID = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Valid</title></head>
<body><main><h1>Valid</h1><p>Fine.</p></main></body></html>
"""
BROKEN = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Broken</title></head>
<body>
<p>An image with no text alternative: <img src="a.png"></p>
<div><span></div>
</body></html>
"""
# No lang attribute: vnu only warns about that.
WARNED = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Warned</title></head><body><p>Hi.</p></body></html>
"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("vnu")
    for name, text in {"valid.html": VALID, "broken.html": BROKEN, "nested/warned.html": WARNED}.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "style.css").write_text("this is { not css", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def report(pages: Path) -> VnuReport:
    """One JVM run over the whole folder, as the site tests do."""
    return validate_html(pages)


def test_valid_file_has_no_errors(report: VnuReport, pages: Path) -> None:
    assert report.errors_for(pages / "valid.html") == []
    assert report.warnings_for(pages / "valid.html") == []


def test_broken_file_has_located_errors(report: VnuReport, pages: Path) -> None:
    errors = report.errors_for(pages / "broken.html")
    assert any("alt" in e.message and e.line == 4 for e in errors), report.format_errors()
    assert any("span" in e.message for e in errors), report.format_errors()


def test_warnings_are_kept_apart_from_errors(report: VnuReport, pages: Path) -> None:
    warned = pages / "nested" / "warned.html"
    assert report.errors_for(warned) == []
    assert any("lang" in w.message for w in report.warnings_for(warned))


def test_only_html_is_checked(report: VnuReport, pages: Path) -> None:
    checked = set(report.errors) | set(report.warnings)
    assert checked == {(pages / "broken.html").resolve(), (pages / "nested" / "warned.html").resolve()}


def test_format_names_file_and_line(report: VnuReport, pages: Path) -> None:
    text = report.format_errors(relative_to=pages)
    assert text.startswith("broken.html:")
    assert all(line.startswith("broken.html:") for line in text.splitlines())


def test_explicit_file_list_and_ignore_patterns(pages: Path) -> None:
    files = [pages / "valid.html", pages / "broken.html"]
    report = validate_html(files, ignore=[r"“img” element must have an “alt”"])
    messages = [e.message for e in report.errors_for(pages / "broken.html")]
    assert messages and not any("alt" in m for m in messages)


def test_missing_target_is_an_error_not_a_pass(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        validate_html([tmp_path / "nope.html"])
