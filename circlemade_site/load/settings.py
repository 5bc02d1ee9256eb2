"""content/site.yaml -> SiteConfig: read, validated against schema.SiteSettings, checked
(languages, locales, theme, sections, menus) and resolved once."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import babel

from circlemade_site.config import (
    DEFAULT_REQUIRED_LANGUAGES,
    DEFAULT_SEGMENTS,
    KNOWN_SECTIONS,
    REQUIRED_SECTIONS,
    SITE_FILE,
    CmsSettings,
    MenuEntry,
    SiteConfig,
)
from circlemade_site.errors import BuildFailed, ContentError, Diagnostic, Message, msg
from circlemade_site.files import read_limited
from circlemade_site.i18n import Localized
from circlemade_site.load import diagnose, schema, yamlio
from circlemade_site.load.diagnose import MISSING_LANGUAGE, MISSING_LANGUAGE_HINT

MAX_YAML_BYTES = 256 * 1024


def read_yaml_file(path: Path, rel_path: str) -> tuple[object, yamlio.Positions]:
    """Read and parse a YAML file, with a size limit. Raises ContentError."""
    raw = read_limited(path, rel_path, MAX_YAML_BYTES)
    return yamlio.parse(yamlio.decode(raw, rel_path), rel_path)


def load_config(root: Path) -> SiteConfig:
    """Read content/site.yaml under `root`. Raises BuildFailed with every problem."""
    root = root.resolve()
    path = root / SITE_FILE
    if not path.is_file():
        raise BuildFailed([Diagnostic(SITE_FILE, msg("the site settings file is missing"),
                                      hint=msg("is this a circlemade project folder?"))])
    try:
        data, positions = read_yaml_file(path, SITE_FILE)
    except ContentError as exc:
        raise BuildFailed([exc.diagnostic]) from exc
    diagnostics: list[Diagnostic] = []
    settings = diagnose.validate(schema.SiteSettings, data, positions, SITE_FILE, diagnostics)
    if settings is None:
        raise BuildFailed(diagnostics)
    config = _to_config(root, settings, positions, diagnostics)
    if diagnostics:
        raise BuildFailed(diagnostics)
    return config


def _to_config(root: Path, s: schema.SiteSettings, positions: yamlio.Positions,
               diagnostics: list[Diagnostic]) -> SiteConfig:
    def problem(path: yamlio.FieldPath, message: Message, hint: Message | None = None) -> None:
        diagnostics.append(Diagnostic(SITE_FILE, message, *positions.of_value(path),
                                      yamlio.dotted(path), hint))

    languages = tuple(dict.fromkeys(s.languages))
    if len(languages) != len(s.languages):
        problem(("languages",), msg("a language is listed twice"))
    if s.default_language not in languages:
        problem(("default_language",), msg("{lang!r} is not one of the languages {languages}",
                                           lang=s.default_language, languages=list(languages)))

    if s.required_languages is None:     # the default: a site without nl says so
        required: tuple[str, ...] = DEFAULT_REQUIRED_LANGUAGES
        for lang in required:
            if lang not in languages:
                problem(("languages",), msg("the required language {lang!r} is not one of the "
                                            "languages {languages}", lang=lang,
                                            languages=list(languages)),
                        msg("add it, or list the languages every text must be written in, for "
                            "example `required_languages: [{lang}]`", lang=s.default_language))
    else:
        required = tuple(dict.fromkeys(s.required_languages))
        for i, lang in enumerate(s.required_languages):
            if lang not in languages:
                problem(("required_languages", i), msg(
                            "{lang!r} is not one of the languages {languages}", lang=lang,
                            languages=list(languages)),
                        msg("add it to `languages`, or remove it here"))

    def localized(path: yamlio.FieldPath, texts: Mapping[str, str]) -> Localized:
        for lang in texts:
            if lang not in languages:
                problem((*path, lang), msg("{lang!r} is not a language of the site", lang=lang),
                        msg("languages are {languages}", languages=", ".join(languages)))
        if s.default_language not in texts:
            problem(path, msg(MISSING_LANGUAGE, lang=s.default_language),
                    msg(MISSING_LANGUAGE_HINT, field=path[-1], lang=s.default_language))
        return Localized(dict(texts))

    locales: dict[str, str] = {}
    for lang in languages:
        name = s.locales.get(lang, f"{lang}_BE")
        try:
            babel.Locale.parse(name)
        except (ValueError, babel.UnknownLocaleError):
            problem(("locales", lang) if lang in s.locales else ("languages",),
                    msg("Babel does not know the locale {name!r}", name=name),
                    msg("set `locales: {{{lang}: ...}}`", lang=lang))
        locales[lang] = name

    theme_dir = root / "themes" / s.theme
    if not (theme_dir / "templates").is_dir():
        problem(("theme",), msg("there is no theme folder themes/{theme}/templates",
                                theme=s.theme),
                msg("themes are {themes}", themes=", ".join(sorted(
                    p.name for p in (root / "themes").glob("*") if p.is_dir())))
                if (root / "themes").is_dir() else None)

    for key in REQUIRED_SECTIONS:
        if key not in s.sections:
            problem(("sections",), msg("the {key} section has no URL segments", key=key),
                    msg("for example {example}", example=f"`{key}: {{" + ", ".join(
                        f"{lang}: ..." for lang in languages) + "}`"))
    for key, segments in s.sections.items():
        if key not in KNOWN_SECTIONS:
            problem(("sections", key), msg("unknown section {key!r}", key=key),
                    msg("sections are {sections}", sections=", ".join(sorted(KNOWN_SECTIONS))))
        for lang in languages:
            if lang not in segments:
                problem(("sections", key), msg("no URL segment for language {lang!r}", lang=lang),
                        msg("for example {example}", example=f"`{key}: {{{lang}: ...}}`"))

    cms = None
    if s.cms is not None:
        if s.repository is None:
            problem(("cms",), msg("the CMS saves to the site's repository, and `repository` "
                                  "names none"),
                    msg("for example {example}",
                        example="`repository: {github: owner/name, branch: main}`"))
        else:
            cms = CmsSettings(s.repository.github, s.repository.branch, s.cms.auth_url,
                              s.cms.editorial_workflow, s.cms.open_authoring)

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
        sections={**{key: {lang: defaults.get(lang, key) for lang in languages}
                     for key, defaults in DEFAULT_SEGMENTS.items()},
                  **{k: dict(v) for k, v in s.sections.items()}},
        menus=menus,
        contact_email=s.contact_email,
        organisation=localized(("organisation",), s.organisation) if s.organisation else None,
        organisation_url=s.organisation_url,
        listing_page_size=s.listing_page_size,
        repository=s.repository.github if s.repository else None,
        branch=s.repository.branch if s.repository else "main",
        team=tuple(dict.fromkeys(s.team)),
        hide_contact_after_months=s.freshness.hide_contact_after_months,
        required_languages=tuple(lang for lang in required if lang in languages),
        print_directory=s.print,
        cms=cms,
    )
