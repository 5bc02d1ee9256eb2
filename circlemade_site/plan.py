"""Site -> the list of outputs to render: every (object, language) with its template and
an explicit context. Pure: no I/O."""

from __future__ import annotations

import collections
import dataclasses
import functools
from collections.abc import Callable, Mapping
from typing import Any

from circlemade_site import cards, directory, newsroom, urls
from circlemade_site.cards import Card
from circlemade_site.images import Variant
from circlemade_site.config import SiteConfig
from circlemade_site.errors import Diagnostic
from circlemade_site.i18n import Catalog, Localized, language_name
from circlemade_site.markup import MarkdownRenderer
from circlemade_site.models import Page, Site
from circlemade_site.views import Output, Text, text


FEATURED = 6     # members shown on the home page: the most recent ones


@dataclasses.dataclass(frozen=True, slots=True)
class Plan:
    outputs: list[Output]                 # pages and text files to render from templates
    files: dict[str, Callable[[], bytes]] # files made without a template (open data, .ics)
    variants: list[Variant]               # logo and hero variants to make (or take from the cache)
    share: cards.ShareCards               # share cards, known once the outputs are rendered

    def images(self) -> list[Variant | Card]:
        """Every image to make. Complete only after every output's context was made:
        a page registers its share card then."""
        return [*self.variants, *self.share.jobs.values()]

    def by_path(self) -> dict[str, Output | Callable[[], bytes] | Variant | Card]:
        """Output path -> what makes it (for the preview server, which renders on demand)."""
        found: dict[str, Output | Callable[[], bytes] | Variant | Card] = {
            o.dest_rel: o for o in self.outputs}
        found.update(self.files)
        found.update((job.dest_rel, job) for job in self.images())
        return found


def plan(site: Site, router: urls.Router, catalogs: Mapping[str, Catalog], *, dev: bool,
         diagnostics: list[Diagnostic], markdown: MarkdownRenderer | None = None) -> Plan:
    config = site.config
    markdown = markdown or MarkdownRenderer()
    outputs: list[Output] = []
    home = site.page(urls.HOME)
    share = cards.ShareCards(config.theme_dir / "fonts", router.card_path)
    logos = directory.member_logos(site, router)
    member_cards = directory.Cards(site, router, logos)
    heroes = newsroom.hero_variants(site, router)
    recent = sorted(site.members, key=lambda m: (m.member_since, m.slug), reverse=True)[:FEATURED]
    for lang in config.languages:
        base = _base_context(site, router, catalogs, lang, dev, share)
        featured = {"cards": [member_cards.member(m, lang) for m in recent],
                    "count": len(site.members),
                    **newsroom.home_context(site, router, lang, catalogs[lang], heroes)}
        if home is None:
            outputs.append(_output(router, urls.HOME, lang, "home.html", base, page=None,
                                   page_lang=lang, body_html="", featured=featured))
        for page in site.pages:
            version = page.version(lang, config.fallback_order)
            body_html = _markdown(markdown, router, page, version.lang, lang, diagnostics)
            extra = {"featured": featured} if page.is_home else {}
            outputs.append(_output(router, page, lang, "home.html" if page.is_home else "page.html",
                                   base, page=version, page_lang=version.lang,
                                   body_html=body_html, **extra))
        outputs.append(_output(router, urls.SEARCH, lang, "search.html", base))
        outputs.append(Output(router.dest_for(urls.NOT_FOUND, lang).as_posix(), "404.html",
                              {**base, "alternates": router.alternates(urls.NOT_FOUND),
                               "x_default": "/404.html", "canonical": None,
                               "current_url": router.url_for(urls.NOT_FOUND, lang)}))
    default = _base_context(site, router, catalogs, config.default_language, dev, share)
    everyone = {lang: _base_context(site, router, catalogs, lang, dev, share) for lang in config.languages}
    for target, template in ((urls.ROOT, "choose_language.html"),
                             (urls.ROOT_NOT_FOUND, "root_404.html")):
        outputs.append(Output(router.dest_for(target).as_posix(), template, {
            **default, "by_language": everyone, "alternates": {}, "x_default": None,
            "canonical": router.absolute("/") if target == urls.ROOT else None,
            "current_url": router.url_for(target)}))
    listing_outputs, variants = directory.plan_directory(
        site, router, catalogs, lambda lang: _base_context(site, router, catalogs, lang, dev, share),
        markdown, logos, member_cards, share, diagnostics)
    outputs.extend(listing_outputs)
    news_outputs, news_files, hero_jobs = newsroom.plan_newsroom(
        site, router, catalogs, lambda lang: _base_context(site, router, catalogs, lang, dev, share),
        markdown, member_cards, share, diagnostics)
    outputs.extend(news_outputs)
    outputs.append(Output("sitemap.xml", "sitemap.xml", {
        **default, "entries": _sitemap(site, router)}))
    outputs.append(Output("robots.txt", "robots.txt", {
        **default, "sitemap_url": router.absolute("/sitemap.xml")}))
    open_data = functools.cache(functools.partial(directory.open_data, site, router))
    data_files = {path: functools.partial(lambda path: open_data()[path], path)
                  for path in directory.open_data_paths(router)}
    return Plan(outputs, {**data_files, **news_files},
                [*variants, *hero_jobs], share)


def _output(router: urls.Router, target: urls.Target, lang: str, template: str,
            base: Mapping[str, Any], **extra: Any) -> Output:
    url = router.url_for(target, lang)
    return Output(router.dest_for(target, lang).as_posix(), template, {
        **base,
        "alternates": router.alternates(target),
        "x_default": router.x_default(target),
        "canonical": router.absolute(url),
        "current_url": url,
        **extra,
    })


def _base_context(site: Site, router: urls.Router, catalogs: Mapping[str, Catalog],
                  lang: str, dev: bool, share: cards.ShareCards) -> dict[str, Any]:
    config = site.config
    tagline = config.tagline.get(lang, config.fallback_order)[0]
    return {
        "share_image": router.absolute("/" + share.card("site", lang, tagline)),
        "lang": lang,
        "locale": config.locales[lang],
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
    }


def _text(value: Localized, lang: str, config: SiteConfig) -> Text:
    return text(value, lang, config.fallback_order)


def _menu(site: Site, router: urls.Router, name: str, lang: str,
          catalog: Catalog) -> list[dict[str, Any]]:
    config = site.config
    items = []
    for entry in config.menus[name]:
        if entry.page is not None:
            page = site.page(entry.page)
            if page is None:        # reported by assemble
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


def _markdown(markdown: MarkdownRenderer, router: urls.Router, page: Page, text_lang: str,
              lang: str, diagnostics: list[Diagnostic]) -> str:
    """The body of `page` (written in `text_lang`) as HTML for the `lang` site."""
    version = page.versions[text_lang]
    def resolve(name: str) -> str | None:
        target = router.page_named(name)
        return router.url_for(target, lang) if target is not None else None

    html, unknown = markdown.render(version.body, resolve)
    if lang == text_lang:   # report once, from the page's own language
        for name in unknown:
            offset = next((i for i, line in enumerate(version.body.split("\n"))
                           if f"page:{name}" in line), 0)
            diagnostics.append(Diagnostic(
                version.rel_path, f"link to an unknown page 'page:{name}'",
                version.body_line + offset, hint="pages are named after their file: "
                "page:about links to content/pages/about.<language>.md"))
    return html


def _sitemap(site: Site, router: urls.Router) -> list[dict[str, Any]]:
    entries = []
    targets: list[urls.Target] = list(site.pages)
    if site.page(urls.HOME) is None:
        targets.insert(0, urls.HOME)
    targets += [urls.MEMBERS, urls.OFFERS, *site.members, urls.EVENTS, *site.events, urls.NEWS,
                *site.news, urls.CAMPAIGNS, *site.campaigns]
    size = site.config.listing_page_size
    for listing, facets, items in ((urls.MEMBERS, directory.FACETS, site.members),
                                   (urls.OFFERS, directory.OFFER_FACETS,
                                    [o for m in site.members for o in m.offers])):
        used = collections.Counter((f, k) for item in items for f in facets
                                   for k in directory.facet_keys(item, f))
        targets += [urls.Paged(listing, n) for n in range(2, directory.page_count(len(items), size) + 1)]
        for f in facets:
            for k in site.facets[f].terms:
                if used[(f, k)]:
                    term = urls.TermPage(listing, f, k)
                    targets += [term, *(urls.Paged(term, n) for n in
                                        range(2, directory.page_count(used[(f, k)], size) + 1))]
    for target in targets:
        alternates = {lang: router.absolute(url) for lang, url in router.alternates(target).items()}
        x_default = router.absolute(router.x_default(target))
        for url in alternates.values():
            entries.append({"loc": url, "alternates": alternates, "x_default": x_default})
    return sorted(entries, key=lambda e: e["loc"])
