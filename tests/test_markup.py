"""Markdown: one renderer, sanitised output, page links resolved per language."""

from __future__ import annotations

import html as html_lib
import re
import urllib.parse

import pytest

from circlemade_site.render.markup import MarkdownRenderer

PAGES = {"contact": "/nl/contact/"}


def render(text: str) -> tuple[str, list[str]]:
    html, unknown, problems = MarkdownRenderer().render(text, PAGES.get)
    assert problems == []
    return html, unknown


def test_page_links_resolve_and_keep_fragments() -> None:
    html, unknown = render("[Schrijf ons](page:contact#adres) en [x](page:nope)")
    assert '<a href="/nl/contact/#adres">Schrijf ons</a>' in html
    assert unknown == ["nope"]


def test_headings_start_at_h2_with_ascii_ids() -> None:
    html, _ = render("# Réparer à Bruxelles\n\n## Détails\n")
    assert html == ('<h2 id="reparer-a-bruxelles">Réparer à Bruxelles</h2>\n'
                    '<h3 id="details">Détails</h3>')


def test_raw_html_scripts_and_handlers_are_removed() -> None:
    html, _ = render('Hello <script>alert(1)</script><img src=x onerror=alert(1)> '
                     '<b onclick="x()">bold</b> <iframe src="https://evil.example"></iframe>')
    assert html == "<p>Hello  <b>bold</b> </p>"


def test_styles_forms_and_images_are_removed() -> None:
    html, _ = render('<style>body{display:none}</style><form action="https://evil.example">'
                     '<input name="card"></form>![tracker](https://evil.example/pixel.gif)'
                     '<img src="https://evil.example/p.gif">')
    assert "<style" not in html and "display:none" not in html and "<form" not in html
    assert "<input" not in html and "<img" not in html and "src=" not in html
    html, _ = render("Avant\n\n![tracker](https://evil.example/pixel.gif)\n")
    assert "<img" not in html and "evil.example" not in html       # images are dropped


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "vbscript:x",
    "jav&#x61;script:alert(1)", "java%0ascript:alert(1)", " javascript:alert(1)",
    "&#106;avascript:alert(1)", "file:///etc/passwd"])
def test_dangerous_link_schemes_are_inert(url: str) -> None:
    for text in (f"[click]({url})", f"<a href=\"{url}\">click</a>", f"<{url}>"):
        html, _ = render(text)
        hrefs = [html_lib.unescape(h) for h in re.findall(r'href="([^"]*)"', html)]
        assert all(urllib.parse.urlsplit(h.strip()).scheme in ("", "http", "https", "mailto", "tel")
                   for h in hrefs), html


def test_allowed_links() -> None:
    html, _ = render("[a](https://hub.brussels) [b](mailto:info@circlemade.brussels) [c](tel:+3221234567)")
    assert html == ('<p><a href="https://hub.brussels/">a</a> '
                    '<a href="mailto:info@circlemade.brussels">b</a> <a href="tel:+3221234567">c</a></p>')


def test_template_syntax_is_literal_text() -> None:
    html, _ = render("{{ config }} {% include 'x' %}")
    assert html == "<p>{{ config }} {% include 'x' %}</p>"


def test_fenced_code_blocks() -> None:
    html, _ = render("```\ncirclemade check\n```\n")
    assert html == "<pre><code>circlemade check\n</code></pre>"


def test_headings_can_start_lower_for_texts_inside_a_section() -> None:
    html, _, _ = MarkdownRenderer().render("## Qui sommes-nous ?\n\n### Détails\n", PAGES.get, top=3)
    assert html == ('<h3 id="qui-sommes-nous">Qui sommes-nous ?</h3>\n'
                    '<h4 id="details">Détails</h4>')


# -- output amplification ----------------------------------------------------------------

REFERENCE = "[a]: https://www.atelier-exemple.be/" + "catalogue/" * 40 + "\n\n"


def problems_of(text: str) -> tuple[str, list[str]]:
    html, _, problems = MarkdownRenderer().render(text, PAGES.get)
    return html, [str(p) for p, _ in problems]


def test_a_reference_used_thousands_of_times_is_refused() -> None:
    text = REFERENCE + "[a]" * 1500 + "\n"          # 5 KB of Markdown
    html, problems = problems_of(text)
    assert len(text) < 5000 and html == ""
    assert problems == ["the text makes 335,258 bytes of HTML, more than a page may hold "
                        "(200,000 bytes, or 20 times the text)"]


def test_a_small_text_may_not_grow_twentyfold() -> None:
    """Under 200 KB, but 37 times its source: refused too."""
    html, problems = problems_of(REFERENCE + "[a]" * 150 + "\n")
    assert html == "" and problems[0].startswith("the text makes 33,533 bytes of HTML")


def test_a_table_of_empty_cells_is_refused() -> None:
    html, problems = problems_of("|" + "a|" * 5000 + "\n|" + "-|" * 5000 + "\n" + "|\n" * 40)
    assert html == "" and problems[0].startswith("the text makes 705,266 bytes of HTML")


def test_ordinary_texts_are_not_refused() -> None:
    """A long real text, a table, a short list (a one-line list is ten times its source)."""
    text = ("## Nos services\n\n" + "Nous réparons le mobilier de bureau sur site. " * 800
            + "\n\n| Service | Délai |\n|---|---|\n" + "| Réparation | 2 jours |\n" * 200)
    assert problems_of(text)[1] == []
    assert problems_of("-\n")[1] == [] and problems_of("[a]\n\n" + REFERENCE)[1] == []


def test_the_error_names_the_file_for_members_and_the_team(make_project, tmp_path) -> None:
    from conftest import FIXTURE_SITE, NOW

    from circlemade_site import pipeline
    from circlemade_site.errors import BuildFailed
    about = (FIXTURE_SITE / "content" / "pages" / "about.fr.md").read_text(encoding="utf-8")
    root = make_project({
        "members/recable/fr.md": REFERENCE + "[a]" * 1500 + "\n",
        "content/pages/about.fr.md": about + "\n" + REFERENCE + "[a]" * 1500 + "\n"})
    with pytest.raises(BuildFailed) as exc:
        pipeline.build(root, tmp_path / "out",
                       pipeline.BuildOptions(now=pipeline.dt.date.fromisoformat(NOW)))
    found = [str(d) for d in exc.value.diagnostics]
    assert [d.split(": error: ")[0] for d in found] == [
        f"content/pages/about.fr.md:{about.split(chr(10)).index('---', 1) + 2}",
        "members/recable/fr.md:1"]
    assert all("bytes of HTML, more than a page may hold" in d and "(shorten it; a link "
               "reference or a table cell repeated many times multiplies the size of the page)"
               in d for d in found)
    assert not (tmp_path / "out").exists()
