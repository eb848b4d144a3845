"""Cross-references: labels on figures, tables, equations and headings, and `@fig-x` references to them,
checked against the whole rendered body and the diagnostics with their lines and columns."""

from __future__ import annotations

from pathlib import Path

from archivist.diagnostics import Diagnostic
from archivist.i18n import labels_for
from archivist.markdown import BodyContext, render_body
from archivist.markdown.crossrefs import CROSSREF_PREFIXES, is_crossref_key

FIRST_LINE = 10  # the body starts on file line 10, after the front matter
ASSETS = frozenset({"map.svg", "diagram.png"})
EQUATION = ('<math xmlns="http://www.w3.org/1998/Math/MathML" display="block"><mrow><mi>E</mi><mo>=</mo><mi>m</mi>'
            '<msup><mi>c</mi><mn>2</mn></msup></mrow></math>')


def render(source: str, lang: str = "en") -> tuple[str, list[Diagnostic]]:
    context = BodyContext(path="content/articles/a.md", first_line=FIRST_LINE, lang=lang, labels=labels_for(lang),
                          resolve_article=lambda _slug: None, asset_exists=ASSETS.__contains__)
    body, diagnostics = render_body(source, context)
    return body.html.strip(), diagnostics


def html_of(source: str, lang: str = "en") -> str:
    html, diagnostics = render(source, lang)
    assert diagnostics == []
    return html


def figure(id: str, src: str, alt: str, caption: str) -> str:
    return (f'<figure id="{id}">\n<img src="{src}" alt="{alt}" loading="lazy" decoding="async">\n'
            f'<figcaption>{caption}</figcaption>\n</figure>')


def test_a_figure_label_becomes_its_id_and_a_reference_names_it_by_number():
    source = "See @fig-map.\n\n![The coast in 1802](map.svg){#fig-map}\n"
    assert html_of(source) == (
        '<p id="p1">See <a class="crossref" href="#fig-map">Figure 1</a>.</p>\n'
        + figure("fig-map", "map.svg", "The coast in 1802",
                 '<span class="figure-label">Figure 1.</span> The coast in 1802'))


def test_a_titled_image_keeps_its_title_as_caption_and_its_text_as_alt():
    source = '![A map](map.svg "The coast in 1802"){#fig-map}\n\n@Fig-map shows it.\n'
    assert html_of(source) == (
        figure("fig-map", "map.svg", "A map", '<span class="figure-label">Figure 1.</span> The coast in 1802')
        + '\n<p id="p1"><a class="crossref" href="#fig-map">Figure 1</a> shows it.</p>')


def test_the_figure_directive_takes_its_label_from_the_name_option():
    source = "```{figure} diagram.png\n:alt: A diagram\n:name: fig-flow\n\nThe flow.\n```\n\nAs [@fig-flow] shows.\n"
    assert html_of(source) == (
        figure("fig-flow", "diagram.png", "A diagram", '<span class="figure-label">Figure 1.</span> The flow.')
        + '\n<p id="p1">As <a class="crossref" href="#fig-flow">Figure 1</a> shows.</p>')


def test_labelled_figures_keep_the_automatic_numbering_of_all_figures():
    source = ('![One](map.svg "First")\n\n![Two](diagram.png){#fig-two}\n\n![Three](map.svg "Third")\n\n'
              "Compare [-@fig-two].\n")
    html = html_of(source)
    assert '<figure id="fig-1">' in html and '<figure id="fig-3">' in html
    assert '<figure id="fig-two">' in html and '<span class="figure-label">Figure 2.</span> Two' in html
    assert html.endswith('<p id="p1">Compare <a class="crossref" href="#fig-two">2</a>.</p>')


def test_a_table_caption_line_labels_the_table_and_shows_its_number():
    source = ("Prices are in @tbl-prices.\n\n| Year | Price |\n|---|---|\n| 1802 | 4 |\n\n"
              ": Prices in *1802* {#tbl-prices}\n")
    assert html_of(source) == (
        '<p id="p1">Prices are in <a class="crossref" href="#tbl-prices">Table 1</a>.</p>\n'
        '<div class="table-wrap" id="tbl-prices" role="region" tabindex="0" aria-label="Table 1">\n<table>\n'
        '<caption><span class="table-label">Table 1.</span> Prices in <em>1802</em></caption>\n'
        "<thead>\n<tr>\n<th>Year</th>\n<th>Price</th>\n</tr>\n</thead>\n"
        "<tbody>\n<tr>\n<td>1802</td>\n<td>4</td>\n</tr>\n</tbody>\n</table>\n</div>")


def test_a_caption_before_the_table_and_one_without_a_label_are_captions_too():
    source = "Table: Before {#tbl-a}\n\n| a |\n|---|\n| 1 |\n\n| b |\n|---|\n| 2 |\n: After\n\nSee @tbl-a.\n"
    html = html_of(source)
    assert '<div class="table-wrap" id="tbl-a" role="region" tabindex="0" aria-label="Table 1">' in html
    assert '<caption><span class="table-label">Table 1.</span> Before</caption>' in html
    assert '<div class="table-wrap" role="region" tabindex="0" aria-label="Table 2">' in html
    assert '<caption><span class="table-label">Table 2.</span> After</caption>' in html
    assert html.endswith('<p id="p1">See <a class="crossref" href="#tbl-a">Table 1</a>.</p>')


def test_an_equation_label_after_the_closing_dollars_numbers_it_visibly():
    source = "By @eq-energy,\n\n$$\nE = mc^2\n$$ {#eq-energy}\n\nand [-@eq-energy] again.\n"
    assert html_of(source) == (
        '<p id="p1">By <a class="crossref" href="#eq-energy">Equation 1</a>,</p>\n'
        '<div class="equation" id="eq-energy"><div class="math-block" role="region" tabindex="0" '
        f'aria-label="Equation 1">{EQUATION}</div>'
        '<span class="equation-number" aria-hidden="true">(1)</span></div>\n'
        '<p id="p2">and <a class="crossref" href="#eq-energy">1</a> again.</p>')


def test_a_one_line_equation_takes_a_label_and_counts_with_the_others():
    html = html_of("$$x$$\n\n$$ E = mc^2 $$ {#eq-second}\n\nSee @eq-second.\n")
    assert '<div class="equation" id="eq-second">' in html and 'aria-label="Equation 2"' in html
    assert html.endswith('<a class="crossref" href="#eq-second">Equation 2</a>.</p>')


def test_a_section_is_named_by_its_heading_in_the_languages_quotation_marks():
    source = "See @sec-results and [-@sec-results].\n\n## Results of the *survey* {#sec-results}\n"
    assert html_of(source) == (
        '<p id="p1">See <a class="crossref" href="#sec-results">Section “Results of the survey”</a> and '
        '<a class="crossref" href="#sec-results">“Results of the survey”</a>.</p>\n'
        '<h2 id="sec-results">Results of the <em>survey</em></h2>')


def test_references_use_the_articles_language():
    source = ("Siehe @fig-karte und @sec-ergebnisse.\n\n![Die Küste](map.svg){#fig-karte}\n\n"
              "## Ergebnisse {#sec-ergebnisse}\n")
    html = html_of(source, lang="de")
    assert ('<p id="p1">Siehe <a class="crossref" href="#fig-karte">Abbildung 1</a> und '
            '<a class="crossref" href="#sec-ergebnisse">Abschnitt „Ergebnisse“</a>.</p>') in html
    assert '<span class="figure-label">Abbildung 1.</span> Die Küste' in html


def test_a_capital_first_letter_capitalises_the_word_the_language_writes_in_lower_case():
    context = BodyContext(path="a.md", first_line=1, lang="en", labels={"figure": "fig."},
                          resolve_article=lambda _slug: None, asset_exists=ASSETS.__contains__)
    body, _ = render_body("@fig-map and @Fig-map\n\n![Map](map.svg){#fig-map}\n", context)
    assert body.html.startswith('<p id="p1"><a class="crossref" href="#fig-map">fig. 1</a> and '
                                '<a class="crossref" href="#fig-map">Fig. 1</a></p>')


def test_an_unknown_label_is_an_error_at_its_at_sign_with_a_suggestion_and_shows_as_written():
    source = "![Map](map.svg){#fig-map}\n\nSee the map\n(in *@fig-mpa*) and [-@tbl-none].\n"
    html, diagnostics = render(source)
    assert html.endswith('<p id="p1">See the map\n(in <em>@fig-mpa</em>) and [-@tbl-none].</p>')
    assert [d.format_text() for d in diagnostics] == [
        "content/articles/a.md:13:6: error[body.crossref]: unknown cross-reference '@fig-mpa': no figure, table, "
        "equation or section of the article has the label 'fig-mpa' (did you mean 'fig-map'?)",
        "content/articles/a.md:13:23: error[body.crossref]: unknown cross-reference '[-@tbl-none]': no figure, "
        "table, equation or section of the article has the label 'tbl-none'",
    ]


def test_the_column_is_found_inside_quotes_lists_and_headings():
    source = "> Quoted @fig-x here.\n\n- item\n  - nested @eq-y\n\n## Heading with @sec-z ##\n"
    _, diagnostics = render(source)
    assert [(d.line, d.column) for d in diagnostics] == [(10, 10), (13, 12), (15, 17)]


def test_a_label_defined_twice_is_an_error_on_the_second():
    source = "![One](map.svg){#fig-map}\n\n![Two](diagram.png){#fig-map}\n\nSee @fig-map.\n"
    html, diagnostics = render(source)
    assert [(d.line, d.code, d.message) for d in diagnostics] == [
        (12, "body.crossref", "label 'fig-map' is already used on line 10; give each element a label of its own")]
    assert '<figure id="fig-map">' in html and '<figure id="fig-2">' in html
    assert html.endswith('<a class="crossref" href="#fig-map">Figure 1</a>.</p>')


def test_code_and_email_addresses_hold_no_references():
    source = "Write `@fig-map` or mail me@fig-map.org.\n\n```\n@fig-map\n```\n"
    assert html_of(source) == ('<p id="p1">Write <code>@fig-map</code> or mail me@fig-map.org.</p>\n'
                               '<div class="code-block">\n<pre class="code" dir="ltr" role="region" tabindex="0" '
                               'aria-label="Code 1"><code>@fig-map\n</code></pre>\n</div>')


def test_a_reference_inside_a_link_shows_its_words_without_a_second_link():
    source = "[see @fig-map](https://example.org/)\n\n![Map](map.svg){#fig-map}\n"
    html = html_of(source)
    assert '>see Figure 1<span class="visually-hidden">' in html and "crossref" not in html


def test_self_numbered_captions_lend_their_numbers_to_references():
    source = '![Map](map.svg "Figure 7: The coast."){#fig-map}\n\nSee @fig-map.\n'
    html, diagnostics = render(source)
    assert html.endswith('<p id="p1">See <a class="crossref" href="#fig-map">Figure 7</a>.</p>')
    assert [d.code for d in diagnostics] == ["body.figure-number"]


def test_the_citation_parser_can_tell_cross_references_from_citation_keys():
    assert CROSSREF_PREFIXES == ("fig", "tbl", "eq", "sec")
    assert all(is_crossref_key(key) for key in ("fig-map", "Fig-map", "tbl-1", "eq-a.b", "sec-x_y"))
    assert not any(is_crossref_key(key) for key in ("smith2020", "fig", "fig-", "figure-1", "FIG-map", "fig-x."))


def test_the_readme_example_renders_every_reference():
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    example = readme.split("#### Cross-references", 1)[1].split("````markdown\n", 1)[1].split("````", 1)[0]
    context = BodyContext(path="a.md", first_line=1, lang="en", labels=labels_for("en"),
                          resolve_article=lambda _slug: None, asset_exists=lambda _path: True)
    body, diagnostics = render_body(example, context)
    assert diagnostics == []
    assert ('As <a class="crossref" href="#fig-coast">Figure 1</a> shows, prices rose (<a class="crossref" '
            'href="#tbl-prices">Table 1</a>; see also <a class="crossref" href="#eq-growth">1</a> and '
            '<a class="crossref" href="#sec-sources">Section “Sources”</a>).') in body.html


def test_a_colon_that_starts_prose_after_a_table_is_no_caption():
    html = html_of("| a |\n|---|\n| 1 |\n\n:-) said the table.\n")
    assert "<caption>" not in html and html.endswith('<p id="p1">:-) said the table.</p>')


def test_a_figure_label_that_could_clash_with_an_automatic_id_is_refused():
    html, diagnostics = render("![One](map.svg){#fig-2}\n\n![Two](diagram.png \"Two\")\n\nSee @fig-2.\n")
    assert '<figure id="fig-1">' in html and '<figure id="fig-2">' in html and html.count('id="fig-2"') == 1
    assert [(d.line, d.severity, d.code) for d in diagnostics] == [
        (10, "warning", "body.crossref"), (14, "error", "body.crossref")]


# Quarto's figure and table divs (floats.py): the label is the div's id, its last paragraph the caption.
QUINE = ("See @fig-quine.\n\n::: {#fig-quine}\n\n![](map.svg)\n\n"
         "Frequency distribution for number of days absent from school.\n\n:::\n")


def test_a_figure_div_is_a_figure_named_by_its_label_and_its_image_needs_no_alt_text():
    assert html_of(QUINE) == (
        '<p id="p1">See <a class="crossref" href="#fig-quine">Figure 1</a>.</p>\n'
        '<figure id="fig-quine">\n<p><img src="map.svg" alt="" loading="lazy" decoding="async"></p>\n'
        '<figcaption><span class="figure-label">Figure 1.</span> Frequency distribution for number of days '
        "absent from school.</figcaption>\n</figure>")


def test_figure_divs_count_with_the_other_figures_in_document_order():
    source = ("![One](map.svg \"First\")\n\n::: {#fig-two}\n![](diagram.png)\n\nSecond.\n:::\n\n"
              "```{figure} map.svg\n:alt: A map\n:name: fig-three\n\nThird.\n```\n\n"
              "See @fig-two and @fig-three.\n")
    html = html_of(source)
    assert '<figure id="fig-1">' in html and '<figure id="fig-two">' in html and '<figure id="fig-three">' in html
    assert '<span class="figure-label">Figure 2.</span> Second.' in html
    assert html.endswith('<a class="crossref" href="#fig-two">Figure 2</a> and '
                         '<a class="crossref" href="#fig-three">Figure 3</a>.</p>')


def test_a_figure_div_is_named_in_the_articles_language():
    html = html_of("Siehe @fig-karte.\n\n::: {#fig-karte}\n![](map.svg)\n\nDie Küste.\n:::\n", lang="de")
    assert '<a class="crossref" href="#fig-karte">Abbildung 1</a>' in html
    assert '<span class="figure-label">Abbildung 1.</span> Die Küste.' in html


def test_a_table_div_captions_and_labels_its_table_like_a_caption_line():
    div = "See @tbl-prices.\n\n::: {#tbl-prices}\n| Year | Price |\n|---|---|\n| 1802 | 4 |\n\nPrices in *1802*\n:::\n"
    line = "See @tbl-prices.\n\n| Year | Price |\n|---|---|\n| 1802 | 4 |\n\n: Prices in *1802* {#tbl-prices}\n"
    assert html_of(div) == html_of(line)
    assert '<caption><span class="table-label">Table 1.</span> Prices in <em>1802</em></caption>' in html_of(div)


def test_a_table_divs_caption_may_be_written_as_a_caption_line():
    html = html_of("::: {#tbl-a}\n| a |\n|---|\n| 1 |\n\n: The caption\n:::\n\nSee @tbl-a.\n")
    assert '<caption><span class="table-label">Table 1.</span> The caption</caption>' in html
    assert html.endswith('<a class="crossref" href="#tbl-a">Table 1</a>.</p>')


def test_a_table_div_of_other_content_counts_with_the_tables_and_shows_its_caption_first():
    source = "| a |\n|---|\n| 1 |\n\n::: {#tbl-scan}\n![](map.svg)\n\nA table, photographed.\n:::\n\nSee @tbl-scan.\n"
    html = html_of(source)
    assert ('<figure id="tbl-scan">\n<figcaption><span class="table-label">Table 2.</span> A table, photographed.'
            '</figcaption>\n<p><img src="map.svg" alt="" loading="lazy" decoding="async"></p>\n</figure>') in html
    assert html.endswith('<a class="crossref" href="#tbl-scan">Table 2</a>.</p>')


def test_labelled_figures_inside_a_figure_div_are_its_lettered_parts():
    source = ("::: {#fig-elephants layout-ncol=2}\n\n![Surus](map.svg){#fig-surus}\n\n"
              "![Abbas](diagram.png){#fig-abbas}\n\nFamous elephants\n:::\n\n"
              "![Later](map.svg \"Later\")\n\nSee @fig-elephants, @fig-abbas and [-@fig-surus].\n")
    html = html_of(source)
    assert html.startswith(
        '<figure id="fig-elephants" class="figure-panels">\n<figure id="fig-surus">\n'
        '<img src="map.svg" alt="Surus" loading="lazy" decoding="async">\n'
        '<figcaption><span class="figure-label">(a)</span> Surus</figcaption>\n</figure>\n<figure id="fig-abbas">\n')
    assert '<figcaption><span class="figure-label">Figure 1.</span> Famous elephants</figcaption>' in html
    assert '<figure id="fig-2">' in html  # the parts take no figure numbers of their own
    assert html.endswith('<a class="crossref" href="#fig-elephants">Figure 1</a>, '
                         '<a class="crossref" href="#fig-abbas">Figure 1b</a> and '
                         '<a class="crossref" href="#fig-surus">1a</a>.</p>')


def test_nested_figure_divs_are_parts_and_their_images_are_described_by_their_captions():
    source = (":::: {#fig-subrefs}\n\n::: {#fig-first}\n![](map.svg)\n\nFirst caption\n:::\n\n"
              "::: {#fig-second}\n![](diagram.png)\n\nSecond caption\n:::\n\nMain caption\n::::\n\n"
              "See @fig-second.\n")
    html = html_of(source)
    assert '<figure id="fig-first">\n<p><img src="map.svg" alt=""' in html
    assert '<figcaption><span class="figure-label">(b)</span> Second caption</figcaption>' in html
    assert html.endswith('<a class="crossref" href="#fig-second">Figure 1b</a>.</p>')


def test_a_titled_image_in_a_figure_div_stays_an_image_of_it():
    html = html_of("::: {#fig-a}\n![A map](map.svg \"The coast\")\n\nCaption.\n:::\n")
    assert html == ('<figure id="fig-a">\n<p><img src="map.svg" alt="A map" title="The coast" loading="lazy" '
                    'decoding="async"></p>\n<figcaption><span class="figure-label">Figure 1.</span> Caption.'
                    "</figcaption>\n</figure>")


def test_self_numbered_div_captions_lend_their_numbers_to_figures_and_parts():
    source = ("::: {#fig-views}\n![One](map.svg){#fig-one}\n\n![Two](map.svg){#fig-two}\n\n"
              "Figure 8: Both views.\n:::\n\nSee @fig-views and @fig-two.\n")
    html, diagnostics = render(source)
    assert '<figcaption>Figure 8: Both views.</figcaption>' in html
    assert html.endswith('<a class="crossref" href="#fig-views">Figure 8</a> and '
                         '<a class="crossref" href="#fig-two">Figure 8b</a>.</p>')
    assert [(d.line, d.code) for d in diagnostics] == [(15, "body.figure-number")]


def test_a_div_without_a_caption_is_reported_and_its_image_needs_alt_text():
    html, diagnostics = render("Intro.\n\n::: {#fig-bare}\n\n![](map.svg)\n\n:::\n\n![](diagram.png)\n")
    assert '<figure id="fig-bare">' in html
    assert '<figcaption><span class="figure-label">Figure 1.</span></figcaption>' in html
    assert [d.format_text() for d in diagnostics] == [
        "content/articles/a.md:12:1: warning[body.float-caption]: the figure div 'fig-bare' has no caption; write "
        "the caption as the div's last paragraph, after the figure",
        "content/articles/a.md:14:1: error[body.missing-alt]: image 'map.svg' has no alt text; describe it for "
        "readers who cannot see it",
        "content/articles/a.md:18:1: error[body.missing-alt]: image 'diagram.png' has no alt text; describe it for "
        "readers who cannot see it",
    ]


def test_problems_inside_a_div_are_located_on_their_own_lines_and_columns():
    source = ("> Quoted.\n>\n> ::: {#fig-q}\n> ![](gone.png)\n>\n> See *@fig-nowhere*.\n> :::\n\n"
              "::: {#fig-q}\n![](map.svg)\n\nAgain.\n:::\n")
    _, diagnostics = render(source)
    assert [(d.line, d.column, d.code) for d in diagnostics] == [
        (13, 1, "body.missing-asset"), (15, 8, "body.crossref"), (18, 1, "body.crossref")]
    assert "unknown cross-reference '@fig-nowhere'" in diagnostics[1].message
    assert "label 'fig-q' is already used on line 12" in diagnostics[2].message


def test_a_div_whose_id_names_no_figure_or_table_stays_text_and_its_image_needs_alt_text():
    html, diagnostics = render("::: {#quine}\n![](map.svg)\n\nCaption.\n:::\n\nSee @fig-quine.\n")
    assert html.startswith('<p id="p1">::: {#quine}\n<img src="map.svg" alt=""')
    assert [d.code for d in diagnostics] == ["body.missing-alt", "body.crossref"]


def test_the_readme_div_example_renders_as_a_figure_and_a_table():
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    example = readme.split("#### Cross-references", 1)[1].split("````markdown\n")[2].split("````", 1)[0]
    context = BodyContext(path="a.md", first_line=1, lang="en", labels=labels_for("en"),
                          resolve_article=lambda _slug: None, asset_exists=lambda _path: True)
    body, diagnostics = render_body(example + "\nSee @fig-absences and @tbl-letters.\n", context)
    assert diagnostics == []
    assert '<figure id="fig-absences">' in body.html and 'id="tbl-letters"' in body.html
    assert body.html.strip().endswith('<a class="crossref" href="#fig-absences">Figure 1</a> and '
                                      '<a class="crossref" href="#tbl-letters">Table 1</a>.</p>')
