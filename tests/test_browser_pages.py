"""The public pages as a phone and a desktop show them (Chromium through Playwright): the
profile's contact after the tagline, the home page's first screen, and the polish of issue
#19 (date badges, pills, footer, text sizes, feeds and calendars)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import Browser, Page

from circlemade_site import pipeline

PHONE, DESKTOP = {"width": 375, "height": 800}, {"width": 1280, "height": 900}


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE)
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP)
    yield context.new_page()
    context.close()


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def displayed_texts(page: Page, selector: str) -> list[str]:
    return page.evaluate(f"""() => [...document.querySelectorAll({selector!r})]
        .filter(el => el.getClientRects().length > 0).map(el => el.textContent.trim())""")


def test_a_profile_on_a_phone_gives_the_contact_right_after_the_tagline(
        phone: Page, desktop: Page, site_url: str) -> None:
    url = site_url + "/fr/membres/recable/"
    phone.goto(url)
    strip = phone.locator(".contact-strip")
    assert strip.is_visible()
    tagline_bottom = phone.locator(".profile-head .lead").bounding_box()
    strip_box = strip.bounding_box()
    about = phone.locator("#about-heading").bounding_box()
    assert tagline_bottom and strip_box and about
    assert tagline_bottom["y"] < strip_box["y"] < about["y"] < 800 + strip_box["y"]
    assert strip_box["y"] < 800        # on the first screen
    links = strip.locator("a")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [
        "tel:+3225387062", "mailto:hello@recable.be", "https://www.recable.be",
        "/fr/membres/commune/schaerbeek/"]
    # each detail is displayed (so heard) once at each width
    for page in (phone, desktop):
        if page is desktop:
            page.goto(url)
        shown = page.evaluate("""() => [...document.querySelectorAll('a[href^="tel:"], a[href="mailto:hello@recable.be"]')]
            .filter(el => el.getClientRects().length > 0).length""")
        assert shown == 2
    assert not desktop.locator(".contact-strip").is_visible()
    assert desktop.locator("#contact-heading").is_visible()
    # no duplicate ids, no new landmark
    ids = desktop.evaluate("[...document.querySelectorAll('[id]')].map(e => e.id)")
    assert len(ids) == len(set(ids))
    assert desktop.locator(".contact-strip").evaluate("el => el.closest('section, aside, nav')") is None


def test_a_profile_lists_only_what_the_member_publishes(make_project, tmp_path: Path) -> None:
    root = make_project()
    yaml = root / "members" / "recable" / "member.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8") + "hidden: [contact.phone, contact.email]\n",
                    encoding="utf-8")
    pipeline.build(root, tmp_path / "out", pipeline.BuildOptions(
        now=pipeline.dt.date.fromisoformat("2026-11-29")))
    strip = soup(tmp_path / "out" / "fr" / "membres" / "recable" / "index.html").select_one(
        ".contact-strip")
    assert strip is not None
    assert [a["href"] for a in strip.select("a")] == ["https://www.recable.be",
                                                      "/fr/membres/commune/schaerbeek/"]


def test_the_home_page_first_screen_says_what_buyers_find(phone: Page, site_url: str,
                                                          built_site: Path) -> None:
    page = soup(built_site / "fr" / "index.html")
    figures = {a["href"]: int(a.strong.text) for a in page.select(".home-figures a")}
    members = len(soup(built_site / "fr" / "membres" / "index.html").select("#results .card"))
    assert figures["/fr/membres/"] == members
    assert figures["/fr/offres/"] == 35 and figures["/fr/opportunites/"] == 14
    ways = [a["href"] for a in page.select(".ways-in a")]
    assert "/fr/membres/activite/reparation/" in ways and "/fr/offres/public/entreprises/" in ways
    for href in ways:
        assert (built_site / href.strip("/") / "index.html").is_file(), href
    # the general text is on the about page, not on the home page
    assert page.select(".home-body") == []
    assert "Qui sont nos membres ?" in (built_site / "fr" / "a-propos" / "index.html").read_text()
    phone.goto(site_url + "/fr/")
    for selector in (".home-figures", ".ways-in-title"):
        box = phone.locator(selector).bounding_box()
        assert box and box["y"] + box["height"] < 800 * 1.25, selector   # on the first screen
    order = phone.evaluate("""() => ['#campaign-heading', '#featured-heading',
        '#featured-offers-heading', '#next-events-heading']
        .map(s => document.querySelector(s).getBoundingClientRect().top + scrollY)""")
    assert order == sorted(order)


@pytest.mark.parametrize("url", ["/fr/", "/fr/agenda/", "/nl/leden/",
                                 "/fr/membres/recable/", "/nl/campagnes/koop-circulair/",
                                 "/fr/opportunites/", "/nl/404.html"])
def test_polish_text_sizes_footer_pills_and_badges(browser: Browser, site_url: str,
                                                   url: str) -> None:
    for viewport in (PHONE, DESKTOP):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        page.goto(site_url + url)
        found = page.evaluate("""() => {
            const small = [], twoLines = [];
            for (const el of document.querySelectorAll('body *')) {
                if (el.closest('.visually-hidden') || !el.getClientRects().length) continue;
                const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
                if (own && parseFloat(getComputedStyle(el).fontSize) < 14)
                    small.push(el.outerHTML.slice(0, 80));
            }
            for (const tag of document.querySelectorAll('.tag, .facet-count'))
                if (tag.getClientRects().length > 1 || tag.getBoundingClientRect().height > 40)
                    twoLines.push(tag.outerHTML.slice(0, 80));
            const footer = document.querySelector('.site-footer').getBoundingClientRect();
            const badges = [...document.querySelectorAll('.event-date')].map(b => {
                const r = b.getBoundingClientRect();
                return [Math.round(r.width), Math.round(r.height),
                        [...b.children].map(c => Math.round(c.getBoundingClientRect().top - r.top))];
            });
            return {small, twoLines, badges,
                    marginTop: getComputedStyle(document.querySelector('.site-footer')).marginTop,
                    below: Math.max(innerHeight, document.documentElement.scrollHeight)
                           - (footer.bottom + scrollY)};
        }""")
        context.close()
        assert found["small"] == [], found["small"]
        assert found["twoLines"] == [], found["twoLines"]
        assert found["marginTop"] == "0px"            # no white band above the footer
        assert abs(found["below"]) < 1                # nor below it, on a short page too
        # date badges: one size, the day, month and year on three lines, wherever they are
        assert len({(w, h, tuple(lines)) for w, h, lines in found["badges"]}) <= 1
        for _, _, lines in found["badges"]:
            assert lines == sorted(set(lines)) and len(lines) == 3


def test_feeds_are_named_for_people_and_calendars_can_be_subscribed(built_site: Path) -> None:
    home = soup(built_site / "fr" / "index.html")
    assert home.select_one('link[type="application/atom+xml"]')["title"] == \
        "Suivre les actualités (flux Atom)"
    news = soup(built_site / "nl" / "nieuws" / "index.html")
    assert news.select_one('a[type="application/atom+xml"]').text == "Het nieuws volgen (Atom-feed)"
    feed = feedparser.parse((built_site / "fr" / "feed.xml").read_bytes())
    assert feed.feed.title == "circlemade.brussels – Suivre les actualités (flux Atom)"
    agenda = soup(built_site / "fr" / "agenda" / "index.html")
    links = {a.text: a["href"] for a in agenda.select(".calendar-links a")}
    assert links == {"S'abonner": "webcal://circlemade.brussels/fr/agenda.ics",
                     "Télécharger l'agenda (.ics)": "/fr/agenda.ics"}
    event = soup(next((built_site / "nl" / "agenda").glob("*/index.html")))
    hrefs = [a["href"] for a in event.select(".calendar-links a")]
    assert hrefs[0].endswith(".ics") and hrefs[1] == "webcal://circlemade.brussels/nl/agenda.ics"
