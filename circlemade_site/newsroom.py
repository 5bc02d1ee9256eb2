"""What the communications team publishes: the agenda (pages, iCalendar), news, campaigns
and the Atom feed, per language. Pure planning, like directory.py."""

from __future__ import annotations

import datetime as dt
import functools
import json
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import babel.dates
import icalendar

from circlemade_site import cards, directory, images, publications, urls
from circlemade_site.errors import Diagnostic
from circlemade_site.i18n import Catalog
from circlemade_site.markup import MarkdownRenderer
from circlemade_site.models import Campaign, Event, NewsItem, Site
from circlemade_site.views import Output, Text, text

TIMEZONE = publications.TIMEZONE
HERO_WIDTHS = (480, 960, 1600)
HERO_SIZES = "(max-width: 72rem) 100vw, 72rem"
UPCOMING_ON_HOME = 3
NEWS_ON_HOME = 3


def is_upcoming(event: Event, now: dt.date) -> bool:
    """Upcoming until its last day is over: an event on now's date is still upcoming."""
    return event.last_day >= now


def split_agenda(events: Sequence[Event], now: dt.date) -> tuple[list[Event], list[Event]]:
    """(upcoming soonest first, past most recent first)."""
    upcoming = [e for e in events if is_upcoming(e, now)]
    past = [e for e in events if not is_upcoming(e, now)]
    return upcoming, list(reversed(past))


def hero_variants(site: Site, router: urls.Router) -> dict[str, list[images.Variant]]:
    found = {}
    for campaign in site.campaigns:
        if campaign.hero is not None:
            found[campaign.name] = images.variants(
                campaign.hero, router.hero_stem(campaign, campaign.hero), HERO_WIDTHS)
    return found


# -- views ------------------------------------------------------------------------------

def when(event: Event, t: Catalog, locale: str) -> str:
    """'jeudi 10 décembre 2026, de 09:30 à 12:30', 'du jeudi 18 au vendredi 19 mars 2027'."""
    def day(d: dt.date) -> str:
        return babel.dates.format_date(d, "full", locale=locale)

    def clock(moment: dt.datetime) -> str:
        return babel.dates.format_time(moment, "short", tzinfo=TIMEZONE, locale=locale)

    if event.all_day:
        if event.first_day == event.last_day:
            return day(event.first_day)
        return t("date_range", start=day(event.first_day), end=day(event.last_day))
    assert isinstance(event.start, dt.datetime) and isinstance(event.end, dt.datetime)
    if event.first_day == event.last_day:
        if event.start == event.end:
            return f"{day(event.first_day)}, {clock(event.start)}"
        return t("time_range", date=day(event.first_day), start=clock(event.start),
                 end=clock(event.end))
    return t("date_range", start=f"{day(event.first_day)}, {clock(event.start)}",
             end=f"{day(event.last_day)}, {clock(event.end)}")


def _iso(moment: dt.datetime | dt.date) -> str:
    return moment.isoformat()


def event_card(event: Event, lang: str, site: Site, router: urls.Router, t: Catalog) -> dict[str, Any]:
    order = site.config.fallback_order
    tr = event.text(lang, order)
    return {
        "title": Text(tr.title, tr.lang), "summary": Text(tr.summary, tr.lang) if tr.summary else None,
        "url": router.url_for(event, lang), "when": when(event, t, site.config.locales[lang]),
        "datetime": _iso(event.start), "day": event.first_day,
        "type": text(site.facets["event_types"].terms[event.type].label, lang, order)
        if "event_types" in site.facets else None,
        "place": t("online") if event.online else (event.venue.name if event.venue else ""),
    }


def news_card(item: NewsItem, lang: str, site: Site, router: urls.Router) -> dict[str, Any]:
    tr = item.text(lang, site.config.fallback_order)
    return {"title": Text(tr.title, tr.lang), "summary": Text(tr.summary, tr.lang) if tr.summary else None,
            "url": router.url_for(item, lang), "datetime": item.date.isoformat(),
            "date": babel.dates.format_date(item.date, "long", locale=site.config.locales[lang])}


def _picture(variants: Sequence[images.Variant] | None, sizes: str) -> dict[str, Any] | None:
    if not variants:
        return None
    main = variants[min(1, len(variants) - 1)]
    return {"src": "/" + main.dest_rel, "width": main.width, "height": main.height,
            "srcset": ", ".join(f"/{v.dest_rel} {v.width}w" for v in variants)
            if main.kind != "svg" else None, "sizes": sizes}


def cta_url(campaign: Campaign, lang: str, router: urls.Router) -> str:
    if "url" in campaign.cta:
        return campaign.cta["url"]
    return router.url_for(campaign.cta.get("page") or campaign.cta["section"], lang)


def campaign_card(campaign: Campaign, lang: str, site: Site, router: urls.Router,
                  heroes: Mapping[str, list[images.Variant]]) -> dict[str, Any]:
    tr = campaign.text(lang, site.config.fallback_order)
    locale = site.config.locales[lang]
    return {
        "title": Text(tr.title, tr.lang), "summary": Text(tr.summary, tr.lang) if tr.summary else None,
        "url": router.url_for(campaign, lang), "cta_label": Text(tr.cta_label, tr.lang),
        "cta_url": cta_url(campaign, lang, router), "active": campaign.is_active(site.now),
        "hero": _picture(heroes.get(campaign.name), HERO_SIZES),
        "hero_alt": tr.hero_alt,
        "period": babel.dates.format_interval(campaign.start, campaign.end, "yMMMMd", locale=locale),
    }


# -- outputs ----------------------------------------------------------------------------

def plan_newsroom(site: Site, router: urls.Router, catalogs: Mapping[str, Catalog],
                  base: Callable[[str], dict[str, Any]], markdown: MarkdownRenderer,
                  member_cards: directory.Cards, share: cards.ShareCards,
                  diagnostics: list[Diagnostic]) -> tuple[list[Output], dict[str, Callable[[], bytes]], list[images.Variant]]:
    config = site.config
    outputs: list[Output] = []
    files: dict[str, Callable[[], bytes]] = {}
    heroes = hero_variants(site, router)
    upcoming, past = split_agenda(site.events, site.now)
    members = {m.slug: m for m in site.members}
    stamp = dt.datetime.combine(site.now, dt.time(), dt.timezone.utc)
    timezone = functools.cache(lambda: brussels_timezone(site.events))   # when a calendar is made

    for lang in config.languages:
        order = config.fallback_order
        t = catalogs[lang]
        context = base(lang)

        def page(target: urls.Target, template: str, more: Callable[[], Mapping[str, Any]],
                 lang: str = lang, context: Mapping[str, Any] = context) -> None:
            outputs.append(directory.page_output(router, target, lang, template, context, more))

        def agenda(lang: str = lang, t: Catalog = t) -> dict[str, Any]:
            return {"upcoming": [event_card(e, lang, site, router, t) for e in upcoming],
                    "past": [event_card(e, lang, site, router, t) for e in past],
                    "calendar_url": router.url_for(urls.CALENDAR, lang)}

        def event_page(event: Event, lang: str = lang, t: Catalog = t) -> dict[str, Any]:
            tr = event.text(lang, order)
            card = event_card(event, lang, site, router, t)
            eyebrow = " · ".join(str(x) for x in (card["type"], babel.dates.format_date(
                event.first_day, "medium", locale=config.locales[lang])) if x)
            card_url = router.absolute("/" + share.card("events", f"{event.name}-{lang}", tr.title, eyebrow))
            body = _body(markdown, router, tr.body, tr.lang, lang, tr.rel_path, tr.body_line, diagnostics)
            return dict(event=event, entry=tr, body=body, card=card,
                        members=[member_cards.member(members[s], lang)
                                 for s in event.members if s in members],
                        ics_url=router.url_for(urls.IcsFile(event), lang),
                        osm_url=_osm(event, config.locales[lang]),
                        upcoming=is_upcoming(event, site.now),
                        json_ld=_event_json_ld(event, lang, site, router, tr.title, tr.summary),
                        og={"type": "website", "title": tr.title, "description": tr.summary,
                            "image": card_url})

        def news_page(item: NewsItem, lang: str = lang, t: Catalog = t) -> dict[str, Any]:
            tr = item.text(lang, order)
            body = _body(markdown, router, tr.body, tr.lang, lang, tr.rel_path, tr.body_line, diagnostics)
            news = news_card(item, lang, site, router)
            card_url = router.absolute("/" + share.card(
                "news", f"{item.name}-{lang}", tr.title, f"{t('news_title')} · {news['date']}"))
            return dict(item=news, entry=tr, body=body, draft=item.draft,
                        og={"type": "article", "title": tr.title, "description": tr.summary,
                            "image": card_url})

        def campaigns_page(lang: str = lang) -> dict[str, Any]:
            return {"active": [campaign_card(c, lang, site, router, heroes)
                               for c in site.campaigns if c.is_active(site.now)],
                    "ended": [campaign_card(c, lang, site, router, heroes)
                              for c in site.campaigns if not c.is_active(site.now)]}

        def campaign_page(campaign: Campaign, lang: str = lang, t: Catalog = t) -> dict[str, Any]:
            tr = campaign.text(lang, order)
            body = _body(markdown, router, tr.body, tr.lang, lang, tr.rel_path, tr.body_line, diagnostics)
            card = campaign_card(campaign, lang, site, router, heroes)
            return dict(campaign=card, entry=tr, body=body,
                        draft=campaign.draft or campaign.start > site.now,
                        members=[member_cards.member(m, lang)
                                 for m in publications.select_members(campaign, site.members)],
                        offers=[member_cards.offer(o, lang)
                                for _, o in publications.select_offers(campaign, site.members)],
                        og={"type": "website", "title": tr.title, "description": tr.summary,
                            "image": router.absolute("/" + share.card(
                                "campaigns", f"{campaign.name}-{lang}", tr.title, t("campaigns_title"),
                                picture=campaign.hero, layout="hero"))})

        page(urls.EVENTS, "agenda.html", agenda)
        for event in site.events:
            page(event, "event.html", functools.partial(event_page, event))
            tr = event.text(lang, order)
            files[router.url_for(urls.IcsFile(event), lang).lstrip("/")] = functools.partial(
                calendar_bytes, [event], lang, site, router, stamp, tr.title, timezone)
        files[router.url_for(urls.CALENDAR, lang).lstrip("/")] = functools.partial(
            calendar_bytes, site.events, lang, site, router, stamp,
            f"{site.config.title.get(lang, order)[0]} – {t('events_title')}", timezone)

        page(urls.NEWS, "news_list.html", functools.partial(
            lambda lang: {"items": [news_card(n, lang, site, router) for n in site.news],
                          "feed_url": router.url_for(urls.FEED, lang)}, lang))
        for item in site.news:
            page(item, "news_item.html", functools.partial(news_page, item))
        page(urls.CAMPAIGNS, "campaigns.html", campaigns_page)
        for campaign in site.campaigns:
            page(campaign, "campaign.html", functools.partial(campaign_page, campaign))
        outputs.append(Output(router.url_for(urls.FEED, lang).lstrip("/"), "feed.xml", context,
                              functools.partial(_feed, site, router, lang)))
    variants = [v for vs in heroes.values() for v in vs]
    return outputs, files, variants


def home_context(site: Site, router: urls.Router, lang: str, t: Catalog,
                 heroes: Mapping[str, list[images.Variant]]) -> dict[str, Any]:
    """What the home page shows of the newsroom: the active campaigns, the next events,
    the latest news."""
    upcoming, _ = split_agenda(site.events, site.now)
    return {
        "campaigns": [campaign_card(c, lang, site, router, heroes)
                      for c in site.campaigns if c.is_active(site.now)],
        "next_events": [event_card(e, lang, site, router, t) for e in upcoming[:UPCOMING_ON_HOME]],
        "latest_news": [news_card(n, lang, site, router) for n in site.news[:NEWS_ON_HOME]],
    }


def _body(markdown: MarkdownRenderer, router: urls.Router, body: str, body_lang: str, lang: str,
          rel_path: str, line: int, diagnostics: list[Diagnostic]) -> dict[str, str]:
    """A Markdown body as HTML for the `lang` site; `page:<name>` links resolved."""
    def resolve(name: str) -> str | None:
        target = router.page_named(name)
        return router.url_for(target, lang) if target is not None else None

    html, unknown = markdown.render(body, resolve)
    if body_lang == lang:     # report once, from the text's own language
        for name in unknown:
            offset = next((i for i, text in enumerate(body.split("\n")) if f"page:{name}" in text), 0)
            diagnostics.append(Diagnostic(rel_path, f"link to an unknown page 'page:{name}'",
                                          line + offset, hint="pages are named after their file: "
                                          "page:about links to content/pages/about.<language>.md"))
    return {"html": html, "lang": body_lang}


def _osm(event: Event, locale: str) -> str | None:
    venue = event.venue
    if venue is None or not venue.street:
        return None
    place = ", ".join(p for p in (venue.street, f"{venue.postal_code or ''} {venue.municipality or ''}".strip(),
                                  directory.country_name(locale)) if p)
    return "https://www.openstreetmap.org/search?" + urllib.parse.urlencode({"query": place})


def _event_json_ld(event: Event, lang: str, site: Site, router: urls.Router, title: str,
                   summary: str) -> str:
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "Event", "name": title,
        "startDate": _iso(event.start), "endDate": _iso(event.end),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OnlineEventAttendanceMode" if event.online
        else "https://schema.org/OfflineEventAttendanceMode",
        "url": router.absolute(router.url_for(event, lang)), "inLanguage": lang,
        "organizer": {"@type": "Organization", "name": "circlemade.brussels",
                      "url": router.absolute(router.url_for(urls.HOME, lang))},
    }
    if summary:
        data["description"] = summary
    if event.online:
        data["location"] = {"@type": "VirtualLocation",
                            "url": event.registration or router.absolute(router.url_for(event, lang))}
    elif event.venue:
        venue = event.venue
        data["location"] = {"@type": "Place", "name": venue.name, "address": {
            "@type": "PostalAddress", "streetAddress": venue.street, "postalCode": venue.postal_code,
            "addressLocality": venue.municipality, "addressCountry": "BE"}}
    if event.registration:
        data["offers"] = {"@type": "Offer", "url": event.registration}
    return json.dumps(data, ensure_ascii=False, indent=1).replace("<", "\\u003c")


# -- iCalendar ----------------------------------------------------------------------------

def brussels_timezone(events: Sequence[Event]) -> icalendar.Timezone:
    """The Europe/Brussels VTIMEZONE with the transitions around the agenda's dates (made
    once per build: computing it is the slow part of writing a calendar)."""
    days = [e.first_day for e in events] or [dt.date(2018, 1, 1)]
    return icalendar.Timezone.from_tzid(
        "Europe/Brussels", first_date=dt.date(min(days).year - 1, 1, 1),
        last_date=dt.date(max(days).year + 2, 1, 1))


def calendar_bytes(events: Sequence[Event], lang: str, site: Site, router: urls.Router,
                   stamp: dt.datetime, name: str,
                   timezone: Callable[[], icalendar.Timezone]) -> bytes:
    """An RFC 5545 calendar of `events` in `lang`, with the Europe/Brussels VTIMEZONE.
    UIDs are stable (the same event keeps its UID across builds and languages)."""
    host = urllib.parse.urlsplit(site.config.base_url).hostname or "circlemade.brussels"
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//{host}//circlemade_site//{lang.upper()}")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Brussels")
    if any(not e.all_day for e in events):
        cal.add_component(timezone())
    order = site.config.fallback_order
    for event in events:
        tr = event.text(lang, order)
        url = router.absolute(router.url_for(event, lang))
        vevent = icalendar.Event()
        vevent.add("uid", f"{event.name}@{host}")
        vevent.add("dtstamp", stamp)
        vevent.add("dtstart", event.start)
        # an all-day event ends the day after its last day (DTEND is exclusive)
        vevent.add("dtend", event.end if not event.all_day else event.last_day + dt.timedelta(days=1))
        vevent.add("summary", tr.title)
        vevent.add("description", f"{tr.summary}\n\n{url}".strip())
        vevent.add("url", url)
        if event.online:
            vevent.add("location", "Online")
        elif event.venue:
            v = event.venue
            vevent.add("location", ", ".join(p for p in (v.name, v.street,
                                                         f"{v.postal_code or ''} {v.municipality or ''}".strip()) if p))
        if "event_types" in site.facets:
            vevent.add("categories", [site.facets["event_types"].terms[event.type].label.get(lang, order)[0]])
        cal.add_component(vevent)
    return cal.to_ical()


# -- Atom ---------------------------------------------------------------------------------

def _feed(site: Site, router: urls.Router, lang: str) -> dict[str, Any]:
    """The Atom feed of a language: news items and campaigns, newest first."""
    order = site.config.fallback_order
    host = urllib.parse.urlsplit(site.config.base_url).hostname or "circlemade.brussels"
    entries = []
    for item in site.news:
        tr = item.text(lang, order)
        entries.append((item.date, f"tag:{host},2018:{lang}/news/{item.name}", tr,
                        router.absolute(router.url_for(item, lang))))
    for campaign in site.campaigns:
        tr = campaign.text(lang, order)
        entries.append((campaign.start, f"tag:{host},2018:{lang}/campaigns/{campaign.name}", tr,
                        router.absolute(router.url_for(campaign, lang))))
    entries.sort(key=lambda e: (e[0], e[1]), reverse=True)

    def stamp(d: dt.date) -> str:
        return dt.datetime.combine(d, dt.time(), TIMEZONE).isoformat()

    return {
        "feed_id": f"tag:{host},2018:{lang}/feed",
        "feed_url": router.absolute(router.url_for(urls.FEED, lang)),
        "home_url": router.absolute(router.url_for(urls.HOME, lang)),
        "updated": stamp(entries[0][0]) if entries else stamp(dt.date(2018, 5, 24)),
        "entries": [{"id": eid, "title": tr.title, "summary": tr.summary, "url": url,
                     "lang": tr.lang, "updated": stamp(day)} for day, eid, tr, url in entries],
    }
