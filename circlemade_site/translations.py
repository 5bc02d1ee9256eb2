"""Translation coverage: which texts each language of the site lacks.

Counted per language: every page (one text: its file in that language), the texts of the
accessibility statement, the settings of content/site.yaml that take a text per language,
the labels of content/vocabularies.yaml, and per member its tagline, its long description
(when it has one in any language), the title and summary of each offer and current need,
and the summary of each current flow. A missing text is published in another language
(marked with its `lang`), so a gap is never an empty block: this report says where. (In a
required language a missing page or statement text is a build error, not a gap.)
Missing UI strings are not gaps but build errors.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from circlemade_site.config import ACCESSIBILITY_FILE, SITE_FILE
from circlemade_site.i18n import Localized
from circlemade_site.load.members import MEMBER_FILE, VOCABULARIES_FILE
from circlemade_site.models import Site


@dataclasses.dataclass(frozen=True, slots=True)
class Gap:
    where: str          # the file to add the translation to (or that should exist)
    field: str          # what is missing there


@dataclasses.dataclass(frozen=True, slots=True)
class Coverage:
    lang: str
    total: int
    gaps: tuple[Gap, ...]

    @property
    def percent(self) -> float:
        return 100.0 if not self.total else 100.0 * (self.total - len(self.gaps)) / self.total


def coverage(site: Site) -> dict[str, Coverage]:
    """Language -> its coverage, for every language of the site."""
    texts = list(_texts(site))
    result = {}
    for lang in site.config.languages:
        gaps = tuple(Gap(where(lang), field) for where, field, has in texts if not has(lang))
        result[lang] = Coverage(lang, len(texts), gaps)
    return result


Text = tuple  # (where(lang) -> str, field, has(lang) -> bool)


def _texts(site: Site) -> Iterable[Text]:
    config = site.config

    def localized(path: str, field: str, value: Localized | None) -> Iterable[Text]:
        if value is not None:
            yield (lambda lang: path), field, value.has

    yield from localized(SITE_FILE, "title", config.title)
    yield from localized(SITE_FILE, "tagline", config.tagline)
    yield from localized(SITE_FILE, "organisation", config.organisation)
    for menu, entries in config.menus.items():
        for i, entry in enumerate(entries):
            yield from localized(SITE_FILE, f"menus.{menu}[{i}].label", entry.label)
    for page in site.pages:
        yield ((lambda lang, p=page: f"content/pages/{p.name}.{lang}.md"), "page",
               lambda lang, p=page: lang in p.versions)
    if site.accessibility is not None:
        for field, value in site.accessibility.texts().items():
            yield from localized(ACCESSIBILITY_FILE, field, value)
    for key, facet in site.facets.items():
        yield from localized(VOCABULARIES_FILE, f"{key}.label", facet.label)
        if key != "communes":      # built in, French and Dutch
            for term in facet.terms.values():
                yield from localized(VOCABULARIES_FILE, f"{key}.terms.{term.key}", term.label)
    for member in site.members:
        path = f"{member.rel_dir}/{MEMBER_FILE}"
        yield from localized(path, "tagline", member.tagline)
        if member.description.texts:
            yield ((lambda lang, m=member: f"{m.rel_dir}/{lang}.md"), "description",
                   member.description.has)
        for i, offer in enumerate(member.offers):
            yield from localized(path, f"offers[{i}].title", offer.title)
            yield from localized(path, f"offers[{i}].summary", offer.summary)
        for need in member.needs:
            yield from localized(path, f"needs[{need.index - 1}].title", need.title)
            yield from localized(path, f"needs[{need.index - 1}].summary", need.summary)
        for flow in member.flows:
            yield from localized(path, f"flows[{flow.index - 1}].summary", flow.summary)


def summary(report: Mapping[str, Coverage]) -> str:
    """One line for the end of a build."""
    parts = []
    for lang, cov in report.items():
        part = f"{lang} {cov.percent:.0f}%"
        if cov.gaps:
            part += f" ({len(cov.gaps)} missing)"
        parts.append(part)
    line = "Translations: " + ", ".join(parts)
    if any(c.gaps for c in report.values()):
        line += "; `circlemade i18n` lists them"
    return line


def details(report: Mapping[str, Coverage]) -> str:
    """The full report of `circlemade i18n`."""
    lines = []
    for lang, cov in report.items():
        lines.append(f"{lang}: {cov.percent:.1f}% of {cov.total} texts translated"
                     + (f", {len(cov.gaps)} missing:" if cov.gaps else ""))
        for gap in cov.gaps:
            lines.append(f"  {gap.where}: {gap.field}")
    return "\n".join(lines)
