"""Listing cards: what a listing shows of a member, an offer, an event, a news item or a
campaign, in one language. Every member's and offer's card is made once per language
(`Cards`) and shared by every listing that shows it, so the cost grows with members x
languages, never members x members.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import babel.dates

from circlemade_site import communes, urls
from circlemade_site.i18n import Catalog, format_date
from circlemade_site.models import (
    FACETS,
    OFFER_FACETS,
    TIMEZONE,
    Campaign,
    Event,
    Member,
    NewsItem,
    Offer,
    Site,
    Venue,
)
from circlemade_site.plan.images import Variant
from circlemade_site.plan.views import Card, Text, picture, text

LOGO_SIZES = "(max-width: 40rem) 72px, 96px"
HERO_SIZES = "(max-width: 72rem) 100vw, 72rem"


class Cards:
    """The card of every member and offer, made once per language when first asked for.
    The directory, its facet pages, events, campaigns and the home page list the same
    card objects, and the `reuse` template global renders each of them once."""

    def __init__(self, site: Site, router: urls.Router,
                 logos: Mapping[str, list[Variant]]) -> None:
        self._site, self._router, self._logos = site, router, logos
        self._by_slug = {m.slug: m for m in site.members}
        self._members: dict[tuple[str, str], dict[str, Any]] = {}
        self._offers: dict[tuple[str, int, str], dict[str, Any]] = {}

    def member(self, member: Member, lang: str) -> dict[str, Any]:
        key = (member.slug, lang)
        if (found := self._members.get(key)) is None:
            found = self._members[key] = Card(member_card(member, lang, self._site, self._router,
                                                          self._logos.get(member.slug)))
        return found

    def offer(self, offer: Offer, lang: str) -> dict[str, Any]:
        key = (offer.member_slug, offer.index, lang)
        if (found := self._offers.get(key)) is None:
            found = self._offers[key] = Card(offer_card(offer, self._by_slug[offer.member_slug],
                                                        lang, self._site, self._router))
        return found


def term_label(site: Site, lang: str, facet: str, key: str) -> Text:
    return text(site.facets[facet].terms[key].label, lang, site.config.fallback_order)


def filters(site: Site, lang: str, keys_by_facet: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """The data attributes the filtering script reads: facet segment -> term slugs."""
    return {site.facets[f].segment[lang]: " ".join(site.facets[f].terms[k].slugs[lang] for k in keys)
            for f, keys in keys_by_facet.items()}


def member_card(member: Member, lang: str, site: Site, router: urls.Router,
                logo: Sequence[Variant] | None) -> dict[str, Any]:
    """What a listing shows of a member, in one language."""
    order = site.config.fallback_order
    return {
        "name": member.name,
        "url": router.url_for(member, lang),
        "tagline": text(member.tagline, lang, order),
        "kind": term_label(site, lang, "kind", member.kind),
        "activities": [term_label(site, lang, "activities", k) for k in member.activities],
        "commune": text(communes.BY_KEY[member.commune].names, lang, order),
        "logo": picture(router, logo, LOGO_SIZES),
        "filters": filters(site, lang, {f: member.facet_keys(f) for f in FACETS}),
        "since": member.member_since.isoformat(),      # the directory's sort by newest
    }


def offer_card(offer: Offer, member: Member, lang: str, site: Site,
               router: urls.Router) -> dict[str, Any]:
    """What a listing shows of an offer, in one language."""
    order = site.config.fallback_order
    return {
        "title": text(offer.title, lang, order),
        "summary": text(offer.summary, lang, order),
        "member": member.name,
        "url": router.offer_url(member, offer, lang),
        "audiences": [term_label(site, lang, "audiences", k) for k in offer.audiences],
        "activities": [term_label(site, lang, "activities", k) for k in offer.activities],
        "filters": filters(site, lang, {f: getattr(offer, f) for f in OFFER_FACETS}),
    }


def when(event: Event, t: Catalog, locale: str) -> str:
    """'jeudi 10 décembre 2026, de 09:30 à 12:30', 'du jeudi 18 au vendredi 19 mars 2027'."""
    def day(d: dt.date) -> str:
        return format_date(d, locale, "full")

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


def event_type(event: Event, lang: str, site: Site) -> Text | None:
    if "event_types" not in site.facets:
        return None
    return text(site.facets["event_types"].terms[event.type].label, lang, site.config.fallback_order)


def venue_view(venue: Venue, lang: str, order: tuple[str, ...]) -> dict[str, Any]:
    """A venue in `lang`: its name, street and municipality (a Text each, or None), and
    the postal code."""
    return {"name": text(venue.name, lang, order),
            "street": text(venue.street, lang, order) if venue.street else None,
            "postal_code": venue.postal_code,
            "municipality": text(venue.municipality, lang, order) if venue.municipality else None}


def event_card(event: Event, lang: str, site: Site, router: urls.Router, t: Catalog) -> dict[str, Any]:
    tr = event.text(lang, site.config.fallback_order)
    return {
        "title": Text(tr.title, tr.lang), "summary": Text(tr.summary, tr.lang) if tr.summary else None,
        "url": router.url_for(event, lang), "when": when(event, t, site.config.locales[lang]),
        "datetime": event.start.isoformat(), "day": event.first_day,
        "type": event_type(event, lang, site),
        "place": Text(t("online"), lang) if event.online else (
            text(event.venue.name, lang, site.config.fallback_order) if event.venue else None),
    }


def news_date(item: NewsItem, lang: str, site: Site) -> str:
    return format_date(item.date, site.config.locales[lang], "long")


def news_card(item: NewsItem, lang: str, site: Site, router: urls.Router) -> dict[str, Any]:
    tr = item.text(lang, site.config.fallback_order)
    return {"title": Text(tr.title, tr.lang), "summary": Text(tr.summary, tr.lang) if tr.summary else None,
            "url": router.url_for(item, lang), "datetime": item.date.isoformat(),
            "date": news_date(item, lang, site)}


def cta_url(campaign: Campaign, lang: str, router: urls.Router) -> str:
    if "url" in campaign.cta:
        return campaign.cta["url"]
    return router.url_for(campaign.cta.get("page") or campaign.cta["section"], lang)


def campaign_card(campaign: Campaign, lang: str, site: Site, router: urls.Router,
                  heroes: Mapping[str, list[Variant]]) -> dict[str, Any]:
    tr = campaign.text(lang, site.config.fallback_order)
    locale = site.config.locales[lang]
    return {
        "title": Text(tr.title, tr.lang), "summary": Text(tr.summary, tr.lang) if tr.summary else None,
        "url": router.url_for(campaign, lang), "cta_label": Text(tr.cta_label, tr.lang),
        "cta_url": cta_url(campaign, lang, router), "active": campaign.is_active(site.now),
        "hero": picture(router, heroes.get(campaign.name), HERO_SIZES),
        "hero_alt": tr.hero_alt,
        "period": babel.dates.format_interval(campaign.start, campaign.end, "yMMMMd", locale=locale),
    }
