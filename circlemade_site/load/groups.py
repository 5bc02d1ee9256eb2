"""Working groups, collective coaching and projects: content/groups/<name>.<lang>.md ->
Group, content/projects/<name>.<lang>.md -> Project.

As for events (load/publications.py, whose merging this module uses), the files of one
<name> are the translations of one item: title, slug, summary and body per language, every
other field shared. Texts inside shared fields (a document's title, a step's role, a
result's label and unit) are maps per language, each required language given.

A group names its sessions by event name (the file name of content/events/ without the
language): the group's file says which events are its own, so an event file stays as it
is. A session that is a draft is not shown; a name that is no event is an error.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence

from circlemade_site.config import SiteConfig
from circlemade_site.errors import Diagnostic, did_you_mean, msg
from circlemade_site.i18n import Localized
from circlemade_site.load import yamlio
from circlemade_site.load.diagnose import REQUIRED
from circlemade_site.load.publications import (
    Validate,
    _check_members,
    _check_terms,
    _Item,
    _merge,
    validate,
)
from circlemade_site.load.sources import RawDoc, check_required
from circlemade_site.models import (
    ChainStep,
    Facet,
    Group,
    GroupDocument,
    Member,
    Project,
    ProjectResult,
)

KINDS = ("group", "project")
REQUIRED_SHARED = {"group": ("kind",), "project": ("status", "partners")}
_EXAMPLES = {"kind": "kind: working-group", "status": "status: running",
             "partners": "partners: [recable, seconde-pierre]"}


def load(config: SiteConfig, docs: Iterable[RawDoc], facets: Mapping[str, Facet],
         members: Sequence[Member], event_names: Collection[str], *, drafts: bool,
         diagnostics: list[Diagnostic], discovered: Collection[str] = (),
         published_drafts: bool = False, unloaded: Collection[str] = (),
         validated: Validate | None = None,
         ) -> tuple[list[Group], list[Project]]:
    """Validate and assemble every group and project, sorted by name. `event_names`: the
    names of every event file (drafts too); `unloaded`: member folders that did not load
    (a reference to one is not reported: its own errors say why). `validated` checks one
    file (publications.validate by default)."""
    check = validated or (lambda doc, found: validate(doc, facets, found))
    items: dict[tuple[str, str], _Item] = {}
    order = config.fallback_order
    for doc in sorted(docs, key=lambda d: (d.source.kind, d.source.name,
                                           order.index(d.source.lang))):
        key = (doc.source.kind, doc.source.name)
        item = items.setdefault(key, _Item(doc.source.kind, doc.source.name))
        _merge(item, doc, check(doc, diagnostics), diagnostics)
    known = {m.slug for m in members}
    groups: list[Group] = []
    projects: list[Project] = []
    for (kind, _), item in sorted(items.items()):
        if not item.docs:
            continue
        errors: list[Diagnostic] = []
        first = item.first_doc(order)
        if published_drafts or not item.shared.get("draft"):
            errors += item.examples
            check_required(config, item.name, {lang: text.rel_path
                                               for lang, text in item.texts.items()},
                           discovered, diagnostics)
        missing = [field for field in REQUIRED_SHARED[kind] if field not in item.shared]
        if not item.failed:
            errors += [Diagnostic(first.source.rel_path, msg(REQUIRED), 1, None, field,
                                  msg("for example `{example}`, in one of the language files",
                                      example=_EXAMPLES[field])) for field in missing]
        if not missing and not item.failed:
            if kind == "group":
                group = _group(config, item, facets, known, unloaded, event_names, errors)
                if group is not None and not errors and (drafts or not group.draft):
                    groups.append(group)
            else:
                project = _project(config, item, known, unloaded, errors)
                if project is not None and not errors and (drafts or not project.draft):
                    projects.append(project)
        diagnostics.extend(errors)
    _check_slugs(config, [*groups, *projects], diagnostics)
    return groups, projects


def _texts(config: SiteConfig, item: _Item, path: yamlio.FieldPath, value: Mapping[str, str],
           errors: list[Diagnostic]) -> Localized:
    """A text map of a shared field, with every required language."""
    for lang in config.required_languages:
        if not value.get(lang):
            rel_path, positions = item.origin[str(path[0])]
            errors.append(Diagnostic(
                rel_path, msg("the text in the required language {lang!r} is missing",
                              lang=lang), *positions.of_value(path), yamlio.dotted(path),
                msg("write it in every language of `required_languages` in content/site.yaml "
                    "({languages})", languages=", ".join(config.required_languages))))
    return Localized(dict(value))


def _group(config: SiteConfig, item: _Item, facets: Mapping[str, Facet], known: set[str],
           unloaded: Collection[str], event_names: Collection[str],
           errors: list[Diagnostic]) -> Group | None:
    shared = item.shared
    if "theme" in shared:
        _check_terms(item, ("theme",), [shared["theme"]], facets.get("activities"), errors,
                     is_list=False)
    _check_members(item, ("members",), shared.get("members", []), known, unloaded, errors)
    for index, name in enumerate(shared.get("sessions", [])):
        if name not in event_names:
            rel_path, positions = item.origin["sessions"]
            errors.append(Diagnostic(rel_path, msg("there is no event {name!r}", name=name),
                                     *positions.of_value(("sessions", index)),
                                     yamlio.dotted(("sessions", index)), did_you_mean(
                                         name, sorted(event_names), msg(
                                             "use the name of a file in content/events/ "
                                             "without its language and .md"))))
    documents = tuple(GroupDocument(_texts(config, item, ("documents", i, "title"), d["title"],
                                           errors), d["link"])
                      for i, d in enumerate(shared.get("documents", [])))
    return Group(name=item.name, texts=dict(item.texts), kind=shared["kind"],
                 theme=shared.get("theme"), start=shared.get("start"),
                 members=tuple(shared.get("members", [])),
                 sessions=tuple(shared.get("sessions", [])), documents=documents,
                 draft=bool(shared.get("draft")))


def _project(config: SiteConfig, item: _Item, known: set[str], unloaded: Collection[str],
             errors: list[Diagnostic]) -> Project | None:
    shared = item.shared
    partners = shared["partners"]
    _check_members(item, ("partners",), partners, known, unloaded, errors)
    chain: list[ChainStep] = []
    for index, step in enumerate(shared.get("chain", [])):
        if step["member"] not in partners:
            rel_path, positions = item.origin["chain"]
            errors.append(Diagnostic(
                rel_path, msg("{slug!r} is not one of the partners of the project",
                              slug=step["member"]),
                *positions.of_value(("chain", index, "member")), yamlio.dotted(("chain", index, "member")),
                msg("add it to `partners`, or name one of them: {partners}",
                    partners=", ".join(partners))))
        chain.append(ChainStep(step["member"], _texts(config, item, ("chain", index, "role"),
                                                      step["role"], errors)))
    results = []
    for index, result in enumerate(shared.get("results", [])):
        unit = result.get("unit")
        results.append(ProjectResult(
            float(result["value"]),
            _texts(config, item, ("results", index, "unit"), unit, errors) if unit else None,
            _texts(config, item, ("results", index, "label"), result["label"], errors)))
    return Project(name=item.name, texts=dict(item.texts), status=shared["status"],
                   start=shared.get("start"), partners=tuple(partners), chain=tuple(chain),
                   results=tuple(results), draft=bool(shared.get("draft")))


def _check_slugs(config: SiteConfig, items: Sequence[Group | Project],
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
