"""Pages: raw documents -> PageVersions; then the Site, with every cross-file check
(slugs, menus, member folder names)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence

from circlemade_site.config import SITE_FILE, SiteConfig
from circlemade_site.errors import Diagnostic, did_you_mean, msg
from circlemade_site.load import diagnose, examples, schema
from circlemade_site.load.sources import RawDoc, check_required
from circlemade_site.models import HOME, PRIVACY, Facet, Member, Page, PageVersion, Site


def validate_page(doc: RawDoc, diagnostics: list[Diagnostic]) -> PageVersion | None:
    front = diagnose.validate(schema.PageFront, doc.data, doc.positions, doc.source.rel_path,
                            diagnostics)
    if front is None:
        return None
    name = doc.source.name
    if name == HOME and front.slug:
        diagnostics.append(Diagnostic(
            doc.source.rel_path, msg("the home page has no slug"),
            *doc.positions.of_key(("slug",)), "slug",
            msg("remove this line: the home page is always /<language>/")))
    slug = "" if name == HOME else (front.slug or name)
    return PageVersion(name=name, lang=doc.source.lang, title=front.title, slug=slug,
                       description=front.description, lead=front.lead, body=doc.body,
                       body_line=doc.body_line, rel_path=doc.source.rel_path, draft=front.draft,
                       draft_line=doc.positions.of_key(("draft",))[0] if front.draft else None,
                       slug_at=doc.positions.of_value(("slug",)) if front.slug else
                       doc.positions.of_key(("title",)),
                       examples=(*examples.in_values(doc.data, doc.positions, doc.source.rel_path),
                                 *examples.in_body(doc.body, doc.source.rel_path, doc.body_line)))


def assemble(config: SiteConfig, versions: list[PageVersion], *, drafts: bool,
             members: Sequence[Member] = (), facets: Mapping[str, Facet] | None = None,
             discovered: Collection[str] = (), published_drafts: bool = False,
             diagnostics: list[Diagnostic]) -> Site:
    """Pair the translations of each page, drop drafts, check the required languages,
    slugs and menus. `discovered` holds the files found in content/ (loaded or not);
    `published_drafts` says drafts are published (`build --drafts`): only then is a draft
    held to the required languages (the preview shows them with the fallback)."""
    grouped: dict[str, dict[str, PageVersion]] = defaultdict(dict)
    drafted: dict[str, dict[str, PageVersion]] = defaultdict(dict)
    for version in versions:
        if not version.draft or published_drafts:     # a draft may keep its examples
            diagnostics.extend(version.examples)
        if version.draft and not drafts:
            drafted[version.name][version.lang] = version
            continue
        grouped[version.name][version.lang] = version
    pages = tuple(Page(name, dict(sorted(by_lang.items())))
                  for name, by_lang in sorted(grouped.items()))
    for page in pages:
        if all(v.draft for v in page.versions.values()) and not published_drafts:
            continue
        _check_drafted(config, page, drafted[page.name], diagnostics)
        check_required(config, page.name, {**{lang: v.rel_path for lang, v in drafted[page.name].items()},
                                           **{lang: v.rel_path for lang, v in page.versions.items()}},
                       discovered, diagnostics)
    _check_privacy(config, pages, discovered, drafted, diagnostics)
    _check_slugs(config, pages, diagnostics)
    _check_menus(config, {p.name for p in pages}, diagnostics)
    facets = dict(facets or {})
    _check_member_slugs(config, members, facets, diagnostics)
    return Site(config=config, pages=pages, members=tuple(members), facets=facets)


def _check_privacy(config: SiteConfig, pages: Sequence[Page], discovered: Collection[str],
                   drafted: Mapping[str, Mapping[str, PageVersion]],
                   diagnostics: list[Diagnostic]) -> None:
    """Every footer links to the privacy notice, the page named `privacy`: a site has one
    (a file of it that did not load has its own errors)."""
    if any(p.name == PRIVACY for p in pages):
        return
    if drafted.get(PRIVACY):
        version = next(iter(drafted[PRIVACY].values()))
        diagnostics.append(Diagnostic(
            version.rel_path, msg("the privacy notice is a draft, so the site would be "
                                  "published without one"), version.draft_line, field="draft",
            hint=msg("remove `draft: true`")))
        return
    paths = [f"content/pages/{PRIVACY}.{lang}.md"
             for lang in (config.required_languages or (config.default_language,))]
    if not any(path in discovered for path in paths):
        diagnostics.append(Diagnostic(
            paths[0], msg("the site has no privacy notice"),
            hint=msg("write the page named {name} ({files}): what the site publishes about "
                     "members, and how a member asks for a change or removal", name=PRIVACY,
                     files=", ".join(paths))))


def _check_drafted(config: SiteConfig, page: Page, drafted: Mapping[str, PageVersion],
                   diagnostics: list[Diagnostic]) -> None:
    """A published page whose version in a required language is still a draft."""
    for lang in config.required_languages:
        if lang in drafted and lang not in page.versions:
            diagnostics.append(Diagnostic(
                drafted[lang].rel_path, msg("this version in the required language {lang!r} is "
                                            "a draft, so the page would be published without "
                                            "it", lang=lang), drafted[lang].draft_line,
                field="draft",
                hint=msg("remove `draft: true`, or write it in every language file of the page")))


def _check_member_slugs(config: SiteConfig, members: Sequence[Member],
                        facets: Mapping[str, Facet], diagnostics: list[Diagnostic]) -> None:
    """A member's folder name may not be a facet's URL segment (/fr/membres/commune/) nor
    a number (/fr/membres/2/ is the second page of the directory)."""
    reserved = {segment for facet in facets.values() for segment in facet.segment.values()}
    for member in members:
        if member.slug in reserved or member.slug.isdigit():
            diagnostics.append(Diagnostic(
                member.rel_dir, msg("the folder name {slug!r} is reserved for a page of the "
                                    "directory", slug=member.slug),
                hint=msg("rename the folder, for example {example!r}",
                         example=member.slug + "-brussels")))


def _check_slugs(config: SiteConfig, pages: tuple[Page, ...],
                 diagnostics: list[Diagnostic]) -> None:
    """Two pages may not share a URL in any language, nor take a section's segment.
    A clash is reported once per file, even if a fallback repeats it in other languages."""
    reported: set[str] = set()
    for lang in config.languages:
        taken: dict[str, str] = {segments[lang]: msg("the {key} section", key=key)
                                 for key, segments in config.sections.items()}
        for page in pages:
            if page.is_home:
                continue
            version = page.version(lang, config.fallback_order)
            owner = taken.get(version.slug)
            if owner is not None and version.rel_path not in reported:
                reported.add(version.rel_path)
                diagnostics.append(Diagnostic(
                    version.rel_path, msg("the URL {url} is already used by {other}",
                                          url=f"/{lang}/{version.slug}/", other=owner),
                    *version.slug_at, field="slug", hint=msg("choose another slug")))
            elif owner is None:
                taken[version.slug] = version.rel_path


def _check_menus(config: SiteConfig, page_names: set[str],
                 diagnostics: list[Diagnostic]) -> None:
    for menu, entries in config.menus.items():
        for entry in entries:
            if entry.page is not None and entry.page not in page_names:
                diagnostics.append(Diagnostic(
                    SITE_FILE, msg("there is no page named {name!r}", name=entry.page),
                    entry.line, field=f"menus.{menu}", hint=did_you_mean(
                        entry.page, sorted(page_names),
                        msg("pages are {pages}", pages=", ".join(sorted(page_names))))))
