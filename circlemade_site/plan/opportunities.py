"""Business opportunities: the listing of every current need and flow, their cards, and the
matches between members (one's by-product is another's raw material).

Matches are explainable and linear in members. Every member is indexed once by the keys it
gives (an `out` flow of a material), takes (an `in` flow, or a material need naming it) and
does (its activities). A member's list is made from the first few members of each of its
keys' groups, never by comparing members with members:

- "who could use these by-products": for each `out` flow of material M, the members with
  an `in` flow of M or a need naming M;
- "who could supply what the member seeks": for each need, the members with an `out` flow of
  one of its materials, and, when it names activities, the members doing one of them.

A member never matches itself. A list shows at most MATCHES_SHOWN members, by name, each
with its reasons; a key with more candidates than shown links to its page (the material's
opportunities, the activity's members), so every profile stays small.
"""

from __future__ import annotations

import dataclasses
import urllib.parse
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from circlemade_site import urls
from circlemade_site.errors import Diagnostic
from circlemade_site.i18n import Catalog, format_date, format_number
from circlemade_site.models import (
    IN,
    OPPORTUNITY_FACETS,
    OUT,
    Flow,
    Member,
    Need,
    Opportunity,
    Site,
    opportunities,
)
from circlemade_site.plan.cards import filters, term_label
from circlemade_site.plan.members import (
    ListingInputs,
    facet_panel,
    index_terms,
    listing_outputs,
    term_view,
)
from circlemade_site.plan.views import Card, Output, text
from circlemade_site.slugs import sort_key

MATCHES_SHOWN = 10

# why a member is listed: (role, facet, term key)
Reason = tuple[str, str, str]
NEED, INTAKE, SUPPLY, ACTIVITY = "need", "intake", "supply", "activity"


@dataclasses.dataclass(frozen=True, slots=True)
class Match:
    member: Member
    reasons: tuple[Reason, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class MatchList:
    matches: tuple[Match, ...]                    # at most MATCHES_SHOWN, by name
    more: tuple[tuple[str, str], ...]             # (facet, key) with more candidates than shown


class Matchmaker:
    """The matches of every member, from one pass over the members."""

    def __init__(self, members: Sequence[Member]) -> None:
        groups: dict[Reason, list[Member]] = defaultdict(list)
        by_name = sorted(members, key=lambda m: sort_key(m.name))
        for member in by_name:          # each group in name order, each member once in it
            keys: set[Reason] = set()
            for flow in member.flows:
                keys.add((INTAKE if flow.direction == IN else SUPPLY, "materials", flow.material))
            for need in member.needs:
                keys.update((NEED, "materials", m) for m in need.materials)
            keys.update((ACTIVITY, "activities", a) for a in member.activities)
            for key in keys:
                groups[key].append(member)
        self._groups = dict(groups)
        self.reasons: dict[tuple[str, Reason], str] = {}    # (lang, reason) -> its text

    def uses(self, member: Member) -> MatchList:
        """Who could use the member's by-products (its `out` flows)."""
        wanted: list[Reason] = []
        for flow in member.flows:
            if flow.direction == OUT:
                wanted += [(NEED, "materials", flow.material), (INTAKE, "materials", flow.material)]
        return self._list(member, wanted)

    def supplies(self, member: Member) -> MatchList:
        """Who could supply what the member seeks (its needs)."""
        wanted: list[Reason] = []
        for need in member.needs:
            wanted += [(SUPPLY, "materials", m) for m in need.materials]
            wanted += [(ACTIVITY, "activities", a) for a in need.activities]
        return self._list(member, wanted)

    def _list(self, member: Member, wanted: Iterable[Reason]) -> MatchList:
        reasons: dict[str, list[Reason]] = defaultdict(list)
        found: dict[str, Member] = {}
        candidates: dict[Reason, list[str]] = {}
        for key in dict.fromkeys(wanted):
            group = [m for m in self._groups.get(key, ())[:MATCHES_SHOWN + 2]
                     if m.slug != member.slug][:MATCHES_SHOWN + 1]
            candidates[key] = [m.slug for m in group]
            for other in group:
                found[other.slug] = other
                reasons[other.slug].append(key)
        shown = sorted(found.values(), key=lambda m: sort_key(m.name))[:MATCHES_SHOWN]
        shown_slugs = {m.slug for m in shown}
        more = tuple(dict.fromkeys(
            (facet, term) for (_, facet, term), slugs in candidates.items()
            if len(slugs) > MATCHES_SHOWN or not shown_slugs.issuperset(slugs)))
        return MatchList(tuple(Match(m, tuple(reasons[m.slug])) for m in shown), more)


REASON_STRINGS = {NEED: "match_need", INTAKE: "match_intake", SUPPLY: "match_supply",
                  ACTIVITY: "match_activity"}


def match_view(site: Site, router: urls.Router, lang: str, t: Catalog, found: MatchList,
               reasons: dict[tuple[str, Reason], str] | None = None) -> dict[str, Any] | None:
    """What a profile shows of a list of matches; None when there is none. `reasons`
    keeps the text of each reason per language from profile to profile."""
    if not found.matches:
        return None
    said = reasons if reasons is not None else {}

    def reason(why: Reason) -> str:
        if (text_ := said.get((lang, why))) is None:
            role, facet, key = why
            text_ = said[(lang, why)] = t(REASON_STRINGS[role],
                                          label=str(term_label(site, lang, facet, key)))
        return text_

    return {
        "matches": [{"name": match.member.name, "url": router.url_for(match.member, lang),
                     "reasons": [reason(why) for why in match.reasons]}
                    for match in found.matches],
        "more": [{"label": t("more_matches", label=str(term_label(site, lang, facet, key))),
                  "url": router.url_for(urls.TermPage(
                      urls.OPPORTUNITIES if facet == "materials" else urls.MEMBERS, facet, key), lang)}
                 for facet, key in found.more],
    }


def quantity_text(flow: Flow, lang: str, t: Catalog, locale: str) -> str | None:
    if flow.quantity is None:
        return None
    q = flow.quantity
    return t(f"quantity_{q.per}", amount=format_number(q.amount, locale), unit=t(f"unit_{q.unit}"))


def respond_url(site: Site, member: Member, need: Need, lang: str, t: Catalog) -> str:
    """A mailto link naming the need: to the member, or to the cluster when the member
    publishes no address."""
    title = need.title.get(lang, site.config.fallback_order)[0]
    address = member.email or site.config.contact_email
    return f"mailto:{address}?" + urllib.parse.urlencode(
        {"subject": t("respond_subject", title=title)}, quote_via=urllib.parse.quote)


def opportunity_view(item: Opportunity, member: Member, lang: str, site: Site,
                     router: urls.Router, t: Catalog) -> dict[str, Any]:
    """A need or a flow as a card (listings, the home page) and on its profile."""
    config = site.config
    order = config.fallback_order
    locale = config.locales[lang]
    common = {
        "id": router.opportunity_anchor(item),
        "url": router.opportunity_url(member, item, lang),
        "member": member.name, "member_url": router.url_for(member, lang),
        "summary": text(item.summary, lang, order),
        "since": format_date(item.since, locale, "long"), "since_iso": item.since.isoformat(),
        "until": format_date(item.until, locale, "long") if item.until else None,
        "filters": filters(site, lang, {f: item.facet_keys(f) for f in OPPORTUNITY_FACETS}),
        "materials": [term_label(site, lang, "materials", k)
                      for k in item.facet_keys("materials")],
    }
    if isinstance(item, Need):
        return {**common, "kind": "need", "title": text(item.title, lang, order),
                "type": term_label(site, lang, "need_types", item.type),
                "by": t("need_card_by", name=member.name),
                "activities": [term_label(site, lang, "activities", k) for k in item.activities],
                "respond_url": respond_url(site, member, item, lang, t)}
    return {**common, "kind": "flow", "title": term_label(site, lang, "materials", item.material),
            "type": term_label(site, lang, "directions", item.direction),
            "by": t("flow_card_by" if item.direction == OUT else "flow_in_card_by", name=member.name),
            "waste_code": item.waste_code, "hazardous": item.hazardous,
            "quantity": quantity_text(item, lang, t, locale)}


class OpportunityCards:
    """Every opportunity's card, once per language, shared by the listings, the profiles and
    the home (a plan.views.Card: the render cache hashes it once per build)."""

    def __init__(self, site: Site, router: urls.Router, catalogs: Mapping[str, Catalog]) -> None:
        self._site, self._router, self._catalogs = site, router, catalogs
        self._members = {m.slug: m for m in site.members}
        self._made: dict[tuple[str, bool, int, str], dict[str, Any]] = {}

    def card(self, item: Opportunity, lang: str) -> dict[str, Any]:
        key = (item.member_slug, isinstance(item, Need), item.index, lang)
        if (found := self._made.get(key)) is None:
            found = self._made[key] = Card(opportunity_view(
                item, self._members[item.member_slug], lang, self._site, self._router,
                self._catalogs[lang]))
        return found


def plan_opportunities(site: Site, router: urls.Router, catalogs: Mapping[str, Catalog],
                       base: Callable[[str], dict[str, Any]], cards: OpportunityCards) -> list[Output]:
    """The opportunities listing and its facet pages (need type, material, direction), in
    every language: the same listing template, filters and pagination as the directory."""
    items = opportunities(site.members)
    by_term = index_terms(items, OPPORTUNITY_FACETS)
    panels: dict[str, list[dict[str, Any]]] = {}

    def listing(lang: str, listed: Sequence[Opportunity] | None, term: dict[str, Any] | None,
                window: slice, pagination: dict[str, Any] | None,
                _diagnostics: list[Diagnostic]) -> dict[str, Any]:
        chosen = items if listed is None else listed
        if lang not in panels:
            panels[lang] = facet_panel(site, router, lang, urls.OPPORTUNITIES, OPPORTUNITY_FACETS,
                                       by_term)
        return {"cards": [cards.card(o, lang) for o in chosen[window]], "total": len(chosen),
                "pagination": pagination, "facets": panels[lang], "term": term,
                "listing": urls.OPPORTUNITIES}

    # a card reads the need or flow, and its member's slug, name and address (respond_url)
    shown = {m.slug: (m.name, m.email) for m in site.members}
    inputs = ListingInputs.of(items, by_term, lambda item: shown[item.member_slug])
    outputs: list[Output] = []
    size = site.config.listing_page_size
    for lang in site.config.languages:
        context = base(lang)
        outputs += listing_outputs(router, urls.OPPORTUNITIES, lang, "listing.html", context,
                                   listing, None, len(items), None, size, inputs)
        for facet, terms in by_term.items():
            for key, listed in terms.items():
                outputs += listing_outputs(router, urls.TermPage(urls.OPPORTUNITIES, facet, key),
                                           lang, "listing.html", context, listing, listed,
                                           len(listed), term_view(site, lang, facet, key), size,
                                           inputs)
    return outputs


def profile_opportunities(member: Member, lang: str, site: Site, router: urls.Router,
                          t: Catalog, matchmaker: Matchmaker,
                          cards: OpportunityCards) -> dict[str, Any]:
    """What a profile shows of the member's needs, flows (the same views as their cards)
    and matches."""
    return {
        "needs": [cards.card(n, lang) for n in member.needs],
        "flows": [cards.card(f, lang) for f in member.flows],
        "uses": match_view(site, router, lang, t, matchmaker.uses(member), matchmaker.reasons),
        "supplies": match_view(site, router, lang, t, matchmaker.supplies(member),
                               matchmaker.reasons),
    }

