"""Markdown: one renderer, sanitised output, page links resolved per language."""

from __future__ import annotations

from circlemade_site.markup import MarkdownRenderer

PAGES = {"contact": "/nl/contact/"}


def render(text: str) -> tuple[str, list[str]]:
    return MarkdownRenderer().render(text, PAGES.get)


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


def test_dangerous_link_schemes_are_dropped() -> None:
    for url in ("javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "vbscript:x"):
        html, _ = render(f"[click]({url})")
        assert html == "<p><a>click</a></p>", url


def test_allowed_links() -> None:
    html, _ = render("[a](https://hub.brussels) [b](mailto:info@circlemade.brussels) [c](tel:+3221234567)")
    assert html == ('<p><a href="https://hub.brussels">a</a> '
                    '<a href="mailto:info@circlemade.brussels">b</a> <a href="tel:+3221234567">c</a></p>')


def test_template_syntax_is_literal_text() -> None:
    html, _ = render("{{ config }} {% include 'x' %}")
    assert html == "<p>{{ config }} {% include 'x' %}</p>"


def test_fenced_code_blocks() -> None:
    html, _ = render("```\ncirclemade check\n```\n")
    assert html == "<pre><code>circlemade check\n</code></pre>"
