"""RenderedBody facts beyond the HTML: contents, paragraph ids, counts, assets, titles."""

from __future__ import annotations

import pytest

from archivist.markdown import BodyContext, MarkdownOptions, inline_text, render_body, render_inline
from archivist.markdown.ids import slugify, unique_id


def ctx(lang: str = "en", **labels: str) -> BodyContext:
    return BodyContext(
        path="a.md", first_line=1, lang=lang, labels=labels,
        resolve_article=lambda slug: f"../{slug}/", asset_exists=lambda path: True,
    )


def test_toc_lists_h2_and_h3_with_plain_text_and_link_free_html():
    source = "## *One*[^1]\n\n### Two [link](https://x.org)\n\n#### Three\n\n[^1]: Note.\n"
    body, _ = render_body(source, ctx())
    assert [(h.level, h.id, h.text) for h in body.toc] == [(2, "one", "One"), (3, "two-link", "Two link")]
    assert body.toc[0].html == "<em>One</em>"
    assert body.toc[1].html == "Two link"


def test_toc_follows_shifted_levels_when_author_used_h1():
    body, _ = render_body("# Part\n\n## Chapter\n\n### Deep\n", ctx())
    assert [(h.level, h.id) for h in body.toc] == [(2, "part"), (3, "chapter")]
    assert "<h4 id=\"deep\">" in body.html


def test_an_authors_empty_notes_heading_titles_the_notes_and_leaves_the_contents():
    source = "# Lesson\n\nText.[^1]\n\n## Step\n\nMore.\n\n# Notas\n\n[^1]: Uma nota.\n"
    body, _ = render_body(source, ctx("pt", notes="Notas de rodapé"))
    assert [h.text for h in body.toc] == ["Lesson", "Step"]
    assert body.notes_title == "Notas" and body.html.count("Notas") == 1
    assert '<h2 id="notes-title">Notas</h2>' in body.html
    plain, _ = render_body("Text.[^1]\n\n[^1]: Note.\n", ctx(notes="Notes"))
    assert plain.notes_title == "" and '<h2 id="notes-title">Notes</h2>' in plain.html


def test_headings_marked_no_toc_stay_in_the_text_but_not_in_the_contents():
    body, _ = render_body("## Kept\n\n## Aside\n{:.no_toc}\n\n## Named\n{: #own}\n", ctx())
    assert [(h.id, h.text) for h in body.toc] == [("kept", "Kept"), ("own", "Named")]
    assert '<h2 id="aside">Aside</h2>' in body.html


def test_paragraph_ids_skip_notes_captions_and_figures():
    source = (
        "One[^n].\n\n![Alt](a.png \"Caption\")\n\n```{figure} b.png\n:alt: B\n\nCaption one.\n\nCaption two.\n```\n\n"
        "> Two.\n\n[^n]: In a note.\n"
    )
    body, _ = render_body(source, ctx())
    assert body.paragraph_ids == ("p1", "p2")
    assert '<p id="p2">Two.</p>' in body.html
    assert "<p>In a note." in body.html and "<p>Caption one.</p>" in body.html


def test_footnote_count_and_labels_come_from_context():
    body, _ = render_body("가[^a] 나[^b]\n\n[^a]: 하나.\n[^b]: 둘.\n", ctx("ko", notes="주", back_to_text="본문으로"))
    assert body.footnote_count == 2
    assert '<h2 id="notes-title">주</h2>' in body.html
    assert 'aria-label="본문으로"' in body.html


@pytest.mark.parametrize(
    ("source", "lang", "words"),
    [
        ("The letters' archive -- it's 1988.", "en", 5),
        ("北京大学图书馆", "zh", 7),
        ("서울 올림픽 기록을 읽다", "ko", 4),
        ("日本語の本 and English", "ja", 7),
    ],
)
def test_word_count(source: str, lang: str, words: int):
    body, _ = render_body(source + "\n", ctx(lang))
    assert body.word_count == words


def test_word_count_leaves_out_code_blocks_and_notes():
    body, _ = render_body("Two words[^1]\n\n```\nnot counted here\n```\n\n[^1]: Nor this.\n", ctx())
    assert body.word_count == 2


def test_one_markdown_object_serves_documents_without_leaking_state():
    first, _ = render_body("A[^x].\n\n*[UN]: United Nations\n\n[^x]: Note.\n", ctx())
    second, diagnostics = render_body("UN B.\n", ctx())
    assert second.footnote_count == 0 and "abbr" not in second.html and "notes" not in second.html
    assert diagnostics == []
    assert render_body("A[^x].\n\n*[UN]: United Nations\n\n[^x]: Note.\n", ctx())[0] == first


def test_render_inline_keeps_emphasis_code_and_scripts_but_no_links_or_html():
    html = render_inline('On *Moby-Dick*: `code` H~2~O x^2^ "quoted" [a](http://x) <b>', "en")
    assert html == "On <em>Moby-Dick</em>: <code>code</code> H<sub>2</sub>O x<sup>2</sup> “quoted” [a](http://x) &lt;b&gt;"


def test_inline_text_is_plain_with_language_quotes():
    assert inline_text('Über *"Faust"*', "de") == "Über „Faust“"
    assert inline_text("  ", "en") == ""


@pytest.mark.parametrize(
    ("text", "slug"),
    [("Élan Vital", "élan-vital"), ("서울 올림픽", "서울-올림픽"), ("1914–1918: War", "1914-1918-war"), ("C'est «ça»", "cest-ça")],
)
def test_slugify_keeps_letters_of_every_script(text: str, slug: str):
    assert slugify(text) == slug


def test_unique_id_avoids_page_ids_and_repeats():
    used: set[str] = set()
    assert [unique_id(s, used) for s in ("fig", "fig", "p2", "intro", "intro")] == [
        "fig", "section-fig-2", "section-p2", "intro", "intro-2",
    ]


def test_a_caption_numbered_in_the_articles_own_word_is_not_numbered_again():
    body, diagnostics = render_body('![지도](a.png "그림 3. 해안")\n\n![지도](b.png "해안")\n', ctx("ko", figure="그림"))
    assert "<figcaption>그림 3. 해안</figcaption>" in body.html
    assert "<figcaption>해안</figcaption>" in body.html  # the author numbers this article's figures
    assert "figure-label" not in body.html
    assert [(d.code, d.line) for d in diagnostics] == [("body.figure-number", 1)]


def test_once_the_author_numbers_figures_none_gets_an_automatic_number():
    """An uncaptioned figure before the author's own 'Figure 1:' would otherwise be a second Figure 1."""
    source = '![Map](a.png)\n\n![Plan](b.png "Figure 1: The plan.")\n\n![Key](c.png "Imagem 2 – A legenda.")\n'
    body, diagnostics = render_body(source, ctx("en", figure="Figure"))
    assert "figure-label" not in body.html
    assert "<figcaption>Figure 1: The plan.</figcaption>" in body.html
    assert "<figcaption>Imagem 2 – A legenda.</figcaption>" in body.html
    assert [(d.code, d.line) for d in diagnostics] == [("body.figure-number", 3), ("body.figure-number", 5)]


def test_figures_are_numbered_when_no_caption_numbers_itself():
    body, _ = render_body('![Map](a.png "The coast.")\n\n![Plan](b.png "Figure shows the plan.")\n', ctx("en", figure="Figure"))
    assert '<span class="figure-label">Figure 1.</span> The coast.' in body.html
    assert '<span class="figure-label">Figure 2.</span> Figure shows the plan.' in body.html


def test_titles_follow_the_sites_subscript_and_superscript_settings():
    assert render_inline("H~2~O and x^2^", "en") == "H<sub>2</sub>O and x<sup>2</sup>"
    off = MarkdownOptions(subscript=False, superscript=False)
    assert render_inline("H~2~O and x^2^", "en", off) == "H~2~O and x^2^"
    assert inline_text("Type ^^^ in RUMSEY~8~1~2505~310017", "en") == "Type ^^^ in RUMSEY~8~1~2505~310017"


def test_a_list_hook_runs_on_each_list_that_holds_a_type_it_needs_and_on_no_other():
    from archivist.markdown.context import LIST_HOOKS, ListHook, Session
    from archivist.markdown.pipeline import _run_list_hooks

    seen: list[list[str]] = []
    hooks = {LIST_HOOKS: [ListHook(frozenset({"table", "block_ial"}), lambda tokens, _s: seen.append(
        [tok["type"] for tok in tokens]))]}
    session = Session(ctx(), line=1)
    for tokens in ([{"type": "paragraph"}, {"type": "table"}], [{"type": "text"}], [],
                   [{"type": "block_ial"}], [{"type": "blank_line"}, {"type": "heading"}]):
        _run_list_hooks(tokens, session, hooks)  # type: ignore[arg-type]
    assert seen == [["paragraph", "table"], ["block_ial"]]


def test_plugins_list_hooks_still_apply_attribute_lists_captions_and_inline_html():
    source = ("* TOC\n{:toc}\n\n## Named\n{: #own}\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n: Counts\n\n"
              "Some <b>bold</b> and <i>open\n")
    body, problems = render_body(source, ctx())
    assert "TOC" not in body.html, "the marker list at the end of a list's item is taken as kramdown's contents"
    assert [p.code for p in problems] == ["body.toc-marker"]
    assert '<h2 id="own">Named</h2>' in body.html
    assert "<caption><span class=\"table-label\">Table 1.</span> Counts</caption>" in body.html
    assert "<i>open</i></p>" in body.html
