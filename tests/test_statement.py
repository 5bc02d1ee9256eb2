"""The accessibility statement (content/accessibility.yaml, EU model statement) and the
privacy notice (the page named `privacy`): on every footer in its language, schema-checked
with file:line, a warning when the evaluation is more than a year old, a page of the site
like the others (alternates, sitemap, search)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from conftest import NOW, site_pages

from circlemade_site import pipeline
from circlemade_site.errors import BuildFailed

OPTIONS = pipeline.BuildOptions(now=dt.date.fromisoformat(NOW))
LINKS = {"fr": {"/fr/accessibilite/", "/fr/vie-privee/"},
         "nl": {"/nl/toegankelijkheid/", "/nl/privacy/"}}
STATEMENT = "content/accessibility.yaml"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_every_page_links_to_the_statement_and_the_privacy_notice_in_its_language(
        built_site: Path, sample: Path) -> None:
    pages = site_pages(built_site, sample)
    assert len(pages) > 200
    missing = {}
    for path in pages:
        page = soup(path)
        footer = page.select_one("footer .footer-legal")
        found = {a["href"] for a in footer.select("a")} if footer else set()
        if "bilingual" in (page.body.get("class") or []):     # / and /404.html: each language
            expected = set().union(*LINKS.values())
        else:
            expected = LINKS[page.html["lang"]]
        if found != expected:
            missing[path.relative_to(built_site).as_posix()] = sorted(found)
    assert missing == {}


def test_the_statement_follows_the_eu_model_in_each_language(built_site: Path) -> None:
    fr = soup(built_site / "fr" / "accessibilite" / "index.html")
    assert fr.h1.get_text() == "Déclaration d'accessibilité"
    assert [h.get_text() for h in fr.select("main h2")] == [
        "État de conformité", "Contenu non accessible",
        "Établissement de cette déclaration d'accessibilité",
        "Retour d'information et coordonnées", "Procédure de mise en œuvre"]
    text = fr.main.get_text(" ", strip=True)
    assert "partiellement conforme à la norme EN 301 549" in text
    assert "établie le 16 juin 2025" in text and "pour la dernière fois le 19 octobre 2026" in text
    assert "axe-core, Nu HTML Checker, NVDA et VoiceOver" in text
    assert "Ombudsman de la Région de Bruxelles-Capitale" in text
    assert [h.get_text() for h in fr.select("main h3")] == [
        "Non-conformité à la législation", "Contenu ne relevant pas de la législation applicable"]
    assert fr.select_one('main a[href="mailto:info@circlemade.brussels"]')
    nl = soup(built_site / "nl" / "toegankelijkheid" / "index.html")
    assert nl.h1.get_text() == "Toegankelijkheidsverklaring"
    text = nl.main.get_text(" ", strip=True)
    assert "gedeeltelijk aan de norm EN 301 549" in text
    assert "opgesteld op 16 juni 2025" in text and "herzien op 19 oktober 2026" in text
    assert "Ombudsman van het Brussels Hoofdstedelijk Gewest" in text
    assert not nl.select(".notice") and not nl.select("main [lang=fr]")


def test_the_statement_and_the_notice_are_pages_of_the_site(built_site: Path) -> None:
    for urls in ({"fr": "/fr/accessibilite/", "nl": "/nl/toegankelijkheid/"},
                 {"fr": "/fr/vie-privee/", "nl": "/nl/privacy/"}):
        expected = {**{lang: f"https://circlemade.brussels{url}" for lang, url in urls.items()},
                    "x-default": f"https://circlemade.brussels{urls['fr']}"}
        for lang, url in urls.items():
            page = soup(built_site / url.strip("/") / "index.html")
            alternates = {link["hreflang"]: link["href"]
                          for link in page.find_all("link", rel="alternate", hreflang=True)}
            assert alternates == expected
            assert page.find("link", rel="canonical")["href"] == expected[lang]
            switch = {a["hreflang"]: a["href"] for a in page.select("nav.lang-switch a")}
            assert switch == {other: u for other, u in urls.items() if other != lang}
            assert page.main["data-pagefind-body"] == "" and \
                page.main["data-pagefind-meta"] == "kind:page"
            assert page.find("meta", property="og:image")["content"].startswith(
                "https://circlemade.brussels/media/cards/site/")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    sitemap = ElementTree.parse(built_site / "sitemap.xml").getroot()
    entries = {u.find("s:loc", ns).text: {link.get("hreflang"): link.get("href")
                                          for link in u.findall("x:link", ns)}
               for u in sitemap.findall("s:url", ns)}
    statement = entries["https://circlemade.brussels/nl/toegankelijkheid/"]
    assert statement == {"fr": "https://circlemade.brussels/fr/accessibilite/",
                         "nl": "https://circlemade.brussels/nl/toegankelijkheid/",
                         "x-default": "https://circlemade.brussels/fr/accessibilite/"}
    assert "https://circlemade.brussels/fr/vie-privee/" in entries


def test_an_evaluation_more_than_a_year_old_is_a_warning(sample: Path) -> None:
    line = next(i for i, text in enumerate(
        (sample / STATEMENT).read_text(encoding="utf-8").splitlines(), 1) if "date: 2026-10-19" in text)
    fresh = pipeline.load_site(sample, pipeline.BuildOptions(now=dt.date(2027, 10, 19)))
    assert fresh.warnings == []
    old = pipeline.load_site(sample, pipeline.BuildOptions(now=dt.date(2027, 10, 20)))
    assert [str(d) for d in old.warnings] == [
        f"{STATEMENT}:{line}:9: warning: evaluation.date: the site was last evaluated on "
        "2026-10-19, more than a year before 2027-10-20 (evaluate the site again, update the "
        "statement and this date)"]


def test_the_build_prints_the_warning_and_still_builds(make_project, tmp_path: Path) -> None:
    from conftest import run_cli
    root = make_project()
    result = run_cli("build", "--out", str(tmp_path / "public"), "--now", "2028-01-01", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "warning: evaluation.date: the site was last evaluated on 2026-10-19" in result.stderr
    assert (tmp_path / "public" / "fr" / "accessibilite" / "index.html").is_file()


def edit(root: Path, old: str, new: str) -> int:
    """Replace `old` in the statement; the line where `new` starts."""
    path = root / STATEMENT
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return text[:text.index(new)].count("\n") + 1


def errors(root: Path) -> list[str]:
    with pytest.raises(BuildFailed) as exc:
        pipeline.load_site(root, OPTIONS)
    return [str(d) for d in exc.value.diagnostics]


def test_schema_errors_name_the_file_and_line(make_project) -> None:
    root = make_project()
    status = edit(root, "status: partial", "status: partly")
    unknown = edit(root, "prepared: 2025-06-16", "prepared: 2025-06-16\nreviewd: 2026-10-19") + 1
    date = edit(root, "  date: 2026-10-19", "  date: 19/10/2026")
    assert errors(root) == [    # the unknown field first: it may cause the others
        f"{STATEMENT}:{unknown}:1: error: reviewd: unknown field 'reviewd' (expected one of: "
        "enforcement, evaluation, feedback, non_accessible, prepared, public_body, status)",
        f"{STATEMENT}:{status}:9: error: status: 'partly' is not one of: 'full', 'partial' or "
        "'none' (for example `status: partial`)",
        f"{STATEMENT}:{date}:9: error: evaluation.date: expected a date (YYYY-MM-DD), found "
        "'19/10/2026' (for example `date: 2026-10-20`)",
    ]


def test_every_text_is_in_each_required_language(make_project) -> None:
    root = make_project()
    edit(root, '      nl: "De tagline en de beschrijving van elke fiche zeggen in tekst wat het lid doet."\n',
         "")
    alternative = edit(root, "      fr: \"L'accroche et la description", "      fr: \"L'accroche et la description")
    feedback = edit(root, "    nl: >-\n      Stuit u", "    de: >-\n      Stuit u")
    assert errors(root) == [
        f"{STATEMENT}:{alternative}:7: error: non_accessible[0].alternative: missing the "
        "required language 'nl' (for example `alternative: {nl: ...}`; the statement is written "
        "in every language of `required_languages` in content/site.yaml)",
        f"{STATEMENT}:{feedback - 6}:5: error: feedback.text: missing the required language "
        "'nl' (for example `text: {nl: ...}`; the statement is written in every language of "
        "`required_languages` in content/site.yaml)",
        f"{STATEMENT}:{feedback}:9: error: feedback.text.de: 'de' is not a language of the site "
        "(languages are fr, nl)",
    ]


def test_the_status_agrees_with_what_is_listed(make_project) -> None:
    root = make_project()
    status = edit(root, "status: partial", "status: full")
    method = edit(root, "  method: self-assessment", "  method: third-party")
    assert errors(root) == [
        f"{STATEMENT}:{status}:9: error: status: a fully compliant site has no item with the "
        "reason 'non-compliance' (set `status: partial`, or remove those items)",
        f"{STATEMENT}:{method}:11: error: evaluation.method: an assessment by a third party names "
        "who carried it out (for example `evaluator: Audit Exemple SRL`)",
    ]


def test_a_site_without_a_statement_or_a_privacy_notice_fails(make_project) -> None:
    root = make_project({STATEMENT: None, "content/pages/privacy.fr.md": None,
                         "content/pages/privacy.nl.md": None})
    assert errors(root) == [
        f"{STATEMENT}: error: the accessibility statement is missing (a public-sector site "
        "publishes one (EU directive 2016/2102): docs/content.md shows how to write it)",
        "content/pages/privacy.fr.md: error: the site has no privacy notice (write the page named "
        "privacy (content/pages/privacy.fr.md, content/pages/privacy.nl.md): what the site "
        "publishes about members, and how a member asks for a change or removal)",
    ]


def test_a_privacy_notice_in_one_language_names_the_other_file(make_project) -> None:
    root = make_project({"content/pages/privacy.nl.md": None})
    assert errors(root) == [
        "content/pages/privacy.fr.md: error: the version in the required language 'nl' is "
        "missing: write content/pages/privacy.nl.md (pages, events, news and campaigns are "
        "published in every language of `required_languages` in content/site.yaml (fr, nl))"]


def test_a_third_language_shows_the_statement_with_the_fallback(make_project, tmp_path: Path) -> None:
    from test_i18n import add_english
    root = make_project()
    add_english(root)
    report = pipeline.build(root, tmp_path / "public", OPTIONS)
    page = soup(tmp_path / "public" / "en" / "accessibility" / "index.html")
    assert page.html["lang"] == "en" and page.h1.get_text() == "Accessibility statement"
    assert "partially compliant with EN 301 549" in page.main.get_text(" ", strip=True)
    assert "19 October 2026" in page.main.get_text(" ", strip=True)
    assert "not been translated into English" in page.select_one(".notice").get_text()
    assert {p.get("lang") for p in page.select("main .statement-text")} == {"fr"}
    footer = {a["href"]: a.get_text() for a in page.select(".footer-legal a")}
    assert footer == {"/en/accessibility/": "Accessibility", "/en/vie-privee/": "Privacy"}
    gaps = {(g.where, g.field) for g in report.translations["en"].gaps}
    assert (STATEMENT, "feedback.text") in gaps and ("content/pages/privacy.en.md", "page") in gaps
