"""The site as immutable, typed objects, and the questions every stage asks of them (the
agenda around a date, what a campaign features): no I/O, no HTML."""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from circlemade_site.config import SiteConfig
from circlemade_site.errors import Diagnostic
from circlemade_site.i18n import Localized, pick

HOME = "home"   # the page named `home` is each language's home page
PRIVACY = "privacy"   # the page named `privacy` is the privacy notice, linked from every footer
# why a content is not accessible, in the order of the EU model statement
ACCESSIBILITY_REASONS = ("non-compliance", "disproportionate-burden", "out-of-scope")
TIMEZONE = ZoneInfo("Europe/Brussels")     # events' times, `now`, feeds and calendars
FACETS = ("kind", "activities", "sectors", "communes")     # facets of the directory
# facets of the offers catalogue; the last two are those of public buyers
AREAS_SERVED = ("brussels", "belgium", "eu")   # where an offer is delivered, narrowest first
OFFER_FACETS = ("audiences", "activities", "cpv_divisions", "certifications")
OPPORTUNITY_FACETS = ("need_types", "materials", "directions")   # of the opportunities
# The kinds of search results, in the order of the search page's choice: a page says its
# kind with data-pagefind-meta="kind:..." (assets/search.py), and each kind has its UI
# strings search_kind_<kind> (the choice) and search_result_<kind> (a result's label) in
# every catalogue of the theme. `group` and `project` are listed before their sections
# exist: adding such a section only needs its pages to carry their kind.
SEARCH_KINDS = ("member", "offer", "opportunity", "event", "news", "campaign", "page",
                "group", "project")
MATERIAL_NEED = "material"        # the need type whose materials are required
OUT, IN = "out", "in"             # the directions of a flow
# what a member may withhold (`hidden` in member.yaml): field path -> Member attribute. The
# postal code and the commune stay: they place the member in the directory's facets.
HIDEABLE: Mapping[str, str] = MappingProxyType({
    "contact.email": "email", "contact.phone": "phone", "contact.linkedin": "linkedin",
    "address.street": "street", "enterprise_number": "enterprise_number"})
# what a profile awaiting an update does not publish: every contact.* field
CONTACT_FIELDS: Mapping[str, str] = MappingProxyType({
    "contact.email": "email", "contact.phone": "phone", "contact.website": "website",
    "contact.linkedin": "linkedin", "contact.person": "person"})


@dataclasses.dataclass(frozen=True, slots=True)
class PageVersion:
    """One language of a page: content/pages/<name>.<lang>.md."""

    name: str            # the page it belongs to (file name without language)
    lang: str
    title: str
    slug: str            # URL segment ("" for the home page)
    description: str
    lead: str
    body: str            # Markdown
    body_line: int
    rel_path: str
    draft: bool = False
    draft_line: int | None = None     # of `draft: true`, for error messages
    # (line, column) of the slug, else of the title, for messages
    slug_at: tuple[int, int] = dataclasses.field(default=(1, 1), compare=False)
    # example texts of `circlemade new` still in it: errors once it is published
    examples: tuple[Diagnostic, ...] = dataclasses.field(default=(), compare=False)


@dataclasses.dataclass(frozen=True, slots=True)
class Page:
    """A page and its translations. `versions` holds only the languages written."""

    name: str
    versions: Mapping[str, PageVersion]

    def version(self, lang: str, order: tuple[str, ...]) -> PageVersion:
        """The version in `lang`, else the first of `order` that exists (a fallback)."""
        return pick(self.versions, lang, order)[0]

    @property
    def is_home(self) -> bool:
        return self.name == HOME


@dataclasses.dataclass(frozen=True, slots=True)
class Term:
    key: str
    label: Localized
    slugs: Mapping[str, str]          # language -> URL slug (from the label)


@dataclasses.dataclass(frozen=True, slots=True)
class Facet:
    """A vocabulary of content/vocabularies.yaml: `kind`, `activities`, `sectors`,
    `audiences` or `communes`."""

    key: str
    label: Localized
    segment: Mapping[str, str]        # language -> URL segment
    terms: Mapping[str, Term]         # in the order of the file


@dataclasses.dataclass(frozen=True, slots=True)
class Image:
    """A picture from a member's folder, inspected (not yet decoded in full)."""

    src_path: Path
    rel_path: str
    line: int | None                  # of the field that names it, for error messages
    format: str                       # "PNG", "JPEG", "WEBP" or "SVG"
    width: int
    height: int
    digest: str                       # sha256 of the file's bytes


@dataclasses.dataclass(frozen=True, slots=True)
class Reference:
    """A client or a project an offer was delivered to."""

    client: str
    year: int
    link: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Offer:
    member_slug: str
    index: int                        # position in member.yaml, for anchors (#offre-1)
    title: Localized
    summary: Localized
    audiences: tuple[str, ...]
    activities: tuple[str, ...]
    cpv: tuple[str, ...] = ()         # CPV codes, 45453000-7
    certifications: tuple[str, ...] = ()
    references: tuple[Reference, ...] = ()
    area_served: str | None = None    # brussels | belgium | eu
    minimum_order: Localized | None = None
    lead_time: Localized | None = None

    @property
    def cpv_divisions(self) -> tuple[str, ...]:
        """The CPV divisions of its codes (their first two digits), each once."""
        return tuple(dict.fromkeys(code[:2] for code in self.cpv))

    def facet_keys(self, facet: str) -> tuple[str, ...]:
        """The offer's terms in a facet of the offers catalogue."""
        if facet == "cpv_divisions":
            return self.cpv_divisions
        return getattr(self, facet) if facet in ("audiences", "activities",
                                                 "certifications") else ()


@dataclasses.dataclass(frozen=True, slots=True)
class Need:
    """Something a member looks for (members/<slug>/member.yaml `needs`)."""

    member_slug: str
    index: int                        # position in member.yaml, from 1, for anchors (#need-1)
    title: Localized
    summary: Localized
    type: str                         # key of need_types
    materials: tuple[str, ...]
    activities: tuple[str, ...]
    since: dt.date
    until: dt.date | None

    def facet_keys(self, facet: str) -> tuple[str, ...]:
        return {"need_types": (self.type,), "materials": self.materials}.get(facet, ())


@dataclasses.dataclass(frozen=True, slots=True)
class Quantity:
    amount: float
    unit: str                         # t, kg, m3, pieces
    per: str                          # week, month, year, once


@dataclasses.dataclass(frozen=True, slots=True)
class Flow:
    """A material a member gives off (`out`) or takes in (`in`)."""

    member_slug: str
    index: int                        # position in member.yaml, from 1, for anchors (#flow-1)
    direction: str                    # OUT or IN
    material: str                     # key of materials
    waste_code: str | None            # "03 01 05", without the hazardous mark
    hazardous: bool                   # the code ended with "*"
    quantity: Quantity | None
    summary: Localized
    since: dt.date
    until: dt.date | None

    def facet_keys(self, facet: str) -> tuple[str, ...]:
        return {"directions": (self.direction,), "materials": (self.material,)}.get(facet, ())


Opportunity = Need | Flow


@dataclasses.dataclass(frozen=True, slots=True)
class Person:
    """A named contact person (member.yaml `contact.person`), published only if `public`."""

    name: str
    role: Localized                   # may be empty
    public: bool = False


def is_current(item: Opportunity, now: dt.date) -> bool:
    """Published from its `since` to its `until`, both included."""
    return item.since <= now and (item.until is None or now <= item.until)


@dataclasses.dataclass(frozen=True, slots=True)
class Member:
    slug: str
    name: str
    kind: str
    enterprise_number: str | None
    member_since: dt.date
    tagline: Localized
    activities: tuple[str, ...]
    sectors: tuple[str, ...]
    street: Localized | None          # per language (one text: every language); None once
                                      # withheld (`hidden: [address.street]`)
    postal_code: str
    commune: str                      # key of communes.COMMUNES
    email: str | None
    phone: str | None                 # formatted: "+32 2 511 22 33"
    website: str | None
    linkedin: str | None
    logo: Image | None
    offers: tuple[Offer, ...]
    description: Localized            # Markdown per language (fr.md, nl.md)
    description_lines: Mapping[str, tuple[str, int]]   # language -> (rel_path, first line)
    rel_dir: str
    needs: tuple[Need, ...] = ()      # only the current ones once the site is assembled
    flows: tuple[Flow, ...] = ()
    maintainers: tuple[str, ...] = ()  # GitHub logins (never published)
    person: Person | None = None      # once published: a public one only
    hidden: tuple[str, ...] = ()      # the paths of HIDEABLE the member withholds
    reviewed: dt.date | None = None   # the day the member last checked its profile
    # set by `published`: the profile was reviewed too long ago, its contact is withheld
    awaiting_update: bool = False
    withheld: tuple[str, ...] = ()    # paths of member.yaml with a value the site withholds
    # (field, line, column) in member.yaml of the values checked across members (name,
    # enterprise_number), for their messages; never published
    at: tuple[tuple[str, int, int], ...] = dataclasses.field(default=(), compare=False)

    def line_of(self, field: str) -> tuple[int | None, int | None]:
        """Where `field` is written in member.yaml (line, column), if known."""
        return next(((line, column) for name, line, column in self.at if name == field),
                    (None, None))

    def facet_keys(self, facet: str) -> tuple[str, ...]:
        """The member's terms in a facet of the directory."""
        if facet == "kind":
            return (self.kind,)
        if facet == "communes":
            return (self.commune,)
        return getattr(self, facet)


@dataclasses.dataclass(frozen=True, slots=True)
class Translation:
    """The texts of an event, news item or campaign in one language."""

    lang: str
    title: str
    slug: str
    summary: str
    body: str                 # Markdown
    body_line: int
    rel_path: str
    cta_label: str = ""
    hero_alt: str = ""
    # (line, column) of the slug, else of the title, for messages
    slug_at: tuple[int, int] = dataclasses.field(default=(1, 1), compare=False)
    # example texts of `circlemade new` still in it: errors once it is published
    examples: tuple[Diagnostic, ...] = dataclasses.field(default=(), compare=False)


@dataclasses.dataclass(frozen=True, slots=True)
class Venue:
    """Where an event takes place, in each language of the site: the name and the street
    as each language's file (or a map) gives them; `municipality` is the commune's own
    name in each language when it is one of the 19 (`commune` is then its key)."""

    name: Localized
    street: Localized | None
    postal_code: str | None
    municipality: Localized | None
    commune: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Event:
    name: str
    texts: Mapping[str, Translation]
    type: str
    start: dt.datetime | dt.date          # aware (Europe/Brussels) datetime, or a date: all day
    end: dt.datetime | dt.date
    venue: Venue | None
    online: bool
    registration: str | None
    members: tuple[str, ...]
    draft: bool
    # where `registration` is written (path, line, column), for the check of own links
    registration_at: tuple[str, int | None, int | None] | None = None
    price: float | None = None            # of a place, for search engines; None: not published
    currency: str = "EUR"                 # ISO 4217

    def text(self, lang: str, order: tuple[str, ...]) -> Translation:
        return pick(self.texts, lang, order)[0]

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, dt.datetime)

    @property
    def last_day(self) -> dt.date:
        return self.end.date() if isinstance(self.end, dt.datetime) else self.end

    @property
    def first_day(self) -> dt.date:
        return self.start.date() if isinstance(self.start, dt.datetime) else self.start


@dataclasses.dataclass(frozen=True, slots=True)
class NewsItem:
    name: str
    texts: Mapping[str, Translation]
    date: dt.date
    draft: bool

    def text(self, lang: str, order: tuple[str, ...]) -> Translation:
        return pick(self.texts, lang, order)[0]


@dataclasses.dataclass(frozen=True, slots=True)
class Campaign:
    name: str
    texts: Mapping[str, Translation]
    start: dt.date
    end: dt.date                           # the last day, included
    cta: Mapping[str, str]                 # {"page": "join"} | {"section": "offers"} | {"url": ...}
    hero: Image | None
    members: tuple[str, ...]               # chosen by slug
    member_facets: Mapping[str, tuple[str, ...]]
    offer_facets: Mapping[str, tuple[str, ...]]
    draft: bool

    def text(self, lang: str, order: tuple[str, ...]) -> Translation:
        return pick(self.texts, lang, order)[0]

    def is_active(self, now: dt.date) -> bool:
        return self.start <= now <= self.end


@dataclasses.dataclass(frozen=True, slots=True)
class Barrier:
    """A content of the site that is not accessible (content/accessibility.yaml)."""

    reason: str                       # one of ACCESSIBILITY_REASONS
    content: Localized                # Markdown
    criteria: tuple[str, ...]         # WCAG success criteria ("1.1.1")
    alternative: Localized | None     # Markdown
    field: str                        # "non_accessible[0]", for line numbers


@dataclasses.dataclass(frozen=True, slots=True)
class AccessibilityStatement:
    """The accessibility statement (content/accessibility.yaml), one field per section of
    the EU model statement; its texts are Markdown."""

    public_body: str
    status: str                       # full, partial or none (EN 301 549, WCAG 2.1 AA)
    barriers: tuple[Barrier, ...]
    prepared: dt.date
    evaluated: dt.date                # the last evaluation, when the statement was reviewed
    method: str                       # self-assessment or third-party
    tools: tuple[str, ...]
    evaluator: str | None
    evaluation_notes: Localized | None
    feedback_email: str
    feedback_phone: str | None
    feedback: Localized
    enforcement: Localized
    enforcement_url: str | None
    lines: Mapping[str, int] = dataclasses.field(default_factory=dict)   # "feedback.text.fr" -> line
    evaluated_at: tuple[int, int] = (1, 1)    # line and column of evaluation.date

    def texts(self) -> dict[str, Localized]:
        """Every translated text, by its field in the file."""
        found = {"feedback.text": self.feedback, "enforcement.text": self.enforcement}
        if self.evaluation_notes is not None:
            found["evaluation.description"] = self.evaluation_notes
        for barrier in self.barriers:
            found[f"{barrier.field}.content"] = barrier.content
            if barrier.alternative is not None:
                found[f"{barrier.field}.alternative"] = barrier.alternative
        return found


@dataclasses.dataclass(frozen=True, slots=True)
class GroupDocument:
    title: Localized
    link: str


@dataclasses.dataclass(frozen=True, slots=True)
class Group:
    """A working group or a collective coaching programme: content/groups/<name>.<lang>.md.
    `sessions` are names of events (those that are published are shown)."""

    name: str
    texts: Mapping[str, Translation]
    kind: str                             # working-group | coaching
    theme: str | None                     # a key of `activities`
    start: dt.date | None
    members: tuple[str, ...]
    sessions: tuple[str, ...]
    documents: tuple[GroupDocument, ...]
    draft: bool

    def text(self, lang: str, order: tuple[str, ...]) -> Translation:
        return pick(self.texts, lang, order)[0]


@dataclasses.dataclass(frozen=True, slots=True)
class ChainStep:
    member: str
    role: Localized


@dataclasses.dataclass(frozen=True, slots=True)
class ProjectResult:
    value: float
    unit: Localized | None
    label: Localized


@dataclasses.dataclass(frozen=True, slots=True)
class Project:
    """A multi-actor project: content/projects/<name>.<lang>.md."""

    name: str
    texts: Mapping[str, Translation]
    status: str                           # idea | running | completed
    start: dt.date | None
    partners: tuple[str, ...]
    chain: tuple[ChainStep, ...]
    results: tuple[ProjectResult, ...]
    draft: bool

    def text(self, lang: str, order: tuple[str, ...]) -> Translation:
        return pick(self.texts, lang, order)[0]


@dataclasses.dataclass(frozen=True, slots=True)
class Site:
    config: SiteConfig
    pages: tuple[Page, ...]
    members: tuple[Member, ...] = ()          # sorted by name, as readers expect
    facets: Mapping[str, Facet] = dataclasses.field(default_factory=dict)
    events: tuple[Event, ...] = ()            # soonest first
    news: tuple[NewsItem, ...] = ()           # newest first
    campaigns: tuple[Campaign, ...] = ()      # published ones (started), newest first
    now: dt.date = dt.date(2018, 5, 24)       # the date the site is built for
    accessibility: AccessibilityStatement | None = None
    groups: tuple[Group, ...] = ()            # working groups and coaching, by name
    projects: tuple[Project, ...] = ()        # by name

    def page(self, name: str) -> Page | None:
        return next((p for p in self.pages if p.name == name), None)

    @property
    def pages_by_name(self) -> Mapping[str, Page]:
        return {p.name: p for p in self.pages}


# -- questions of the model ----------------------------------------------------------

def is_upcoming(event: Event, now: dt.date) -> bool:
    """Upcoming until its last day is over: an event on now's date is still upcoming."""
    return event.last_day >= now


def split_agenda(events: Sequence[Event], now: dt.date) -> tuple[list[Event], list[Event]]:
    """(upcoming soonest first, past most recent first)."""
    upcoming = [e for e in events if is_upcoming(e, now)]
    past = [e for e in events if not is_upcoming(e, now)]
    return upcoming, list(reversed(past))


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` months earlier (the month's last day if it is shorter):
    months_before(2026-11-29, 24) == 2024-11-29; months_before(2026-03-31, 1) == 2026-02-28."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_reviewed_since(member: Member, since: dt.date) -> bool:
    """Reviewed on or after `since`; a profile without `reviewed` never was."""
    return member.reviewed is not None and member.reviewed >= since


def is_awaiting_update(member: Member, now: dt.date, months: int) -> bool:
    """Reviewed more than `months` months before `now` (site.yaml `freshness`). A profile
    without `reviewed` is not: it is listed by `circlemade stale`, never withheld."""
    return member.reviewed is not None and member.reviewed < months_before(now, months)


def published(member: Member, now: dt.date, hide_contact_after_months: int) -> Member:
    """The member as the site publishes it on `now`: the one place that decides what is
    published of a member. Every page, card, feed, calendar, search record, share card and
    export is made from what this returns, and nothing after it sees the rest:

    - needs and flows outside their window are gone (`at_date`);
    - every field named in `hidden` is None (see HIDEABLE);
    - the contact person is kept only if it is `public`;
    - a profile reviewed more than `hide_contact_after_months` months before `now`
      publishes none of its contact fields and is marked `awaiting_update`.

    `withheld` lists the paths that had a value and are not published (the profile builder
    says so when it edits the published profile)."""
    member = at_date(member, now)
    changes: dict[str, Any] = {}      # attribute -> None
    withheld: list[str] = []

    def withhold(path: str, attribute: str) -> None:
        if getattr(member, attribute) is not None and attribute not in changes:
            changes[attribute] = None
            withheld.append(path)

    for path in member.hidden:
        withhold(path, HIDEABLE[path])
    if member.person is not None and not member.person.public:
        withhold("contact.person", "person")
    awaiting = is_awaiting_update(member, now, hide_contact_after_months)
    if awaiting:
        for path, attribute in CONTACT_FIELDS.items():
            withhold(path, attribute)
    if not changes and not awaiting:
        return member
    return dataclasses.replace(member, **changes, awaiting_update=awaiting,
                               withheld=tuple(sorted(withheld)))


def at_date(member: Member, now: dt.date) -> Member:
    """The member as published on `now`: needs and flows outside their window are gone
    (from every page, feed, index and export, since nothing after this sees them)."""
    needs = tuple(n for n in member.needs if is_current(n, now))
    flows = tuple(f for f in member.flows if is_current(f, now))
    if len(needs) == len(member.needs) and len(flows) == len(member.flows):
        return member
    return dataclasses.replace(member, needs=needs, flows=flows)


def opportunities(members: Sequence[Member]) -> list[Opportunity]:
    """Every need and flow of `members`, newest `since` first (then by member and file
    order, for a stable listing)."""
    found: list[Opportunity] = []
    for member in members:
        found += member.needs
        found += member.flows
    found.sort(key=lambda o: (-o.since.toordinal(), o.member_slug, isinstance(o, Flow), o.index))
    return found


def select_members(campaign: Campaign, members: Sequence[Member]) -> list[Member]:
    """The members a campaign promotes: those named, then those matching its facets
    (every facet given must match: OR within a facet, AND across facets)."""
    by_slug = {m.slug: m for m in members}
    chosen = [by_slug[slug] for slug in campaign.members if slug in by_slug]
    if campaign.member_facets:
        named = set(campaign.members)
        wanted = [(f, set(keys)) for f, keys in campaign.member_facets.items()]
        chosen += [m for m in members if m.slug not in named
                   and all(keys.intersection(m.facet_keys(f)) for f, keys in wanted)]
    return chosen


def select_offers(campaign: Campaign, members: Sequence[Member]) -> list[tuple[Member, Offer]]:
    """The offers a campaign promotes: those matching every facet it gives."""
    if not campaign.offer_facets:
        return []
    wanted = [(f, set(keys)) for f, keys in campaign.offer_facets.items()]
    return [(m, o) for m in members for o in m.offers
            if all(keys.intersection(getattr(o, f)) for f, keys in wanted)]


def involvement(groups: Sequence[Group], projects: Sequence[Project]
                ) -> dict[str, list[Group | Project]]:
    """Member slug -> the groups and projects it takes part in (one pass over them)."""
    found: dict[str, list[Group | Project]] = {}
    for group in groups:
        for slug in group.members:
            found.setdefault(slug, []).append(group)
    for project in projects:
        for slug in project.partners:
            found.setdefault(slug, []).append(project)
    return found
