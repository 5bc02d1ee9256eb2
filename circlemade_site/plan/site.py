"""Site -> Plan: every output (object, language) with its template and an explicit
context, the files made without a template (open data, calendars) and every image to make
(logo and hero variants, share cards). Pure: no I/O; what is expensive in a context is
deferred (views.Output.more) until the output is rendered."""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from circlemade_site import urls
from circlemade_site.config import SiteConfig
from circlemade_site.errors import Diagnostic
from circlemade_site.i18n import Catalog, Localized, language_name
from circlemade_site.models import (
    FACETS,
    OFFER_FACETS,
    OPPORTUNITY_FACETS,
    PRIVACY,
    SEARCH_KINDS,
    Campaign,
    Event,
    Member,
    NewsItem,
    Page,
    Site,
    opportunities,
)
from circlemade_site.plan import exports
from circlemade_site.plan.accessibility import plan_statement
from circlemade_site.plan.builder import plan_builder
from circlemade_site.plan.cards import Cards
from circlemade_site.plan.groups import plan_groups, profile_involvement, sitemap_targets
from circlemade_site.plan.images import Card, ShareCards, Variant
from circlemade_site.plan.members import (
    OWN_FIELDS,
    Extras,
    facet_keys,
    facet_panel,
    index_terms,
    member_logos,
    member_share_card,
    page_count,
    plan_members,
    profile_output,
    term_link,
)
from circlemade_site.plan.newsletters import plan_newsletters
from circlemade_site.plan.opportunities import (
    Matchmaker,
    OpportunityCards,
    plan_opportunities,
    profile_opportunities,
)
from circlemade_site.plan.printed import PrintJob, plan_printed
from circlemade_site.plan.publications import (
    campaign_share_card,
    hero_variants,
    home_context,
    plan_publications,
)
from circlemade_site.plan.views import (
    DataFile,
    Markdown,
    Output,
    SiteInputs,
    Text,
    body,
    page_output,
    text,
)

FEATURED = 6     # members shown on the home page: the most recent ones
OPPORTUNITIES_ON_HOME = 3     # one row of cards at desktop width
OFFERS_ON_HOME = 6            # offers on the home page: the first of each featured member
WAYS_IN = 6                   # activities on the home page's "find by need": the most common

Job = Variant | Card
Maker = Output | Callable[[], bytes] | Job | PrintJob


@dataclasses.dataclass(frozen=True, slots=True)
class Plan:
    outputs: list[Output]                 # pages and text files to render from templates
    files: dict[str, Callable[[], bytes]] # files made without a template (open data, .ics)
    images: list[Job]                     # logo and hero variants, share cards
    printed: list[PrintJob] = dataclasses.field(default_factory=list)   # PDFs (print: true)

    def by_path(self) -> dict[str, Maker]:
        """Output path -> what makes it."""
        found: dict[str, Maker] = {o.dest_rel: o for o in self.outputs}
        found.update(self.files)
        found.update((job.dest_rel, job) for job in self.images)
        found.update((job.dest_rel, job) for job in self.printed)
        return found


def plan(site: Site, router: urls.Router, catalogs: Mapping[str, Catalog], *, dev: bool,
         markdown: Markdown, font_key: str) -> Plan:
    """The plan of the whole site. `font_key` is the digest of the theme's fonts (the
    share cards are drawn with them). Raises i18n.MissingString for a UI string the
    generator itself needs (menus)."""
    config = site.config
    outputs: list[Output] = []
    share = ShareCards(router, config.theme_dir / "fonts", font_key)
    logos = member_logos(site, router)
    cards = Cards(site, router, logos)
    heroes = hero_variants(site, router)
    bases = {lang: base_context(site, router, catalogs, lang, dev, share) for lang in config.languages}
    recent = sorted(site.members, key=lambda m: (m.member_since, m.slug), reverse=True)[:FEATURED]
    opportunity_cards = OpportunityCards(site, router, catalogs)
    current = opportunities(site.members)
    newest = current[:OPPORTUNITIES_ON_HOME]
    members_by_term = index_terms(site.members, FACETS)
    home_offers = [m.offers[0] for m in recent if m.offers][:OFFERS_ON_HOME]
    figures = {"members": len(site.members), "offers": sum(len(m.offers) for m in site.members),
               "opportunities": len(current)}
    for lang in config.languages:
        base = bases[lang]
        featured = {"cards": [cards.member(m, lang) for m in recent],
                    "count": len(site.members),
                    "opportunities": [opportunity_cards.card(o, lang) for o in newest],
                    "offers": [cards.offer(o, lang) for o in home_offers],
                    **home_offer(site, router, lang, figures),
                    **home_context(site, router, lang, catalogs[lang], heroes)}
        if site.page(urls.HOME) is None:
            outputs.append(page_output(router, urls.HOME, lang, "home.html", base, page=None,
                                       page_lang=lang, body_html="", featured=featured))
        for page in site.pages:
            version = page.version(lang, config.fallback_order)
            extra: dict[str, Any] = {"featured": featured} if page.is_home else {}
            outputs.append(page_output(
                router, page, lang, "home.html" if page.is_home else "page.html", base,
                functools.partial(page_body, markdown, router, page, version.lang, lang),
                page=version, page_lang=version.lang, **extra))
        # without JavaScript the search page offers the directory's facet pages instead
        outputs.append(page_output(
            router, urls.SEARCH, lang, "search.html", base, search_kinds=SEARCH_KINDS,
            search_bundles=urls.search_bundles(urls.search_shard_count(len(site.members))),
            member_facets=facet_panel(site, router, lang, urls.MEMBERS, FACETS, members_by_term)))
        outputs.append(Output(router.dest_for(urls.NOT_FOUND, lang).as_posix(), "404.html",
                              {**base, "alternates": router.alternates(urls.NOT_FOUND),
                               "x_default": "/404.html", "canonical": None,
                               "current_url": router.url_for(urls.NOT_FOUND, lang)}))
    default = bases[config.default_language]
    for target, template in ((urls.ROOT, "choose_language.html"),
                             (urls.ROOT_NOT_FOUND, "root_404.html")):
        outputs.append(Output(router.dest_for(target).as_posix(), template, {
            **default, "by_language": bases, "alternates": {}, "x_default": None,
            "canonical": router.absolute("/") if target == urls.ROOT else None,
            "current_url": router.url_for(target)}))
    member_outputs, variants = plan_members(
        site, router, catalogs, bases.__getitem__, markdown, logos, cards, share,
        profile_extras(site, router, catalogs, opportunity_cards), members_by_term)
    outputs.extend(member_outputs)
    outputs.extend(plan_opportunities(site, router, catalogs, bases.__getitem__, opportunity_cards))
    builder_outputs, builder_files = plan_builder(site, router, catalogs, bases.__getitem__)
    outputs.extend(builder_outputs)
    outputs.extend(plan_statement(site, router, bases.__getitem__, markdown))
    outputs.extend(plan_groups(site, router, catalogs, bases.__getitem__, markdown, cards))
    news_outputs, news_files, hero_jobs = plan_publications(
        site, router, catalogs, bases.__getitem__, markdown, cards, share, heroes)
    outputs.extend(news_outputs)
    outputs.extend(plan_newsletters(
        site, router, catalogs, bases.__getitem__, cards, opportunity_cards, logos,
        lambda campaign, lang: campaign_share_card(share, campaign, lang, catalogs[lang],
                                                   config.fallback_order)))
    outputs.append(Output("sitemap.xml", "sitemap.xml", default,
                          lambda _: {"entries": sitemap(site, router)}))
    outputs.append(Output("robots.txt", "robots.txt", {
        **default, "sitemap_url": router.absolute("/sitemap.xml"),
        # what is not a page of the site (the CMS) is not for search engines either
        "disallow": ["/" + glob.removesuffix("*") for glob in urls.non_page_html(site.config)]}))
    # each file of the open data made on its own (a build's workers make them at the same
    # time), keyed by what it shows
    records = functools.cache(functools.partial(exports.member_records, site, router, logos))
    shown = SiteInputs(site, exports.NOT_IN_OPEN_DATA)
    json_path, csv_path, opportunities_path = exports.open_data_paths(router)
    data_files: dict[str, Callable[[], bytes]] = {
        json_path: DataFile(lambda: exports.members_json(site, router, records()),
                            (json_path, shown, logos)),
        csv_path: DataFile(lambda: exports.members_csv(site, records()), (csv_path, shown, logos)),
        opportunities_path: DataFile(
            functools.partial(exports.opportunities_csv, site, router),
            (opportunities_path, SiteInputs(site, exports.NOT_IN_OPPORTUNITIES)))}
    return Plan(outputs, {**data_files, **news_files, **builder_files},
                [*variants, *hero_jobs, *share.jobs.values()],
                plan_printed(site, router, catalogs, logos, bases.__getitem__))


def plan_profiles(site: Site, router: urls.Router, catalogs: Mapping[str, Catalog],
                  members: Sequence[Member], *, dev: bool, markdown: Markdown,
                  font_key: str) -> Plan:
    """The profiles of `members` only, in every language, with their pictures and share
    cards, planned as `plan` plans them (the same functions, from the whole site): the
    preview serves a saved member's profile from this while it plans the rest of the site
    (serve.preview)."""
    config = site.config
    share = ShareCards(router, config.theme_dir / "fonts", font_key)
    bases = {lang: base_context(site, router, catalogs, lang, dev, share) for lang in config.languages}
    logos = member_logos(site, router, members)
    extras = profile_extras(site, router, catalogs, OpportunityCards(site, router, catalogs))
    shared = SiteInputs(site, OWN_FIELDS)
    outputs = [profile_output(site, router, catalogs, lang, bases[lang], member, logos, markdown,
                              member_share_card(share, member), extras, shared)
               for lang in config.languages for member in members]
    return Plan(outputs, {}, [*(v for vs in logos.values() for v in vs), *share.jobs.values()])


def profile_extras(site: Site, router: urls.Router, catalogs: Mapping[str, Catalog],
                   opportunity_cards: OpportunityCards) -> Extras:
    """What a profile shows of the member from the site's other sections: its needs and
    flows with their matches among the other members, its groups and projects."""
    matchmaker = Matchmaker(site.members)
    involved = profile_involvement(site, router, catalogs)
    return lambda member, lang: {**profile_opportunities(member, lang, site, router,
                                                         catalogs[lang], matchmaker,
                                                         opportunity_cards),
                                 **involved(member, lang)}


def home_offer(site: Site, router: urls.Router, lang: str,
               figures: Mapping[str, int]) -> dict[str, Any]:
    """What the first screen of the home page tells a buyer: how many members, offers and
    opportunities the site lists (each a link to its section), and the ways in by need:
    the activities most members have (to the directory's term pages) and every audience
    an offer is for (to the catalogue's term pages)."""
    by_activity = collections.Counter(k for m in site.members for k in m.activities)
    order = list(site.facets["activities"].terms)
    activities = sorted(by_activity, key=lambda k: (-by_activity[k], order.index(k)))[:WAYS_IN]
    audiences = [k for k in site.facets["audiences"].terms
                 if any(k in o.audiences for m in site.members for o in m.offers)]
    sections = site.config.sections
    return {
        "figures": [{"key": key, "count": figures[key], "url": router.url_for(key, lang)}
                    for key in (urls.MEMBERS, urls.OFFERS, urls.OPPORTUNITIES)
                    if key in sections and (figures[key] or key != urls.OPPORTUNITIES)],
        "ways_activities": [term_link(site, router, lang, urls.MEMBERS, "activities", k)
                            for k in activities],
        "ways_audiences": [term_link(site, router, lang, urls.OFFERS, "audiences", k)
                           for k in audiences],
    }


def page_body(markdown: Markdown, router: urls.Router, page: Page, text_lang: str, lang: str,
              diagnostics: list[Diagnostic]) -> dict[str, Any]:
    """The body of `page` (written in `text_lang`) as HTML for the `lang` site."""
    version = page.versions[text_lang]
    return {"body_html": body(markdown, router, version.body, text_lang, lang, version.rel_path,
                              version.body_line, diagnostics)["html"]}


def base_context(site: Site, router: urls.Router, catalogs: Mapping[str, Catalog],
                 lang: str, dev: bool, share: ShareCards) -> dict[str, Any]:
    """What every page of `lang` shows: the site's texts, the menus, the default share card."""
    config = site.config
    tagline = config.tagline.get(lang, config.fallback_order)[0]
    return {
        "share_image": share.card("site", lang, tagline),
        "lang": lang,
        "locale": config.locales[lang],
        "locales": dict(config.locales),       # og:locale:alternate of the translations
        "t": catalogs[lang],
        "dev": dev,
        "site": {
            "title": _text(config.title, lang, config),
            "tagline": _text(config.tagline, lang, config),
            "contact_email": config.contact_email,
            "organisation": _text(config.organisation, lang, config) if config.organisation else None,
            "organisation_url": config.organisation_url,
            "languages": [{"code": code, "name": language_name(code)} for code in config.languages],
            "default_language": config.default_language,
        },
        "menus": {name: _menu(site, router, name, lang, catalogs[lang]) for name in config.menus},
        "legal": legal_links(site, router, lang, catalogs[lang]),
    }


def legal_links(site: Site, router: urls.Router, lang: str, t: Catalog) -> list[dict[str, Any]]:
    """What every footer links to, whatever the menus say: the accessibility statement
    (EU directive 2016/2102, art. 7) and the privacy notice (the page named `privacy`).
    Either is missing only from a site whose build fails for it."""
    links = []
    if site.accessibility is not None:
        links.append({"url": router.url_for(urls.ACCESSIBILITY, lang),
                      "label": Text(t("accessibility_link"), lang), "key": "accessibility"})
    privacy = site.page(PRIVACY)
    if privacy is not None:
        links.append({"url": router.url_for(privacy, lang),
                      "label": Text(t("privacy_link"), lang), "key": "privacy"})
    return links


def _text(value: Localized, lang: str, config: SiteConfig) -> Text:
    return text(value, lang, config.fallback_order)


def _menu(site: Site, router: urls.Router, name: str, lang: str,
          catalog: Catalog) -> list[dict[str, Any]]:
    config = site.config
    items = []
    for entry in config.menus[name]:
        if entry.page is not None:
            page = site.page(entry.page)
            if page is None:        # reported by load.pages
                continue
            url = router.url_for(page, lang)
            label = (_text(entry.label, lang, config) if entry.label else
                     _page_title(page, lang, config))
            items.append({"url": url, "label": label, "external": False})
        elif entry.section is not None:
            label = (_text(entry.label, lang, config) if entry.label else
                     Text(catalog(f"{entry.section}_title"), lang))
            items.append({"url": router.url_for(entry.section, lang), "label": label,
                          "external": False})
        else:
            assert entry.url is not None and entry.label is not None
            items.append({"url": entry.url, "label": _text(entry.label, lang, config),
                          "external": True})
    return items


def _page_title(page: Page, lang: str, config: SiteConfig) -> Text:
    version = page.version(lang, config.fallback_order)
    return Text(version.title, version.lang)


def sitemap(site: Site, router: urls.Router) -> list[dict[str, Any]]:
    entries = []
    targets: list[urls.Target] = list(site.pages)
    if site.page(urls.HOME) is None:
        targets.insert(0, urls.HOME)
    targets += [urls.MEMBERS, urls.OFFERS, *site.members, urls.EVENTS, *site.events, urls.NEWS,
                *site.news, urls.CAMPAIGNS, *site.campaigns]
    size = site.config.listing_page_size
    targets += [urls.OPPORTUNITIES, urls.PROFILE_BUILDER]
    if site.accessibility is not None:
        targets.append(urls.ACCESSIBILITY)
    targets += sitemap_targets(site)
    listings: list[tuple[str, tuple[str, ...], Sequence[Any]]] = [
        (urls.MEMBERS, FACETS, site.members),
        (urls.OFFERS, OFFER_FACETS, [o for m in site.members for o in m.offers]),
        (urls.OPPORTUNITIES, OPPORTUNITY_FACETS, opportunities(site.members))]
    for listing, facets, items in listings:
        used = collections.Counter((f, k) for item in items for f in facets
                                   for k in facet_keys(item, f))
        targets += [urls.Paged(listing, n) for n in range(2, page_count(len(items), size) + 1)]
        for f in facets:
            for k in site.facets[f].terms:
                if used[(f, k)]:
                    term = urls.TermPage(listing, f, k)
                    targets += [term, *(urls.Paged(term, n) for n in
                                        range(2, page_count(used[(f, k)], size) + 1))]
    for target in targets:
        alternates = {lang: router.absolute(url) for lang, url in router.alternates(target).items()}
        x_default = router.absolute(router.x_default(target))
        lastmod = last_modified(target)
        # the home pages' x-default is the language choice at /: listed with the same set
        locs = [*alternates.values(), *([x_default] if x_default not in alternates.values() else [])]
        for url in locs:
            entries.append({"loc": url, "alternates": alternates, "x_default": x_default,
                            "lastmod": lastmod.isoformat() if lastmod else None})
    return sorted(entries, key=lambda e: e["loc"])


def last_modified(target: urls.Target) -> dt.date | None:
    """A sitemap's `lastmod`, from the content's own dates only: a news item's date, an
    event's first day, a campaign's start, the day a member last reviewed its profile.
    None otherwise: file times and the build's date say nothing of the page's content."""
    if isinstance(target, NewsItem):
        return target.date
    if isinstance(target, Event):
        return target.first_day
    if isinstance(target, Campaign):
        return target.start
    if isinstance(target, Member):
        return target.reviewed
    return None
