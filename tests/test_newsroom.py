"""Events, news and campaigns: agenda split, iCalendar, Atom, campaign windows, drafts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import feedparser
import icalendar
import pytest
from bs4 import BeautifulSoup
from conftest import NOW, site_pages

from circlemade_site import models, pipeline
from circlemade_site.errors import BuildFailed
from circlemade_site.load import publications

EVENT = """\
---
title: "Formation test"
slug: formation-test
summary: "Résumé."
type: training
start: {start}
end: {end}
venue: {{name: hub.brussels, street: "Chaussée de Charleroi 110", postal_code: "1060", municipality: Saint-Gilles}}
members: [recable]
---
Programme.
"""
# the Dutch file of a test event: its texts only (the shared fields are in the French one)
EVENT_NL = """\
---
title: "Opleiding test"
slug: opleiding-test
summary: "Samenvatting."
---
Programma.
"""


def event_files(name: str, text: str) -> dict[str, str | bytes | None]:
    """A test event in French and Dutch, as the required languages want it."""
    return {f"content/events/{name}.fr.md": text, f"content/events/{name}.nl.md": EVENT_NL}


def options(now: str, drafts: bool = False) -> pipeline.BuildOptions:
    return pipeline.BuildOptions(now=dt.date.fromisoformat(now), drafts=drafts)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_agenda_splits_upcoming_and_past_around_now(sample: Path) -> None:
    site = pipeline.load_site(sample, options(NOW)).site
    upcoming, past = models.split_agenda(site.events, site.now)
    assert [e.name for e in upcoming][:2] == ["formation-achats-publics",
                                              "webinaire-informatique-reconditionnee"]
    assert all(e.last_day >= site.now for e in upcoming)
    assert all(e.last_day < site.now for e in past)
    starts = [publications._sort_moment(e.start) for e in upcoming]
    assert starts == sorted(starts)                                  # soonest first
    past_starts = [publications._sort_moment(e.start) for e in past]
    assert past_starts == sorted(past_starts, reverse=True)          # most recent first
    assert past[-1].name == "tournee-des-membres-2018"


def test_an_event_is_upcoming_through_its_last_day(sample: Path) -> None:
    site = pipeline.load_site(sample, options("2027-03-19")).site
    fair = next(e for e in site.events if e.name == "salon-bruxelles-circulaire-2027")
    assert models.is_upcoming(fair, dt.date(2027, 3, 19))
    assert not models.is_upcoming(fair, dt.date(2027, 3, 20))


def test_agenda_pages(built_site: Path) -> None:
    page = soup(built_site / "fr" / "agenda" / "index.html")
    upcoming = [a.get_text() for a in page.select("#upcoming-heading ~ ul .event-title a")]
    assert upcoming[0] == "Formation : vendre circulaire aux acheteurs publics"
    event = soup(built_site / "nl" / "agenda" / "opleiding-overheidsopdrachten" / "index.html")
    assert "donderdag 10 december 2026, van 09:30 tot 12:30" in event.get_text()
    data = __import__("json").loads(event.find("script", type="application/ld+json").string)
    assert data["@type"] == "Event" and data["startDate"] == "2026-12-10T09:30:00+01:00"
    assert data["location"]["address"]["postalCode"] == "1060"
    switch = event.select_one("nav.lang-switch a[hreflang=fr]")["href"]
    assert switch == "/fr/agenda/formation-achats-publics/"
    fair = soup(built_site / "fr" / "agenda" / "salon-bruxelles-circulaire-2027" / "index.html")
    assert "du jeudi 18 mars 2027 au vendredi 19 mars 2027" in fair.get_text()


def test_ics_per_event_parses_back(built_site: Path) -> None:
    raw = (built_site / "fr" / "agenda" / "formation-achats-publics.ics").read_bytes()
    cal = icalendar.Calendar.from_ical(raw)
    events = cal.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert str(event["uid"]) == "formation-achats-publics@circlemade.brussels"
    assert str(event["summary"]) == "Formation : vendre circulaire aux acheteurs publics"
    start = event.decoded("dtstart")
    assert start == dt.datetime(2026, 12, 10, 9, 30, tzinfo=models.TIMEZONE)
    assert start.utcoffset() == dt.timedelta(hours=1)
    assert event.decoded("dtend").hour == 12
    assert [tz["tzid"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Brussels"]
    assert b"TZID=Europe/Brussels" in raw
    nl = icalendar.Calendar.from_ical(
        (built_site / "nl" / "agenda" / "opleiding-overheidsopdrachten.ics").read_bytes())
    assert str(nl.walk("VEVENT")[0]["uid"]) == str(event["uid"])          # same event, same UID


def test_subscribable_calendar_per_language(built_site: Path, sample: Path) -> None:
    site = pipeline.load_site(sample, options(NOW)).site
    for _lang, path in (("fr", "fr/agenda.ics"), ("nl", "nl/agenda.ics")):
        cal = icalendar.Calendar.from_ical((built_site / path).read_bytes())
        uids = [str(e["uid"]) for e in cal.walk("VEVENT")]
        assert len(uids) == len(site.events) == len(set(uids))
        assert str(cal["x-wr-timezone"]) == "Europe/Brussels"
    fair = next(e for e in icalendar.Calendar.from_ical((built_site / "fr/agenda.ics").read_bytes()).walk("VEVENT")
                if str(e["uid"]).startswith("salon-"))
    assert fair.decoded("dtstart") == dt.date(2027, 3, 18)
    assert fair.decoded("dtend") == dt.date(2027, 3, 20)          # all day: DTEND is exclusive


def test_atom_feed_per_language_parses_back(built_site: Path, sample: Path) -> None:
    site = pipeline.load_site(sample, options(NOW)).site
    for lang in ("fr", "nl"):
        feed = feedparser.parse((built_site / lang / "feed.xml").read_bytes())
        assert not feed.bozo, feed.bozo_exception
        assert feed.feed.language == lang if "language" in feed.feed else True
        entries = feed.entries
        opportunities = sum(len(m.needs) + len(m.flows) for m in site.members)
        assert len(entries) == len(site.news) + len(site.campaigns) + opportunities
        assert len({e.id for e in entries}) == len(entries)
        assert all(e.link.startswith(f"https://circlemade.brussels/{lang}/") for e in entries)
        dates = [e.updated_parsed for e in entries]
        assert dates == sorted(dates, reverse=True)
    fr = feedparser.parse((built_site / "fr" / "feed.xml").read_bytes())
    titles = [e.title for e in fr.entries]
    assert "Achetez circulaire, achetez bruxellois" in titles
    assert "Marc de café pour nos pleurotes – Racines Canal" in titles          # a need
    assert "Sous-produits disponibles : Biodéchets – Quai Partagé" in titles    # a flow


@pytest.mark.parametrize(("now", "published", "active"), [
    ("2026-11-01", False, False),     # the day before the window
    ("2026-11-02", True, True),       # its first day
    ("2027-01-31", True, True),       # its last day
    ("2027-02-01", True, False),      # the day after: archived, no longer promoted
])
def test_campaign_window_boundaries(sample: Path, tmp_path: Path, now: str, published: bool,
                                    active: bool) -> None:
    out = tmp_path / "public"
    pipeline.build(sample, out, options(now))
    page = out / "fr" / "campagnes" / "achetez-circulaire" / "index.html"
    assert page.is_file() == published
    home = soup(out / "fr" / "index.html")
    promoted = [a["href"] for a in home.select(".campaigns-home .campaign-banner h3 a")]
    assert promoted == (["/fr/campagnes/achetez-circulaire/"] if active else [])
    if published and not active:
        assert "Cette campagne est terminée." in soup(page).get_text()
        archive = soup(out / "fr" / "campagnes" / "index.html")
        assert archive.select_one("#ended-heading ~ ul a[href='/fr/campagnes/achetez-circulaire/']")


def test_campaign_selects_members_and_offers_by_facet(sample: Path, built_site: Path) -> None:
    site = pipeline.load_site(sample, options(NOW)).site
    campaign = next(c for c in site.campaigns if c.name == "achats-circulaires")
    chosen = models.select_members(campaign, site.members)
    assert [m.slug for m in chosen[:2]] == ["publi-boucle", "recable"]      # named first
    expected = {m.slug for m in site.members if {"repair", "reuse"} & set(m.activities)}
    assert {m.slug for m in chosen} == expected | {"publi-boucle", "recable"}
    offers = models.select_offers(campaign, site.members)
    assert offers and all({"business", "public-sector"} & set(o.audiences) for _, o in offers)
    assert len(offers) == sum(1 for m in site.members for o in m.offers
                              if {"business", "public-sector"} & set(o.audiences))
    page = soup(built_site / "nl" / "campagnes" / "koop-circulair" / "index.html")
    # every member once: with the list of its featured offers, or else among the members
    with_offers = list(dict.fromkeys(m.slug for m, _ in offers))
    groups = page.select("#campaign-offers-heading ~ ul > li.card")
    others = page.select("#campaign-members-heading ~ ul > li.card")
    assert len(groups) == len(with_offers)
    assert len(others) == len({m.slug for m in chosen} - set(with_offers))
    assert sum(len(g.select(".offer-group-list li")) for g in groups) == len(offers)
    for group, slug in zip(groups, with_offers, strict=True):
        assert group.select_one(".offer-group-name a")["href"] == f"/nl/leden/{slug}/"
        assert all(a["href"].startswith(f"/nl/leden/{slug}/#")
                   for a in group.select(".offer-group-list a"))


def test_a_campaign_page_stays_readable_on_a_phone(browser, site_url: str) -> None:
    """The sample's biggest campaign, laid out at 375 px with every card rendered: one card
    per member with the list of its offers (15,000 px tall with a card per offer, 6,500
    with the groups)."""
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(site_url + "/fr/campagnes/achetez-circulaire/")
    page.evaluate("document.querySelectorAll('.card').forEach(c => c.style.contentVisibility = 'visible')")
    height = page.evaluate("document.documentElement.scrollHeight")
    page.close()
    assert height < 8000


def test_drafts_are_excluded_unless_asked(make_project, tmp_path: Path) -> None:
    draft = EVENT.format(start="2027-01-10 10:00", end="2027-01-10 12:00").replace(
        "members: [recable]", "members: [recable]\ndraft: true")
    root = make_project(event_files("brouillon", draft))
    pipeline.build(root, tmp_path / "a", options(NOW))
    assert not (tmp_path / "a" / "fr" / "agenda" / "formation-test").exists()
    assert "formation-test" not in (tmp_path / "a" / "fr" / "agenda.ics").read_text()
    pipeline.build(root, tmp_path / "b", options(NOW, drafts=True))
    assert (tmp_path / "b" / "fr" / "agenda" / "formation-test" / "index.html").is_file()


def test_shared_fields_must_agree_between_translations(make_project) -> None:
    root = make_project({
        "content/events/test.fr.md": EVENT.format(start="2027-01-10 10:00", end="2027-01-10 12:00"),
        "content/events/test.nl.md": EVENT.format(start="2027-01-11 10:00", end="2027-01-10 12:00")
        .replace("Formation test", "Opleiding test").replace("formation-test", "opleiding-test"),
    })
    with pytest.raises(BuildFailed) as exc:
        pipeline.load_site(root, options(NOW))
    assert [str(d) for d in exc.value.diagnostics] == [
        "content/events/test.nl.md:6:8: error: start: differs from content/events/test.fr.md "
        "(a shared field has the same value in every language; write it in one file only)"]


@pytest.mark.parametrize(("change", "expected"), [
    (("type: training", "type: trainng"), "5:7: error: type: 'trainng' is not a known event "
     "type (see content/vocabularies.yaml) (did you mean 'training'?)"),
    (("members: [recable]", "members: [recabel]"), "9:11: error: members[0]: there is no member "
     "'recabel' (did you mean 'recable'?)"),
    (("start: 2027-01-10 10:00", "start: tomorrow"), "6:8: error: start: 'tomorrow' is not a "
     "date or a date and time (write 2026-12-10 for a whole day or 2026-12-10 09:30 (Brussels "
     "time))"),
    (("end: 2027-01-10 12:00", "end: 2027-01-09 12:00"), "7:6: error: end: the event ends "
     "before it starts"),
])
def test_event_errors(make_project, change: tuple[str, str], expected: str) -> None:
    text = EVENT.format(start="2027-01-10 10:00", end="2027-01-10 12:00").replace(*change)
    root = make_project(event_files("test", text))
    with pytest.raises(BuildFailed) as exc:
        pipeline.load_site(root, options(NOW))
    assert [str(d) for d in exc.value.diagnostics] == [f"content/events/test.fr.md:{expected}"]


def test_events_in_summer_time_keep_their_offset(make_project, tmp_path: Path) -> None:
    root = make_project(event_files("ete", EVENT.format(
        start="2027-06-10 09:30", end="2027-06-10 12:30")))
    pipeline.build(root, tmp_path / "out", options(NOW))
    cal = icalendar.Calendar.from_ical((tmp_path / "out" / "fr" / "agenda" / "formation-test.ics").read_bytes())
    assert cal.walk("VEVENT")[0].decoded("dtstart").utcoffset() == dt.timedelta(hours=2)


def test_every_page_has_a_share_image_and_twitter_tags(built_site: Path, sample: Path) -> None:
    import PIL.Image
    seen = set()
    for page in site_pages(built_site, sample):
        tree = soup(page)
        if page.parent == built_site:
            continue
        image = tree.find("meta", property="og:image")["content"]
        assert image.startswith("https://circlemade.brussels/media/cards/"), page
        assert tree.find("meta", attrs={"name": "twitter:card"})["content"] == "summary_large_image"
        seen.add(image)
    for url in seen:
        with PIL.Image.open(built_site / url.split("circlemade.brussels/")[1]) as card:
            assert (card.format, card.size) == ("JPEG", (1200, 630))
    kinds = {url.split("/media/cards/")[1].split("/")[0] for url in seen}
    assert kinds == {"site", "members", "events", "news", "campaigns"}


def test_share_cards_are_redrawn_only_when_their_text_changes(make_project, tmp_path: Path) -> None:
    root = make_project()
    pipeline.build(root, tmp_path / "one", options(NOW))
    before = {p.name for p in (tmp_path / "one" / "media" / "cards" / "news").iterdir()}
    path = root / "content" / "news" / "bilan-2025.fr.md"
    text = path.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    path.write_text(text.replace(title, 'title: "Un autre titre"'), encoding="utf-8")
    pipeline.build(root, tmp_path / "two", options(NOW))
    after = {p.name for p in (tmp_path / "two" / "media" / "cards" / "news").iterdir()}
    changed = before ^ after
    assert len(changed) == 2 and all(name.startswith("bilan-2025-fr-") for name in changed)
