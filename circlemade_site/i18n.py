"""Languages: the Localized value type, UI string catalogues, Babel formatting.

Languages are data (content/site.yaml), never an enum in code. UI strings live in the
theme's i18n/<lang>.yaml; a site may override single strings in content/overrides/i18n/.
Every catalogue must define the same keys: a missing UI string is a build error.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import babel
import babel.dates
import babel.lists
import babel.numbers
import babel.units

T = TypeVar("T")


def pick(found: Mapping[str, T], lang: str, order: Sequence[str]) -> tuple[T, str]:
    """The value for `lang`, else the first non-empty one in the fallback `order`; with the
    language it is in. The one fallback rule of the site: texts, pages, translations."""
    for code in (lang, *order):
        if value := found.get(code):
            return value, code
    raise LookupError(lang)


@dataclasses.dataclass(frozen=True, slots=True)
class Localized:
    """A text in several languages: language code -> text."""

    texts: Mapping[str, str]

    def get(self, lang: str, order: Sequence[str]) -> tuple[str, str]:
        """The text for `lang`, else the first available in `order`; with the language used."""
        return pick(self.texts, lang, order)

    def has(self, lang: str) -> bool:
        return bool(self.texts.get(lang))


@dataclasses.dataclass(frozen=True, slots=True)
class Catalog:
    """The UI strings of one language. Calling it looks a key up and fills `{names}`."""

    lang: str
    strings: Mapping[str, str]
    locale: str = "fr_BE"

    def __call__(self, key: str, **values: Any) -> str:
        try:
            text = self.strings[key]
        except KeyError:
            raise MissingString(self.lang, key) from None
        return text.format(**values) if values else text

    def count(self, key: str, count: int) -> str:
        """`key_one` or `key_other` (by the language's plural rules) with {count} filled in:
        count("members_count", 12) -> '12 membres'."""
        form = babel.Locale.parse(self.locale).plural_form(count)
        name = f"{key}_{form}" if f"{key}_{form}" in self.strings else f"{key}_other"
        return self(name, count=format_number(count, self.locale))


class MissingString(LookupError):
    def __init__(self, lang: str, key: str) -> None:
        super().__init__(lang, key)
        self.lang, self.key = lang, key

    def __str__(self) -> str:
        return f"the UI string {self.key!r} is missing from i18n/{self.lang}.yaml"


def flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """{"nav": {"skip": "x"}} -> {"nav.skip": "x"}"""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def catalog_paths(theme_dir: Path, overrides_dir: Path, lang: str) -> list[Path]:
    """The theme's catalogue, then the site's override of it (if any)."""
    return [p for p in (theme_dir / "i18n" / f"{lang}.yaml", overrides_dir / "i18n" / f"{lang}.yaml")
            if p.is_file()]


# -- Babel formatting ---------------------------------------------------------------------

@functools.lru_cache(maxsize=16384)     # measured: Babel takes ~20 µs a date; pages repeat them
def format_date(value: dt.date, locale: str, format: str = "long") -> str:
    """24 May 2018 -> 'jeudi 24 mai 2018' (format='full', fr_BE)."""
    return babel.dates.format_date(value, format=format, locale=locale)


def format_number(value: float, locale: str) -> str:
    return babel.numbers.format_decimal(value, locale=locale)


def format_file_size(size: int, locale: str) -> str:
    """A file's size as people read it: '860 ko', '1,2 Mo' (fr_BE); '860 kB', '1,2 MB' (nl_BE)."""
    if size < 1_000_000:
        return babel.units.format_unit(max(1, round(size / 1000)), "digital-kilobyte",
                                       length="short", locale=locale)
    return babel.units.format_unit(round(size / 1_000_000, 1), "digital-megabyte",
                                   length="short", locale=locale)


def format_list(items: Sequence[str], locale: str) -> str:
    return babel.lists.format_list(list(items), locale=locale)


def country_name(locale: str) -> str:
    """'Belgique', 'België', 'Belgium'... in the locale's language (from Babel)."""
    return babel.Locale.parse(locale).territories.get("BE", "Belgium")


def language_name(lang: str, in_lang: str | None = None) -> str:
    """The name of `lang` in `in_lang`, by default in itself: 'nl' -> 'Nederlands';
    ('fr', 'nl') -> 'Frans'."""
    name = babel.Locale.parse(lang).get_display_name(in_lang or lang) or lang
    if in_lang is not None:     # inside a sentence: as the language writes it
        return name
    return name[:1].upper() + name[1:]
