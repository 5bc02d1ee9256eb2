"""Languages: coverage report, Babel formats, and a third language from configuration only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURE_SITE, NOW, run_cli

from circlemade_site import pipeline, translations
from circlemade_site.errors import BuildFailed
from circlemade_site.i18n import Catalog, format_date, format_list, format_number, language_name

OPTIONS = pipeline.BuildOptions(now=dt.date.fromisoformat(NOW))


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_babel_formats_dates_numbers_and_lists() -> None:
    launch = dt.date(2018, 5, 24)
    assert format_date(launch, "fr_BE", "full") == "jeudi 24 mai 2018"
    assert format_date(launch, "nl_BE", "full") == "donderdag 24 mei 2018"
    assert format_date(launch, "nl_BE", "long") == "24 mei 2018"
    assert format_number(1234.5, "fr_BE") == "1\u202f234,5"
    assert format_number(1234.5, "nl_BE") == "1.234,5"
    assert format_list(["réparation", "réemploi", "recyclage"], "fr_BE") == \
        "réparation, réemploi et recyclage"
    assert format_list(["herstelling", "hergebruik"], "nl_BE") == "herstelling en hergebruik"
    assert language_name("nl") == "Nederlands" and language_name("fr", "nl") == "Frans"


def test_plural_forms_follow_each_language() -> None:
    fr = Catalog("fr", {"n_one": "{count} membre", "n_other": "{count} membres"}, "fr_BE")
    nl = Catalog("nl", {"n_one": "{count} lid", "n_other": "{count} leden"}, "nl_BE")
    assert [fr.count("n", n) for n in (0, 1, 2, 1500)] == [
        "0 membre", "1 membre", "2 membres", "1\u202f500 membres"]
    assert [nl.count("n", n) for n in (0, 1, 2)] == ["0 leden", "1 lid", "2 leden"]


def test_coverage_report_names_every_gap(make_project) -> None:
    root = make_project({"members/recable/nl.md": None})
    yaml = root / "members" / "recable" / "member.yaml"
    text = yaml.read_text(encoding="utf-8")
    text = text.replace('  nl: "Refurbishing van computers, smartphones en netwerkapparatuur, met '
                        'garantie en volledige traceerbaarheid."\n', "")
    yaml.write_text(text, encoding="utf-8")
    result = run_cli("i18n", cwd=root)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("fr: 100.0% of ")
    assert lines[1].startswith("nl: ") and lines[1].endswith(", 3 missing:")
    assert lines[2:] == [
        "  members/atelier-copeau-vif/nl.md: description",
        "  members/recable/member.yaml: tagline",
        "  members/recable/nl.md: description",
    ]
    build = run_cli("build", "--out", "public", cwd=root)
    assert "Translations: fr 100%, nl 99% (3 missing); `circlemade i18n` lists them" in build.stdout


def test_coverage_of_the_sample_site(sample: Path) -> None:
    report = translations.coverage(pipeline.load_site(sample, OPTIONS).site)
    assert report["fr"].gaps == ()
    assert report["nl"].gaps == (translations.Gap("members/atelier-copeau-vif/nl.md", "description"),)


def add_english(root: Path) -> None:
    site = root / "content" / "site.yaml"
    text = site.read_text(encoding="utf-8")
    for old, new in (
        ("\nlanguages: [fr, nl]", "\nlanguages: [fr, nl, en]"),
        ("locales: {fr: fr_BE, nl: nl_BE}", "locales: {fr: fr_BE, nl: nl_BE, en: en_BE}"),
        ("members: {fr: membres, nl: leden}", "members: {fr: membres, nl: leden, en: members}"),
        ("offers: {fr: offres, nl: aanbod}", "offers: {fr: offres, nl: aanbod, en: offers}"),
        ("events: {fr: agenda, nl: agenda}", "events: {fr: agenda, nl: agenda, en: events}"),
        ("news: {fr: actualites, nl: nieuws}", "news: {fr: actualites, nl: nieuws, en: news}"),
        ("campaigns: {fr: campagnes, nl: campagnes}", "campaigns: {fr: campagnes, nl: campagnes, en: campaigns}"),
        ("search: {fr: recherche, nl: zoeken}", "search: {fr: recherche, nl: zoeken, en: search}"),
    ):
        assert old in text
        text = text.replace(old, new)
    site.write_text(text, encoding="utf-8")
    vocab = root / "content" / "vocabularies.yaml"
    text = vocab.read_text(encoding="utf-8")
    for fr, nl, en in (("type", "soort", "type"), ("activite", "activiteit", "activity"),
                       ("secteur", "sector", "sector"), ("public", "doelgroep", "audience"),
                       ("commune", "gemeente", "municipality"), ("demande", "vraag", "request"),
                       ("flux", "stroom", "flow"), ("matiere", "materiaal", "material"),
                       ("cpv", "cpv", "cpv"), ("label", "keurmerk", "certification")):
        old = f"segment: {{fr: {fr}, nl: {nl}}}"
        assert old in text
        text = text.replace(old, f"segment: {{fr: {fr}, nl: {nl}, en: {en}}}")
    vocab.write_text(text.replace("repair: {fr: Réparation, nl: Herstelling}",
                                  "repair: {fr: Réparation, nl: Herstelling, en: Repair}"),
                     encoding="utf-8")
    (root / "content" / "pages" / "about.en.md").write_text(
        "---\ntitle: About us\nslug: about-us\n---\nThe cluster.\n", encoding="utf-8")


def test_a_third_language_is_configuration(make_project, tmp_path: Path) -> None:
    root = make_project()
    add_english(root)
    out = tmp_path / "public"
    report = pipeline.build(root, out, OPTIONS)
    fr_pages = sorted(p.relative_to(out / "fr") for p in (out / "fr").rglob("*.html"))
    en_pages = sorted(p.relative_to(out / "en") for p in (out / "en").rglob("*.html"))
    assert len(en_pages) == len(fr_pages) > 60
    about = soup(out / "en" / "about-us" / "index.html")
    assert about.html["lang"] == "en" and about.h1.get_text() == "About us"
    alternates = {link["hreflang"]: link["href"] for link in about.find_all("link", rel="alternate", hreflang=True)}
    assert alternates == {"fr": "https://circlemade.brussels/fr/a-propos/",
                          "nl": "https://circlemade.brussels/nl/over-ons/",
                          "en": "https://circlemade.brussels/en/about-us/",
                          "x-default": "https://circlemade.brussels/fr/a-propos/"}
    services = soup(out / "en" / "services" / "index.html")      # not translated: falls back
    assert services.html["lang"] == "en" and services.h1["lang"] == "fr"
    assert "not been translated into English" in services.select_one(".notice").get_text()
    assert services.select_one(".skip-link").get_text() == "Skip to main content"
    repair = soup(out / "en" / "members" / "activity" / "repair" / "index.html")
    assert repair.h1.get_text(strip=True) == "Repair"
    switch = {a["hreflang"]: a["href"] for a in repair.select("nav.lang-switch a")}
    assert switch == {"fr": "/fr/membres/activite/reparation/",
                      "nl": "/nl/leden/activiteit/herstelling/"}
    recycling = soup(out / "en" / "members" / "activity" / "recyclage" / "index.html")
    assert recycling.h1.select_one("[lang=fr]").get_text() == "Recyclage"    # label falls back
    assert report.translations["en"].percent < 10
    root_page = soup(out / "index.html")
    assert {a["href"] for a in root_page.select("main a")} == {"/fr/", "/nl/", "/en/"}


REQUIRED = ("(pages, events, news and campaigns are published in every language of "
            "`required_languages` in content/site.yaml (fr, nl))")


def test_a_text_missing_a_required_language_fails_naming_the_file_to_write(
        make_project, tmp_path: Path) -> None:
    """French and Dutch are required (the default); English, a language of the site but not
    a required one, falls back."""
    root = make_project({
        "content/pages/press.fr.md": "---\ntitle: Espace presse\nslug: presse\n---\nNos communiqués.\n",
        "content/news/bilan-2025.nl.md": None,
        "content/events/formation-achats-publics.nl.md": None,
        "content/campaigns/achats-circulaires.fr.md": None,
    })
    add_english(root)
    with pytest.raises(BuildFailed) as exc:
        pipeline.build(root, tmp_path / "public", OPTIONS)
    assert [str(d) for d in exc.value.diagnostics] == [
        "content/campaigns/achats-circulaires.nl.md: error: the version in the required language "
        f"'fr' is missing: write content/campaigns/achats-circulaires.fr.md {REQUIRED}",
        "content/events/formation-achats-publics.fr.md: error: the version in the required "
        f"language 'nl' is missing: write content/events/formation-achats-publics.nl.md {REQUIRED}",
        "content/news/bilan-2025.fr.md: error: the version in the required language 'nl' is "
        f"missing: write content/news/bilan-2025.nl.md {REQUIRED}",
        "content/pages/press.fr.md: error: the version in the required language 'nl' is "
        f"missing: write content/pages/press.nl.md {REQUIRED}",
    ]
    fixture = FIXTURE_SITE / "content"
    root = make_project({
        "content/pages/press.nl.md": "---\ntitle: Pers\nslug: pers\n---\nOnze persberichten.\n",
        **{f"content/{rel}": (fixture / rel).read_text(encoding="utf-8") for rel in (
            "news/bilan-2025.nl.md", "events/formation-achats-publics.nl.md",
            "campaigns/achats-circulaires.fr.md")}})
    pipeline.build(root, tmp_path / "public", OPTIONS)
    press = soup(tmp_path / "public" / "en" / "presse" / "index.html")   # the French slug
    assert press.html["lang"] == "en" and press.h1["lang"] == "fr"
    assert press.select_one(".prose")["lang"] == "fr"
    assert "not been translated into English" in press.select_one(".notice").get_text()
