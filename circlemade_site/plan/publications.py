"""What the communications team publishes: the agenda (pages, iCalendar), news, campaigns
and the Atom feed, per language. Pure planning, like plan/members.py: each page's context
is made by a module function, deferred until the page is rendered."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from circlemade_site import urls
from circlemade_site.errors import Diagnostic
from circlemade_site.i18n import Catalog, country_name, format_date
from circlemade_site.models import (
    Campaign,
    Event,
    Member,
    NewsItem,
    Offer,
    Site,
    is_upcoming,
    select_members,
    select_offers,
    split_agenda,
)
from circlemade_site.plan import exports
from circlemade_site.plan.cards import (
    Cards,
    campaign_card,
    event_card,
    event_type,
    news_card,
    news_date,
    venue_view,
)
from circlemade_site.plan.images import ShareCards, Variant, variants
from circlemade_site.plan.views import DataFile, Markdown, Output, body, page_output

HERO_WIDTHS = (480, 960, 1600)
UPCOMING_ON_HOME = 3
NEWS_ON_HOME = 3


def hero_variants(site: Site, router: urls.Router) -> dict[str, list[Variant]]:
    found = {}
    for campaign in site.campaigns:
        if campaign.hero is not None:
            found[campaign.name] = variants(
                campaign.hero, router.hero_stem(campaign, campaign.hero), HERO_WIDTHS)
    return found


@dataclasses.dataclass(frozen=True, slots=True)
class Newsroom:
    """What every newsroom page of one plan shares."""

    site: Site
    router: urls.Router
    markdown: Markdown
    cards: Cards
    heroes: Mapping[str, list[Variant]]
    members: Mapping[str, Member]


def plan_publications(site: Site, router: urls.Router, catalogs: Mapping[str, Catalog],
                      base: Callable[[str], dict[str, Any]], markdown: Markdown, cards: Cards,
                      share: ShareCards, heroes: Mapping[str, list[Variant]],
                      ) -> tuple[list[Output], dict[str, Callable[[], bytes]], list[Variant]]:
    """The agenda, events, news, campaigns and feeds of every language; their calendars;
    the campaigns' hero variants. Share cards are registered now, the contexts deferred."""
    config = site.config
    room = Newsroom(site, router, markdown, cards, heroes, {m.slug: m for m in site.members})
    outputs: list[Output] = []
    files: dict[str, Callable[[], bytes]] = {}
    stamp = dt.datetime.combine(site.now, dt.time(), dt.UTC)
    order = config.fallback_order
    for lang in config.languages:
        t = catalogs[lang]
        context = base(lang)

        def page(target: urls.Target, template: str, more: Callable[..., Mapping[str, Any]],
                 *args: Any, lang: str = lang, context: Mapping[str, Any] = context) -> None:
            outputs.append(page_output(router, target, lang, template, context,
                                       functools.partial(more, room, lang, *args)))

        page(urls.EVENTS, "agenda.html", agenda, t)
        for event in site.events:
            tr = event.text(lang, order)
            eyebrow = " · ".join(str(x) for x in (event_type(event, lang, site), format_date(
                event.first_day, config.locales[lang], "medium")) if x)
            page(event, "event.html", event_page, t, event,
                 share.card("events", f"{event.name}-{lang}", tr.title, eyebrow))
            files[router.dest_for(urls.IcsFile(event), lang).as_posix()] = DataFile(
                functools.partial(exports.calendar_bytes, [event], lang, site, router, stamp,
                                  tr.title),
                # what it shows besides the settings and the vocabularies (in the render
                # cache's site digest): the event
                (event, lang, stamp, tr.title, router.url_for(event, lang)))
        name = f"{site.config.title.get(lang, order)[0]} – {t('events_title')}"
        files[router.dest_for(urls.CALENDAR, lang).as_posix()] = DataFile(
            functools.partial(exports.calendar_bytes, site.events, lang, site, router, stamp,
                              name),
            (lang, stamp, name, site.events, [router.url_for(e, lang) for e in site.events]))
        page(urls.NEWS, "news_list.html", news_list)
        for item in site.news:
            tr = item.text(lang, order)
            page(item, "news_item.html", news_page, item, share.card(
                "news", f"{item.name}-{lang}", tr.title, f"{t('news_title')} · {news_date(item, lang, site)}"))
        page(urls.CAMPAIGNS, "campaigns.html", campaigns_page)
        for campaign in site.campaigns:
            page(campaign, "campaign.html", campaign_page, campaign,
                 campaign_share_card(share, campaign, lang, t, order))
        outputs.append(Output(router.dest_for(urls.FEED, lang).as_posix(), "feed.xml", context,
                              functools.partial(exports.feed, site, router, lang, t)))
    return outputs, files, [v for vs in heroes.values() for v in vs]


def campaign_share_card(share: ShareCards, campaign: Campaign, lang: str, t: Catalog,
                        order: tuple[str, ...]) -> str:
    """The absolute URL of a campaign's share card (its hero, its title): og:image of its
    page, and the picture of its newsletter."""
    tr = campaign.text(lang, order)
    return share.card("campaigns", f"{campaign.name}-{lang}", tr.title, t("campaigns_title"),
                      picture=campaign.hero, layout="hero")


def agenda(room: Newsroom, lang: str, t: Catalog, _diagnostics: list[Diagnostic]) -> dict[str, Any]:
    upcoming, past = split_agenda(room.site.events, room.site.now)
    return {"upcoming": [event_card(e, lang, room.site, room.router, t) for e in upcoming],
            "past": [event_card(e, lang, room.site, room.router, t) for e in past],
            "calendar_url": room.router.url_for(urls.CALENDAR, lang),
            "subscribe_url": room.router.webcal(room.router.url_for(urls.CALENDAR, lang))}


def event_page(room: Newsroom, lang: str, t: Catalog, event: Event, share_url: str,
               diagnostics: list[Diagnostic]) -> dict[str, Any]:
    site, router = room.site, room.router
    tr = event.text(lang, site.config.fallback_order)
    return dict(event=event, entry=tr,
                body=body(room.markdown, router, tr.body, tr.lang, lang, tr.rel_path, tr.body_line,
                          diagnostics),
                card=event_card(event, lang, site, router, t),
                members=[room.cards.member(room.members[s], lang)
                         for s in event.members if s in room.members],
                ics_url=router.url_for(urls.IcsFile(event), lang),
                venue=venue_view(event.venue, lang, site.config.fallback_order) if event.venue else None,
                subscribe_url=router.webcal(router.url_for(urls.CALENDAR, lang)),
                osm_url=osm_url(event, lang, site.config.fallback_order, site.config.locales[lang]),
                upcoming=is_upcoming(event, site.now),
                json_ld=exports.event_json_ld(event, lang, site, router, tr.title, tr.summary,
                                            share_url),
                og={"type": "website", "title": tr.title, "description": tr.summary,
                    "image": share_url})


def news_list(room: Newsroom, lang: str, _diagnostics: list[Diagnostic]) -> dict[str, Any]:
    return {"items": [news_card(n, lang, room.site, room.router) for n in room.site.news],
            "feed_url": room.router.url_for(urls.FEED, lang)}


def news_page(room: Newsroom, lang: str, item: NewsItem, share_url: str,
              diagnostics: list[Diagnostic]) -> dict[str, Any]:
    tr = item.text(lang, room.site.config.fallback_order)
    return dict(item=news_card(item, lang, room.site, room.router), entry=tr,
                body=body(room.markdown, room.router, tr.body, tr.lang, lang, tr.rel_path,
                          tr.body_line, diagnostics),
                draft=item.draft,
                og={"type": "article", "title": tr.title, "description": tr.summary,
                    "image": share_url})


def campaigns_page(room: Newsroom, lang: str, _diagnostics: list[Diagnostic]) -> dict[str, Any]:
    site = room.site
    return {"active": [campaign_card(c, lang, site, room.router, room.heroes)
                       for c in site.campaigns if c.is_active(site.now)],
            "ended": [campaign_card(c, lang, site, room.router, room.heroes)
                      for c in site.campaigns if not c.is_active(site.now)]}


def campaign_page(room: Newsroom, lang: str, campaign: Campaign, share_url: str,
                  diagnostics: list[Diagnostic]) -> dict[str, Any]:
    site = room.site
    tr = campaign.text(lang, site.config.fallback_order)
    selected = select_offers(campaign, site.members)
    with_offers = {member.slug for member, _ in selected}   # shown once, with their offers
    return dict(campaign=campaign_card(campaign, lang, site, room.router, room.heroes), entry=tr,
                body=body(room.markdown, room.router, tr.body, tr.lang, lang, tr.rel_path,
                          tr.body_line, diagnostics),
                draft=campaign.draft or campaign.start > site.now,
                members=[room.cards.member(m, lang) for m in select_members(campaign, site.members)
                         if m.slug not in with_offers],
                offer_groups=offer_groups(room, lang, selected),
                og={"type": "website", "title": tr.title, "description": tr.summary,
                    "image": share_url})


def offer_groups(room: Newsroom, lang: str,
                 selected: Sequence[tuple[Member, Offer]]) -> list[dict[str, Any]]:
    """The offers a campaign features, grouped by member in the order they come: one card
    per member with the list of its offers (a campaign matching 30 offers of 8 members is
    8 cards, not 30, and stays readable on a phone)."""
    groups: dict[str, dict[str, Any]] = {}
    for member, offer in selected:
        group = groups.setdefault(member.slug, {"member": room.cards.member(member, lang),
                                                "offers": []})
        group["offers"].append(room.cards.offer(offer, lang))
    return list(groups.values())


def home_context(site: Site, router: urls.Router, lang: str, t: Catalog,
                 heroes: Mapping[str, list[Variant]]) -> dict[str, Any]:
    """What the home page shows of the newsroom: the active campaigns, the next events,
    the latest news."""
    upcoming, _ = split_agenda(site.events, site.now)
    return {
        "campaigns": [campaign_card(c, lang, site, router, heroes)
                      for c in site.campaigns if c.is_active(site.now)],
        "next_events": [event_card(e, lang, site, router, t) for e in upcoming[:UPCOMING_ON_HOME]],
        "latest_news": [news_card(n, lang, site, router) for n in site.news[:NEWS_ON_HOME]],
    }


def osm_url(event: Event, lang: str, order: tuple[str, ...], locale: str) -> str | None:
    if event.venue is None or not event.venue.street:
        return None
    venue = venue_view(event.venue, lang, order)
    town = venue["municipality"].text if venue["municipality"] else ""
    place = ", ".join(p for p in (venue["street"].text, f"{venue['postal_code'] or ''} {town}".strip(),
                                  country_name(locale)) if p)
    return "https://www.openstreetmap.org/search?" + urllib.parse.urlencode({"query": place})
