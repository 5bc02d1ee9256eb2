"""Events, news and campaigns: content/<kind>/<name>.<lang>.md -> Event, NewsItem, Campaign.

The files of one <name> are the translations of one item. Texts (title, slug, summary,
the button label, the image description and the body) are per language; every other field
is shared: written once in any of the files, or the same in each. A shared field given
twice with different values is an error at the second place, so translations cannot
silently disagree on a date.

An event's venue is both: its name, street and municipality are texts (Rue de la Loi 16,
Wetstraat 16), each file's own or a map `{fr: ..., nl: ...}`; a text given once, or the
same in every file, is every language's. Its postal code is shared. A municipality that is
one of the 19 communes is shown under each language's own name (Saint-Gilles, Sint-Gillis).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from circlemade_site import communes
from circlemade_site.config import SiteConfig
from circlemade_site.errors import ContentError, Diagnostic, Message, did_you_mean, example, msg
from circlemade_site.i18n import Localized
from circlemade_site.load import diagnose, examples, images, schema, yamlio
from circlemade_site.load.diagnose import REQUIRED
from circlemade_site.load.members import (
    commune_name,
    explain_labels,
    label_problem,
    not_a_term,
    terms_hint,
)
from circlemade_site.load.sources import RawDoc, check_required
from circlemade_site.models import (
    TIMEZONE,
    Campaign,
    Event,
    Facet,
    Image,
    Member,
    NewsItem,
    Translation,
    Venue,
)

MODELS: Mapping[str, type[BaseModel]] = {"event": schema.EventFront, "news": schema.NewsFront,
                                         "campaign": schema.CampaignFront,
                                         # load/groups.py
                                         "group": schema.GroupFront,
                                         "project": schema.ProjectFront}
REQUIRED_SHARED = {"event": ("type", "start"), "news": ("date",),
                   "campaign": ("start", "end", "cta")}
VENUE_TEXTS = ("name", "street", "municipality")     # per language, in a venue
Where = tuple[str, int, int]                           # file, line, column


class _Item:
    """The validated files of one item: shared values (with where each came from) and
    the translations."""

    def __init__(self, kind: str, name: str) -> None:
        self.kind, self.name = kind, name
        self.shared: dict[str, Any] = {}
        self.origin: dict[str, tuple[str, yamlio.Positions]] = {}
        self.texts: dict[str, Translation] = {}
        self.docs: dict[str, RawDoc] = {}
        self.failed = False       # a file of it did not validate: its errors say why
        self.examples: list[Diagnostic] = []   # texts of `circlemade new` still in it
        # a venue's texts: part -> language -> (text, where); the texts given as one text
        self.venue_texts: dict[str, dict[str, tuple[str, Where]]] = {}
        self.venue_plain: dict[str, set[str]] = {}

    def where(self, field: str) -> tuple[str, int | None, int | None]:
        rel_path, positions = self.origin[field]
        return (rel_path, *positions.of_value((field,)))

    def error(self, field: str, message: Message, hint: Message | None = None,
              shown: str | None = None) -> Diagnostic:
        """A problem with a shared field, at the place it was given."""
        path, line, column = self.where(field)
        return Diagnostic(path, message, line, column, shown or field, hint)

    def first_doc(self, order: Sequence[str]) -> RawDoc:
        return next(self.docs[lang] for lang in order if lang in self.docs)


def load(config: SiteConfig, docs: Iterable[RawDoc], facets: Mapping[str, Facet],
         members: Sequence[Member], page_names: set[str], *, now: dt.date, drafts: bool,
         diagnostics: list[Diagnostic], discovered: Collection[str] = (),
         published_drafts: bool = False, unloaded: Collection[str] = (),
         validated: Validate | None = None,
         ) -> tuple[list[Event], list[NewsItem], list[Campaign]]:
    """Validate and assemble every event, news item and campaign. Drafts, and campaigns
    that have not started yet, are left out unless `drafts`. Every item that is not a
    draft exists in each required language, a campaign that has not started too (the
    morning's rebuild must not fail on its first day); a draft only when drafts are
    published (`published_drafts`). `discovered`: the files found in content/.
    `unloaded`: member folders that exist but did not load (their own errors say why):
    a reference to one of them is not reported as well. `validated` checks one file
    (`validate` by default; the preview's keeps the result while the file is unchanged)."""
    check = validated or (lambda doc, found: validate(doc, facets, found))
    items: dict[tuple[str, str], _Item] = {}
    order = config.fallback_order
    by_lang = sorted(docs, key=lambda d: (d.source.kind, d.source.name,
                                          order.index(d.source.lang)))
    for doc in by_lang:
        item = items.setdefault((doc.source.kind, doc.source.name), _Item(doc.source.kind, doc.source.name))
        _merge(item, doc, check(doc, diagnostics), diagnostics)
    member_slugs = {m.slug for m in members}
    events, news, campaigns = [], [], []
    for (kind, _), item in sorted(items.items()):
        if not item.docs:          # no file of it could be read: already reported
            continue
        errors: list[Diagnostic] = []
        first = item.first_doc(order)
        if published_drafts or not item.shared.get("draft"):
            errors += item.examples       # a draft may keep them while it is written
            check_required(config, item.name, {lang: text.rel_path for lang, text in item.texts.items()},
                           discovered, diagnostics)
        missing = [field for field in REQUIRED_SHARED[kind] if field not in item.shared]
        if not item.failed:        # else the field may be in the file that failed
            errors += [Diagnostic(first.source.rel_path, msg(REQUIRED), 1, None,
                                  field, _required_hint(kind, field)) for field in missing]
        if not missing:
            if kind == "event":
                found = _event(item, facets, member_slugs, unloaded, config.languages, errors)
                if found and (drafts or not found.draft):
                    events.append(found)
            elif kind == "news":
                found_news = NewsItem(item.name, dict(item.texts), item.shared["date"],
                                      bool(item.shared.get("draft")))
                if drafts or not found_news.draft:
                    news.append(found_news)
            else:
                found_campaign = _campaign(config, item, facets, member_slugs, unloaded,
                                           page_names, errors)
                if found_campaign and (drafts or (not found_campaign.draft
                                                  and found_campaign.start <= now)):
                    campaigns.append(found_campaign)
        diagnostics.extend(errors)
    _check_slugs(config, [*events, *news, *campaigns], diagnostics)
    events.sort(key=lambda e: (_sort_moment(e.start), e.name))
    news.sort(key=lambda n: (n.date, n.name), reverse=True)
    campaigns.sort(key=lambda c: (c.start, c.name), reverse=True)
    return events, news, campaigns


def _required_hint(kind: str, field: str) -> Message:
    examples = {"type": "type: training", "start": "start: 2026-12-10 09:30",
                "date": "date: 2026-11-29", "end": "end: 2027-01-31",
                "cta": "cta: {section: offers}"}
    return msg("for example `{example}`, in one of the language files", example=examples[field])


def _vocabulary_of(path: tuple[str, ...]) -> str | None:
    """The facet whose keys a field takes: an event's type, a campaign's facets."""
    if path == ("type",):
        return "event_types"
    if len(path) == 3 and path[:2] in (("features", "member_facets"), ("features", "offer_facets")):
        return path[2]
    return None


@dataclasses.dataclass(frozen=True, slots=True)
class Validated:
    """One file's front matter checked against its kind's schema: its values, and the
    texts of `circlemade new` still in it (reported unless the item is a draft)."""

    values: Mapping[str, Any]
    examples: tuple[Diagnostic, ...]


Validate = Callable[[RawDoc, list[Diagnostic]], "Validated | None"]


def validate(doc: RawDoc, facets: Mapping[str, Facet],
             diagnostics: list[Diagnostic]) -> Validated | None:
    """The front matter of an event, news item, campaign, group or project file checked
    against its schema, or None with the problems in `diagnostics`. It depends on the
    file and the vocabularies only: the preview keeps it while neither changes."""
    rel_path = doc.source.rel_path
    front = diagnose.validate(MODELS[doc.source.kind], doc.data, doc.positions, rel_path,
                              diagnostics, explain_labels(facets, _vocabulary_of))
    if front is None:
        return None
    return Validated(front.model_dump(exclude_none=True),
                     (*examples.in_values(doc.data, doc.positions, rel_path),
                      *examples.in_body(doc.body, rel_path, doc.body_line)))


def _merge(item: _Item, doc: RawDoc, checked: Validated | None,
           diagnostics: list[Diagnostic]) -> None:
    rel_path = doc.source.rel_path
    if checked is None:
        item.failed = True
        return
    values = checked.values
    item.examples += checked.examples
    for field, value in values.items():
        if field in schema.PER_LANGUAGE:
            continue
        if field == "venue":
            _merge_venue(item, doc, value, diagnostics)
            continue
        if field in item.shared and item.shared[field] != value:
            first_path = item.origin[field][0]
            diagnostics.append(Diagnostic(
                rel_path, msg("differs from {other}", other=first_path),
                *doc.positions.of_value((field,)), field,
                msg("a shared field has the same value in every language; write it in one "
                    "file only")))
            continue
        item.shared.setdefault(field, value)
        item.origin.setdefault(field, (rel_path, doc.positions))
    if not values.get("title"):
        diagnostics.append(Diagnostic(rel_path, msg(REQUIRED), 1, None, "title",
                                      msg("every language file has its own title")))
        item.failed = True
        return
    item.docs[doc.source.lang] = doc
    item.texts[doc.source.lang] = Translation(
        lang=doc.source.lang, title=values["title"], slug=values.get("slug") or item.name,
        summary=values.get("summary", ""), body=doc.body, body_line=doc.body_line,
        rel_path=rel_path, cta_label=values.get("cta_label", ""),
        hero_alt=values.get("hero_alt", ""),
        slug_at=doc.positions.of_value(("slug",)) if "slug" in values else
        doc.positions.of_key(("title",)))


def _merge_venue(item: _Item, doc: RawDoc, venue: dict[str, Any],
                 diagnostics: list[Diagnostic]) -> None:
    """Keep the texts of a venue per language (a text in a file is that file's language's,
    a map gives its languages); its other fields (the postal code) are shared."""
    rel_path = doc.source.rel_path
    shared = item.shared.setdefault("venue", {})
    item.origin.setdefault("venue", (rel_path, doc.positions))
    for key, value in venue.items():
        if key in VENUE_TEXTS:
            continue
        if key in shared and shared[key][0] != value:
            diagnostics.append(Diagnostic(
                rel_path, msg("differs from {other}", other=shared[key][1]),
                *doc.positions.of_value(("venue", key)), f"venue.{key}",
                msg("a shared field has the same value in every language; write it in one "
                    "file only")))
            continue
        shared.setdefault(key, (value, rel_path))
    for part in VENUE_TEXTS:
        if part not in venue:
            continue
        given = venue[part]
        if isinstance(given, str):
            item.venue_plain.setdefault(part, set()).add(given)
            by_lang = {doc.source.lang: given}
        else:
            by_lang = given
        seen = item.venue_texts.setdefault(part, {})
        for lang, text in by_lang.items():
            path: yamlio.FieldPath = ("venue", part) if isinstance(given, str) else ("venue", part, lang)
            line, column = doc.positions.of_value(path)
            if lang in seen and seen[lang][0] != text:
                diagnostics.append(Diagnostic(
                    rel_path, msg("differs from {other}", other=seen[lang][1][0]), line, column,
                    yamlio.dotted(path), msg("the text in {lang!r} is given twice: keep one of "
                                             "them", lang=lang)))
                continue
            seen.setdefault(lang, (text, (rel_path, line, column)))


def _venue(item: _Item, languages: Sequence[str], errors: list[Diagnostic]) -> Venue:
    """The venue in every language: each language's own texts; one text given once (or
    the same in every file) for the others; a commune under its own name in each."""
    texts: dict[str, Localized] = {}
    for part, given in item.venue_texts.items():
        found = {lang: text for lang, (text, _) in given.items()}
        plain = item.venue_plain.get(part, set())
        if len(plain) == 1:
            shared = next(iter(plain))
            found = {**{lang: shared for lang in languages}, **found}
        texts[part] = Localized(found)
    postal_code = item.shared["venue"].get("postal_code", (None,))[0]
    commune = _venue_commune(item, postal_code, errors)
    return Venue(texts["name"], texts.get("street"), postal_code,
                 communes.BY_KEY[commune].names if commune else texts.get("municipality"),
                 commune)


def _venue_commune(item: _Item, postal_code: str | None, errors: list[Diagnostic]) -> str | None:
    """The key of the commune of a venue in the Brussels-Capital Region: its postal code's,
    or the one its municipality names (in French or Dutch) among them."""
    candidates = communes.BY_POSTAL_CODE.get(postal_code or "", ())
    chosen: communes.Commune | None = None
    for value, (path, line, column) in item.venue_texts.get("municipality", {}).values():
        named = communes.by_name(value)
        if not candidates:          # outside the region: the town as written
            if named is None or postal_code:
                continue
        elif named is None:
            errors.append(Diagnostic(path, msg(
                "{value!r} is not one of the 19 communes of the Brussels-Capital Region",
                value=value), line, column, "venue.municipality", did_you_mean(
                    value, [n for c in communes.COMMUNES for n in c.names.texts.values()],
                    msg("for {code} it is {commune}", code=postal_code,
                        commune=commune_name([candidates[0]])))))
            continue
        elif named not in candidates:
            errors.append(Diagnostic(path, msg(
                "the postal code {code} is in {expected}, not in {value}", code=postal_code,
                expected=commune_name(candidates), value=value), line, column,
                "venue.municipality", msg("check the postal code and the commune")))
            continue
        if chosen is not None and named is not chosen:
            errors.append(Diagnostic(path, msg("names {value}, where another language names "
                                               "{other}", value=value,
                                               other=commune_name([chosen])), line, column,
                                     "venue.municipality",
                                     msg("name the same commune in every language")))
            continue
        chosen = named
    if chosen is None and candidates and "municipality" not in item.venue_texts:
        chosen = candidates[0]
    return chosen.key if chosen else None


def _local(moment: dt.datetime | dt.date) -> dt.datetime | dt.date:
    if isinstance(moment, dt.datetime):
        return moment.replace(tzinfo=TIMEZONE) if moment.tzinfo is None else moment.astimezone(TIMEZONE)
    return moment


def _sort_moment(moment: dt.datetime | dt.date) -> dt.datetime:
    if isinstance(moment, dt.datetime):
        return moment
    return dt.datetime.combine(moment, dt.time(), TIMEZONE)


def _check_terms(item: _Item, at: yamlio.FieldPath, keys: Sequence[str], facet: Facet | None,
                 errors: list[Diagnostic], is_list: bool = True) -> None:
    """Every key is a term of `facet`, reported at its own line (`at`: the field's path)."""
    if facet is None:
        return
    rel_path, positions = item.origin[str(at[0])]
    for index, key in enumerate(keys):
        path = (*at, index) if is_list else at
        hint: Message | None
        if (label := label_problem(key, facet, path)) is not None:
            message, hint = label
        elif key not in facet.terms:
            message, hint = not_a_term(key, facet.key), terms_hint(key, facet)
        else:
            continue
        errors.append(Diagnostic(rel_path, message, *positions.of_value(path),
                                 yamlio.dotted(path), hint))


def _check_members(item: _Item, at: yamlio.FieldPath, slugs: Sequence[str], known: Collection[str],
                   unloaded: Collection[str], errors: list[Diagnostic]) -> None:
    """Every slug names a member folder, reported at its own line. A folder that exists
    but did not load (`unloaded`) has its errors in its own files: nothing is said here."""
    if not slugs:
        return
    rel_path, positions = item.origin[str(at[0])]
    for index, slug in enumerate(slugs):
        if slug not in known and slug not in unloaded:
            path = (*at, index)
            errors.append(Diagnostic(rel_path, msg("there is no member {slug!r}", slug=slug),
                                     *positions.of_value(path), yamlio.dotted(path),
                                     did_you_mean(slug, sorted(known), msg(
                                         "use the name of a folder in members/"))))


def _event(item: _Item, facets: Mapping[str, Facet], members: set[str],
           unloaded: Collection[str], languages: Sequence[str],
           errors: list[Diagnostic]) -> Event | None:
    shared = item.shared
    _check_terms(item, ("type",), [shared["type"]], facets.get("event_types"), errors,
                 is_list=False)
    start = _local(shared["start"])
    end = _local(shared.get("end", shared["start"]))
    if isinstance(start, dt.datetime) != isinstance(end, dt.datetime):
        errors.append(item.error("end", msg("start and end must both be dates (all day) or "
                                            "both dates with a time"),
                                 msg("for example start: 2026-12-10 09:30 and end: 2026-12-10 "
                                     "12:30")))
    elif _sort_moment(end) < _sort_moment(start):
        errors.append(item.error("end", msg("the event ends before it starts")))
    if "venue" not in shared and not shared.get("online"):
        errors.append(Diagnostic(item.first_doc(list(item.docs)).source.rel_path,
                                 msg("an event needs a venue or `online: true`"), 1, None,
                                 "venue", msg("for example {example}", example=example(
                                     'venue: {{name: hub.brussels, street: Rue Royale 2, '
                                     'postal_code: "1000", municipality: Bruxelles}}'))))
    _check_members(item, ("members",), shared.get("members", []), members, unloaded, errors)
    if "currency" in shared and "price" not in shared:
        errors.append(item.error("currency", msg("a currency is given without a price"),
                                 msg("give the price too, for example {example}",
                                     example="price: 25")))
    if errors:
        return None
    venue = _venue(item, languages, errors) if "venue" in shared else None
    if errors:
        return None
    return Event(
        name=item.name, texts=dict(item.texts), type=shared["type"], start=start, end=end,
        venue=venue,
        online=bool(shared.get("online")), registration=shared.get("registration"),
        members=tuple(shared.get("members", [])), draft=bool(shared.get("draft")),
        registration_at=item.where("registration") if "registration" in shared else None,
        price=shared.get("price"), currency=shared.get("currency", "EUR"))


def _campaign(config: SiteConfig, item: _Item, facets: Mapping[str, Facet], members: set[str],
              unloaded: Collection[str], page_names: set[str],
              errors: list[Diagnostic]) -> Campaign | None:
    shared = item.shared
    if shared["end"] < shared["start"]:
        errors.append(item.error("end", msg("the campaign ends before it starts")))
    cta = shared["cta"]
    if "page" in cta and cta["page"] not in page_names:
        errors.append(item.error("cta", msg("there is no page named {name!r}", name=cta["page"]),
                                 did_you_mean(cta["page"], sorted(page_names)), "cta.page"))
    for lang, text in item.texts.items():
        if not text.cta_label:
            errors.append(Diagnostic(text.rel_path, msg(REQUIRED), *_title_at(item, lang),
                                     "cta_label", msg("the label of the button in this language")))
    features = shared.get("features", {})
    _check_members(item, ("features", "members"), features.get("members", []), members,
                   unloaded, errors)
    for group in ("member_facets", "offer_facets"):
        for facet_key, keys in features.get(group, {}).items():
            _check_terms(item, ("features", group, facet_key), keys, facets.get(facet_key),
                         errors)
    hero = None
    if "hero" in shared:
        hero = _hero(config, item, shared["hero"], errors)
        for lang, text in item.texts.items():
            if hero is not None and not text.hero_alt:
                errors.append(Diagnostic(
                    text.rel_path, msg("describe the hero image for screen readers"),
                    *_title_at(item, lang), "hero_alt", msg("for example {example}", example=example(
                        'hero_alt: "Un atelier de réparation de vélos"'))))
    if errors:
        return None
    return Campaign(
        name=item.name, texts=dict(item.texts), start=shared["start"], end=shared["end"],
        cta=dict(cta), hero=hero, members=tuple(features.get("members", [])),
        member_facets={k: tuple(v) for k, v in features.get("member_facets", {}).items()},
        offer_facets={k: tuple(v) for k, v in features.get("offer_facets", {}).items()},
        draft=bool(shared.get("draft")))


def _title_at(item: _Item, lang: str) -> tuple[int, int]:
    """Where a text missing from one language file goes: by its title, the first of the
    texts of that language."""
    return item.docs[lang].positions.of_key(("title",))


def _hero(config: SiteConfig, item: _Item, name: str, errors: list[Diagnostic]) -> Image | None:
    path, line, column = item.where("hero")
    folder = config.content_dir / "campaigns"
    if "/" in name or "\\" in name or name.startswith("."):
        errors.append(Diagnostic(path, msg("{name!r} must be the name of a file in "
                                           "content/campaigns/", name=name), line, column,
                                 "hero", msg("write only the file name, for example hero.jpg")))
        return None
    file = folder / name
    if file.is_symlink() or not file.is_file():
        errors.append(Diagnostic(path, msg("there is no file {name!r} in content/campaigns/",
                                           name=name), line, column, "hero"))
        return None
    try:
        return images.inspect(file, path, line, column, "hero")
    except ContentError as exc:
        errors.append(exc.diagnostic)
        return None


def _check_slugs(config: SiteConfig, items: Sequence[Event | NewsItem | Campaign],
                 diagnostics: list[Diagnostic]) -> None:
    """Within a section, two items may not share a URL in any language."""
    for lang in config.languages:
        taken: dict[tuple[str, str], str] = {}
        for item in items:
            text = item.text(lang, config.fallback_order)
            key = (type(item).__name__, text.slug)
            if key in taken and taken[key] != text.rel_path:
                diagnostics.append(Diagnostic(text.rel_path, msg(
                    "the slug {slug!r} is already used by {other}", slug=text.slug,
                    other=taken[key]), *text.slug_at, field="slug",
                    hint=msg("choose another slug")))
            taken.setdefault(key, text.rel_path)
