"""content/site.yaml -> SiteConfig, typed, strict and frozen.

`load_config(root)` resolves every path once; nothing changes the config afterwards.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from pathlib import Path

import babel

from circlemade_site import schema, yamlio
from circlemade_site.errors import BuildFailed, ContentError, Diagnostic
from circlemade_site.i18n import Localized

SITE_FILE = "content/site.yaml"
MAX_YAML_BYTES = 256 * 1024
KNOWN_SECTIONS = frozenset({"members", "offers", "events", "news", "campaigns", "search"})
REQUIRED_SECTIONS = ("members", "offers", "events", "news", "campaigns", "search")


@dataclasses.dataclass(frozen=True, slots=True)
class MenuEntry:
    page: str | None
    url: str | None
    label: Localized | None
    section: str | None
    line: int                           # in content/site.yaml, for error messages


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


def read_yaml_file(path: Path, rel_path: str) -> tuple[object, yamlio.Positions]:
    """Read and parse a YAML file, with a size limit. Raises ContentError."""
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise ContentError(Diagnostic(
                rel_path, f"the file is too large ({size} bytes, at most {MAX_YAML_BYTES})", 1))
        raw = path.read_bytes()
    except OSError as exc:
        raise ContentError(Diagnostic(rel_path, f"cannot read the file: {exc.strerror}")) from exc
    return yamlio.parse(yamlio.decode(raw, rel_path), rel_path)


def load_config(root: Path) -> SiteConfig:
    """Read content/site.yaml under `root`. Raises BuildFailed with every problem."""
    root = root.resolve()
    path = root / SITE_FILE
    if not path.is_file():
        raise BuildFailed([Diagnostic(SITE_FILE, "the site settings file is missing",
                                      hint="is this a circlemade project folder?")])
    try:
        data, positions = read_yaml_file(path, SITE_FILE)
    except ContentError as exc:
        raise BuildFailed([exc.diagnostic]) from exc
    diagnostics: list[Diagnostic] = []
    settings = schema.validate(schema.SiteSettings, data, positions, SITE_FILE, diagnostics)
    if settings is None:
        raise BuildFailed(diagnostics)
    config = _to_config(root, settings, positions, diagnostics)
    if diagnostics:
        raise BuildFailed(diagnostics)
    return config


def _to_config(root: Path, s: schema.SiteSettings, positions: yamlio.Positions,
               diagnostics: list[Diagnostic]) -> SiteConfig:
    def problem(path: yamlio.FieldPath, message: str, hint: str | None = None) -> None:
        diagnostics.append(Diagnostic(SITE_FILE, message, *positions.of_value(path),
                                      yamlio.dotted(path), hint))

    languages = tuple(dict.fromkeys(s.languages))
    if len(languages) != len(s.languages):
        problem(("languages",), "a language is listed twice")
    if s.default_language not in languages:
        problem(("default_language",), f"{s.default_language!r} is not one of the languages "
                f"{list(languages)}")

    def localized(path: yamlio.FieldPath, texts: Mapping[str, str]) -> Localized:
        for lang in texts:
            if lang not in languages:
                problem((*path, lang), f"{lang!r} is not a language of the site",
                        f"languages are {', '.join(languages)}")
        if s.default_language not in texts:
            problem(path, f"missing the default language {s.default_language!r}",
                    f"for example `{path[-1]}: {{{s.default_language}: ...}}`")
        return Localized(dict(texts))

    locales: dict[str, str] = {}
    for lang in languages:
        name = s.locales.get(lang, f"{lang}_BE")
        try:
            babel.Locale.parse(name)
        except (ValueError, babel.UnknownLocaleError):
            problem(("locales", lang) if lang in s.locales else ("languages",),
                    f"Babel does not know the locale {name!r}", "set `locales: {" + lang + ": ...}`")
        locales[lang] = name

    theme_dir = root / "themes" / s.theme
    if not (theme_dir / "templates").is_dir():
        problem(("theme",), f"there is no theme folder themes/{s.theme}/templates",
                "themes are " + ", ".join(sorted(p.name for p in (root / "themes").glob("*")
                                                 if p.is_dir())) if (root / "themes").is_dir() else None)

    for key in REQUIRED_SECTIONS:
        if key not in s.sections:
            problem(("sections",), f"the {key} section has no URL segments",
                    f"for example `{key}: {{{', '.join(f'{lang}: ...' for lang in languages)}}}`")
    for key, segments in s.sections.items():
        if key not in KNOWN_SECTIONS:
            problem(("sections", key), f"unknown section {key!r}",
                    "sections are " + ", ".join(sorted(KNOWN_SECTIONS)))
        for lang in languages:
            if lang not in segments:
                problem(("sections", key), f"no URL segment for language {lang!r}",
                        f"for example `{key}: {{{lang}: ...}}`")

    menus = {
        name: tuple(MenuEntry(item.page, item.url,
                              localized(("menus", name, i, "label"), item.label)
                              if item.label else None, item.section,
                              positions.of_value(("menus", name, i))[0])
                    for i, item in enumerate(items))
        for name, items in s.menus.items()
    }
    return SiteConfig(
        root=root,
        title=localized(("title",), s.title),
        tagline=localized(("tagline",), s.tagline),
        base_url=s.base_url,
        languages=languages,
        default_language=s.default_language,
        locales=locales,
        theme=s.theme,
        theme_dir=theme_dir,
        overrides_dir=root / "content" / "overrides",
        sections={k: dict(v) for k, v in s.sections.items()},
        menus=menus,
        contact_email=s.contact_email,
        organisation=localized(("organisation",), s.organisation) if s.organisation else None,
        organisation_url=s.organisation_url,
        listing_page_size=s.listing_page_size,
    )
