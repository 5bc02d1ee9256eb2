"""The cluster's own work: working groups and collective coaching (section `groups`) and
multi-actor projects (section `projects`), a list page and a page per item in each
language, and what a member's profile shows of them ("takes part in"). Pure planning, like
plan/publications.py: each page's context is deferred until the page is rendered.

JSON-LD: a project is a schema.org `Project` whose `member`s are the partner
`Organization`s; a group too (a working group or a coaching programme is a project of the
cluster, with members and events, not an organisation of its own), its sessions as
`event`s."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from circlemade_site import urls
from circlemade_site.errors import Diagnostic
from circlemade_site.i18n import Catalog, format_date, format_number
from circlemade_site.models import Event, Group, Member, Project, Site, involvement
from circlemade_site.plan.cards import Cards, event_card, term_label
from circlemade_site.plan.exports import json_for_script
from circlemade_site.plan.views import Markdown, Output, Text, body, page_output, text


@dataclasses.dataclass(frozen=True, slots=True)
class Work:
    """What every page of the section shares."""

    site: Site
    router: urls.Router
    markdown: Markdown
    cards: Cards
    members: Mapping[str, Member]
    events: Mapping[str, Event]


def plan_groups(site: Site, router: urls.Router, catalogs: Mapping[str, Catalog],
                base: Callable[[str], dict[str, Any]], markdown: Markdown,
                cards: Cards) -> list[Output]:
    """The list pages and the pages of every group and project, in every language. A
    section not named in `sections` (a site without it) has no pages."""
    config = site.config
    work = Work(site, router, markdown, cards, {m.slug: m for m in site.members},
                {e.name: e for e in site.events})
    outputs: list[Output] = []
    for lang in config.languages:
        t = catalogs[lang]

        def page(target: urls.Target, template: str, more: Callable[..., Mapping[str, Any]],
                 *args: Any, lang: str = lang) -> None:
            outputs.append(page_output(router, target, lang, template, base(lang),
                                       functools.partial(more, work, lang, *args)))

        if urls.GROUPS in config.sections:
            page(urls.GROUPS, "groups.html", group_list, t)
            for group in site.groups:
                page(group, "group.html", group_page, t, group)
        if urls.PROJECTS in config.sections:
            page(urls.PROJECTS, "projects.html", project_list, t)
            for project in site.projects:
                page(project, "project.html", project_page, t, project)
    return outputs


def sitemap_targets(site: Site) -> list[urls.Target]:
    targets: list[urls.Target] = []
    if urls.GROUPS in site.config.sections:
        targets += [urls.GROUPS, *site.groups]
    if urls.PROJECTS in site.config.sections:
        targets += [urls.PROJECTS, *site.projects]
    return targets


def _kind_label(item: Group | Project, t: Catalog) -> str:
    if isinstance(item, Group):
        return t(f"group_kind_{item.kind.replace('-', '_')}")
    return t("project_kind")


def card(item: Group | Project, lang: str, site: Site, router: urls.Router,
         t: Catalog) -> dict[str, Any]:
    tr = item.text(lang, site.config.fallback_order)
    found: dict[str, Any] = {
        "title": Text(tr.title, tr.lang), "url": router.url_for(item, lang),
        "summary": Text(tr.summary, tr.lang) if tr.summary else None,
        "kind": _kind_label(item, t),
    }
    if isinstance(item, Group):
        found["theme"] = term_label(site, lang, "activities", item.theme) if item.theme else None
        found["count"] = t.count("group_members_count", len(item.members))
        found["status"] = found["status_label"] = None
    else:
        found["theme"] = None
        found["status"] = item.status
        found["status_label"] = t(f"project_status_{item.status}")
        found["count"] = t.count("project_partners_count", len(item.partners))
    return found


def profile_involvement(site: Site, router: urls.Router,
                        catalogs: Mapping[str, Catalog]) -> Callable[[Member, str], dict[str, Any]]:
    """What a member's profile shows: the groups and projects it takes part in."""
    found = involvement(
        site.groups if urls.GROUPS in site.config.sections else (),
        site.projects if urls.PROJECTS in site.config.sections else ())

    def extras(member: Member, lang: str) -> dict[str, Any]:
        return {"involved": [card(item, lang, site, router, catalogs[lang])
                             for item in found.get(member.slug, ())]}
    return extras


def group_list(work: Work, lang: str, t: Catalog, _diagnostics: list[Diagnostic]) -> dict[str, Any]:
    site, router = work.site, work.router
    return {"working_groups": [card(g, lang, site, router, t) for g in site.groups
                               if g.kind == "working-group"],
            "coaching": [card(g, lang, site, router, t) for g in site.groups
                         if g.kind == "coaching"]}


def project_list(work: Work, lang: str, t: Catalog, _diagnostics: list[Diagnostic]) -> dict[str, Any]:
    site, router = work.site, work.router
    return {"projects": [card(p, lang, site, router, t) for p in site.projects]}


def _organisation(member: Member, lang: str, router: urls.Router) -> dict[str, Any]:
    return {"@type": "Organization", "name": member.name,
            "url": router.absolute(router.url_for(member, lang))}


def json_ld(item: Group | Project, lang: str, work: Work, title: str, summary: str,
            members: Sequence[Member], sessions: Sequence[Event] = ()) -> str:
    router = work.router
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "Project", "name": title,
        "url": router.absolute(router.url_for(item, lang)), "inLanguage": lang,
        "parentOrganization": {"@type": "Organization", "name": "circlemade.brussels",
                               "url": router.absolute(router.url_for(urls.HOME, lang))},
        "member": [_organisation(m, lang, router) for m in members],
    }
    if summary:
        data["description"] = summary
    if item.start:
        data["foundingDate"] = item.start.isoformat()
    if sessions:
        order = work.site.config.fallback_order
        data["event"] = [{"@type": "Event", "name": e.text(lang, order).title,
                          "startDate": e.start.isoformat(),
                          "url": router.absolute(router.url_for(e, lang))} for e in sessions]
    return json_for_script(data)


def group_page(work: Work, lang: str, t: Catalog, group: Group,
               diagnostics: list[Diagnostic]) -> dict[str, Any]:
    site, router = work.site, work.router
    order = site.config.fallback_order
    tr = group.text(lang, order)
    members = [work.members[s] for s in group.members if s in work.members]
    sessions = sorted((work.events[n] for n in group.sessions if n in work.events),
                      key=lambda e: e.first_day)
    return dict(
        group=group, entry=tr, card=card(group, lang, site, router, t),
        body=body(work.markdown, router, tr.body, tr.lang, lang, tr.rel_path, tr.body_line,
                  diagnostics),
        theme_url=router.url_for(urls.TermPage(urls.MEMBERS, "activities", group.theme), lang)
        if group.theme else None,
        start=format_date(group.start, site.config.locales[lang], "long") if group.start else None,
        members=[work.cards.member(m, lang) for m in members],
        sessions=[event_card(e, lang, site, router, t) for e in sessions],
        documents=[{"title": text(d.title, lang, order), "link": d.link}
                   for d in group.documents],
        json_ld=json_ld(group, lang, work, tr.title, tr.summary, members, sessions),
        og={"type": "website", "title": tr.title, "description": tr.summary})


def project_page(work: Work, lang: str, t: Catalog, project: Project,
                 diagnostics: list[Diagnostic]) -> dict[str, Any]:
    site, router = work.site, work.router
    order = site.config.fallback_order
    locale = site.config.locales[lang]
    tr = project.text(lang, order)
    partners = [work.members[s] for s in project.partners if s in work.members]
    return dict(
        project=project, entry=tr, card=card(project, lang, site, router, t),
        body=body(work.markdown, router, tr.body, tr.lang, lang, tr.rel_path, tr.body_line,
                  diagnostics),
        start=format_date(project.start, locale, "long") if project.start else None,
        partners=[work.cards.member(m, lang) for m in partners],
        chain=[{"name": work.members[s.member].name,
                "url": router.url_for(work.members[s.member], lang),
                "role": text(s.role, lang, order)}
               for s in project.chain if s.member in work.members],
        results=[{"value": format_number(r.value, locale),
                  "unit": text(r.unit, lang, order) if r.unit else None,
                  "label": text(r.label, lang, order)} for r in project.results],
        json_ld=json_ld(project, lang, work, tr.title, tr.summary, partners),
        og={"type": "website", "title": tr.title, "description": tr.summary})
