"""What programs read: open data (/data/members.json and .csv), iCalendar files, the Atom
feed's entries and JSON-LD. Pure: the site in, bytes or data out; documented in
docs/open-data.md and held to the real clients by the tests (feedparser, icalendar)."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import re
import urllib.parse
from collections.abc import Mapping, Sequence
from typing import Any

import icalendar

from circlemade_site import communes, urls
from circlemade_site.errors import Diagnostic
from circlemade_site.i18n import Catalog
from circlemade_site.models import (
    TIMEZONE,
    Event,
    Member,
    Need,
    Offer,
    Opportunity,
    Site,
    is_upcoming,
    opportunities,
)
from circlemade_site.plan.cards import event_type, venue_view
from circlemade_site.plan.images import Variant
from circlemade_site.plan.views import Text, text


def json_for_script(data: Any) -> str:
    """JSON-LD safe inside <script>: no "</script>" or "<!--" can be formed."""
    return json.dumps(data, ensure_ascii=False, indent=1).replace("<", "\\u003c")


def offer_json_ld(offer: Offer, lang: str, site: Site,
                  areas: Mapping[str, str]) -> dict[str, Any]:
    """What schema.org says of an offer for buyers, beside its name: its page, its CPV
    codes (`category`, a CategoryCode of the CPV 2008 code set), the area served, the
    certifications of what is offered, and the minimum order and lead time, which are
    texts here (a QuantitativeValue's description). `areas`: area key -> its name."""
    order = site.config.fallback_order
    found: dict[str, Any] = {}
    if offer.cpv:
        found["category"] = [{"@type": "CategoryCode", "codeValue": code,
                              "inCodeSet": {"@type": "CategoryCodeSet", "name": "CPV 2008"}}
                             for code in offer.cpv]
    if offer.area_served:
        found["areaServed"] = {"@type": AREA_TYPES[offer.area_served],
                               "name": areas[offer.area_served]}
    if offer.minimum_order:
        found["eligibleQuantity"] = {"@type": "QuantitativeValue",
                                     "description": text(offer.minimum_order, lang, order).text}
    if offer.lead_time:
        found["deliveryLeadTime"] = {"@type": "QuantitativeValue",
                                     "description": text(offer.lead_time, lang, order).text}
    return found


# schema.org types of the areas an offer serves (schema.AREAS_SERVED)
AREA_TYPES = {"brussels": "AdministrativeArea", "belgium": "Country", "eu": "AdministrativeArea"}


def member_json_ld(member: Member, lang: str, order: tuple[str, ...], router: urls.Router,
             logo: Mapping[str, Any] | None, locality: str, tagline: str, region: str,
             street: str | None, offers: Sequence[Mapping[str, Any]] = (),
             certifications: Mapping[str, str] | None = None) -> str:
    """schema.org Organization of a member in `lang`: its address in that language
    (`street` and `locality` as the page shows them). `offers`: for each offer, what
    `offer_json_ld` adds; `certifications`: the name of each certification in `lang`."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": member.name,
        "url": router.absolute(router.url_for(member, lang)),
        "description": tagline,
        "address": {"@type": "PostalAddress",
                    **({"streetAddress": street} if street else {}),
                    "postalCode": member.postal_code, "addressLocality": locality,
                    "addressRegion": region,
                    "addressCountry": "BE"},
        "memberOf": {"@type": "Organization", "name": "circlemade.brussels",
                     "url": router.absolute(router.url_for(urls.HOME, lang))},
    }
    if logo:
        data["logo"] = router.absolute(logo["largest"])
    if member.email:
        data["email"] = member.email
    if member.phone:
        data["telephone"] = member.phone
    if member.enterprise_number:
        data["vatID"] = "BE" + member.enterprise_number.replace(".", "")
    if member.person:       # a named person with a role: a Person, not a ContactPoint
        data["employee"] = {"@type": "Person", "name": member.person.name}
        if member.person.role.texts:
            data["employee"]["jobTitle"] = text(member.person.role, lang, order).text
    same_as = [u for u in (member.website, member.linkedin) if u]
    if same_as:
        data["sameAs"] = same_as
    if member.offers:
        names = certifications or {}
        data["makesOffer"] = [{"@type": "Offer", "url": router.absolute(
            router.offer_url(member, o, lang)), "itemOffered": {
            "@type": "Service", "name": text(o.title, lang, order).text,
            "description": text(o.summary, lang, order).text,
            **({"hasCertification": [{"@type": "Certification", "name": names.get(k, k)}
                                     for k in o.certifications]} if o.certifications else {})},
            **(offers[i] if i < len(offers) else {})} for i, o in enumerate(member.offers)]
    if member.needs:
        data["seeks"] = [{"@type": "Demand", "name": text(n.title, lang, order).text,
                          "description": text(n.summary, lang, order).text,
                          "url": router.absolute(router.opportunity_url(member, n, lang)),
                          "validFrom": n.since.isoformat(),
                          **({"validThrough": n.until.isoformat()} if n.until else {})}
                         for n in member.needs]
    return json_for_script(data)


def event_json_ld(event: Event, lang: str, site: Site, router: urls.Router, title: str,
                   summary: str, image: str) -> str:
    """schema.org Event with what Google recommends: image (the share card), organizer,
    offers (with availability; a price only when the event file gives one)."""
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "Event", "name": title,
        "startDate": event.start.isoformat(), "endDate": event.end.isoformat(),
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
        venue = venue_view(event.venue, lang, site.config.fallback_order)   # in the page's language
        data["location"] = {"@type": "Place", "name": venue["name"].text, "address": {
            "@type": "PostalAddress",
            "streetAddress": venue["street"].text if venue["street"] else None,
            "postalCode": venue["postal_code"],
            "addressLocality": venue["municipality"].text if venue["municipality"] else None,
            "addressCountry": "BE"}}
    data["image"] = [image]
    # the site has no count of places: open until the event is over, then discontinued
    data["offers"] = {"@type": "Offer",
                      "url": event.registration or router.absolute(router.url_for(event, lang)),
                      "availability": "https://schema.org/InStock" if is_upcoming(event, site.now)
                      else "https://schema.org/Discontinued"}
    if event.price is not None:
        data["offers"].update(price=f"{event.price:.2f}", priceCurrency=event.currency)
    return json_for_script(data)


# -- iCalendar ----------------------------------------------------------------------------

# The Europe/Brussels time zone as the rules of the European Union (since 1996: summer time
# from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October),
# written as two yearly RRULEs, the form Outlook, Google Calendar and Apple Calendar write
# and read. A list of dates on one RDATE line is valid RFC 5545, but ical.js (Thunderbird)
# reads only its first date: summer events after it were an hour off there.
# tests/test_calendars.py holds these rules to zoneinfo for every day of 1996-2037.
TZ_SINCE = 1996
TZ_RULES = (  # (component, DTSTART of the first change, offset from, offset to, name, month)
    ("DAYLIGHT", "19960331T020000", "+0100", "+0200", "CEST", 3),
    ("STANDARD", "19961027T030000", "+0200", "+0100", "CET", 10),
)


def brussels_timezone() -> icalendar.Timezone:
    """The VTIMEZONE of Europe/Brussels (models.TIMEZONE), valid for every date since 1996."""
    timezone = icalendar.Timezone()
    timezone.add("tzid", TIMEZONE.key)
    for kind, start, before, after, name, month in TZ_RULES:
        rule = icalendar.TimezoneDaylight() if kind == "DAYLIGHT" else icalendar.TimezoneStandard()
        rule.add("tzname", name)
        rule.add("tzoffsetfrom", dt.timedelta(hours=int(before[:3])))
        rule.add("tzoffsetto", dt.timedelta(hours=int(after[:3])))
        rule.add("dtstart", dt.datetime.strptime(start, "%Y%m%dT%H%M%S"))
        rule.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1SU"})
        timezone.add_component(rule)
    return timezone


def calendar_bytes(events: Sequence[Event], lang: str, site: Site, router: urls.Router,
                   stamp: dt.datetime, name: str) -> bytes:
    """An RFC 5545 calendar of `events` in `lang`, with the Europe/Brussels VTIMEZONE.
    UIDs are stable (the same event keeps its UID across builds and languages).

    It is published (RFC 5546 METHOD:PUBLISH), so every event names its ORGANIZER, which
    PUBLISH requires: the site, with its contact address. Every text value, the calendar's
    name included, goes through icalendar's vText, which escapes `,` `;` `\\` and line
    breaks (X- properties are otherwise written as given), and X-WR-CALNAME says VALUE=TEXT."""
    host = urllib.parse.urlsplit(site.config.base_url).hostname or "circlemade.brussels"
    order = site.config.fallback_order
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//{host}//circlemade_site//{lang.upper()}")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    # X- properties are TEXT by default (RFC 5545 3.8.8.2), but ical.js reads them raw
    # unless VALUE=TEXT says so: "a\, b" would be its calendar name instead of "a, b"
    cal.add("x-wr-calname", icalendar.vText(name), parameters={"value": "TEXT"})
    cal.add("x-wr-timezone", icalendar.vText(TIMEZONE.key))
    if any(not e.all_day for e in events):
        cal.add_component(brussels_timezone())
    organizer = icalendar.vCalAddress(f"mailto:{site.config.contact_email}")
    organizer.params["cn"] = icalendar.vText(site.config.title.get(lang, order)[0])
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
        vevent.add("organizer", organizer)
        if event.online:
            vevent.add("location", "Online")
        elif event.venue:
            vevent.add("location", venue_line(event, lang, order))
        if (kind := event_type(event, lang, site)) is not None:
            vevent.add("categories", [kind.text])
        cal.add_component(vevent)
    return cal.to_ical()


def venue_line(event: Event, lang: str, order: tuple[str, ...]) -> str:
    """'hub.brussels, Chaussée de Charleroi 110, 1060 Saint-Gilles': an event's LOCATION,
    in `lang` ('..., Charleroisesteenweg 110, 1060 Sint-Gillis' in Dutch)."""
    assert event.venue is not None
    v = venue_view(event.venue, lang, order)
    town = v["municipality"].text if v["municipality"] else ""
    return ", ".join(p for p in (v["name"].text, v["street"].text if v["street"] else None,
                                 f"{v['postal_code'] or ''} {town}".strip()) if p)


# -- Atom --------------------------------------------------------------------------------

FEED_OPPORTUNITIES = 20     # the newest needs and flows in a feed, by `since`


def feed(site: Site, router: urls.Router, lang: str, t: Catalog,
         _diagnostics: list[Diagnostic]) -> dict[str, Any]:
    """The Atom feed of a language: news items, campaigns and the newest opportunities,
    newest first."""
    order = site.config.fallback_order
    host = urllib.parse.urlsplit(site.config.base_url).hostname or "circlemade.brussels"
    entries: list[tuple[dt.date, str, Text, str, str]] = []    # day, id, title, summary, url
    for item in site.news:
        tr = item.text(lang, order)
        entries.append((item.date, f"tag:{host},2018:{lang}/news/{item.name}",
                        Text(tr.title, tr.lang), tr.summary, router.absolute(router.url_for(item, lang))))
    for campaign in site.campaigns:
        tr = campaign.text(lang, order)
        entries.append((campaign.start, f"tag:{host},2018:{lang}/campaigns/{campaign.name}",
                        Text(tr.title, tr.lang), tr.summary,
                        router.absolute(router.url_for(campaign, lang))))
    members = {m.slug: m for m in site.members}
    for found in opportunities(site.members)[:FEED_OPPORTUNITIES]:
        member = members[found.member_slug]
        title, summary = opportunity_title(found, member, site, lang, t), text(found.summary, lang, order)
        entries.append((found.since, f"tag:{host},2018:{lang}/opportunities/{member.slug}/"
                        f"{router.opportunity_anchor(found)}", title, summary.text,
                        router.absolute(router.opportunity_url(member, found, lang))))
    entries.sort(key=lambda e: (e[0], e[1]), reverse=True)

    def stamp(d: dt.date) -> str:
        return dt.datetime.combine(d, dt.time(), TIMEZONE).isoformat()

    return {
        "feed_id": f"tag:{host},2018:{lang}/feed",
        "feed_url": router.absolute(router.url_for(urls.FEED, lang)),
        "home_url": router.absolute(router.url_for(urls.HOME, lang)),
        "updated": stamp(entries[0][0]) if entries else stamp(dt.date(2018, 5, 24)),
        "entries": [{"id": eid, "title": title.text, "summary": summary, "url": url,
                     "lang": title.lang, "updated": stamp(day)}
                    for day, eid, title, summary, url in entries],
    }


def opportunity_title(item: Opportunity, member: Member, site: Site, lang: str, t: Catalog) -> Text:
    """'Chutes de bois de chêne – Atelier Copeau Vif'; a flow is named by its direction and
    material: 'Sous-produits disponibles : Bois – Seconde Pierre'."""
    order = site.config.fallback_order
    if isinstance(item, Need):
        title = text(item.title, lang, order)
        return Text(t("opportunity_need_title", title=title.text, name=member.name), title.lang)
    direction = text(site.facets["directions"].terms[item.direction].label, lang, order)
    material = text(site.facets["materials"].terms[item.material].label, lang, order)
    return Text(t("opportunity_flow_title", direction=direction.text, material=material.text,
                  name=member.name), lang)


# -- open data ---------------------------------------------------------------------------

CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# OWASP's CSV injection defence (owasp.org/www-community/attacks/CSV_Injection): a cell
# that starts with one of CSV_FORMULA_START gets a leading ' (spreadsheets then read it as
# text). A Belgian-locale spreadsheet splits lines on `;` as well, so every piece of a cell
# after a `;` (or a line break), past any quotes and spaces, gets one too.
_CSV_PIECE_START = re.compile(r"""(^|[;\n\r])([" ]*)(?=["""
                              + re.escape("".join(CSV_FORMULA_START)) + "])")


def open_data_paths(router: urls.Router) -> tuple[str, str, str]:
    return (router.dest_for(urls.DATA_JSON).as_posix(), router.dest_for(urls.DATA_CSV).as_posix(),
            router.dest_for(urls.DATA_OPPORTUNITIES).as_posix())


def opportunity_record(item: Opportunity, member: Member, router: urls.Router,
                       langs: Sequence[str]) -> dict[str, Any]:
    """A need or a flow in /data/members.json: keys of the vocabularies, texts per language."""
    found: dict[str, Any] = {"id": router.opportunity_anchor(item)}
    if isinstance(item, Need):
        found.update(type=item.type, title={lang: item.title.texts.get(lang) for lang in langs},
                     materials=list(item.materials), activities=list(item.activities))
    else:
        found.update(direction=item.direction, material=item.material,
                     waste_code=item.waste_code, hazardous=item.hazardous,
                     quantity=dataclasses.asdict(item.quantity) if item.quantity else None)
    found.update(summary={lang: item.summary.texts.get(lang) for lang in langs},
                 since=item.since.isoformat(), until=item.until.isoformat() if item.until else None,
                 url={lang: router.absolute(router.opportunity_url(member, item, lang))
                      for lang in langs})
    return found


def opportunities_csv(site: Site, router: urls.Router) -> bytes:
    """/data/opportunities.csv: every current need and flow, one a row, newest first."""
    langs = site.config.languages
    members = {m.slug: m for m in site.members}
    columns = ["kind", "member", "member_name", "id", "type", "direction", "materials",
               "activities", "waste_code", "hazardous", "quantity", "unit", "per",
               *(f"title_{lang}" for lang in langs), *(f"summary_{lang}" for lang in langs),
               "since", "until", *(f"url_{lang}" for lang in langs)]
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\r\n", restval="")
    writer.writeheader()
    for item in opportunities(site.members):
        member = members[item.member_slug]
        record = opportunity_record(item, member, router, langs)
        row: dict[str, Any] = {
            "kind": "need" if isinstance(item, Need) else "flow", "member": member.slug,
            "member_name": member.name, "id": record["id"], "since": record["since"],
            "until": record["until"] or "",
            **{f"summary_{lang}": record["summary"][lang] or "" for lang in langs},
            **{f"url_{lang}": record["url"][lang] for lang in langs}}
        if isinstance(item, Need):
            row.update(type=item.type, materials=";".join(item.materials),
                       activities=";".join(item.activities),
                       **{f"title_{lang}": record["title"][lang] or "" for lang in langs})
        else:
            row.update(direction=item.direction, materials=item.material,
                       waste_code=item.waste_code or "", hazardous="yes" if item.hazardous else "no")
            if item.quantity:
                row.update(quantity=format(item.quantity.amount, "g"), unit=item.quantity.unit,
                           per=item.quantity.per)
        writer.writerow({k: _csv_safe(v) for k, v in row.items()})     # every column
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# Fields of models.Member an open-data file does not show (plan.views.SiteInputs.own):
# the render cache keys the file by the site without them, so an edit of them alone (a
# profile's text, fr.md) leaves it as it was, and a build does not make it again.
NOT_IN_OPEN_DATA = frozenset({"description", "description_lines", "rel_dir", "maintainers", "at"})
NOT_IN_OPPORTUNITIES = NOT_IN_OPEN_DATA | frozenset({
    "kind", "enterprise_number", "member_since", "tagline", "activities", "sectors",
    "street", "postal_code", "commune", "email", "phone", "website", "linkedin", "logo",
    "offers", "person", "hidden", "reviewed", "awaiting_update", "withheld"})


def member_records(site: Site, router: urls.Router,
                   logos: Mapping[str, list[Variant]]) -> list[dict[str, Any]]:
    """Every member as /data/members.json gives it (documented in docs/open-data.md):
    every translatable field in every language of the site."""
    config = site.config
    langs = config.languages
    records: list[dict[str, Any]] = []
    for m in site.members:
        commune = communes.BY_KEY[m.commune]
        records.append({
            "slug": m.slug,
            "name": m.name,
            "kind": m.kind,
            "tagline": {lang: m.tagline.texts.get(lang) for lang in langs},
            "activities": list(m.activities),
            "sectors": list(m.sectors),
            "address": {"street": {lang: m.street.texts.get(lang) for lang in langs}
                        if m.street else None,
                        "postal_code": m.postal_code, "commune": m.commune,
                        "commune_name": {lang: commune.names.get(lang, config.fallback_order)[0]
                                         for lang in langs}},
            "contact": {"email": m.email, "phone": m.phone, "website": m.website,
                        "linkedin": m.linkedin,
                        "person": {"name": m.person.name,
                                   "role": {lang: m.person.role.texts.get(lang) for lang in langs}}
                        if m.person else None},
            "enterprise_number": m.enterprise_number,
            "member_since": m.member_since.isoformat(),
            "reviewed": m.reviewed.isoformat() if m.reviewed else None,
            "awaiting_update": m.awaiting_update,
            "hidden": list(m.hidden),
            "withheld": list(m.withheld),
            "profile_url": {lang: router.absolute(router.url_for(m, lang)) for lang in langs},
            "logo_url": None,
            "offers": [{"title": {lang: o.title.texts.get(lang) for lang in langs},
                        "summary": {lang: o.summary.texts.get(lang) for lang in langs},
                        "audiences": list(o.audiences), "activities": list(o.activities),
                        "cpv": list(o.cpv), "certifications": list(o.certifications),
                        "area_served": o.area_served,
                        "minimum_order": {lang: o.minimum_order.texts.get(lang) for lang in langs}
                        if o.minimum_order else None,
                        "lead_time": {lang: o.lead_time.texts.get(lang) for lang in langs}
                        if o.lead_time else None,
                        "references": [{"client": r.client, "year": r.year, "link": r.link}
                                       for r in o.references]}
                       for o in m.offers],
            "needs": [opportunity_record(n, m, router, langs) for n in m.needs],
            "flows": [opportunity_record(f, m, router, langs) for f in m.flows],
        })
        if m.logo is not None:
            largest = logos[m.slug][-1]
            records[-1]["logo_url"] = router.absolute(router.file_url(largest.dest_rel))   # WebP (or SVG)
    return records


def members_json(site: Site, router: urls.Router, records: list[dict[str, Any]]) -> bytes:
    """/data/members.json: the members (`member_records`) and the vocabularies' labels."""
    config = site.config
    langs = config.languages
    vocabularies = {key: {term: {lang: facet_term.label.get(lang, config.fallback_order)[0]
                                 for lang in langs}
                          for term, facet_term in facet.terms.items()}
                    for key, facet in site.facets.items()}
    document = {"source": router.absolute("/"), "license": "CC-BY-4.0", "count": len(records),
                "members": records, "vocabularies": vocabularies}
    return _one_a_line(document, "members").encode("utf-8")


def members_csv(site: Site, records: list[dict[str, Any]]) -> bytes:
    """/data/members.csv: a row a member (`member_records`), its offers counted."""
    langs = site.config.languages
    out = io.StringIO()
    columns = ["slug", "name", "kind", *(f"tagline_{lang}" for lang in langs), "activities",
               "sectors", *(f"street_{lang}" for lang in langs), "postal_code", "commune",
               "email", "phone", "website",
               "linkedin", "contact_person", *(f"contact_person_role_{lang}" for lang in langs),
               "enterprise_number", "member_since", "reviewed", "awaiting_update",
               *(f"profile_url_{lang}" for lang in langs), "offers"]
    writer = csv.DictWriter(out, columns, lineterminator="\r\n")
    writer.writeheader()
    for r in records:
        person = r["contact"]["person"]
        row = {"slug": r["slug"], "name": r["name"], "kind": r["kind"],
               **{f"tagline_{lang}": r["tagline"][lang] or "" for lang in langs},
               "activities": ";".join(r["activities"]), "sectors": ";".join(r["sectors"]),
               **{f"street_{lang}": (r["address"]["street"] or {}).get(lang) or "" for lang in langs},
               "postal_code": r["address"]["postal_code"],
               "commune": r["address"]["commune"],
               **{key: r["contact"][key] or "" for key in ("email", "phone", "website", "linkedin")},
               "contact_person": person["name"] if person else "",
               **{f"contact_person_role_{lang}": (person["role"][lang] or "") if person else ""
                  for lang in langs},
               "enterprise_number": r["enterprise_number"] or "", "member_since": r["member_since"],
               "reviewed": r["reviewed"] or "", "awaiting_update": "yes" if r["awaiting_update"] else "no",
               **{f"profile_url_{lang}": r["profile_url"][lang] for lang in langs},
               "offers": len(r["offers"])}
        writer.writerow({k: _csv_safe(v) for k, v in row.items()})     # every column
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _one_a_line(document: Mapping[str, Any], listed: str) -> str:
    """`document` as JSON, the items of its list `listed` one a line (a member's change is
    one line of a diff), every other value on a line of its own. Made by the json
    module's C encoder, which `indent` turns off: at 1,000 members, 0.04 s instead of 0.4."""
    encode = json.JSONEncoder(ensure_ascii=False).encode
    lines = []
    for name, value in document.items():
        if name == listed and value:
            items = ",\n".join(map(encode, value))
            lines.append(f"{encode(name)}: [\n{items}\n]")
        else:
            lines.append(f"{encode(name)}: {encode(value)}")
    return "{" + ",\n".join(lines) + "}\n"


_CSV_PIECE_MARKS = frozenset(";\n\r")


def _csv_safe(value: object) -> str:
    """Spreadsheets run a cell that starts with = + - @ tab or CR as a formula, in a
    comma- or a semicolon-separated reading of the file: neutralise every such start."""
    cell = str(value)
    if not cell or (cell[0] not in CSV_FORMULA_START and cell[0] not in '" '
                    and _CSV_PIECE_MARKS.isdisjoint(cell)):
        return cell          # no piece of it can start a formula: most cells
    return _CSV_PIECE_START.sub(r"\1\2'", cell)
