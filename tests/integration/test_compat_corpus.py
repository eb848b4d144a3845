"""Articles written for kramdown (Jekyll), Pandoc, GitHub and R Markdown build as written.

The site in tests/fixtures/compat/ reproduces each kind of failure a converted archive showed:
notes defined without a space after the colon or inside a list item or block quote; note-like
lines in code; identifiers and carets read as sub- and superscript; captions that number
themselves; diagnostics on the wrong line; ftp, mailto, tel and doi links; a draft without a
date; in-page links written for kramdown's heading ids, and `<a name>` anchors; links from the
site's root, which must keep the base path; R Markdown chunks indented one to three spaces;
Bootstrap alert boxes, GitHub alerts and Pandoc callouts; MathJax's \\( \\) delimiters; tables
kramdown accepts and GFM does not; kramdown's markdown="span" cells, attribute lists and '{:toc}';
an author's own empty notes heading. Valid input must build without an error, the author's text
must come out unchanged, and every diagnostic must name its true line.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent.parent
SITE = TESTS / "fixtures" / "compat"
REPO = TESTS.parent
KRAMDOWN = "content/articles/kramdown-estate-plan/index.md"
PANDOC = "content/articles/pandoc-salt-and-water/index.md"
GFM = "content/articles/gfm-harbour-notes.md"
RMD = "content/articles/rmarkdown-word-counts/index.md"
MATHJAX = "content/articles/kramdown-radiocarbon/index.md"
DIAGNOSTIC = re.compile(r"^(?P<path>\S+):(?P<line>\d+):\d+: (?P<severity>\w+)\[(?P<code>[^\]]+)\]", re.M)

# Every problem the corpus holds, on the line where it stands; no errors.
EXPECTED = [
    (GFM, 17, "warning", "body.unsafe-html"),  # the first <style>, three lines into its HTML block
    (GFM, 30, "warning", "body.unsafe-html"),  # the same text again; the copy in a code block is silent
    (GFM, 33, "warning", "body.unsafe-html"),  # <svg>
    (KRAMDOWN, 12, "warning", "body.ambiguous-script"),  # RUMSEY~8~1~2505~310017 kept as written
    (KRAMDOWN, 25, "warning", "body.figure-number"),  # "Figure 3:" in an image title
    (KRAMDOWN, 30, "warning", "body.figure-number"),  # "Figure 4 –" in a figure directive's caption
    (KRAMDOWN, 53, "warning", "body.missing-anchor"),  # '#legend' names nothing on the page
    (MATHJAX, 12, "warning", "body.toc-marker"),  # '* TOC' / '{:toc}' and its '.no_toc' heading left out
    (MATHJAX, 17, "warning", "body.math-delimiters"),  # \\(T\\) while the site reads only dollars
    (MATHJAX, 27, "warning", "body.html-class"),  # 'fa fa-plus', once for the article
    (MATHJAX, 31, "warning", "body.table-cells"),  # header of 3 cells, delimiter row of 2: no table
    (MATHJAX, 37, "warning", "body.table-cells"),  # a row with a cell more than the header
    (PANDOC, 21, "warning", "body.figure-number"),  # "Fig. 2."
    (RMD, 35, "warning", "body.unknown-directive"),  # an indented ```{nota}; every indented chunk is code
]


def run(site: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(REPO / "build.py"), "--site", str(site), *arguments],
                          capture_output=True, text=True, timeout=600)


def diagnostics(output: str) -> list[tuple[str, int, str, str]]:
    return sorted((m["path"], int(m["line"]), m["severity"], m["code"]) for m in DIAGNOSTIC.finditer(output))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("compat") / "site"
    shutil.copytree(SITE, copy)
    return copy


@pytest.fixture(scope="module")
def built(site: Path) -> Path:
    output = site.parent / "output"
    done = run(site, "build", "--drafts", "--no-search", "-q", "--output", str(output))
    assert done.returncode == 0, done.stderr
    assert diagnostics(done.stdout + done.stderr) == EXPECTED
    return output


def page(built: Path, slug: str) -> str:
    return (built / "articles" / slug / "index.html").read_text(encoding="utf-8")


def body_of(html: str) -> str:
    """The rendered Markdown alone, from the first paragraph id to the end of the notes."""
    start = html.index('<p id="p1"')
    return html[start:html.index("</section>", start)]


@pytest.mark.parametrize("drafts", [[], ["--drafts"]])
def test_check_reports_no_error_and_every_warning_on_its_true_line(site: Path, drafts: list[str]):
    done = run(site, "check", *drafts)
    assert done.returncode == 0, done.stdout + done.stderr
    assert diagnostics(done.stdout + done.stderr) == EXPECTED


def test_kramdown_notes_identifiers_carets_and_captions_keep_the_authors_text(built: Path):
    body = body_of(page(built, "kramdown-estate-plan"))
    rumsey = "https://www.davidrumsey.com/luna/servlet/detail/RUMSEY~8~1~2505~310017"
    assert f'<a href="{rumsey}" class="external" rel="noopener noreferrer">RUMSEY~8~1~2505~310017<span' in body
    assert "type ^^^ to match" in body
    assert "<sub>" not in body and "<sup>" not in body.replace('<sup class="fnref">', "")
    assert body.count("Figure 3: The estate plan, surveyed in 1802.") == 1
    assert "<figcaption>Figure 3: The estate plan, surveyed in 1802.</figcaption>" in body
    assert "<figcaption>Figure 4 – The field book, page 12.</figcaption>" in body
    assert "figure-label" not in body
    # [^rumsey]: without a space, [^plugin] in a list item, [^survey] in a block quote
    notes = re.findall(r'<li id="fn-(\d)"><p>([^<]*) <a', body)
    assert notes == [("1", "The collection numbers its maps this way."), ("2", "It comes with QGIS 3."),
                     ("3", "By the estate’s own surveyor.")]
    assert re.search(r'<pre class="code"[^>]*><code>\[\^rumsey\]: Not a definition, since it is code.\n</code></pre>', body)


def test_pandoc_scripts_notes_and_link_schemes(built: Path):
    body = body_of(page(built, "pandoc-salt-and-water"))
    for html in ("H<sub>2</sub>O", "Na<sup>+</sup>", "Cl<sup>-</sup>", "C<sub>6</sub>H<sub>12</sub>O<sub>6</sub>",
                 "2<sup>10</sup>", "P<sub>a cat</sub>", "a ~ b ~ c and x ^ y ^ z", "<del>Struck out</del>"):
        assert html in body, html
    assert "run on\nover lines that are not indented.</p>\n<p>Its second paragraph" in body
    assert '<a href="ftp://ftp.example.org/pub/salt/" class="external"' in body
    assert '<a href="mailto:editor@example.org">by e-mail</a>' in body
    assert '<a href="tel:+441234567890">by telephone</a>' in body
    assert '<a href="https://doi.org/10.1000/182" class="external" rel="noopener noreferrer">doi:10.1000/182<span' in body
    assert "<figcaption>Fig. 2. Salt crystals, magnified forty times.</figcaption>" in body


def test_github_html_is_sanitised_and_code_stays_code(built: Path):
    body = body_of(page(built, "gfm-harbour-notes"))
    assert "<style" not in body and "<svg" not in body
    shown = re.sub(r"<[^>]+>", "", body)  # the code block's text, whatever its colouring
    assert "&lt;style&gt;.callout { border: 1px solid; }&lt;/style&gt;" in shown
    assert body.count('<li id="fn-') == 2


def test_an_undated_draft_builds_without_a_date_and_sorts_last(built: Path):
    html = page(built, "rmarkdown-tide-report")
    assert "Tide Report: H<sub>2</sub>O at the Harbour Gauge</h1>" in html
    assert "10<sup>-3</sup> metres" in html and "Read at the harbour gauge." in html
    assert "Doe, J. (n.d.)." in html
    assert "<dt>Published</dt>" not in html
    listed = re.findall(r'article-item__title"(?: lang="[^"]+")?><a href="/compat/articles/([^/]+)/"',
                        (built / "articles" / "index.html").read_text(encoding="utf-8"))
    assert listed[-1] == "rmarkdown-tide-report" and len(listed) == 6
    assert "rmarkdown-tide-report" not in (built / "feed.xml").read_text(encoding="utf-8")
    sitemap = (built / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.org/compat/articles/rmarkdown-tide-report/</loc>\n  </url>" in sitemap
    for year in (built / "years").glob("*/index.html"):
        assert "rmarkdown-tide-report" not in year.read_text(encoding="utf-8")


def test_a_site_may_switch_subscript_and_superscript_off(tmp_path: Path):
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    settings = site / "pyproject.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + "markdown_subscript = false\nmarkdown_superscript = false\n",
                        encoding="utf-8")
    output = tmp_path / "output"
    done = run(site, "build", "--no-search", "-q", "--output", str(output))
    assert done.returncode == 0, done.stderr
    assert ("body.ambiguous-script" not in done.stdout + done.stderr)
    body = body_of(page(output, "pandoc-salt-and-water"))
    assert "Water is H~2~O; common salt splits into Na^+^ and Cl^-^" in body and "<del>Struck out</del>" in body


def test_kramdown_anchors_lead_to_their_headings_and_root_links_keep_the_base_path(built: Path):
    body = body_of(page(built, "kramdown-estate-plan"))
    for heading in ('<h2 id="plans-surveys">Plans &amp; surveys</h2>', '<h2 id="step-2-control-points">',
                    '<h2 id="sources-2">Sources</h2>', '<h2 id="results-1802">Results</h2>'):
        assert heading in body, heading
    links = re.findall(r'<a href="([^"]*)"[^>]*>([^<]*)</a>', body)
    assert ("#plans-surveys", "the plans") in links
    assert ("#step-2-control-points", "the control points") in links
    assert ("#sources-2", "the second list of sources") in links
    assert ("#results-1802", "the results") in links
    assert ("#surveyor-note", "the surveyor’s note") in links and '<a id="surveyor-note"' in body
    assert ("#legend", "the legend") in links  # an author's slip stays as written, with its warning
    assert ("/compat/articles/pandoc-salt-and-water/", "the salt lesson") in links


def test_indented_chunks_are_code_and_the_notes_keep_the_authors_heading(built: Path):
    html = page(built, "rmarkdown-word-counts")
    body = body_of(html)
    assert body.count('<code class="language-r">') == 2 and body.count('<code class="language-python">') == 1
    assert body.count("```") == 2  # no fence is read as text; the four-space block shows its own two
    assert "<code>```{r}\nnão é um bloco R\n```\n</code>" in body  # four spaces: indented code
    assert '<img src="counts.png" alt="Um gráfico de barras das contagens"' in body
    assert re.findall(r'<li id="fn-(\d)"><p>([^<]*) <a', body) == [("1", "Os discursos do Estado da União."),
                                                                 ("2", "Feita em 2021.")]
    assert '<h2 id="notes-title">Notas</h2>' in body and ">Notas</h2>" not in body.replace('"notes-title">', "")
    assert '<li><a href="#notes">Notas</a></li>' in html


def test_kramdown_boxes_tables_cells_and_contents(built: Path):
    html = page(built, "kramdown-radiocarbon")
    body = body_of(html)
    assert '<div class="callout callout--warning">\nTo convert a calibrated age \\(x\\) into BC/AD' in body
    assert re.search(r'<div class="callout callout--note">\nBefore you start:\n<ul>\n<li>install <em>R</em>;</li>', body)
    assert "fa-plus" not in body and 'class="alert' not in body
    assert "<p id=\"p2\">| Lab | Age | Error |\n| --- | --- |\n" in body  # GFM's reading, hyphens kept
    assert "<td class=\"align-center\">646</td>\n</tr>" in body and "31" not in body.split("646", 1)[1][:40]
    assert "<td><strong>ἀ</strong>ληθινῷ</td>" in body and "<td>μετ<strong>ὰ</strong></td>" in body
    assert "TOC" not in body and "{:" not in body and "Contents" not in body
    assert '<h2 id="half-life">The half-life</h2>' in html
    assert "\\(T\\) of 5,730 years" in body  # shown as CommonMark has it, with the warning
    assert '<h2 id="notes-title">Endnotes</h2>' in body and '<li><a href="#notes">Endnotes</a></li>' in html


def test_github_alerts_and_pandoc_callouts_are_titled_boxes(built: Path):
    gfm = body_of(page(built, "gfm-harbour-notes"))
    assert re.search(r'<div class="callout callout--warning">\n<p class="callout__title">Warning</p>\n'
                     r'<p id="p\d+">Tides turn <em>fast</em> here.</p>\n</div>', gfm)
    pandoc = body_of(page(built, "pandoc-salt-and-water"))
    assert re.search(r'<div class="callout callout--note">\n<p class="callout__title">On units</p>', pandoc)


def test_a_site_may_read_mathjax_delimiters_as_math(tmp_path: Path):
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    settings = site / "pyproject.toml"
    settings.write_text(settings.read_text(encoding="utf-8")
                        + 'markdown_math_delimiters = ["dollars", "double_backslash"]\n', encoding="utf-8")
    output = tmp_path / "output"
    done = run(site, "build", "--no-search", "-q", "--output", str(output))
    assert done.returncode == 0, done.stderr
    assert "body.math-delimiters" not in done.stdout + done.stderr
    body = body_of(page(output, "kramdown-radiocarbon"))
    assert "\\(" not in body and body.count("<math ") == 4  # two in Markdown, two in the HTML box
    assert "<mfrac><mrow><msub><mi>N</mi><mn>0</mn></msub></mrow><mrow><mn>2</mn></mrow></mfrac>" in body
