"""What the theme gives a build besides its templates: the UI strings of every language
(themes/<theme>/i18n/<lang>.yaml, overridden by content/overrides/i18n/) and the digest of
the fonts the share cards are drawn with."""

from __future__ import annotations

import hashlib
from pathlib import Path

from circlemade_site import i18n
from circlemade_site.config import SiteConfig
from circlemade_site.errors import ContentError, Diagnostic, msg
from circlemade_site.load.settings import read_yaml_file
from circlemade_site.load.sources import rel


def load_catalogs(config: SiteConfig, diagnostics: list[Diagnostic]) -> dict[str, i18n.Catalog]:
    """The UI strings of every language; every catalogue must define the same keys."""
    merged: dict[str, dict[str, str]] = {}
    origin: dict[str, str] = {}
    for lang in config.languages:
        paths = i18n.catalog_paths(config.theme_dir, config.overrides_dir, lang)
        theme_file = config.theme_dir / "i18n" / f"{lang}.yaml"
        if not theme_file.is_file():
            diagnostics.append(Diagnostic(
                rel(config, theme_file), msg("the theme has no UI strings for {lang!r}",
                                             lang=lang),
                hint=msg("copy i18n/{lang}.yaml and translate it", lang=config.default_language)))
        strings: dict[str, str] = {}
        for path in paths:
            rel_path = rel(config, path)
            try:
                data, positions = read_yaml_file(path, rel_path)
            except ContentError as exc:
                diagnostics.append(exc.diagnostic)
                continue
            if not isinstance(data, dict):
                diagnostics.append(Diagnostic(rel_path, msg("expected a mapping of UI strings"), 1))
                continue
            for key, value in i18n.flatten(data).items():
                if not isinstance(value, str):
                    diagnostics.append(Diagnostic(
                        rel_path, msg("a UI string must be text"),
                        *positions.of_value(tuple(key.split("."))), key,
                        hint=msg('quote it: key: "text"')))
                    continue
                strings[key] = value
        merged[lang] = strings
        origin[lang] = rel(config, theme_file)
    every_key = set().union(*merged.values()) if merged else set()
    for lang, strings in merged.items():
        for key in sorted(every_key - strings.keys()):
            having = next(other for other in config.languages if key in merged.get(other, {}))
            diagnostics.append(Diagnostic(
                origin[lang], msg("the UI string {key!r} is missing", key=key), field=key,
                hint=msg("it is defined in i18n/{lang}.yaml; add its translation", lang=having)))
    return {lang: i18n.Catalog(lang, strings, config.locales[lang]) for lang, strings in merged.items()}


def fonts_key(font_dir: Path) -> str:
    """A digest of the theme's fonts, read once at load: share cards are keyed by it."""
    digest = hashlib.sha256()
    for path in sorted(font_dir.glob("*.ttf")) if font_dir.is_dir() else []:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()
