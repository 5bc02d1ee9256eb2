"""members/<slug>/ -> Member: the member's files read, validated and checked.

A member folder holds member.yaml, the long description per language (fr.md, nl.md),
the logo it names and nothing else. Everything a member can get wrong is reported with
the file, line and field, and a hint; one member's problems never hide another's.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import phonenumbers

from circlemade_site import communes, spoofing
from circlemade_site.config import SiteConfig
from circlemade_site.errors import N_, ContentError, Diagnostic, Message, Named, did_you_mean, msg
from circlemade_site.files import read_limited
from circlemade_site.i18n import Localized
from circlemade_site.load import diagnose, examples, images, markdown_checks, schema, yamlio
from circlemade_site.load.diagnose import MISSING_LANGUAGE, MISSING_LANGUAGE_HINT
from circlemade_site.load.settings import read_yaml_file
from circlemade_site.load.sources import MAX_MARKDOWN_BYTES, bidi_control, rel
from circlemade_site.models import (
    HIDEABLE,
    IN,
    MATERIAL_NEED,
    OUT,
    Facet,
    Flow,
    Image,
    Member,
    Need,
    Offer,
    Person,
    Quantity,
    Reference,
    Term,
)
from circlemade_site.slugs import SLUG_RE, fold, slugify, sort_key

MEMBER_FILE = "member.yaml"
# what Finder and Windows Explorer leave in folders: a warning, never read nor published;
# every other name starting with a dot (.well-known/, .payload.html...) is an error
OS_LITTER = frozenset({".ds_store", "thumbs.db", "desktop.ini"})
Problem = Callable[..., None]      # problem(field path, message, hint=None, at_key=False)
# messages the profile builder gives in the browser too (plan/builder.py)
NOT_A_POSTAL_CODE = N_("{value!r} is not the postal code of a commune of the Brussels-Capital "
                       "Region")
NOT_A_POSTAL_CODE_HINT = N_("for example 1000 (Bruxelles), 1060 (Saint-Gilles), 1080 "
                            "(Molenbeek-Saint-Jean)")
MATERIALS_NEEDED = N_("a need of type material names its materials")


def builder_messages() -> dict[str, str]:
    return {"missing_language": MISSING_LANGUAGE, "missing_language_hint":
            MISSING_LANGUAGE_HINT, "not_a_postal_code": NOT_A_POSTAL_CODE,
            "not_a_postal_code_hint": NOT_A_POSTAL_CODE_HINT, "materials_needed": MATERIALS_NEEDED}
VOCABULARIES_FILE = "content/vocabularies.yaml"
# the paths of member.yaml, for `hidden` (a field that exists but is public by design)
MEMBER_FIELDS = frozenset([*schema.MemberFront.model_fields,
                           *(f"address.{f}" for f in schema.Address.model_fields),
                           *(f"contact.{f}" for f in schema.Contact.model_fields)])


# -- vocabularies ---------------------------------------------------------------------------

def load_vocabularies(config: SiteConfig, diagnostics: list[Diagnostic]) -> dict[str, Facet]:
    path = config.root / VOCABULARIES_FILE
    if not path.is_file():
        diagnostics.append(Diagnostic(VOCABULARIES_FILE, msg("the vocabularies file is missing"),
                                      hint=msg("it lists member types, activities, sectors and "
                                               "audiences")))
        return {}
    try:
        data, positions = read_yaml_file(path, VOCABULARIES_FILE)
    except ContentError as exc:
        diagnostics.append(exc.diagnostic)
        return {}
    parsed = diagnose.validate(schema.VocabulariesFile, data, positions, VOCABULARIES_FILE, diagnostics)
    if parsed is None:
        return {}
    facets: dict[str, Facet] = {}
    for key in schema.VocabulariesFile.model_fields:
        raw: schema.Facet = getattr(parsed, key)
        for lang in config.languages:
            if lang not in raw.segment:
                diagnostics.append(Diagnostic(
                    VOCABULARIES_FILE, msg("no URL segment for language {lang!r}", lang=lang),
                    *positions.of_value((key, "segment")), f"{key}.segment"))
        if key == "communes":
            labels = {c.key: c.names for c in communes.COMMUNES}
        else:
            labels = {term: Localized(dict(texts)) for term, texts in raw.terms.items()}
        terms: dict[str, Term] = {}
        for term_key, label in labels.items():
            slugs = {lang: slugify(label.get(lang, config.fallback_order)[0]) or term_key
                     for lang in config.languages}
            terms[term_key] = Term(term_key, label, slugs)
        for lang in config.languages:
            seen: dict[str, str] = {}
            for term in terms.values():
                if (other := seen.get(term.slugs[lang])) is not None:
                    diagnostics.append(Diagnostic(
                        VOCABULARIES_FILE, msg("the labels of {other!r} and {key!r} give the "
                                               "same URL in {lang!r}", other=other,
                                               key=term.key, lang=lang),
                        *positions.of_key((key, "terms", term.key)), f"{key}.terms.{term.key}",
                        msg("make the labels different")))
                seen[term.slugs[lang]] = term.key
        if key == "directions" and set(terms) != {OUT, IN}:
            diagnostics.append(Diagnostic(
                VOCABULARIES_FILE, msg("the directions of a flow are {out!r} and {in_!r}, "
                                       "nothing else", out=OUT, in_=IN),
                *positions.of_value((key, "terms")), f"{key}.terms",
                msg("for example {example}", example=f"`terms: {{{OUT}: {{fr: Sous-produits}}, "
                                                     f"{IN}: {{fr: Intrants}}}}`")))
        facets[key] = Facet(key, Localized(dict(raw.label)), dict(raw.segment), terms)
    return facets


_NOT_A_TERM = {
    "kind": N_("{key!r} is not a known member type (see {file})"),
    "activities": N_("{key!r} is not a known activity (see {file})"),
    "sectors": N_("{key!r} is not a known sector (see {file})"),
    "audiences": N_("{key!r} is not a known audience (see {file})"),
    "communes": N_("{key!r} is not a known commune (see {file})"),
    "event_types": N_("{key!r} is not a known event type (see {file})"),
    "need_types": N_("{key!r} is not a known need type (see {file})"),
    "materials": N_("{key!r} is not a known material (see {file})"),
    "directions": N_("{key!r} is not a known direction (see {file})"),
    "certifications": N_("{key!r} is not a known label or certification (see {file})"),
}


def not_a_term(key: str, facet_key: str) -> Message:
    """"'repiar' is not a known activity (see content/vocabularies.yaml)"."""
    template = _NOT_A_TERM.get(facet_key, N_("{key!r} is not a known term of `{facet}` (see "
                                             "{file})"))
    return msg(template, key=key, facet=facet_key, file=VOCABULARIES_FILE)


def terms_hint(key: str, facet: Facet) -> Message | None:
    return did_you_mean(key, facet.terms, msg("expected one of: {choices}",
                                              choices=", ".join(facet.terms)))


def _letters(text: str) -> str:
    return re.sub(r"[\W_]+", "", fold(text))


def meant_key(value: str, facet: Facet) -> str | None:
    """The key of `facet` that `value` stands for: one of its labels ('Réemploi',
    'hergebruik') or the key written another way ('Eco Design'), ignoring case, accents,
    spaces and punctuation; None if it is a key already or stands for none."""
    if value in facet.terms:
        return None
    wanted = _letters(value)
    for term in facet.terms.values():
        if wanted in (_letters(term.key), *map(_letters, term.label.texts.values())):
            return term.key
    return None


def label_problem(value: str, facet: Facet, path: yamlio.FieldPath) -> tuple[Message, Message] | None:
    """"'réemploi' is a label, not a key: write its key 'reuse'", with an example of the
    field (`activities: [reuse]`), when `value` stands for a key of `facet`."""
    key = meant_key(value, facet)
    if key is None:
        return None
    field = next((str(part) for part in reversed(path) if isinstance(part, str)), facet.key)
    shown = f"[{key}]" if path and isinstance(path[-1], int) else key
    hint = msg(diagnose.EXAMPLE_HINT, key=field, value=shown)
    if _letters(value) == _letters(key):
        return msg("{value!r} is not written as its key: write {key!r}", value=value,
                   key=key), hint
    return msg("{value!r} is a label, not a key: write its key {key!r}", value=value,
               key=key), hint


# where member.yaml takes a vocabulary key: the field path without list indexes -> facet
MEMBER_VOCABULARIES: Mapping[tuple[str, ...], str] = {
    ("kind",): "kind", ("activities",): "activities", ("sectors",): "sectors",
    ("offers", "audiences"): "audiences", ("offers", "activities"): "activities",
    ("needs", "type"): "need_types", ("needs", "materials"): "materials",
    ("needs", "activities"): "activities", ("flows", "direction"): "directions",
    ("flows", "material"): "materials",
}


def explain_labels(facets: Mapping[str, Facet],
                   vocabulary_of: Callable[[tuple[str, ...]], str | None]) -> diagnose.Explain:
    """For diagnose.validate: a refused text where a vocabulary key goes is explained by
    the key it stands for (`vocabulary_of` names the facet of a field path)."""
    def explain(loc: yamlio.FieldPath, value: str) -> tuple[Message, Message | None] | None:
        facet = facets.get(vocabulary_of(tuple(str(p) for p in loc if isinstance(p, str))) or "")
        return label_problem(value, facet, loc) if facet is not None else None
    return explain


# -- members --------------------------------------------------------------------------------

def discover(config: SiteConfig, diagnostics: list[Diagnostic]) -> list[Path]:
    """The member folders, in a stable order. A folder without member.yaml is an error:
    its owner would otherwise wonder why their profile is missing."""
    root = config.members_dir
    if not root.is_dir():
        return []
    found = []
    root_rel = rel(config, root)
    with os.scandir(root) as entries:     # scandir: no stat per folder, thousands of them
        listed = sorted(entries, key=lambda e: e.name)
    for entry in listed:
        path = Path(entry.path)
        rel_path = f"{root_rel}/{entry.name}"
        if entry.name in ("README.md", "README.fr.md", "README.nl.md"):
            continue
        if is_os_litter(path):
            diagnostics.append(litter_warning(rel_path))
            continue
        if entry.name.startswith("."):
            diagnostics.append(Diagnostic(
                rel_path, msg("a name starting with a dot is not allowed in members/"),
                hint=msg("each member has a folder: members/<slug>/member.yaml")))
            continue
        if entry.is_symlink() or not entry.is_dir(follow_symlinks=False):
            diagnostics.append(Diagnostic(
                rel_path, msg("unexpected file in members/"),
                hint=msg("each member has a folder: members/<slug>/member.yaml")))
            continue
        if not SLUG_RE.match(entry.name):
            diagnostics.append(Diagnostic(
                rel_path, msg("the folder name {name!r} is not a valid slug", name=entry.name),
                hint=msg("use lowercase letters, digits and hyphens, for example {example!r}",
                         example=slugify(entry.name) or "atelier-exemple")))
            continue
        if not os.path.isfile(os.path.join(entry.path, MEMBER_FILE)):
            nested = sorted(p for p in path.rglob(MEMBER_FILE))
            hint = (msg("move {found} up to {expected}", found=rel(config, nested[0]),
                        expected=f"{rel_path}/{MEMBER_FILE}") if nested
                    else msg("run `circlemade new member {slug}` to create one", slug=entry.name))
            diagnostics.append(Diagnostic(rel_path, msg("this member folder has no {file}",
                                                        file=MEMBER_FILE), hint=hint))
            continue
        found.append(path)
    return found


def is_os_litter(path: Path) -> bool:
    """`.DS_Store`, `._name` (macOS), `Thumbs.db`, `desktop.ini` (Windows): a plain file."""
    name = path.name
    return (name.casefold() in OS_LITTER or name.startswith("._")) and \
        not path.is_symlink() and path.is_file()


def litter_warning(rel_path: str) -> Diagnostic:
    return Diagnostic(rel_path, msg("a file your operating system made: it is ignored and "
                                    "never published"),
                      hint=msg("delete it from your pull request"), severity="warning")


def load_member(config: SiteConfig, folder: Path, facets: Mapping[str, Facet],
                diagnostics: list[Diagnostic]) -> Member | None:
    """Read and validate one member folder; None (with diagnostics) if anything is wrong."""
    slug = folder.name
    rel_dir = rel(config, folder)
    yaml_rel = f"{rel_dir}/{MEMBER_FILE}"
    errors: list[Diagnostic] = []
    try:
        data, positions = read_yaml_file(folder / MEMBER_FILE, yaml_rel)
    except ContentError as exc:
        diagnostics.append(exc.diagnostic)
        return None
    front = diagnose.validate(schema.MemberFront, data, positions, yaml_rel, errors,
                              explain_labels(facets, MEMBER_VOCABULARIES.get))

    def problem(path: yamlio.FieldPath, message: str, hint: str | None = None,
                at_key: bool = False) -> None:
        line, column = positions.of_key(path) if at_key else positions.of_value(path)
        errors.append(Diagnostic(yaml_rel, message, line, column, yamlio.dotted(path), hint))

    descriptions, description_lines = _descriptions(config, folder, rel_dir, errors)
    logo = None
    if front is not None:
        errors.extend(examples.in_values(data, positions, yaml_rel))
        for lang, body in descriptions.items():
            errors.extend(examples.in_body(body, *description_lines[lang]))
            diagnostics.extend(markdown_checks.removed(body, *description_lines[lang]))
        diagnostics.extend(_missing_translations(config, front, positions, yaml_rel))
        _check_localized(config, front, problem)
        _check_terms(facets, front, problem)
        _check_opportunities(front, problem)
        _check_hidden(front, problem)
        _check_hidden_mentions(front, descriptions, description_lines, problem, errors)
        commune = _commune(front, problem)
        if front.logo is not None:
            logo = _logo(folder, yaml_rel, front.logo, positions, errors)
    raw_logo = data.get("logo") if isinstance(data, dict) else None
    _check_files(config, folder, rel_dir, raw_logo if isinstance(raw_logo, str) else None, errors,
                 diagnostics)
    diagnostics.extend(errors)
    if errors or front is None:
        return None
    offers = tuple(
        Offer(slug, index, Localized(dict(o.title)), Localized(dict(o.summary)),
              tuple(o.audiences), tuple(o.activities) or tuple(front.activities),
              cpv=tuple(o.cpv), certifications=tuple(o.certifications),
              references=tuple(Reference(r.client, r.year, r.link) for r in o.references),
              area_served=o.area_served,
              minimum_order=Localized(dict(o.minimum_order)) if o.minimum_order else None,
              lead_time=Localized(dict(o.lead_time)) if o.lead_time else None)
        for index, o in enumerate(front.offers, 1))
    needs = tuple(
        Need(slug, index, Localized(dict(n.title)), Localized(dict(n.summary)), n.type,
             tuple(n.materials), tuple(n.activities), n.since, n.until)
        for index, n in enumerate(front.needs, 1))
    flows = tuple(
        Flow(slug, index, f.direction, f.material,
             f.waste_code.rstrip("*") if f.waste_code else None,
             bool(f.waste_code and f.waste_code.endswith("*")),
             Quantity(f.quantity.amount, f.quantity.unit, f.quantity.per) if f.quantity else None,
             Localized(dict(f.summary)), f.since, f.until)
        for index, f in enumerate(front.flows, 1))
    person = front.contact.person
    return Member(
        slug=slug, name=front.name, kind=front.kind, enterprise_number=front.enterprise_number,
        member_since=front.member_since, tagline=Localized(dict(front.tagline)),
        activities=tuple(front.activities), sectors=tuple(front.sectors),
        street=per_language(front.address.street, config.languages),
        postal_code=front.address.postal_code,
        commune=commune or "", email=front.contact.email, phone=front.contact.phone,
        website=front.contact.website, linkedin=front.contact.linkedin, logo=logo,
        offers=offers, description=Localized(descriptions),
        description_lines=description_lines, rel_dir=rel_dir, needs=needs, flows=flows,
        maintainers=tuple(front.maintainers),
        person=Person(person.name, Localized(dict(person.role or {})), person.public)
        if person else None,
        hidden=tuple(front.hidden), reviewed=front.reviewed,
        at=tuple((field, *positions.of_value((field,))) for field in ("name", "enterprise_number")))


@functools.lru_cache(maxsize=1 << 16)
def name_keys(name: str) -> frozenset[str]:
    """The forms under which two names are the same name: ignoring case, accents and
    punctuation, and looking alike (the TS #39 skeleton, which is case-sensitive, of the
    name and of its folded form: 'RecabIe' with a capital I, 'Rеcаblе' with Cyrillic е
    and а, 'Recab1e' are all 'Recable'). Invisible characters count for nothing."""
    def letters(text: str) -> str:
        return "".join(ch for ch in text if ch.isalnum() and not spoofing.is_default_ignorable(ch))
    return frozenset({letters(fold(name)), letters(spoofing.skeleton(name)),
                      letters(spoofing.skeleton(fold(name)))})


def _same_letters(name: str, other: str) -> bool:
    return [ch for ch in fold(name) if ch.isalnum()] == [ch for ch in fold(other) if ch.isalnum()]


def check_unique(members: Sequence[Member], diagnostics: list[Diagnostic],
                 established: frozenset[str] | None = None) -> list[Member]:
    """Refuse a second member with the name (ignoring case, accents and punctuation, or
    looking alike in any script: `name_keys`) or the enterprise number of another. In a
    pull request's check, the folders of its base commit (`established`) keep theirs: a
    newcomer gets the error whatever date it writes. Among the others, and without a
    base, the earliest `member_since` (then the folder name) keeps it."""
    by_name: dict[str, Member] = {}
    by_number: dict[str, Member] = {}
    kept = []
    known = established if established is not None else frozenset()
    for member in sorted(members, key=lambda m: (m.slug not in known, m.member_since, m.slug)):
        keys = name_keys(member.name)
        if (other := next((by_name[k] for k in sorted(keys) if k in by_name), None)) is not None:
            diagnostics.append(Diagnostic(
                f"{member.rel_dir}/{MEMBER_FILE}", msg("the name {name!r} is already used by "
                                                       "{other}", name=member.name,
                                                       other=other.rel_dir)
                if _same_letters(member.name, other.name) else msg("the name {name!r} looks like {other_name!r}, the name of {other}",
                         name=member.name, other_name=other.name, other=other.rel_dir),
                *member.line_of("name"), field="name",
                hint=msg("each member has its own name; if this is your organisation, edit "
                         "that folder")))
            continue
        if member.enterprise_number and (other := by_number.get(member.enterprise_number)):
            diagnostics.append(Diagnostic(
                f"{member.rel_dir}/{MEMBER_FILE}", msg(
                    "the enterprise number {number} is already used by {other}",
                    number=member.enterprise_number, other=other.rel_dir),
                *member.line_of("enterprise_number"), field="enterprise_number", hint=msg("each organisation has one profile")))
            continue
        for key in keys:
            by_name.setdefault(key, member)
        if member.enterprise_number:
            by_number[member.enterprise_number] = member
        kept.append(member)
    return sorted(kept, key=lambda m: sort_key(m.name))


def _missing_translations(config: SiteConfig, front: schema.MemberFront,
                          positions: yamlio.Positions, yaml_rel: str) -> list[Diagnostic]:
    """A warning for a tagline without one of the required languages (Dutch pages would
    show the French one): the profile is published, but half of Brussels reads it in the
    other language."""
    if config.default_language not in front.tagline:
        return []            # an error already
    return [Diagnostic(yaml_rel, msg("the tagline has no text in {lang!r}: its pages show the "
                                     "{default!r} one", lang=lang,
                                     default=config.default_language),
                       *positions.of_value(("tagline",)), "tagline",
                       msg("add it, for example `tagline: {{{default}: ..., {lang}: ...}}`",
                           default=config.default_language, lang=lang), severity="warning")
            for lang in config.required_languages if lang not in front.tagline]


def _check_localized(config: SiteConfig, front: schema.MemberFront, problem: Problem) -> None:
    fields: list[tuple[yamlio.FieldPath, Mapping[str, str]]] = [(("tagline",), front.tagline)]
    for i, offer in enumerate(front.offers):
        fields += [(("offers", i, "title"), offer.title), (("offers", i, "summary"), offer.summary)]
        fields += [(("offers", i, key), texts) for key, texts in
                   (("minimum_order", offer.minimum_order), ("lead_time", offer.lead_time))
                   if texts is not None]
    for i, need in enumerate(front.needs):
        fields += [(("needs", i, "title"), need.title), (("needs", i, "summary"), need.summary)]
    for i, flow in enumerate(front.flows):
        fields.append((("flows", i, "summary"), flow.summary))
    if front.contact.person is not None and front.contact.person.role is not None:
        fields.append((("contact", "person", "role"), front.contact.person.role))
    if isinstance(front.address.street, dict):     # one text is every language's
        fields.append((("address", "street"), front.address.street))
    for path, texts in fields:
        for lang in texts:
            if lang not in config.languages:
                problem((*path, lang), msg("{lang!r} is not a language of the site", lang=lang),
                        msg("languages are {languages}", languages=", ".join(config.languages)),
                        at_key=True)
        if config.default_language not in texts:
            problem(path, msg(MISSING_LANGUAGE, lang=config.default_language),
                    msg(MISSING_LANGUAGE_HINT, field=path[-1], lang=config.default_language))


def _check_terms(facets: Mapping[str, Facet], front: schema.MemberFront, problem: Problem) -> None:
    def check(facet_key: str, path: yamlio.FieldPath, keys: Sequence[str], is_list: bool = True) -> None:
        facet = facets.get(facet_key)
        if facet is None:
            return
        for i, key in enumerate(keys):
            item_path = (*path, i) if is_list else path
            if keys.index(key) != i:
                problem(item_path, msg("{key!r} is listed twice", key=key),
                        msg("remove one of them"))
            elif (label := label_problem(key, facet, item_path)) is not None:
                problem(item_path, *label)
            elif key not in facet.terms:
                problem(item_path, not_a_term(key, facet_key), terms_hint(key, facet))

    check("kind", ("kind",), [front.kind], is_list=False)
    check("activities", ("activities",), front.activities)
    check("sectors", ("sectors",), front.sectors)
    for i, offer in enumerate(front.offers):
        check("audiences", ("offers", i, "audiences"), offer.audiences)
        check("activities", ("offers", i, "activities"), offer.activities)
        check("certifications", ("offers", i, "certifications"), offer.certifications)
        _check_cpv(facets, ("offers", i, "cpv"), offer.cpv, problem)
    for i, need in enumerate(front.needs):
        check("need_types", ("needs", i, "type"), [need.type], is_list=False)
        check("materials", ("needs", i, "materials"), need.materials)
        check("activities", ("needs", i, "activities"), need.activities)
    for i, flow in enumerate(front.flows):
        check("directions", ("flows", i, "direction"), [flow.direction], is_list=False)
        check("materials", ("flows", i, "material"), [flow.material], is_list=False)


def _check_cpv(facets: Mapping[str, Facet], path: yamlio.FieldPath, codes: Sequence[str],
               problem: Problem) -> None:
    """A CPV code's first two digits are a division of `cpv_divisions`. Its check digit is
    not verified: the rule is not published with the vocabulary."""
    divisions = facets.get("cpv_divisions")
    if divisions is None:
        return
    for i, code in enumerate(codes):
        if codes.index(code) != i:
            problem((*path, i), msg("{key!r} is listed twice", key=code), msg("remove one of them"))
        elif code[:2] not in divisions.terms:
            problem((*path, i), msg("{code!r} does not start with a division of the Common "
                                    "Procurement Vocabulary (see {file})", code=code,
                                    file=VOCABULARIES_FILE),
                    msg("its first two digits are one of: {choices}",
                        choices=", ".join(divisions.terms)))


def _check_opportunities(front: schema.MemberFront, problem: Problem) -> None:
    """What the schema cannot say alone: a material need names its materials; a window
    ends after it starts."""
    for i, need in enumerate(front.needs):
        if need.type == MATERIAL_NEED and not need.materials:
            problem(("needs", i, "type"), msg(MATERIALS_NEEDED),
                    msg("for example `materials: [wood]`, keys of `materials` in {file}",
                        file=VOCABULARIES_FILE))
    windows = [("needs", i, n.since, n.until) for i, n in enumerate(front.needs)]
    windows += [("flows", i, f.since, f.until) for i, f in enumerate(front.flows)]
    for kind, i, since, until in windows:
        if until is not None and until < since:
            problem((kind, i, "until"), msg("ends ({until}) before it is posted ({since})",
                                            until=until, since=since),
                    msg("`until` is the last day it is published, on or after `since`"))


def _check_hidden(front: schema.MemberFront, problem: Problem) -> None:
    """`hidden` names fields a member may withhold (models.HIDEABLE), each once."""
    hideable = msg("fields that can be hidden: {fields}", fields=", ".join(HIDEABLE))
    for i, path in enumerate(front.hidden):
        if front.hidden.index(path) != i:
            problem(("hidden", i), msg("{key!r} is listed twice", key=path),
                    msg("remove one of them"))
        elif path in HIDEABLE:
            continue
        elif path in ("address.postal_code", "address.municipality"):
            problem(("hidden", i), msg("{path!r} cannot be hidden, as the directory lists every "
                                       "member under its commune", path=path),
                    msg("hide the street alone with `hidden: [address.street]`"))
        elif path in MEMBER_FIELDS:
            problem(("hidden", i), msg("{path!r} cannot be hidden", path=path), hideable)
        else:
            problem(("hidden", i), msg("{path!r} is not a field that can be hidden", path=path),
                    did_you_mean(path, HIDEABLE, hideable))


# what a text of the member's own says when it gives away a value `hidden` withholds
HIDDEN_MENTIONED = {
    "contact.email": N_("this text gives the e-mail address that `hidden` withholds"),
    "contact.phone": N_("this text gives the phone number that `hidden` withholds"),
    "contact.linkedin": N_("this text gives the LinkedIn address that `hidden` withholds"),
    "address.street": N_("this text gives the street that `hidden` withholds"),
    "enterprise_number": N_("this text gives the enterprise number that `hidden` withholds"),
}


def _mention_finders(front: schema.MemberFront) -> dict[str, Callable[[str], bool]]:
    """For each hidden field with a value: does a text give it away, in any of its forms
    (a phone number spaced or not, national or international; an enterprise number with or
    without dots or BE)?"""
    finders: dict[str, Callable[[str], bool]] = {}
    contact = front.contact
    for path in front.hidden:
        if path == "contact.phone" and contact.phone:
            finders[path] = functools.partial(_gives_phone, phonenumbers.parse(contact.phone, "BE"))
        elif path == "contact.email" and contact.email:
            finders[path] = functools.partial(_gives_text, contact.email.casefold())
        elif path == "contact.linkedin" and contact.linkedin:
            address = contact.linkedin.split("://", 1)[-1].rstrip("/").casefold()
            finders[path] = functools.partial(_gives_text, address)
        elif path == "address.street":     # in every language it is given in
            street = front.address.street
            finders[path] = functools.partial(_gives_any, tuple(
                text.casefold() for text in ([street] if isinstance(street, str) else street.values())))
        elif path == "enterprise_number" and front.enterprise_number:
            finders[path] = functools.partial(_gives_digits, front.enterprise_number.replace(".", ""))
    return finders


def _gives_text(needle: str, text: str) -> bool:
    return needle in text.casefold()


def _gives_any(needles: Sequence[str], text: str) -> bool:
    folded = text.casefold()
    return any(needle in folded for needle in needles)


def per_language(value: str | Mapping[str, str], languages: Sequence[str]) -> Localized:
    """A text given once (shared by every language of the site) or per language
    (`street: {fr: Rue de la Loi 16, nl: Wetstraat 16}`), as a Localized."""
    if isinstance(value, str):
        return Localized({lang: value for lang in languages})
    return Localized(dict(value))


def _gives_phone(number: phonenumbers.PhoneNumber, text: str) -> bool:
    return any(found.number == number for found in phonenumbers.PhoneNumberMatcher(text, "BE"))


def _gives_digits(digits: str, text: str) -> bool:
    return digits in re.sub(r"[\s./-]", "", text)


def _check_hidden_mentions(front: schema.MemberFront, descriptions: Mapping[str, str],
                           description_lines: Mapping[str, tuple[str, int]], problem: Problem,
                           errors: list[Diagnostic]) -> None:
    """A hidden value must not come back through the member's own texts: the tagline,
    the offers, needs and flows, the contact person's role and the descriptions."""
    finders = _mention_finders(front)
    if not finders:
        return
    texts: list[tuple[yamlio.FieldPath, Mapping[str, str]]] = [(("tagline",), front.tagline)]
    for i, offer in enumerate(front.offers):
        texts += [(("offers", i, "title"), offer.title), (("offers", i, "summary"), offer.summary)]
    for i, need in enumerate(front.needs):
        texts += [(("needs", i, "title"), need.title), (("needs", i, "summary"), need.summary)]
    for i, flow in enumerate(front.flows):
        texts.append((("flows", i, "summary"), flow.summary))
    if front.contact.person is not None and front.contact.person.role:
        texts.append((("contact", "person", "role"), front.contact.person.role))
    for path, find in finders.items():
        hint = msg("remove it from the text, or take {path} out of `hidden`", path=path)
        for field, by_lang in texts:
            for lang, value in by_lang.items():
                if find(value):
                    problem((*field, lang), msg(HIDDEN_MENTIONED[path]), hint)
        for lang, body in descriptions.items():
            rel_path, first = description_lines[lang]
            for number, line in enumerate(body.splitlines()):
                if find(line):
                    errors.append(Diagnostic(rel_path, msg(HIDDEN_MENTIONED[path]),
                                             first + number, hint=hint))


def _commune(front: schema.MemberFront, problem: Problem) -> str | None:
    address = front.address
    candidates = communes.BY_POSTAL_CODE.get(address.postal_code)
    if not candidates:
        problem(("address", "postal_code"), msg(NOT_A_POSTAL_CODE, value=address.postal_code),
                msg(NOT_A_POSTAL_CODE_HINT))
        return None
    if address.municipality is None:
        return candidates[0].key
    named = communes.by_name(address.municipality)
    if named is None:
        problem(("address", "municipality"), msg(
                    "{value!r} is not one of the 19 communes of the Brussels-Capital Region",
                    value=address.municipality),
                did_you_mean(address.municipality,
                             [n for c in communes.COMMUNES for n in c.names.texts.values()],
                             msg("for {code} it is {commune}", code=address.postal_code,
                                 commune=commune_name([candidates[0]]))))
        return None
    if named not in candidates:
        problem(("address", "municipality"), msg(
                    "the postal code {code} is in {expected}, not in {value}",
                    code=address.postal_code, expected=commune_name(candidates),
                    value=address.municipality),
                msg("check the postal code and the commune"))
        return None
    return named.key


def commune_name(found: Sequence[communes.Commune]) -> Named:
    """The commune(s) of a postal code, named in the reader's language (Saint-Gilles,
    Sint-Gillis); English readers get the French name, as on the street signs' first line."""
    langs = {lang for c in found for lang in c.names.texts}
    return Named({lang: " / ".join(c.names.texts.get(lang, c.names.texts["fr"]) for c in found)
                  for lang in langs}, " / ".join(c.names.texts["fr"] for c in found))


def _logo(folder: Path, yaml_rel: str, name: str, positions: yamlio.Positions,
          errors: list[Diagnostic]) -> Image | None:
    line, column = positions.of_value(("logo",))

    def refuse(message: Message, hint: Message) -> None:
        errors.append(Diagnostic(yaml_rel, message, line, column, "logo", hint))

    if "/" in name or "\\" in name or name.startswith(".") or Path(name).is_absolute():
        refuse(msg("{name!r} must be the name of a file in this folder", name=name),
               msg("put the logo next to member.yaml and write only its name, for example "
                   "logo.png"))
        return None
    path = folder / name
    if path.is_symlink():
        refuse(msg("{name!r} is a symbolic link", name=name),
               msg("put the image file itself in the folder"))
        return None
    if not path.is_file():
        present = sorted(p.name for p in folder.iterdir() if p.suffix.lower() in images.EXTENSIONS)
        refuse(msg("there is no file {name!r} in this folder", name=name),
               msg("files here: {files}", files=", ".join(present)) if present
               else msg("add the logo next to member.yaml"))
        return None
    try:
        image = images.inspect(path, yaml_rel, line, column, "logo")
    except ContentError as exc:
        errors.append(exc.diagnostic)
        return None
    if examples.is_placeholder_logo(path):
        refuse(msg("replace the placeholder logo with your own"),
               msg("`circlemade new member` drew it; put your logo in its place, as {name} or "
                   "under another name written here", name=name))
        return None
    return image


def _descriptions(config: SiteConfig, folder: Path, rel_dir: str,
                  errors: list[Diagnostic]) -> tuple[dict[str, str], dict[str, tuple[str, int]]]:
    texts: dict[str, str] = {}
    lines: dict[str, tuple[str, int]] = {}
    for lang in config.languages:
        path = folder / f"{lang}.md"
        rel_path = f"{rel_dir}/{lang}.md"
        if not path.exists() and not path.is_symlink():
            continue
        if path.is_symlink() or not path.is_file():
            errors.append(Diagnostic(rel_path, msg("must be a plain file, not a link or a "
                                                   "folder")))
            continue
        try:
            text = yamlio.decode(read_limited(path, rel_path, MAX_MARKDOWN_BYTES, line=None),
                                 rel_path)
        except ContentError as exc:
            errors.append(exc.diagnostic)
            continue
        if (found := bidi_control(text, rel_path, 1)) is not None:
            errors.append(found)
            continue
        if text.strip():
            texts[lang] = text
            lines[lang] = (rel_path, 1)
    return texts, lines


def _check_files(config: SiteConfig, folder: Path, rel_dir: str, logo: str | None,
                 errors: list[Diagnostic], warnings: list[Diagnostic]) -> None:
    """Only the files a profile uses may be in its folder (no stray documents published
    by mistake, no executable or archive slipped into the repository, no hidden file or
    folder). Operating-system litter is only a warning: it is never read nor published."""
    expected = {MEMBER_FILE, *(f"{lang}.md" for lang in config.languages)}
    if logo and not logo.startswith("."):
        expected.add(logo)
    for path in sorted(folder.iterdir()):
        if path.name in expected:
            continue
        if is_os_litter(path):
            warnings.append(litter_warning(f"{rel_dir}/{path.name}"))
            continue
        errors.append(Diagnostic(
            f"{rel_dir}/{path.name}", msg("unexpected folder in a member folder")
            if path.is_dir() else msg("unexpected file in a member folder"),
            hint=msg("a member folder holds {file}, {descriptions} and the logo named in "
                     "{file}; remove it", file=MEMBER_FILE,
                     descriptions=", ".join(f"{lang}.md" for lang in config.languages))))
