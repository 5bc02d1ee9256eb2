"""The member directory: listing, facet pages, profiles, offers catalogue.

Pure planning: members -> outputs (template + context) and image variants. Every card is
built once per language (plan.cards.Cards) and reused by every page that lists it, so the
cost grows with members x languages x their terms, never members x members.
"""

from __future__ import annotations

import dataclasses
import functools
import urllib.parse
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from circlemade_site import communes, links, urls
from circlemade_site.errors import Diagnostic, msg
from circlemade_site.i18n import Catalog, country_name, format_date
from circlemade_site.models import AREAS_SERVED, FACETS, OFFER_FACETS, Member, Offer, Opportunity, Site
from circlemade_site.plan import exports
from circlemade_site.plan.cards import Cards, term_label
from circlemade_site.plan.images import ShareCards, Variant, variants
from circlemade_site.plan.qr import qr_code
from circlemade_site.plan.views import (
    Markdown,
    Output,
    Shared,
    SiteInputs,
    page_output,
    picture,
    report_text_problems,
    text,
)
from circlemade_site.slugs import sort_key

PROFILE_LOGO_SIZES = "(max-width: 40rem) 160px, 240px"
DESCRIPTION_TOP = 3     # a description's headings are h3 and below, in a profile's section

Listing = Callable[..., dict[str, Any]]
Extras = Callable[[Member, str], Mapping[str, Any]]

# What of a member only its own pages show. Another member's profile reads a member through
# its name and slug (matches, groups and projects), its activities, sectors, kind, commune,
# logo, needs and flows (the matches) only; the listings show its card, but they are keyed
# by what they list (ListingInputs). So a profile's render key (Output.inputs) is its member, and the
# site without these fields of the others: editing them re-renders the member's own
# profiles, not the other members'. tests/test_incremental.py changes every one of them on
# one member and compares the other profiles with those of a cold build.
OWN_FIELDS = frozenset({
    "tagline", "street", "postal_code", "email", "phone", "website", "linkedin", "offers",
    "description", "description_lines", "person", "reviewed", "awaiting_update", "withheld",
    "hidden", "maintainers", "enterprise_number", "member_since", "at", "rel_dir"})


def member_logos(site: Site, router: urls.Router,
                 members: Sequence[Member] | None = None) -> dict[str, list[Variant]]:
    """Member slug -> the published variants of its logo (of `members`, by default every
    member of the site)."""
    return {m.slug: variants(m.logo, router.image_stem(m, m.logo))
            for m in (site.members if members is None else members) if m.logo is not None}


def member_share_card(share: ShareCards, member: Member) -> str:
    """The URL of a member's share card (its name and logo), planned in `share`."""
    return share.card("members", member.slug, member.name, picture=member.logo, layout="logo")


def profile_output(site: Site, router: urls.Router, catalogs: Mapping[str, Catalog], lang: str,
                   context: dict[str, Any], member: Member, logos: Mapping[str, list[Variant]],
                   markdown: Markdown, share_url: str, extras: Extras,
                   shared: SiteInputs) -> Output:
    """A member's profile in `lang`: the one way it is planned, by plan_members for the
    site and by plan.site.plan_profiles for the preview's first page after a save.
    `shared`: SiteInputs(site, OWN_FIELDS), one for every profile (the render cache hashes
    it once per build, by identity)."""
    logo = logos.get(member.slug)
    return page_output(
        router, member, lang, "member.html", context,
        more=functools.partial(profile, member, lang, site, router, catalogs[lang], logo,
                               markdown, share_url, extras),
        inputs=(member, lang, logo, share_url, shared))


class _Listings:
    """The listings of one plan: the directory, the offers catalogue and their facet pages,
    with the facet panels (made once per language)."""

    def __init__(self, site: Site, router: urls.Router, cards: Cards,
                 members_by_term: dict[str, dict[str, list[Member]]]) -> None:
        self.site, self.router, self.cards = site, router, cards
        self.offers = [o for m in site.members for o in m.offers]
        self.members_by_term = members_by_term
        self.offers_by_term = index_terms(self.offers, OFFER_FACETS)
        self._panels: dict[str, dict[str, list[dict[str, Any]]]] = {}
        # a member's card reads the member and its logo (in the member); an offer's card,
        # the offer and its member's name (plan.cards)
        self.member_inputs = ListingInputs.of(site.members, self.members_by_term)
        names = {m.slug: m.name for m in site.members}
        self.offer_inputs = ListingInputs.of(self.offers, self.offers_by_term,
                                             lambda offer: names[offer.member_slug])

    def panels(self, lang: str) -> dict[str, list[dict[str, Any]]]:
        if lang not in self._panels:
            self._panels[lang] = {
                urls.MEMBERS: facet_panel(self.site, self.router, lang, urls.MEMBERS, FACETS,
                                          self.members_by_term),
                urls.OFFERS: facet_panel(self.site, self.router, lang, urls.OFFERS, OFFER_FACETS,
                                         self.offers_by_term)}
        return self._panels[lang]

    def members(self, lang: str, listed: Sequence[Member] | None, term: dict[str, Any] | None,
                window: slice, pagination: dict[str, Any] | None,
                _diagnostics: list[Diagnostic]) -> dict[str, Any]:
        items = self.site.members if listed is None else listed
        return {"cards": [self.cards.member(m, lang) for m in items[window]], "total": len(items),
                "pagination": pagination, "facets": self.panels(lang)[urls.MEMBERS], "term": term,
                "listing": urls.MEMBERS}

    def offers_of(self, lang: str, listed: Sequence[Offer] | None, term: dict[str, Any] | None,
                  window: slice, pagination: dict[str, Any] | None,
                  _diagnostics: list[Diagnostic]) -> dict[str, Any]:
        items = self.offers if listed is None else listed
        return {"cards": [self.cards.offer(o, lang) for o in items[window]], "total": len(items),
                "pagination": pagination, "facets": self.panels(lang)[urls.OFFERS], "term": term,
                "listing": urls.OFFERS}


def plan_members(site: Site, router: urls.Router, catalogs: Mapping[str, Catalog],
                 base: Callable[[str], dict[str, Any]], markdown: Markdown,
                 logos: Mapping[str, list[Variant]], cards: Cards,
                 share: ShareCards, extras: Extras,
                 members_by_term: dict[str, dict[str, list[Member]]] | None = None,
                 ) -> tuple[list[Output], list[Variant]]:
    """The listings, their facet pages and the profiles, in every language. Cards and
    profiles are made when an output asks for them (see Output.more); `extras(member,
    lang)` adds to a profile what other sections know of the member (its opportunities).
    `members_by_term`: index_terms(site.members, FACETS), if the caller has it."""
    config = site.config
    outputs: list[Output] = []
    listings = _Listings(site, router, cards, members_by_term if members_by_term is not None
                         else index_terms(site.members, FACETS))
    page_size = config.listing_page_size
    share_urls = {m.slug: member_share_card(share, m) for m in site.members}
    shared = SiteInputs(site, OWN_FIELDS)
    for lang in config.languages:
        context = base(lang)

        def listing(target: urls.TermPage | str, template: str, make: Listing,
                    listed: Sequence[Any] | None, count: int, term: dict[str, Any] | None,
                    inputs: ListingInputs, lang: str = lang,
                    context: dict[str, Any] = context) -> None:
            outputs.extend(listing_outputs(router, target, lang, template, context, make, listed,
                                           count, term, page_size, inputs))

        listing(urls.MEMBERS, "listing.html", listings.members, None, len(site.members), None,
                listings.member_inputs)
        for facet_key, terms in listings.members_by_term.items():
            for term_key, listed in terms.items():
                listing(urls.TermPage(urls.MEMBERS, facet_key, term_key), "listing.html",
                        listings.members, listed, len(listed),
                        term_view(site, lang, facet_key, term_key), listings.member_inputs)
        listing(urls.OFFERS, "listing.html", listings.offers_of, None, len(listings.offers), None,
                listings.offer_inputs)
        for facet_key, terms in listings.offers_by_term.items():
            for term_key, listed in terms.items():
                listing(urls.TermPage(urls.OFFERS, facet_key, term_key), "listing.html",
                        listings.offers_of, listed, len(listed),
                        term_view(site, lang, facet_key, term_key), listings.offer_inputs)
        outputs.extend(profile_output(site, router, catalogs, lang, context, member, logos,
                                      markdown, share_urls[member.slug], extras, shared)
                       for member in site.members)
    return outputs, [v for vs in logos.values() for v in vs]


@dataclasses.dataclass(frozen=True, slots=True)
class ListingInputs:
    """What the pages of one kind of listing make their cards and facet panel from, for
    their render keys (Output.inputs): a page is keyed by the items it lists (models, which
    the render cache hashes once per build), what their cards read of other models
    (`extra`, per item: an offer's member's name), its count, term and pagination, and the
    facet panel's counts (`counts`, shared by every page). A warm build then makes no card
    and no panel, and an edit makes again the pages that list what changed only."""

    items: Sequence[Any]                  # every item, in the order of the listing
    counts: Shared
    extra: Callable[[Any], Any] | None = None

    @classmethod
    def of(cls, items: Sequence[Any], index: Mapping[str, Mapping[str, Sequence[Any]]],
           extra: Callable[[Any], Any] | None = None) -> ListingInputs:
        return cls(items, Shared(tuple(
            (facet, tuple((key, len(found)) for key, found in terms.items()))
            for facet, terms in index.items())), extra)

    def page(self, lang: str, listed: Sequence[Any] | None, term: dict[str, Any] | None,
             window: slice, links: dict[str, Any] | None) -> tuple[Any, ...]:
        chosen = self.items if listed is None else listed
        shown = tuple(chosen[window])
        return (lang, term, links, len(chosen), self.counts, shown,
                None if self.extra is None else tuple(map(self.extra, shown)))


def listing_outputs(router: urls.Router, target: urls.TermPage | str, lang: str, template: str,
                    context: dict[str, Any], make: Listing, listed: Sequence[Any] | None,
                    count: int, term: dict[str, Any] | None, page_size: int,
                    inputs: ListingInputs | None = None) -> list[Output]:
    """The outputs of a listing: one page, or several of `page_size` cards each. With
    `inputs`, each page says what `make` makes its cards from (ListingInputs)."""
    pages = page_count(count, page_size)
    found = []
    for number in range(1, pages + 1):
        where = target if number == 1 else urls.Paged(target, number)
        window = slice((number - 1) * page_size, number * page_size)
        links = pagination(router, target, lang, number, pages)
        found.append(page_output(
            router, where, lang, template, context, first_url=router.url_for(target, lang),
            more=functools.partial(make, lang, listed, term, window, links),
            inputs=None if inputs is None else inputs.page(lang, listed, term, window, links)))
    return found


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


def facet_keys(item: Member | Offer | Opportunity, facet: str) -> tuple[str, ...]:
    """The terms of a member, an offer, a need or a flow in a facet."""
    return item.facet_keys(facet)


def index_terms(items: Sequence[Member] | Sequence[Offer] | Sequence[Opportunity],
                facets: Sequence[str]) -> dict[str, dict[str, list[Any]]]:
    """facet -> term -> the items that have it, in the items' order; one pass."""
    index: dict[str, dict[str, list[Any]]] = {f: defaultdict(list) for f in facets}
    for item in items:
        for facet in facets:
            for key in facet_keys(item, facet):
                index[facet][key].append(item)
    return {f: dict(terms) for f, terms in index.items()}


def term_link(site: Site, router: urls.Router, lang: str, listing: str, facet: str,
              key: str) -> dict[str, Any]:
    return {"label": term_label(site, lang, facet, key),
            "url": router.url_for(urls.TermPage(listing, facet, key), lang)}


def term_view(site: Site, lang: str, facet: str, key: str) -> dict[str, Any]:
    return {"facet": text(site.facets[facet].label, lang, site.config.fallback_order),
            "label": term_label(site, lang, facet, key)}


def facet_panel(site: Site, router: urls.Router, lang: str, listing: str, facets: Sequence[str],
                index: Mapping[str, Mapping[str, list[Any]]]) -> list[dict[str, Any]]:
    """The facets of a listing with every value that has items, its count and its page."""
    panel = []
    for facet_key in facets:
        facet = site.facets[facet_key]
        terms = [{"slug": term.slugs[lang], "label": term_label(site, lang, facet_key, key),
                  "count": len(index[facet_key][key]),
                  "url": router.url_for(urls.TermPage(listing, facet_key, key), lang),
                  # the same choice in the other languages, for the language switch
                  "alt": {code: f"{facet.segment[code]}={term.slugs[code]}"
                          for code in site.config.languages if code != lang}}
                 for key, term in facet.terms.items() if index[facet_key].get(key)]
        if facet_key == "communes":   # alphabetical in the page's language, not by key
            terms.sort(key=lambda t: sort_key(str(t["label"])))
        panel.append({"key": facet_key, "param": facet.segment[lang],
                      "label": text(facet.label, lang, site.config.fallback_order), "terms": terms})
    return panel


def profile(member: Member, lang: str, site: Site, router: urls.Router, t: Catalog,
            logo: Sequence[Variant] | None, markdown: Markdown, share_url: str,
            extras: Extras, diagnostics: list[Diagnostic]) -> dict[str, Any]:
    """The context of a member's profile in `lang` (made when the page is rendered)."""
    config = site.config
    order = config.fallback_order
    locality = text(communes.BY_KEY[member.commune].names, lang, order)
    description = None
    if member.description.texts:
        source, source_lang = member.description.get(lang, order)
        html, unknown, problems = markdown.render(source, lambda name: None,
                                                  top=DESCRIPTION_TOP)
        rel_path, line = member.description_lines[source_lang]
        if source_lang == lang:
            report_text_problems(problems, source, rel_path, line, diagnostics)
        if unknown and source_lang == lang:
            diagnostics.append(Diagnostic(rel_path, msg("links to pages of the site (page:...) "
                                                        "are not available in member "
                                                        "descriptions"), line))
        description = {"html": html, "lang": source_lang}
    street = text(member.street, lang, order) if member.street else None
    osm = None          # a map of the street; none when the member withholds it
    if street:
        osm = "https://www.openstreetmap.org/search?" + urllib.parse.urlencode({"query": (
            f"{street.text}, {member.postal_code} {locality.text}, "
            f"{country_name(config.locales[lang])}")})
    logo_view = picture(router, logo, PROFILE_LOGO_SIZES)
    tagline = text(member.tagline, lang, order)
    return {
        "member": member,
        "tagline": tagline,
        "kind": term_label(site, lang, "kind", member.kind),
        "kind_url": router.url_for(urls.TermPage(urls.MEMBERS, "kind", member.kind), lang),
        "logo": logo_view,
        "description": description,
        "member_since": format_date(member.member_since, config.locales[lang], "long"),
        "offers": [offer_view(member, o, lang, site, router, t) for o in member.offers],
        "activities": [term_link(site, router, lang, urls.MEMBERS, "activities", k)
                       for k in member.activities],
        "sectors": [term_link(site, router, lang, urls.MEMBERS, "sectors", k)
                    for k in member.sectors],
        "street": street,
        "commune": {"label": locality, "url": router.url_for(
            urls.TermPage(urls.MEMBERS, "communes", member.commune), lang)},
        "osm_url": osm,
        "awaiting_months": config.hide_contact_after_months,
        "person": {"name": member.person.name,
                   "role": text(member.person.role, lang, order) if member.person.role.texts
                   else None} if member.person else None,
        "website_label": links.label(member.website) if member.website else None,
        "phone_uri": "tel:" + member.phone.replace(" ", "") if member.phone else None,
        "json_ld": exports.member_json_ld(
            member, lang, order, router, logo_view, locality.text, tagline.text,
            t("region_name"), street.text if street else None,
            [exports.offer_json_ld(o, lang, site, area_names(t)) for o in member.offers],
            {k: term_label(site, lang, "certifications", k).text
             for o in member.offers for k in o.certifications}),
        # an organisation: og:type profile is a person's (first and last name, gender)
        "og": {"type": "website", "title": member.name, "description": tagline.text,
               "image": share_url},
        **extras(member, lang),
    }


def profile_texts(site: Site) -> Iterator[tuple[str, int]]:
    """The Markdown texts the profiles render, with their top heading level: the render
    cache may take a profile without making its context, and the Markdown cache keeps
    these all the same (render.markup.MarkdownCache.keep)."""
    for member in site.members:
        for source in member.description.texts.values():
            yield source, DESCRIPTION_TOP


def area_names(t: Catalog) -> dict[str, str]:
    """The name of each area an offer may serve (schema.AREAS_SERVED), in `t`'s language."""
    return {area: t(f"area_{area}") for area in AREAS_SERVED}


def offer_view(member: Member, offer: Offer, lang: str, site: Site, router: urls.Router,
               t: Catalog) -> dict[str, Any]:
    """An offer on its member's profile, and its printable sheet: what buyers ask
    (CPV codes, labels, area served, minimum order, lead time, references) and a QR code
    of its address, shown when the sheet is printed."""
    order = site.config.fallback_order
    url = router.absolute(router.offer_url(member, offer, lang))
    return {
        "id": router.offer_anchor(offer),
        "title": text(offer.title, lang, order), "summary": text(offer.summary, lang, order),
        "audiences": [term_link(site, router, lang, urls.OFFERS, "audiences", k)
                      for k in offer.audiences],
        "cpv": [{"code": code, "division": term_link(site, router, lang, urls.OFFERS,
                                                     "cpv_divisions", code[:2])}
                for code in offer.cpv],
        "certifications": [term_link(site, router, lang, urls.OFFERS, "certifications", k)
                           for k in offer.certifications],
        "area_served": t(f"area_{offer.area_served}") if offer.area_served else None,
        "minimum_order": text(offer.minimum_order, lang, order) if offer.minimum_order else None,
        "lead_time": text(offer.lead_time, lang, order) if offer.lead_time else None,
        "references": [{"client": r.client, "year": r.year, "link": r.link,
                        "link_label": links.label(r.link) if r.link else None}
                       for r in offer.references],
        "url": url,
        "qr": qr_code(url, t("offer_qr", title=text(offer.title, lang, order).text)),
    }
