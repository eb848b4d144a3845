"""The front-matter JSON Schema: generated from the validator's definitions, committed up to date, and
agreeing with the validator on the sample articles and on typical mistakes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from archivist.content import schema_json as generator
from archivist.content.frontmatter import split
from archivist.content.schema import FIELDS, validate
from archivist.util.vocabulary import CSL_TYPES, LICENSES

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((REPO_ROOT / "content" / "articles").rglob("*.md"))


def as_json(value: Any) -> Any:
    """YAML gives dates as date objects; in JSON (and in editors' YAML tooling) they are strings."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    return value


@pytest.fixture(scope="module")
def checker() -> jsonschema.Draft202012Validator:
    schema = generator.generate()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_committed_schema_is_the_generated_one():
    assert generator.SCHEMA_PATH.read_text(encoding="utf-8") == generator.render(), \
        "schema/article.schema.json is out of date: run python -m archivist.content.schema_json"


def test_every_validator_field_has_a_schema_and_nothing_else():
    assert list(generator.generate()["properties"]) == list(FIELDS)
    assert set(generator.field_schemas()) == set(FIELDS)


def test_vocabularies_come_from_the_validator():
    properties = generator.generate()["properties"]
    assert set(properties["type"]["enum"]) == CSL_TYPES
    assert set(properties["license"]["anyOf"][0]["enum"]) == set(LICENSES)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.relative_to(REPO_ROOT).as_posix())
def test_sample_front_matter_validates(checker: jsonschema.Draft202012Validator, path: Path):
    data = as_json(split(path.read_text(encoding="utf-8")).data)
    problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in checker.iter_errors(data)]
    assert problems == []


GOOD = {"title": "A", "date": "2020-05", "authors": ["Kim, Ji-won", {"family": "Lee", "given": "Min"},
                                                    {"name": "Working Group"}]}


@pytest.mark.parametrize("change", [
    {"titel": "typo"},
    {"type": "journal-article"},
    {"date": "May 2020"},
    {"slug": "Not A Slug"},
    {"draft": "yes"},
    {"license": "CC-BY-9.9"},
    {"csl": {"not-a-variable": 1}},
    {"authors": [{"family": "Lee", "name": "Lee Org"}]},
    {"authors": [{"given": "Min"}]},
    {"keywords": "one, two"},
])
def test_schema_and_validator_both_reject(checker: jsonschema.Draft202012Validator, change: dict):
    data = {**GOOD, **change}
    assert not checker.is_valid(data)
    yaml_text = "---\n" + "\n".join(f"{k}: {_yaml(v)}" for k, v in data.items()) + "\n---\n"
    meta, problems = validate(split(yaml_text), "x.md", "x", "en-US")
    assert meta is None or any(p.severity == "error" for p in problems)


def test_schema_and_validator_both_accept(checker: jsonschema.Draft202012Validator):
    assert checker.is_valid(GOOD)
    yaml_text = "---\n" + "\n".join(f"{k}: {_yaml(v)}" for k, v in GOOD.items()) + "\n---\n"
    meta, problems = validate(split(yaml_text), "x.md", "x", "en-US")
    assert meta is not None and not [p for p in problems if p.severity == "error"]


def _yaml(value: Any) -> str:
    import json

    return json.dumps(value)  # JSON is valid YAML flow syntax
