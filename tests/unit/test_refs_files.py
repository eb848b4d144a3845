"""What `refs add` makes of a fetched record and of the bibliography file it writes into, without a network."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from archivist.citations import doi_lookup
from archivist.citations.bibliography_file import BibliographyFileError, read, serialise


@pytest.mark.parametrize("text, doi", [
    ("doi:10.1353/ks.2002.0009", "10.1353/ks.2002.0009"),
    ("10.1353/KS.2002.0009", "10.1353/KS.2002.0009"),
    ("https://doi.org/10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0", None),
    ("https://doi.org/10.1002/(SICI)1097-4571(199806)49:8", "10.1002/(SICI)1097-4571(199806)49:8"),
    ("https://dx.doi.org/10.5555/x", "10.5555/x"),
    ("isbn:9780262510875", None),
    ("10.12/short-prefix", None),
])
def test_identifiers(text: str, doi: str | None) -> None:
    assert doi_lookup.parse_identifier(text) == doi


def test_the_resolver_always_ends_in_a_slash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(doi_lookup.RESOLVER_ENV, raising=False)
    assert doi_lookup.resolver_url(None) == "https://doi.org/"
    monkeypatch.setenv(doi_lookup.RESOLVER_ENV, "http://127.0.0.1:9/doi")
    assert doi_lookup.resolver_url(None) == "http://127.0.0.1:9/doi/"
    assert doi_lookup.resolver_url("http://mirror.example/") == "http://mirror.example/"


def test_a_record_loses_the_agencys_bookkeeping_and_is_filed_under_its_doi() -> None:
    record = {"score": 1, "title": "T", "DOI": "10.5555/AbC", "type": "book", "id": "https://doi.org/10.5555/abc",
              "reference": [{"key": "r1"}], "license": [{"URL": "https://x"}], "subtitle": [], "page": "",
              "archive": ["Portico"], "author": [{"family": "A", "sequence": "first", "affiliation": []}]}
    item = doi_lookup.clean(record, "10.5555/AbC")
    assert item == {"id": "doi:10.5555/abc", "type": "book", "DOI": "10.5555/AbC", "author": [{"family": "A"}],
                    "title": "T"}
    assert list(item) == ["id", "type", "DOI", "author", "title"]


def test_a_record_without_a_doi_gets_the_one_asked_for() -> None:
    assert doi_lookup.clean({"type": "dataset"}, "10.5072/x")["DOI"] == "10.5072/x"


def test_a_yaml_list_stays_a_list_and_other_keys_of_a_mapping_stay(tmp_path: Path) -> None:
    bare = tmp_path / "bare.yaml"
    bare.write_text("- id: a\n  type: book\n", encoding="utf-8")
    found = read(bare, "bare.yaml")
    assert yaml.safe_load(serialise(found, [*found.items, {"id": "b", "type": "book"}])) == [
        {"id": "a", "type": "book"}, {"id": "b", "type": "book"}]
    wrapped = tmp_path / "wrapped.yml"
    wrapped.write_text("nocite: '@*'\nreferences:\n- id: a\n  type: book\n", encoding="utf-8")
    found = read(wrapped, "wrapped.yml")
    assert yaml.safe_load(serialise(found, list(found.items))) == {"nocite": "@*",
                                                                  "references": [{"id": "a", "type": "book"}]}


def test_a_missing_or_empty_file_has_no_items(tmp_path: Path) -> None:
    assert read(tmp_path / "none.json", "none.json").items == ()
    (tmp_path / "empty.json").write_text("\n", encoding="utf-8")
    assert serialise(read(tmp_path / "empty.json", "empty.json"), []) == b"[]\n"


@pytest.mark.parametrize("name, text, message", [
    ("broken.json", '[{"id": "a",}]', "broken.json:1:13: not valid JSON (Expecting property name enclosed in "
     "double quotes); a CSL-JSON file is a list of items"),
    ("object.json", json.dumps({"id": "a"}), "object.json is not a CSL bibliography: expected a list of items "
     "(in CSL-YAML, a list or a 'references:' list)"),
    ("broken.yaml", "references:\n  - id: a\n - id: b\n", "broken.yaml:3:2: not valid YAML"),
])
def test_an_unreadable_file_is_one_line_naming_it(tmp_path: Path, name: str, text: str, message: str) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(BibliographyFileError) as caught:
        read(tmp_path / name, name)
    assert str(caught.value).startswith(message)
