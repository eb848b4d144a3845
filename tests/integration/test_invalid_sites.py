"""Invalid sites, one per class of error: `check` reports exactly the expected diagnostics, and
`build` fails without touching an existing output folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from archivist.cli import main

CASES = Path(__file__).resolve().parent.parent / "invalid_sites"


def case_names() -> list[str]:
    return sorted(p.name for p in CASES.iterdir() if (p / "pyproject.toml").is_file())


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def diagnostic_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "error[" in line or "warning[" in line]


@pytest.mark.parametrize("name", case_names())
def test_check_reports_every_expected_diagnostic(name, capsys, update_golden):
    site = CASES / name
    code, _out, err = run(["--site", str(site), "check"], capsys)
    lines = diagnostic_lines(err)
    expected_file = site / "expected.txt"
    if update_golden:
        expected_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert code == 1
    assert "Traceback" not in err
    assert lines == expected_file.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("name", case_names())
def test_failed_build_leaves_previous_output_untouched(name, capsys, tmp_path):
    site = tmp_path / name
    shutil.copytree(CASES / name, site)
    output = site / "output"
    output.mkdir()
    (output / ".archivist-output").write_text("previous build\n")
    (output / "index.html").write_text("previous site\n")
    before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}
    code, _out, err = run(["--site", str(site), "build"], capsys)
    assert code == 1
    assert "Traceback" not in err
    assert {p: p.read_bytes() for p in output.rglob("*") if p.is_file()} == before


def test_github_format_annotates_each_problem(capsys):
    code, out, _err = run(["--site", str(CASES / "unknown-key"), "check", "--format", "github"], capsys)
    assert code == 1
    assert out.splitlines() == [
        "::error file=content/articles/typo.md,line=1,col=1,title=meta.missing::[meta.missing] "
        "required key 'title' is missing",
        "::error file=content/articles/typo.md,line=2,col=1,title=meta.unknown-key::[meta.unknown-key] "
        "unknown key 'titel' (did you mean 'title'?) (free-form values go under 'extra:')",
        "::error file=content/articles/typo.md,line=5,col=1,title=meta.unknown-key::[meta.unknown-key] "
        "unknown key 'jornal' (did you mean 'journal'?) (free-form values go under 'extra:')",
    ]
