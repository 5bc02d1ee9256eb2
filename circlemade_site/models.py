"""The site as immutable, typed objects: no I/O, no HTML."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from circlemade_site.config import SiteConfig

HOME = "home"   # the page named `home` is each language's home page


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


@dataclasses.dataclass(frozen=True, slots=True)
class Page:
    """A page and its translations. `versions` holds only the languages written."""

    name: str
    versions: Mapping[str, PageVersion]

    def version(self, lang: str, order: tuple[str, ...]) -> PageVersion:
        """The version in `lang`, else the first of `order` that exists (a fallback)."""
        for code in (lang, *order):
            if code in self.versions:
                return self.versions[code]
        raise LookupError(self.name)

    @property
    def is_home(self) -> bool:
        return self.name == HOME


@dataclasses.dataclass(frozen=True, slots=True)
class Site:
    config: SiteConfig
    pages: tuple[Page, ...]

    def page(self, name: str) -> Page | None:
        return next((p for p in self.pages if p.name == name), None)

    @property
    def pages_by_name(self) -> Mapping[str, Page]:
        return {p.name: p for p in self.pages}
