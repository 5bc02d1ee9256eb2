"""What a link says is where it goes: one rule (links.check_link) for member.yaml, front
matter and Markdown, held to what Chromium's own `new URL()` makes of the same text."""

from __future__ import annotations

import urllib.parse

import pytest
from test_members import errors, member, replace

from circlemade_site import links
from circlemade_site.render.markup import MarkdownRenderer

# Addresses a browser reads as written: accepted, with the host readers are shown.
ACCEPTED = {
    "https://www.atelier-exemple.be": "www.atelier-exemple.be",
    "https://Example.COM:8443/a/b?c=d#e": "example.com",
    "http://recable.be/%C3%A9quipe": "recable.be",
    "https://café.be/menu": "café.be",              # single script: shown in Unicode
    "https://CAFÉ.be": "café.be",
    "https://xn--caf-dma.be/": "café.be",
    "https://пример.рф/": "пример.рф",
    "https://例え.jp/": "例え.jp",
    "https://straße.de/": "straße.de",
}
# Addresses read differently by a browser, a simpler parser or a person: refused.
REFUSED = [
    "https://evil.example\\@circlemade.brussels/",   # browsers: evil.example; urllib: circlemade
    "https://evil.example\\.circlemade.brussels/",  # (in Markdown, \\. is an escaped dot)
    "https://circlemade.brussels@evil.example/",     # user name before the host
    "https://circlemade.brussels:pw@evil.example/",
    "https://circlemade.brussels%40evil.example/",   # percent-encoded @ in the host
    "https://evil%2Eexample/",                       # percent-encoded dot
    "https://ｅｖｉｌ.example/",                      # full-width letters IDNA maps
    "https://evil。example/",                         # ideographic full stop as a dot
    "https://ev\u00adil.example/",                   # soft hyphen, dropped by IDNA
    "https://ev\til.example/",                       # tab, dropped by browsers
    "https://evil.example\n/",
    " https://evil.example/",                       # (in Markdown, the spaces are syntax)
    "https://0x7f.1/",                               # 127.0.0.1
    "https://2130706433/",
    "https://127.0.0.1/",
    "https://[::1]/",
    "https:evil.example",                            # no //: still a host for browsers
    "https:/evil.example",
    "https:///evil.example",
    "https://p\u0430ypal.com/",                      # Cyrillic а among Latin letters
    "https://xn--pypal-4ve.com/",                    # the same, written in punycode
    "https://\u0430\u0440\u0440\u04cf\u0435.com/",   # all Cyrillic, looks like Latin
    "https://evil.example/\u202egnp.exe",            # bidi override
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "ftp://files.example/",
    "https://localhost/",
]
RELATIVE_ACCEPTED = ["/fr/contact/", "#adresse", "?q=1", "../a-propos/", "/%5Cevil.example"]
RELATIVE_REFUSED = ["//evil.example/", "/\\evil.example/", "\\\\evil.example", "/\\/evil.example"]


@pytest.mark.parametrize(("text", "label"), ACCEPTED.items())
def test_addresses_a_browser_reads_as_written_are_accepted(text: str, label: str) -> None:
    assert links.check_link(text).label == label


@pytest.mark.parametrize("text", REFUSED)
def test_tricky_addresses_are_refused(text: str) -> None:
    with pytest.raises(links.UnsafeLink):
        links.check_link(text, links.MARKDOWN_SCHEMES)


def test_relative_links_must_stay_on_the_site() -> None:
    for text in RELATIVE_ACCEPTED:
        links.check_link(text, links.MARKDOWN_SCHEMES, relative=True)
    for text in RELATIVE_REFUSED:
        with pytest.raises(links.UnsafeLink):
            links.check_link(text, links.MARKDOWN_SCHEMES, relative=True)


def test_the_exact_reasons() -> None:
    def reason(text: str) -> str:
        with pytest.raises(links.UnsafeLink) as exc:
            links.check_link(text)
        return str(exc.value.reason)

    assert reason("https://a.be\\@b.be") == "the address contains a backslash, which browsers read as /"
    assert reason("https://p\u0430ypal.com") == ("the host name 'pаypal.com' mixes scripts, as "
                                                 "look-alike addresses do")
    assert reason("https://evil%2Ecom") == ("the host 'evil%2Ecom' is not written as browsers "
                                            "read it ('evil.com')")


def test_urllib_and_browsers_disagree_on_what_is_refused() -> None:
    """Why the rule exists: the parser the check used before read another host."""
    assert urllib.parse.urlsplit("https://evil.example\\@circlemade.brussels/").hostname == \
        "circlemade.brussels"
    assert urllib.parse.urlsplit("https://evil%2Eexample/").hostname == "evil%2Eexample"


def test_member_yaml_applies_the_rule(make_project) -> None:
    root = member(make_project, replace(
        "website: https://www.atelier-exemple.be",
        "website: https://evil.example\\@www.atelier-exemple.be\n"
        "  linkedin: https://www.linkedin.com\\@evil.example/company/x"))
    assert errors(root) == [
        "members/atelier-exemple/member.yaml:15:12: error: contact.website: "
        "'https://evil.example\\\\@www.atelier-exemple.be' cannot be published as a link: the "
        "address contains a backslash, which browsers read as / (for example "
        "https://www.atelier-exemple.be)",
        "members/atelier-exemple/member.yaml:16:13: error: contact.linkedin: "
        "'https://www.linkedin.com\\\\@evil.example/company/x' cannot be published as a link: "
        "the address contains a backslash, which browsers read as / (for example "
        "https://www.atelier-exemple.be)"]


def test_a_mixed_script_website_is_refused_and_a_single_script_one_shown_in_unicode(
        make_project) -> None:
    root = member(make_project, replace("website: https://www.atelier-exemple.be",
                                        "website: https://www.p\u0430ypal.com"))
    assert errors(root) == [
        "members/atelier-exemple/member.yaml:15:12: error: contact.website: "
        "'https://www.pаypal.com' cannot be published as a link: the host name "
        "'www.pаypal.com' mixes scripts, as look-alike addresses do (for example "
        "https://www.atelier-exemple.be)"]


def test_a_single_script_website_is_shown_in_unicode(make_project, tmp_path) -> None:
    from conftest import NOW

    from circlemade_site import pipeline
    root = member(make_project, replace("website: https://www.atelier-exemple.be",
                                        "website: https://www.xn--caf-dma.be/"))
    out = tmp_path / "public"
    pipeline.build(root, out, pipeline.BuildOptions(now=pipeline.dt.date.fromisoformat(NOW)))
    page = (out / "fr" / "membres" / "atelier-exemple" / "index.html").read_text(encoding="utf-8")
    assert '<a href="https://www.xn--caf-dma.be/" rel="noopener">www.café.be</a>' in page


def markdown(text: str) -> tuple[str, list[str]]:
    html, _, problems = MarkdownRenderer().render(text, lambda name: None)
    return html, [str(p) for p, _ in problems]


def test_markdown_links_follow_the_same_rule() -> None:
    for text in REFUSED + RELATIVE_REFUSED:
        html, problems = markdown(f"<a href=\"{text}\">raw</a>")
        assert "href" not in html, text
    html, problems = markdown("[ici](https://evil.example\\@circlemade.brussels/) et "
                              "[là](https://p\u0430ypal.com)")
    assert "href" not in html
    assert problems == [
        "the link 'https://evil.example@circlemade.brussels/' is refused: the address has a "
        "user name before its host (the part before @ hides where it goes)",
        "the link 'https://p\u0430ypal.com' is refused: the host name 'pаypal.com' mixes "
        "scripts, as look-alike addresses do"]
    for text in ACCEPTED:
        html, problems = markdown(f"[x]({text})")
        assert problems == [] and "href=" in html, text


def test_a_refused_markdown_link_names_the_file_and_line(make_project) -> None:
    root = member(make_project, fr_md="Texte.\n\nVoir [notre site](https://circlemade.brussels@evil.example/).\n")
    from conftest import NOW

    from circlemade_site import pipeline
    from circlemade_site.errors import BuildFailed
    with pytest.raises(BuildFailed) as exc:
        pipeline.build(root, root.parent / "out",
                       pipeline.BuildOptions(now=pipeline.dt.date.fromisoformat(NOW)))
    assert [str(d) for d in exc.value.diagnostics] == [
        "members/atelier-exemple/fr.md:3: error: the link "
        "'https://circlemade.brussels@evil.example/' is refused: the address has a user name "
        "before its host (the part before @ hides where it goes) (write the address as it "
        "appears in the browser, for example https://www.atelier-exemple.be)"]


CHROMIUM_PARSE = """texts => texts.map(text => {
  try { const u = new URL(text); return {href: u.href, host: u.hostname, user: u.username}; }
  catch (e) { return null; }
})"""


def test_chromium_goes_where_the_accepted_links_say(browser) -> None:
    """Every accepted address, in Chromium's own URL parser: the same host as ours (the
    host written in the text), no user name, and the href ada-url gives."""
    page = browser.new_page()
    try:
        parsed = page.evaluate(CHROMIUM_PARSE, list(ACCEPTED))
        for text, found in zip(ACCEPTED, parsed):
            link = links.check_link(text)
            assert found == {"href": link.href, "host": link.host, "user": ""}, text
        # and a refused sample, to show each is a real differential or a spoof
        parsed = dict(zip(REFUSED, page.evaluate(CHROMIUM_PARSE, REFUSED)))
        assert parsed["https://evil.example\\@circlemade.brussels/"]["host"] == "evil.example"
        assert parsed["https://circlemade.brussels%40evil.example/"] is None or \
            parsed["https://circlemade.brussels%40evil.example/"]["host"] != "circlemade.brussels"
        assert parsed["https://evil%2Eexample/"]["host"] == "evil.example"
        assert parsed["https://ｅｖｉｌ.example/"]["host"] == "evil.example"
        assert parsed["https://0x7f.1/"]["host"] == "127.0.0.1"
        assert parsed["https:evil.example"]["host"] == "evil.example"
        assert parsed["https://ev\til.example/"]["host"] == "evil.example"
    finally:
        page.close()


def test_in_chromium_every_rendered_markdown_link_goes_where_its_text_says(browser) -> None:
    """The whole corpus written as Markdown links and as raw <a> tags, rendered, opened in
    Chromium: every link left leads to the host its text names; none leads elsewhere."""
    corpus = [t for t in list(ACCEPTED) + REFUSED + RELATIVE_REFUSED if "\n" not in t]
    source = "\n\n".join(f"[L{i}]({t}) <a href=\"{t}\">R{i}</a>" for i, t in enumerate(corpus))
    html, _ = markdown(source)
    page = browser.new_page()
    try:
        page.set_content(f"<!doctype html><base href='https://circlemade.brussels/fr/'>{html}")
        anchors = page.evaluate("""() => [...document.querySelectorAll('a[href]')].map(
            a => [a.textContent, a.hostname, a.username])""")
    finally:
        page.close()
    for said, host, user in anchors:
        # a Markdown destination is what CommonMark reads (`\\.` is an escaped dot, leading
        # spaces are not part of it); a raw <a> is the text itself
        text = corpus[int(said[1:])] if said[0] == "R" else destination(corpus[int(said[1:])])
        assert host == links.check_link(text).host and user == "", text
    published = {corpus[int(said[1:])] for said, _, _ in anchors if said[0] == "R"}
    assert published == set(ACCEPTED)
    assert {said for said, _, _ in anchors if said[0] == "L"} == {
        f"L{i}" for i, t in enumerate(corpus) if t in ACCEPTED} | {"L10", "L19"}


def destination(text: str) -> str:
    """The destination CommonMark reads in `[x](text)`, before any normalisation."""
    from markdown_it import MarkdownIt
    md = MarkdownIt("commonmark")
    md.normalizeLink = lambda url: url  # type: ignore[method-assign]
    link = next(t for t in md.parseInline(f"[x]({text})")[0].children or [] if t.type == "link_open")
    return str(link.attrGet("href"))


def test_markdown_reports_what_was_written_not_what_markdown_it_made_of_it() -> None:
    """markdown-it's own link normalisation maps `。` to a dot and percent-encodes a soft
    hyphen or a bidi override: the check sees the address as written."""
    for text in ["https://evil。example/", "https://ev\u00adil.example/",
                 "https://evil.example/\u202egnp.exe", "https://ｅｖｉｌ.example/",
                 "/\\evil.example/"]:
        html, problems = markdown(f"[x]({text})")
        assert "href" not in html and len(problems) == 1, text
        assert problems[0].startswith(f"the link {text!r} is refused"), problems
