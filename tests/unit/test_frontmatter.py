"""Front-matter splitting: values keep their file lines; hostile YAML is refused with a located error."""

import pytest

from archivist import frontmatter


def test_values_keep_their_lines():
    fm = frontmatter.split("---\ntitle: A\nauthors:\n  - family: Kim\n    orcid: x\n---\nBody\n")
    assert fm.data == {"title": "A", "authors": [{"family": "Kim", "orcid": "x"}]}
    assert fm.lines["title"] == 2
    assert fm.lines["authors.0.orcid"] == 5
    assert fm.body == "Body\n"
    assert fm.body_line == 7


def test_dots_close_front_matter_too():
    fm = frontmatter.split("---\ntitle: A\n...\ntext")
    assert fm.body == "text" and fm.body_line == 4


@pytest.mark.parametrize(
    "text, line, code",
    [
        ("title: A\n", 1, "frontmatter.missing"),
        ("---\ntitle: A\n", 1, "frontmatter.unclosed"),
        ("---\ntitle: A\ntitle: B\n---\n", 3, "yaml.duplicate-key"),
        ("---\na: &x [1]\nb: *x\n---\n", 3, "yaml.alias"),
        ("---\ntitle: [A\n---\n", 2, "yaml.syntax"),
        ("---\n- a\n- b\n---\n", 2, "yaml.not-mapping"),
        ("---\n" + "a:\n" + "".join("  " * i + " b:\n" for i in range(1, 30)) + "---\n", None, "yaml.too-deep"),
    ],
)
def test_broken_front_matter_is_located(text, line, code):
    with pytest.raises(frontmatter.FrontMatterError) as caught:
        frontmatter.split(text)
    assert caught.value.code == code
    if line is not None:
        assert caught.value.line == line


def test_billion_laughs_is_refused_quickly():
    lines = ["---", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        previous = chr(ord("a") + i - 1)
        name = chr(ord("a") + i)
        lines.append(f"{name}: &{name} [*{previous},*{previous},*{previous},*{previous},*{previous}]")
    lines.append("---")
    with pytest.raises(frontmatter.FrontMatterError) as caught:
        frontmatter.split("\n".join(lines))
    assert caught.value.code == "yaml.alias"


def test_impossible_yaml_date_reaches_the_schema_as_text():
    fm = frontmatter.split("---\ndate: 2021-02-30\n---\n")
    assert fm.data["date"] == "2021-02-30"
