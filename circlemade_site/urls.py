"""The only code that maps (object, language) to a URL and an output path.

URLs are site-relative and end with a slash (`/nl/over-ons/`); the matching file is
`nl/over-ons/index.html`. Templates call `url_for`; nothing else joins URL pieces.

Routes:
    /                       the bilingual language choice        ROOT
    /<lang>/                the home page of a language           the page named `home`
    /<lang>/<slug>/         a page, with its localised slug       Page
    /<lang>/404.html        the not-found page of a language      NOT_FOUND
    /404.html               the bilingual not-found page          ROOT_NOT_FOUND
"""

from __future__ import annotations

from pathlib import PurePosixPath

from circlemade_site.config import SiteConfig
from circlemade_site.models import Page, Site

ROOT = "root"
HOME = "home"
NOT_FOUND = "404"
ROOT_NOT_FOUND = "root-404"

Target = Page | str


class Router:
    """Knows every route of a Site. Immutable once built."""

    __slots__ = ("_config", "_pages")

    def __init__(self, site: Site) -> None:
        self._config = site.config
        self._pages = site.pages_by_name

    @property
    def config(self) -> SiteConfig:
        return self._config

    @property
    def pages(self) -> list[Page]:
        return list(self._pages.values())

    def page_named(self, name: str) -> Page | None:
        return self._pages.get(name)

    def url_for(self, target: Target, lang: str | None = None) -> str:
        """The site-relative URL of `target` in `lang`."""
        if isinstance(target, str):
            if target == ROOT:
                return "/"
            if target == ROOT_NOT_FOUND:
                return "/404.html"
            if target in self._pages:
                target = self._pages[target]
            elif target == HOME:
                return f"/{self._lang(lang)}/"
            elif target == NOT_FOUND:
                return f"/{self._lang(lang)}/404.html"
            else:
                raise LookupError(f"no route named {target!r}")
        lang = self._lang(lang)
        if target.is_home:
            return f"/{lang}/"
        version = target.version(lang, self._config.fallback_order)
        return f"/{lang}/{version.slug}/"

    def dest_for(self, target: Target, lang: str | None = None) -> PurePosixPath:
        """The output file, relative to the output folder, that serves `url_for(...)`."""
        url = self.url_for(target, lang)
        path = PurePosixPath(url.lstrip("/"))
        return path / "index.html" if url.endswith("/") else path

    def absolute(self, url: str) -> str:
        return self._config.base_url + url

    def alternates(self, target: Target) -> dict[str, str]:
        """Language -> URL of the same object in every language of the site."""
        return {lang: self.url_for(target, lang) for lang in self._config.languages}

    def x_default(self, target: Target) -> str:
        """The home pages point search engines at the language choice; other pages at
        the default language."""
        if target == HOME or (isinstance(target, Page) and target.is_home):
            return "/"
        return self.url_for(target, self._config.default_language)

    def _lang(self, lang: str | None) -> str:
        if lang is None:
            return self._config.default_language
        if lang not in self._config.languages:
            raise LookupError(f"{lang!r} is not a language of the site")
        return lang
