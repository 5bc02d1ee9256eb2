"""Bilingual Brussels: the 19 communes under each language's own name (Saint-Gilles,
Sint-Gillis) wherever the site shows one, and streets and venues given per language
(`street: {fr: Rue de la Loi 16, nl: Wetstraat 16}`) shown in the page's language, in
the pages, JSON-LD, calendars and open data."""

from __future__ import annotations

import csv
import datetime as dt
import html.parser
import io
import json
import re
from pathlib import Path

import icalendar
import pytest
from bs4 import BeautifulSoup
from conftest import NOW
from test_members import errors

from circlemade_site import communes, pipeline
from circlemade_site.errors import BuildFailed

OPTIONS = pipeline.BuildOptions(now=dt.date.fromisoformat(NOW))
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "source", "track", "wbr"})


class _Texts(html.parser.HTMLParser):
    """The texts of a page (JSON-LD included) with the language each is in: the `lang` of
    the nearest element that has one. A fallback in another language, wrapped in its own
    `lang`, is that language's text."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []
        self.found: list[tuple[str | None, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.stack.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        if any(tag == "style" for tag, _ in self.stack):
            return
        lang = next((lang for _, lang in reversed(self.stack) if lang), None)
        self.found.append((lang, data))


def names_pattern(lang: str) -> re.Pattern[str]:
    """The communes' names in `lang` that the other language writes differently."""
    names = sorted({c.names.texts[lang] for c in communes.COMMUNES
                    if c.names.texts["fr"] != c.names.texts["nl"]}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, names)) + r")(?![\w-])")


def wrong_names(out: Path, lang: str, other: str) -> list[str]:
    pattern = names_pattern(other)
    found = []
    for page in sorted((out / lang).rglob("*.html")):
        parser = _Texts()
        parser.feed(page.read_text(encoding="utf-8"))
        found += [f"{page.relative_to(out)}: {text.strip()[:80]!r}" for text_lang, text in parser.found
                  if text_lang == lang and pattern.search(text)]
    for calendar in sorted((out / lang).rglob("*.ics")):
        found += [f"{calendar.relative_to(out)}: {line}" for line in
                  calendar.read_text(encoding="utf-8").splitlines()
                  if line.startswith("LOCATION") and pattern.search(line)]
    return found


@pytest.mark.parametrize(("lang", "other"), [("nl", "fr"), ("fr", "nl")])
def test_no_page_names_a_commune_in_the_other_language(built_site: Path, lang: str,
                                                       other: str) -> None:
    """On Dutch pages no Saint-Gilles, Bruxelles, Forest where Sint-Gillis, Brussel, Vorst
    exist (and the reverse): profiles, cards, facets, events' venues, JSON-LD, calendars."""
    assert (built_site / lang / "index.html").is_file()
    assert wrong_names(built_site, lang, other) == []


def test_the_scan_finds_a_commune_in_the_other_language(tmp_path: Path) -> None:
    """The scan above sees a French name in a Dutch text, and not in a French fallback."""
    page = tmp_path / "nl" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text('<html lang="nl"><body><p>1060 Saint-Gilles</p>'
                    '<p lang="fr">Au cœur de Saint-Gilles</p><p>Sint-Gillis, hub.brussels</p>'
                    '<script type="application/ld+json">{"addressLocality": "Forest"}</script>'
                    "</body></html>", encoding="utf-8")
    assert wrong_names(tmp_path, "nl", "fr") == ["nl/index.html: '1060 Saint-Gilles'",
                                                 "nl/index.html: '{\"addressLocality\": \"Forest\"}'"]


# -- a member's street per language ----------------------------------------------------------

def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_a_members_street_is_shown_in_the_pages_language(built_site: Path) -> None:
    """recable gives `street: {fr: Rue des Palais 118, nl: Paleizenstraat 118}`."""
    for path, street, locality in (
            ("fr/membres/recable", "Rue des Palais 118", "Schaerbeek"),
            ("nl/leden/recable", "Paleizenstraat 118", "Schaarbeek")):
        page = soup(built_site / path / "index.html")
        assert page.select_one(".profile-aside address").get_text(" ", strip=True) == \
            f"{street} 1030 {locality}"
        ld = json.loads(page.select_one("script[type='application/ld+json']").string)
        assert (ld["address"]["streetAddress"], ld["address"]["addressLocality"]) == (street, locality)
        osm = page.select_one("a[href^='https://www.openstreetmap.org/search?']")["href"]
        assert street.replace(" ", "+") in osm
    data = json.loads((built_site / "data" / "members.json").read_text(encoding="utf-8"))
    record = {m["slug"]: m for m in data["members"]}
    assert record["recable"]["address"]["street"] == {"fr": "Rue des Palais 118",
                                                      "nl": "Paleizenstraat 118"}
    # a street given once is every language's
    assert record["atelier-copeau-vif"]["address"]["street"] == {
        "fr": "Avenue Van Volxem 212", "nl": "Avenue Van Volxem 212"}
    rows = {r["slug"]: r for r in csv.DictReader(io.StringIO(
        (built_site / "data" / "members.csv").read_text(encoding="utf-8").lstrip("\ufeff")))}
    assert (rows["recable"]["street_fr"], rows["recable"]["street_nl"]) == (
        "Rue des Palais 118", "Paleizenstraat 118")
    assert "street" not in rows["recable"]


MEMBER = "members/recable/member.yaml"


def member_errors(root: Path) -> list[str]:
    """The errors in recable's member.yaml (events and campaigns that name it are beside
    the point here)."""
    return [e for e in errors(root) if e.startswith(MEMBER)]


def test_a_street_per_language_needs_the_default_language_and_the_sites_languages(make_project) -> None:
    text = (make_project() / MEMBER).read_text(encoding="utf-8")
    root = make_project({MEMBER: text.replace('    fr: "Rue des Palais 118"\n', '    de: "Palaststraße 118"\n')})
    assert member_errors(root) == [
        f"{MEMBER}:13:5: error: address.street.de: 'de' is not a language of the site "
        "(languages are fr, nl)",
        f"{MEMBER}:13:5: error: address.street: missing the default language 'fr' (for example "
        "`street: {fr: ...}`)",
    ]


def test_a_street_that_is_neither_text_nor_languages_gets_one_message(make_project) -> None:
    text = (make_project() / MEMBER).read_text(encoding="utf-8")
    root = make_project({MEMBER: text.replace('    fr: "Rue des Palais 118"\n    nl: "Paleizenstraat 118"\n',
                                              '    - "Rue des Palais 118"\n')})
    assert member_errors(root) == [
        f"{MEMBER}:13:5: error: address.street: expected text, found a list (for example "
        "`street: Rue de la Victoire 12`)"]


# -- an event's venue per language ---------------------------------------------------------------

EVENT = """\
---
title: "{title}"
slug: {slug}
summary: "{title}."
type: training
start: 2027-01-10 10:00
end: 2027-01-10 12:00
venue:
{venue}
---
Programme.
"""
FR_VENUE = """\
  name: "Maison de la Participation"
  street: "Rue de la Loi 16"
  postal_code: "1000"
  municipality: Bruxelles"""
NL_VENUE = """\
  name: "Huis van de Participatie"
  street: "Wetstraat 16"
  postal_code: "1000"
  municipality: Brussel"""


def event_project(make_project, fr_venue: str, nl_venue: str) -> Path:
    return make_project({
        "content/events/test.fr.md": EVENT.format(title="Formation test", slug="formation-test",
                                                  venue=fr_venue),
        "content/events/test.nl.md": EVENT.format(title="Opleiding test", slug="opleiding-test",
                                                  venue=nl_venue)})


def test_a_venue_written_in_each_language_is_shown_in_each(make_project, tmp_path: Path) -> None:
    """Today's refusal ("differs from test.fr.md") is gone: a venue's name, street and
    municipality are texts; the calendar and the JSON-LD follow the page's language."""
    root = event_project(make_project, FR_VENUE, NL_VENUE)
    out = tmp_path / "out"
    pipeline.build(root, out, OPTIONS)
    for lang, path, expected in (
            ("fr", "fr/agenda/formation-test", ("Maison de la Participation", "Rue de la Loi 16", "Bruxelles")),
            ("nl", "nl/agenda/opleiding-test", ("Huis van de Participatie", "Wetstraat 16", "Brussel"))):
        page = soup(out / path / "index.html")
        name, street, town = expected
        assert page.select_one(".profile-aside address").get_text(" ", strip=True) == \
            f"{name} {street} 1000 {town}"
        ld = json.loads(page.select_one("script[type='application/ld+json']").string)
        assert ld["location"]["name"] == name
        assert (ld["location"]["address"]["streetAddress"],
                ld["location"]["address"]["addressLocality"]) == (street, town)
        calendar = icalendar.Calendar.from_ical((out / lang / "agenda.ics").read_bytes())
        event = next(e for e in calendar.walk("VEVENT") if str(e["uid"]).startswith("test@"))
        assert str(event["location"]) == f"{name}, {street}, 1000 {town}"
    agenda = soup(out / "nl" / "agenda" / "index.html").get_text(" ")
    assert "Huis van de Participatie" in agenda and "Maison de la Participation" not in agenda


def test_a_venue_in_one_file_or_as_a_map_is_every_languages(make_project, tmp_path: Path) -> None:
    """One text is shared; a map in one file gives each language; a commune written in
    French is shown in Dutch under its Dutch name."""
    root = event_project(make_project, FR_VENUE.replace(
        '  street: "Rue de la Loi 16"', '  street: {fr: "Rue de la Loi 16", nl: "Wetstraat 16"}'),
        '  name: "Maison de la Participation"')
    out = tmp_path / "out"
    pipeline.build(root, out, OPTIONS)
    page = soup(out / "nl" / "agenda" / "opleiding-test" / "index.html")
    assert page.select_one(".profile-aside address").get_text(" ", strip=True) == \
        "Maison de la Participation Wetstraat 16 1000 Brussel"
    assert page.select_one(".profile-aside address [lang]") is None      # shared, no fallback


@pytest.mark.parametrize(("fr_venue", "nl_venue", "expected"), [
    # the postal code stays a shared field
    (FR_VENUE, NL_VENUE.replace('"1000"', '"1040"'),
     ["content/events/test.nl.md:11:16: error: venue.postal_code: differs from "
      "content/events/test.fr.md (a shared field has the same value in every language; write "
      "it in one file only)"]),
    # a language given twice with two texts
    (FR_VENUE.replace('  street: "Rue de la Loi 16"', '  street: {fr: "Rue de la Loi 16", nl: "Wetstraat 16"}'),
     NL_VENUE.replace('"Wetstraat 16"', '"Wetstraat 18"'),
     ["content/events/test.nl.md:10:11: error: venue.street: differs from "
      "content/events/test.fr.md (the text in 'nl' is given twice: keep one of them)"]),
    # two communes
    (FR_VENUE.replace('"1000"', '"1040"').replace("Bruxelles", "Etterbeek"),
     NL_VENUE.replace('"1000"', '"1040"'),
     ["content/events/test.nl.md:12:17: error: venue.municipality: names Brussel, where another "
      "language names Etterbeek (name the same commune in every language)"]),
    # a commune of the region checked against its postal code, as a member's
    (FR_VENUE.replace("Bruxelles", "Bruxeles"), NL_VENUE,
     ["content/events/test.fr.md:12:17: error: venue.municipality: 'Bruxeles' is not one of the "
      "19 communes of the Brussels-Capital Region (did you mean 'Bruxelles'?)"]),
    (FR_VENUE, NL_VENUE.replace("Brussel", "Vorst"),
     ["content/events/test.nl.md:12:17: error: venue.municipality: the postal code 1000 is in "
      "Bruxelles, not in Vorst (check the postal code and the commune)"]),
])
def test_a_venue_that_disagrees_is_refused(make_project, fr_venue: str, nl_venue: str,
                                           expected: list[str]) -> None:
    root = event_project(make_project, fr_venue, nl_venue)
    with pytest.raises(BuildFailed) as exc:
        pipeline.load_site(root, OPTIONS)
    assert [str(d) for d in exc.value.diagnostics] == expected


def test_a_venue_outside_the_region_keeps_its_towns_names(make_project, tmp_path: Path) -> None:
    root = event_project(make_project,
                         '  name: "Gare de Louvain"\n  postal_code: "3000"\n  municipality: Louvain',
                         '  name: "Station Leuven"\n  postal_code: "3000"\n  municipality: Leuven')
    out = tmp_path / "out"
    pipeline.build(root, out, OPTIONS)
    assert soup(out / "nl" / "agenda" / "opleiding-test" / "index.html").select_one(
        ".profile-aside address").get_text(" ", strip=True) == "Station Leuven 3000 Leuven"
    assert soup(out / "fr" / "agenda" / "formation-test" / "index.html").select_one(
        ".profile-aside address").get_text(" ", strip=True) == "Gare de Louvain 3000 Louvain"
