"""The only code that maps (object, language) to a URL and an output path.

URLs are site-relative and end with a slash (`/nl/over-ons/`); the matching file is
`nl/over-ons/index.html`. Templates call `url_for`; nothing else joins URL pieces.

Routes:
    /                       the bilingual language choice        ROOT
    /<lang>/                the home page of a language           the page named `home`
    /<lang>/<slug>/         a page, with its localised slug       Page
    /<lang>/404.html        the not-found page of a language      NOT_FOUND
    /404.html               the bilingual not-found page          ROOT_NOT_FOUND
    /<lang>/<members>/                      the directory          MEMBERS
    /<lang>/<members>/<slug>/               a member's profile     Member
    /<lang>/<members>/<facet>/<term>/       a facet value          TermPage("members", ...)
    /<lang>/<members>/2/, .../<term>/2/     more of a long listing Paged(listing, 2)
    /<lang>/<offers>/                       the offers catalogue   OFFERS
    /<lang>/<offers>/<facet>/<term>/        offers by facet value  TermPage("offers", ...)
    /<lang>/<opportunities>/                needs and flows        OPPORTUNITIES
    /<lang>/<opportunities>/<facet>/<term>/ by need type, material, direction
    /<lang>/<members>/<slug>/#need-N        a need, a flow (#flow-N) on its profile
    /<lang>/<profile_builder>/              the profile builder    PROFILE_BUILDER
    /schemas/member.schema.json             what the builder (and editors) validate with
    /data/profile-builder.<lang>.json       the builder's labels, vocabularies, messages
    /media/members/<slug>-logo-<hash>-<w>   a member's picture     image_stem(...)
    /data/members.json, /data/members.csv   open data              DATA_JSON, DATA_CSV
    /<lang>/<events>/                       the agenda             EVENTS
    /<lang>/<events>/<slug>/                an event               Event
    /<lang>/<events>/<slug>.ics             an event's calendar    IcsFile(event)
    /<lang>/<events>.ics                    the subscribable calendar   CALENDAR
    /<lang>/<news>/                         the news               NEWS
    /<lang>/<news>/<slug>/                  a news item            NewsItem
    /<lang>/<campaigns>/                    campaigns (archive)    CAMPAIGNS
    /<lang>/<campaigns>/<slug>/             a campaign             Campaign
    /<lang>/<campaigns>/<slug>/newsletter.html  its newsletter (e-mail HTML; .txt: plain text)
                                            Newsletter(campaign, "html" | "txt"), not a page
    /<lang>/feed.xml                        Atom: news and campaigns   FEED
    /<lang>/<search>/                       search (Pagefind)      SEARCH
    /<lang>/<accessibility>/                the accessibility statement   ACCESSIBILITY
    /<lang>/<groups>/                       working groups and coaching   GROUPS
    /<lang>/<groups>/<slug>/                a group                Group
    /<lang>/<projects>/                     the projects           PROJECTS
    /<lang>/<projects>/<slug>/              a project              Project
    /<lang>/<printed_directory>.pdf         the printed directory (print: true)   PRINTED_DIRECTORY
    /pagefind/...                           the search index
    /media/campaigns/<name>/hero-<hash>     a campaign's hero      hero_stem(...)
    /media/cards/...                        share images (og:image)    card_path(...)

<members>, <offers>, <accessibility>, <printed_directory>, <facet> and <term> are localised: `sections` in
content/site.yaml, `segment` and the term labels in content/vocabularies.yaml.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import hashlib
from pathlib import PurePosixPath

from circlemade_site.config import SiteConfig
from circlemade_site.models import (
    Campaign,
    Event,
    Facet,
    Flow,
    Group,
    Image,
    Member,
    Need,
    NewsItem,
    Offer,
    Page,
    Project,
    Site,
)

ROOT = "root"
HOME = "home"
NOT_FOUND = "404"
ROOT_NOT_FOUND = "root-404"
MEMBERS = "members"
OFFERS = "offers"
EVENTS = "events"
NEWS = "news"
CAMPAIGNS = "campaigns"
OPPORTUNITIES = "opportunities"
PROFILE_BUILDER = "profile_builder"
ACCESSIBILITY = "accessibility"
PRINTED_DIRECTORY = "printed_directory"
GROUPS = "groups"
PROJECTS = "projects"
MEMBER_SCHEMA = "member-schema"
BUILDER_DATA = "builder-data"
SEARCH = "search"
CALENDAR = "calendar"
FEED = "feed"
DATA_JSON = "data-json"
DATA_CSV = "data-csv"
DATA_OPPORTUNITIES = "data-opportunities"
_FILES = {ROOT_NOT_FOUND: "/404.html", DATA_JSON: "/data/members.json",
          DATA_OPPORTUNITIES: "/data/opportunities.csv",
          MEMBER_SCHEMA: "/schemas/member.schema.json",
          DATA_CSV: "/data/members.csv"}
# The search index is cut in parts so that an edit re-indexes one (assets/search.py): the
# pages of the cluster (pages, agenda, news, campaigns, groups) in the main bundle at
# /pagefind/, each member's profile and records in one of SEARCH_SHARDS bundles
# /pagefind/m<k>/ chosen by its slug; the search page merges them at query time. A site of
# fewer than two parts' worth of members keeps one bundle.
SEARCH_SHARD_MEMBERS = 125
SEARCH_MAX_SHARDS = 8
SEARCH_BUNDLE = "pagefind"


def search_shard_count(members: int) -> int:
    """How many bundles the members' pages are indexed in (0: all in the main one)."""
    count = min(SEARCH_MAX_SHARDS, -(-members // SEARCH_SHARD_MEMBERS))
    return count if count >= 2 else 0


def search_shard(slug: str, count: int) -> str:
    """The part of the search index a member's pages are in: "" (the main bundle) or m<k>."""
    if count == 0:
        return ""
    return f"m{int.from_bytes(hashlib.sha256(slug.encode('utf-8')).digest()[:4], 'big') % count}"


def search_bundles(count: int) -> tuple[str, ...]:
    """The URL folders of the parts of the index, the main one first."""
    return (f"/{SEARCH_BUNDLE}/", *(f"/{SEARCH_BUNDLE}/m{k}/" for k in range(count)))


# every name url_for knows besides the pages' own (the render cache's site digest asks each)
SECTION_NAMES = (ROOT, HOME, NOT_FOUND, ROOT_NOT_FOUND, MEMBERS, OFFERS, EVENTS, NEWS, CAMPAIGNS,
                 OPPORTUNITIES, PROFILE_BUILDER, ACCESSIBILITY, PRINTED_DIRECTORY, GROUPS,
                 PROJECTS, MEMBER_SCHEMA, BUILDER_DATA, SEARCH, CALENDAR, FEED, DATA_JSON,
                 DATA_CSV, DATA_OPPORTUNITIES)


@dataclasses.dataclass(frozen=True, slots=True)
class TermPage:
    """The page of one facet value in a listing: members by activity, offers by audience..."""

    listing: str          # MEMBERS, OFFERS or OPPORTUNITIES
    facet: str            # key in content/vocabularies.yaml
    term: str


@dataclasses.dataclass(frozen=True, slots=True)
class Paged:
    """Page `number` (2, 3...) of a long listing: the directory, the offers or a facet
    value's page. Page 1 is the listing itself."""

    listing: TermPage | str    # MEMBERS, OFFERS or a TermPage
    number: int


@dataclasses.dataclass(frozen=True, slots=True)
class IcsFile:
    """The iCalendar file of one event."""

    event: Event


@dataclasses.dataclass(frozen=True, slots=True)
class Newsletter:
    """The newsletter of a campaign: e-mail HTML (`ext` "html") or its plain-text part
    ("txt"), beside the campaign's page. Not a page of the site (see non_page_html)."""

    campaign: Campaign
    ext: str = "html"


Target = (Page | Member | TermPage | Paged | Event | NewsItem | Campaign | IcsFile | Newsletter
          | Group | Project | str)


def non_page_html(config: SiteConfig) -> tuple[str, ...]:
    """Where the build writes HTML that is not a page of the site (an application such as
    the CMS at /admin/, an e-mail such as a newsletter), as `fnmatch` globs relative to the
    site's root. This is the one declared list: such files are left out of the sitemap,
    the search index and the page audits (tests/test_quality.py reads it), and they follow
    their own header rules in netlify.toml rather than the footer and page rules."""
    cms = ("admin/*",) if config.cms is not None else ()     # the CMS (circlemade_site/cms.py)
    return cms + tuple(f"{lang}/{config.sections[CAMPAIGNS][lang]}/*/newsletter.html"
                       for lang in config.languages)          # newsletters (plan/newsletters.py)


def is_page_html(rel_path: str, non_pages: tuple[str, ...]) -> bool:
    """Whether the HTML file at `rel_path` (relative to the site's root) is a page."""
    return rel_path.endswith(".html") and not any(
        fnmatch.fnmatchcase(rel_path, glob) for glob in non_pages)


def dest_of(url: str) -> str:
    """The output path that serves a site-relative URL: /fr/membres/ -> fr/membres/index.html."""
    path = url.lstrip("/")
    return path + "index.html" if url.endswith("/") else path


class Router:
    """Knows every route of a Site. Immutable once built."""

    __slots__ = ("_config", "_pages", "_facets")

    def __init__(self, site: Site) -> None:
        self._config = site.config
        self._pages = site.pages_by_name
        self._facets: dict[str, Facet] = dict(site.facets)

    def page_named(self, name: str) -> Page | None:
        return self._pages.get(name)

    def url_for(self, target: Target, lang: str | None = None) -> str:
        """The site-relative URL of `target` in `lang`."""
        if isinstance(target, str):
            if target == ROOT:
                return "/"
            if target in _FILES:
                return _FILES[target]
            if target in self._pages:
                target = self._pages[target]
            elif target == HOME:
                return f"/{self._lang(lang)}/"
            elif target == NOT_FOUND:
                return f"/{self._lang(lang)}/404.html"
            elif target in (MEMBERS, OFFERS, EVENTS, NEWS, CAMPAIGNS, SEARCH, OPPORTUNITIES,
                            PROFILE_BUILDER, ACCESSIBILITY, GROUPS, PROJECTS):
                return self._section(target, self._lang(lang))
            elif target == CALENDAR:
                return self._section(EVENTS, self._lang(lang)).rstrip("/") + ".ics"
            elif target == FEED:
                return f"/{self._lang(lang)}/feed.xml"
            elif target == PRINTED_DIRECTORY:
                return self._section(PRINTED_DIRECTORY, self._lang(lang)).rstrip("/") + ".pdf"
            elif target == BUILDER_DATA:
                return f"/data/profile-builder.{self._lang(lang)}.json"
            else:
                raise LookupError(f"no route named {target!r}")
        lang = self._lang(lang)
        if isinstance(target, Member):
            return f"{self._section(MEMBERS, lang)}{target.slug}/"
        if isinstance(target, Event | NewsItem | Campaign | Group | Project):
            section = {Event: EVENTS, NewsItem: NEWS, Campaign: CAMPAIGNS, Group: GROUPS,
                       Project: PROJECTS}[type(target)]
            text = target.text(lang, self._config.fallback_order)
            return f"{self._section(section, lang)}{text.slug}/"
        if isinstance(target, IcsFile):
            return self.url_for(target.event, lang).rstrip("/") + ".ics"
        if isinstance(target, Newsletter):
            return f"{self.url_for(target.campaign, lang)}newsletter.{target.ext}"
        if isinstance(target, Paged):
            first = self.url_for(target.listing, lang)
            return first if target.number == 1 else f"{first}{target.number}/"
        if isinstance(target, TermPage):
            facet = self._facets[target.facet]
            return (f"{self._section(target.listing, lang)}{facet.segment[lang]}/"
                    f"{facet.terms[target.term].slugs[lang]}/")
        if target.is_home:
            return f"/{lang}/"
        version = target.version(lang, self._config.fallback_order)
        return f"/{lang}/{version.slug}/"

    def dest_for(self, target: Target, lang: str | None = None) -> PurePosixPath:
        """The output file, relative to the output folder, that serves `url_for(...)`."""
        return PurePosixPath(dest_of(self.url_for(target, lang)))

    def file_url(self, dest_rel: str) -> str:
        """The URL of an output file known by its path: media/x.webp -> /media/x.webp."""
        return "/" + dest_rel

    @staticmethod
    def offer_anchor(offer: Offer) -> str:
        """The id of an offer on its member's profile: offer-1, offer-2..."""
        return f"offer-{offer.index}"

    def offer_url(self, member: Member, offer: Offer, lang: str) -> str:
        return f"{self.url_for(member, lang)}#{self.offer_anchor(offer)}"

    @staticmethod
    def opportunity_anchor(item: Need | Flow) -> str:
        """The id of a need or a flow on its member's profile: need-1, flow-2..."""
        return f"{'need' if isinstance(item, Need) else 'flow'}-{item.index}"

    def opportunity_url(self, member: Member, item: Need | Flow, lang: str) -> str:
        return f"{self.url_for(member, lang)}#{self.opportunity_anchor(item)}"

    def image_stem(self, member: Member, image: Image) -> str:
        """Output path, without width and extension, of a member's picture. The content
        hash in the name lets browsers cache it for a year. One folder for every member's
        pictures, as for their share cards (a folder a member would be a thousand folders
        to make in every build); the name ends in `-logo-<10 hex>`, so no two members' can
        be the same."""
        return f"media/members/{member.slug}-logo-{image.digest[:10]}"

    def hero_stem(self, campaign: Campaign, image: Image) -> str:
        return f"media/campaigns/{campaign.name}/hero-{image.digest[:10]}"

    def card_path(self, kind: str, name: str, digest: str) -> str:
        """A share image (og:image); the digest of what is drawn on it names it."""
        return f"media/cards/{kind}/{name}-{digest[:10]}.jpg"

    def _section(self, key: str, lang: str) -> str:
        return f"/{lang}/{self._config.sections[key][lang]}/"

    def absolute(self, url: str) -> str:
        return self._config.base_url + url

    def webcal(self, url: str) -> str:
        """The subscription address of a calendar: `webcal://` + host + path. Calendar
        applications (Apple, Outlook, Thunderbird) subscribe to it and refresh it, where
        the https address only imports today's copy."""
        return "webcal://" + self.absolute(url).split("://", 1)[1]

    def alternates(self, target: Target) -> dict[str, str]:
        """Language -> URL of the same object in every language of the site."""
        return {lang: self.url_for(target, lang) for lang in self._config.languages}

    def x_default(self, target: Target, alternates: dict[str, str] | None = None) -> str:
        """The home pages point search engines at the language choice; other pages at
        the default language (taken from `alternates` when given)."""
        if target == HOME or (isinstance(target, Page) and target.is_home):
            return "/"
        if alternates is not None:
            return alternates[self._config.default_language]
        return self.url_for(target, self._config.default_language)

    def _lang(self, lang: str | None) -> str:
        if lang is None:
            return self._config.default_language
        if lang not in self._config.languages:
            raise LookupError(f"{lang!r} is not a language of the site")
        return lang
