"""The site's settings (content/site.yaml) as a typed, frozen SiteConfig.

`load.settings.load_config(root)` reads and checks the file and resolves every path once;
nothing changes the config afterwards.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from circlemade_site.i18n import Localized

SITE_FILE = "content/site.yaml"
ACCESSIBILITY_FILE = "content/accessibility.yaml"    # the accessibility statement
REQUIRED_SECTIONS = ("members", "offers", "events", "news", "campaigns", "search")
# optional sections: their URL segment per language when site.yaml names none (a language
# not listed here takes the section's key)
DEFAULT_SEGMENTS: Mapping[str, Mapping[str, str]] = MappingProxyType({
    "opportunities": MappingProxyType({"fr": "opportunites", "nl": "kansen", "en": "opportunities"}),
    "profile_builder": MappingProxyType({"fr": "editeur-de-profil", "nl": "profieleditor",
                                         "en": "profile-builder"}),
    "accessibility": MappingProxyType({"fr": "accessibilite", "nl": "toegankelijkheid",
                                       "en": "accessibility"}),
    "groups": MappingProxyType({"fr": "groupes-de-travail", "nl": "werkgroepen",
                                "en": "working-groups"}),
    "projects": MappingProxyType({"fr": "projets", "nl": "projecten", "en": "projects"}),
    # the printed directory's file name (/fr/annuaire.pdf), when site.yaml sets `print: true`
    "printed_directory": MappingProxyType({"fr": "annuaire", "nl": "ledenlijst",
                                           "en": "directory"}),
})
KNOWN_SECTIONS = frozenset({*REQUIRED_SECTIONS, *DEFAULT_SEGMENTS})
# the languages every text of the cluster (pages, events, news, campaigns, the
# accessibility statement, the privacy notice) must exist in when site.yaml sets no `required_languages`:
# Brussels regional services address the public in French and Dutch
DEFAULT_REQUIRED_LANGUAGES = ("fr", "nl")


@dataclasses.dataclass(frozen=True, slots=True)
class MenuEntry:
    page: str | None
    url: str | None
    label: Localized | None
    section: str | None
    line: int                           # in content/site.yaml, for error messages


@dataclasses.dataclass(frozen=True, slots=True)
class CmsSettings:
    """site.yaml `cms:`: Decap CMS at /admin/, saving to `repo` on GitHub."""

    repo: str                           # "owner/name"
    branch: str
    auth_url: str                       # the OAuth provider (Netlify's)
    editorial_workflow: bool = True
    open_authoring: bool = True


@dataclasses.dataclass(frozen=True, slots=True)
class SiteConfig:
    root: Path                          # the project folder (absolute)
    title: Localized
    tagline: Localized
    base_url: str
    languages: tuple[str, ...]
    default_language: str
    locales: Mapping[str, str]          # language -> Babel locale ("fr" -> "fr_BE")
    theme: str
    theme_dir: Path
    overrides_dir: Path                 # content/overrides: templates/, static/, i18n/
    sections: Mapping[str, Mapping[str, str]]
    menus: Mapping[str, tuple[MenuEntry, ...]]
    contact_email: str
    organisation: Localized | None
    organisation_url: str | None
    listing_page_size: int = 1000       # cards per page of a listing (see schema.SiteSettings)
    repository: str | None = None       # "owner/name" on GitHub
    branch: str = "main"
    team: tuple[str, ...] = ()          # GitHub logins of the communications team
    # site.yaml `freshness.hide_contact_after_months`: a profile reviewed longer ago than
    # this publishes no contact details (models.published)
    hide_contact_after_months: int = 24
    required_languages: tuple[str, ...] = ()   # the cluster's texts exist in each (no fallback)
    print_directory: bool = False       # site.yaml `print`: the printed directory (PDF) per language
    cms: CmsSettings | None = None      # site.yaml `cms:` (circlemade_site/cms.py)

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def members_dir(self) -> Path:
        return self.root / "members"

    @property
    def fallback_order(self) -> tuple[str, ...]:
        """Languages to fall back on: the default first, then the others in order."""
        return _fallback_order(self.default_language, self.languages)


@functools.cache
def _fallback_order(default: str, languages: tuple[str, ...]) -> tuple[str, ...]:
    return (default, *(lang for lang in languages if lang != default))
