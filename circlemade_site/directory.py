"""The member directory: listing, facet pages, profiles, offers catalogue, open data.

Pure planning: members -> outputs (template + context), image variants and data files.
Every member's card is built once per language and reused by every page that lists it,
so the cost grows with members x languages x their terms, never members x members.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import urllib.parse
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import babel

from circlemade_site import cards as share_cards
from circlemade_site import communes, images, urls
from circlemade_site.errors import Diagnostic
from circlemade_site.i18n import Catalog, format_date
from circlemade_site.markup import MarkdownRenderer
from circlemade_site.members import FACETS, OFFER_FACETS
from circlemade_site.models import Member, Offer, Site
from circlemade_site.views import Output, Text, text

LOGO_SIZES = "(max-width: 40rem) 72px, 96px"
PROFILE_LOGO_SIZES = "(max-width: 40rem) 160px, 240px"


def member_logos(site: Site, router: urls.Router) -> dict[str, list[images.Variant]]:
    """Member slug -> the published variants of its logo."""
    return {m.slug: images.variants(m.logo, router.image_stem(m, m.logo))
            for m in site.members if m.logo is not None}


class Cards:
    """The card of every member and offer, made once per language when first asked for.
    The directory, its facet pages, events, campaigns and the home page list the same
    card objects, and the `reuse` template global renders each of them once."""

    def __init__(self, site: Site, router: urls.Router,
                 logos: Mapping[str, list[images.Variant]]) -> None:
        self._site, self._router, self._logos = site, router, logos
        self._by_slug = {m.slug: m for m in site.members}
        self._members: dict[tuple[str, str], dict[str, Any]] = {}
        self._offers: dict[tuple[str, int, str], dict[str, Any]] = {}

    def member(self, member: Member, lang: str) -> dict[str, Any]:
        key = (member.slug, lang)
        if (found := self._members.get(key)) is None:
            found = self._members[key] = card(member, lang, self._site, self._router,
                                              self._logos.get(member.slug))
        return found

    def offer(self, offer: Offer, lang: str) -> dict[str, Any]:
        key = (offer.member_slug, offer.index, lang)
        if (found := self._offers.get(key)) is None:
            found = self._offers[key] = offer_card(offer, self._by_slug[offer.member_slug], lang,
                                                   self._site, self._router)
        return found


def plan_directory(site: Site, router: urls.Router, catalogs: Mapping[str, Catalog],
                   base: Callable[[str], dict[str, Any]], markdown: MarkdownRenderer,
                   logos: Mapping[str, list[images.Variant]], cards: Cards,
                   share: share_cards.ShareCards,
                   diagnostics: list[Diagnostic]) -> tuple[list[Output], list[images.Variant]]:
    """The listings, their facet pages and the profiles. Cards and profiles are made when
    an output asks for them (see Output.more), each card once per language."""
    config = site.config
    outputs: list[Output] = []
    variants = [v for vs in logos.values() for v in vs]
    members_by_term = _index(site.members, FACETS, facet_keys)
    offers = [o for m in site.members for o in m.offers]
    offers_by_term = _index(offers, OFFER_FACETS, facet_keys)
    @functools.cache
    def panels(lang: str) -> dict[str, list[dict[str, Any]]]:
        return {urls.MEMBERS: _facet_panel(site, router, lang, urls.MEMBERS, FACETS, members_by_term),
                urls.OFFERS: _facet_panel(site, router, lang, urls.OFFERS, OFFER_FACETS, offers_by_term)}

    def members_listing(lang: str, listed: Sequence[Member] | None, term: dict[str, Any] | None,
                        window: slice, pagination: dict[str, Any] | None) -> dict[str, Any]:
        items = site.members if listed is None else listed
        return {"cards": [cards.member(m, lang) for m in items[window]], "total": len(items),
                "pagination": pagination, "facets": panels(lang)[urls.MEMBERS], "term": term,
                "listing": urls.MEMBERS}

    def offers_listing(lang: str, listed: Sequence[Offer] | None, term: dict[str, Any] | None,
                       window: slice, pagination: dict[str, Any] | None) -> dict[str, Any]:
        items = offers if listed is None else listed
        return {"cards": [cards.offer(o, lang) for o in items[window]], "total": len(items),
                "pagination": pagination, "facets": panels(lang)[urls.OFFERS], "term": term,
                "listing": urls.OFFERS}

    def listing(target: urls.TermPage | str, lang: str, template: str, context: dict[str, Any],
                make: Callable[..., dict[str, Any]], listed: Sequence[Any] | None,
                count: int, term: dict[str, Any] | None) -> None:
        """The outputs of a listing: one page, or several of `page_size` cards each."""
        pages = page_count(count, page_size)
        for number in range(1, pages + 1):
            where = target if number == 1 else urls.Paged(target, number)
            window = slice((number - 1) * page_size, number * page_size)
            outputs.append(page_output(
                router, where, lang, template, context, first_url=router.url_for(target, lang),
                more=functools.partial(make, lang, listed, term, window,
                                       pagination(router, target, lang, number, pages))))

    page_size = config.listing_page_size
    for lang in config.languages:
        order = config.fallback_order
        context = base(lang)
        listing(urls.MEMBERS, lang, "directory.html", context, members_listing, None,
                len(site.members), None)
        for facet_key, terms in members_by_term.items():
            for term_key, listed in terms.items():
                listing(urls.TermPage(urls.MEMBERS, facet_key, term_key), lang, "directory.html",
                        context, members_listing, listed, len(listed),
                        _term_view(site, lang, facet_key, term_key))
        listing(urls.OFFERS, lang, "offers.html", context, offers_listing, None, len(offers), None)
        for facet_key, terms in offers_by_term.items():
            for term_key, listed in terms.items():
                listing(urls.TermPage(urls.OFFERS, facet_key, term_key), lang, "offers.html",
                        context, offers_listing, listed, len(listed),
                        _term_view(site, lang, facet_key, term_key))
        for member in site.members:
            outputs.append(page_output(router, member, lang, "member.html", context, more=functools.partial(
                _profile, member, lang, order, site, router, catalogs[lang], logos.get(member.slug),
                markdown, share, diagnostics)))
    return outputs, variants


def page_count(items: int, page_size: int) -> int:
    """How many pages a listing of `items` cards takes (at least one, even if empty)."""
    return max(1, -(-items // page_size))


def pagination(router: urls.Router, target: urls.TermPage | str, lang: str, number: int,
               pages: int) -> dict[str, Any] | None:
    """The links between the pages of a long listing; None when it fits on one page."""
    if pages == 1:
        return None
    all_urls = [router.url_for(urls.Paged(target, n), lang) for n in range(1, pages + 1)]
    return {"number": number, "count": pages, "urls": all_urls,
            "previous": all_urls[number - 2] if number > 1 else None,
            "next": all_urls[number] if number < pages else None,
            "pages": [{"number": n, "url": url, "current": n == number}
                      for n, url in enumerate(all_urls, 1)]}


def facet_keys(item: Member | Offer, facet: str) -> tuple[str, ...]:
    """The terms of a member or an offer in a facet."""
    if isinstance(item, Member):
        return item.facet_keys(facet)
    return tuple(getattr(item, facet))


def page_output(router: urls.Router, target: urls.Target, lang: str, template: str,
                base: Mapping[str, Any], more: Callable[[], Mapping[str, Any]] | None = None,
                **extra: Any) -> Output:
    """An HTML page of `target` in `lang`, with its alternates and canonical URL; `more`
    makes the rest of its context when the page is rendered."""
    alternates = router.alternates(target)
    url = alternates[lang]
    return Output(urls.dest_of(url), template, {
        **base, "alternates": alternates, "x_default": router.x_default(target, alternates),
        "canonical": router.absolute(url), "current_url": url, **extra}, more)


def _index(items: Sequence[Any], facets: Sequence[str],
           keys: Callable[[Any, str], Sequence[str]]) -> dict[str, dict[str, list[Any]]]:
    """facet -> term -> the items that have it, in the items' order; one pass."""
    index: dict[str, dict[str, list[Any]]] = {f: defaultdict(list) for f in facets}
    for item in items:
        for facet in facets:
            for key in keys(item, facet):
                index[facet][key].append(item)
    return {f: dict(terms) for f, terms in index.items()}


def _term_label(site: Site, lang: str, facet: str, key: str) -> Text:
    return text(site.facets[facet].terms[key].label, lang, site.config.fallback_order)


def _term_link(site: Site, router: urls.Router, lang: str, listing: str, facet: str,
               key: str, linked: bool) -> dict[str, Any]:
    return {"label": _term_label(site, lang, facet, key),
            "url": router.url_for(urls.TermPage(listing, facet, key), lang) if linked else None}


def _term_view(site: Site, lang: str, facet: str, key: str) -> dict[str, Any]:
    return {"facet": text(site.facets[facet].label, lang, site.config.fallback_order),
            "label": _term_label(site, lang, facet, key)}


def _facet_panel(site: Site, router: urls.Router, lang: str, listing: str,
                 facets: Sequence[str], index: Mapping[str, Mapping[str, list[Any]]]) -> list[dict[str, Any]]:
    """The facets of a listing with every value that has items, its count and its page."""
    panel = []
    for facet_key in facets:
        facet = site.facets[facet_key]
        terms = [{"slug": term.slugs[lang], "label": _term_label(site, lang, facet_key, key),
                  "count": len(index[facet_key][key]),
                  "url": router.url_for(urls.TermPage(listing, facet_key, key), lang)}
                 for key, term in facet.terms.items() if index[facet_key].get(key)]
        if facet_key == "communes":   # alphabetical in the page's language, not by key
            from circlemade_site.slugs import sort_key
            terms.sort(key=lambda t: sort_key(t["label"].text))
        panel.append({"key": facet_key, "param": facet.segment[lang],
                      "label": text(facet.label, lang, site.config.fallback_order), "terms": terms})
    return panel


def _logo_view(variants: Sequence[images.Variant] | None, sizes: str) -> dict[str, Any] | None:
    if not variants:
        return None
    middle = variants[min(1, len(variants) - 1)]
    return {"src": "/" + middle.dest_rel, "width": middle.width, "height": middle.height,
            "srcset": ", ".join(f"/{v.dest_rel} {v.width}w" for v in variants)
            if middle.kind != "svg" else None,
            "sizes": sizes, "largest": "/" + variants[-1].dest_rel}


def _filters(site: Site, lang: str, keys_by_facet: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """The data attributes the filtering script reads: facet segment -> term slugs."""
    return {site.facets[f].segment[lang]: " ".join(site.facets[f].terms[k].slugs[lang] for k in keys)
            for f, keys in keys_by_facet.items()}


def card(member: Member, lang: str, site: Site, router: urls.Router,
         logo: Sequence[images.Variant] | None) -> dict[str, Any]:
    """What a listing shows of a member, in one language."""
    order = site.config.fallback_order
    return {
        "name": member.name,
        "url": router.url_for(member, lang),
        "tagline": text(member.tagline, lang, order),
        "kind": _term_label(site, lang, "kind", member.kind),
        "activities": [_term_label(site, lang, "activities", k) for k in member.activities],
        "commune": text(communes.BY_KEY[member.commune].names, lang, order),
        "logo": _logo_view(logo, LOGO_SIZES),
        "filters": _filters(site, lang, {f: member.facet_keys(f) for f in FACETS}),
    }


def offer_card(offer: Offer, member: Member, lang: str, site: Site,
               router: urls.Router) -> dict[str, Any]:
    """What a listing shows of an offer, in one language."""
    order = site.config.fallback_order
    return {
        "title": text(offer.title, lang, order),
        "summary": text(offer.summary, lang, order),
        "member": member.name,
        "url": f"{router.url_for(member, lang)}#offer-{offer.index}",
        "audiences": [_term_label(site, lang, "audiences", k) for k in offer.audiences],
        "activities": [_term_label(site, lang, "activities", k) for k in offer.activities],
        "filters": _filters(site, lang, {f: getattr(offer, f) for f in OFFER_FACETS}),
    }


def _profile(member: Member, lang: str, order: tuple[str, ...], site: Site, router: urls.Router,
             t: Catalog, logo: Sequence[images.Variant] | None, markdown: MarkdownRenderer,
             share: share_cards.ShareCards, diagnostics: list[Diagnostic]) -> dict[str, Any]:
    config = site.config
    commune = communes.BY_KEY[member.commune]
    locality = text(commune.names, lang, order)
    description = None
    if member.description.texts:
        body, body_lang = member.description.get(lang, order)
        html, unknown = markdown.render(body, lambda name: None, top=3)
        if unknown and body_lang == lang:
            rel_path, line = member.description_lines[body_lang]
            diagnostics.append(Diagnostic(rel_path, "links to pages of the site (page:...) are "
                                          "not available in member descriptions", line))
        description = {"html": html, "lang": body_lang}
    address_line = f"{member.street}, {member.postal_code} {locality.text}"
    osm = "https://www.openstreetmap.org/search?" + urllib.parse.urlencode(
        {"query": f"{address_line}, {country_name(config.locales[lang])}"})
    logo_view = _logo_view(logo, PROFILE_LOGO_SIZES)
    tagline = text(member.tagline, lang, order)
    return {
        "member": member,
        "tagline": tagline,
        "kind": _term_label(site, lang, "kind", member.kind),
        "kind_url": router.url_for(urls.TermPage(urls.MEMBERS, "kind", member.kind), lang),
        "logo": logo_view,
        "description": description,
        "member_since": format_date(member.member_since, config.locales[lang], "long"),
        "offers": [{
            "id": f"offer-{o.index}",
            "title": text(o.title, lang, order), "summary": text(o.summary, lang, order),
            "audiences": [_term_link(site, router, lang, urls.OFFERS, "audiences", k, True)
                          for k in o.audiences],
        } for o in member.offers],
        "activities": [_term_link(site, router, lang, urls.MEMBERS, "activities", k, True)
                       for k in member.activities],
        "sectors": [_term_link(site, router, lang, urls.MEMBERS, "sectors", k, True)
                    for k in member.sectors],
        "commune": {"label": locality, "url": router.url_for(
            urls.TermPage(urls.MEMBERS, "communes", member.commune), lang)},
        "osm_url": osm,
        "website_label": urllib.parse.urlsplit(member.website).hostname if member.website else None,
        "phone_uri": "tel:" + member.phone.replace(" ", "") if member.phone else None,
        "json_ld": _json_ld(member, lang, order, router, logo_view, locality.text, tagline.text,
                            t("region_name")),
        "og": {"type": "profile", "title": member.name, "description": tagline.text,
               "image": router.absolute("/" + share.card("members", member.slug, member.name,
                                                         picture=member.logo, layout="logo"))},
    }


def country_name(locale: str) -> str:
    """'Belgique', 'België', 'Belgium'... in the locale's language (from Babel)."""
    return babel.Locale.parse(locale).territories.get("BE", "Belgium")


def _json_ld(member: Member, lang: str, order: tuple[str, ...], router: urls.Router,
             logo: Mapping[str, Any] | None, locality: str, tagline: str, region: str) -> str:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": member.name,
        "url": router.absolute(router.url_for(member, lang)),
        "description": tagline,
        "address": {"@type": "PostalAddress", "streetAddress": member.street,
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
    same_as = [u for u in (member.website, member.linkedin) if u]
    if same_as:
        data["sameAs"] = same_as
    if member.offers:
        data["makesOffer"] = [{"@type": "Offer", "itemOffered": {
            "@type": "Service", "name": text(o.title, lang, order).text,
            "description": text(o.summary, lang, order).text}} for o in member.offers]
    # safe inside <script>: no "</script>" or "<!--" can be formed
    return json.dumps(data, ensure_ascii=False, indent=1).replace("<", "\\u003c")


# -- open data --------------------------------------------------------------------------

CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def open_data_paths(router: urls.Router) -> tuple[str, str]:
    return (router.url_for(urls.DATA_JSON).lstrip("/"), router.url_for(urls.DATA_CSV).lstrip("/"))


def open_data(site: Site, router: urls.Router) -> dict[str, bytes]:
    """/data/members.json and /data/members.csv: the directory as open data (documented in
    docs/open-data.md). Every translatable field has every language of the site."""
    config = site.config
    langs = config.languages
    records = []
    for m in site.members:
        commune = communes.BY_KEY[m.commune]
        records.append({
            "slug": m.slug,
            "name": m.name,
            "kind": m.kind,
            "tagline": {lang: m.tagline.texts.get(lang) for lang in langs},
            "activities": list(m.activities),
            "sectors": list(m.sectors),
            "address": {"street": m.street, "postal_code": m.postal_code, "commune": m.commune,
                        "commune_name": {lang: commune.names.get(lang, config.fallback_order)[0]
                                         for lang in langs}},
            "contact": {"email": m.email, "phone": m.phone, "website": m.website,
                        "linkedin": m.linkedin},
            "enterprise_number": m.enterprise_number,
            "member_since": m.member_since.isoformat(),
            "profile_url": {lang: router.absolute(router.url_for(m, lang)) for lang in langs},
            "logo_url": None,
            "offers": [{"title": {lang: o.title.texts.get(lang) for lang in langs},
                        "summary": {lang: o.summary.texts.get(lang) for lang in langs},
                        "audiences": list(o.audiences), "activities": list(o.activities)}
                       for o in m.offers],
        })
        if m.logo is not None:
            largest = images.variants(m.logo, router.image_stem(m, m.logo))[-1]
            records[-1]["logo_url"] = router.absolute("/" + largest.dest_rel)   # WebP (or SVG)
    vocabularies = {key: {term: {lang: facet_term.label.get(lang, config.fallback_order)[0]
                                 for lang in langs}
                          for term, facet_term in facet.terms.items()}
                    for key, facet in site.facets.items()}
    document = {"source": router.absolute("/"), "license": "CC-BY-4.0", "count": len(records),
                "members": records, "vocabularies": vocabularies}
    as_json = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False) + "\n"

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    columns = ["slug", "name", "kind", *(f"tagline_{lang}" for lang in langs), "activities",
               "sectors", "street", "postal_code", "commune", "email", "phone", "website",
               "linkedin", "enterprise_number", "member_since",
               *(f"profile_url_{lang}" for lang in langs), "offers"]
    writer.writerow(columns)
    for r in records:
        row = [r["slug"], r["name"], r["kind"], *(r["tagline"][lang] or "" for lang in langs),
               ";".join(r["activities"]), ";".join(r["sectors"]), r["address"]["street"],
               r["address"]["postal_code"], r["address"]["commune"], r["contact"]["email"] or "",
               r["contact"]["phone"] or "", r["contact"]["website"] or "",
               r["contact"]["linkedin"] or "", r["enterprise_number"] or "", r["member_since"],
               *(r["profile_url"][lang] for lang in langs), len(r["offers"])]
        free_text = {1, *range(3, 3 + len(langs)), 5 + len(langs)}   # name, taglines, street
        writer.writerow([_csv_safe(v) if i in free_text else v for i, v in enumerate(row)])
    json_path, csv_path = open_data_paths(router)
    return {json_path: as_json.encode("utf-8"),
            csv_path: ("\ufeff" + out.getvalue()).encode("utf-8")}


def _csv_safe(value: object) -> object:
    """Spreadsheets run a cell that starts with = + - @ as a formula: neutralise it."""
    if isinstance(value, str) and value.startswith(CSV_FORMULA_START):
        return "'" + value
    return value
