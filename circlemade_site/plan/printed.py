"""The printed directory (site.yaml `print: true`): per language, one PDF to hand out at
fairs and meetings, /fr/annuaire.pdf and /nl/ledenlijst.pdf (urls.PRINTED_DIRECTORY).

Pure: this plans, per language, the HTML page it is printed from (the theme's
printed.html with the site's own stylesheet, whose print rules lay it out) and what
that page shows: a cover with the contents, then one section per activity with each
member whose main activity (its first) it is, with its logo, tagline, offers, commune,
contact and a QR code of its profile. The page is never published; assets/printed.py
turns it into a tagged PDF with WeasyPrint."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import babel.dates

from circlemade_site import communes, links, urls
from circlemade_site.errors import Diagnostic
from circlemade_site.i18n import Catalog
from circlemade_site.models import Member, Site
from circlemade_site.plan.cards import term_label
from circlemade_site.plan.images import Variant
from circlemade_site.plan.qr import qr_code
from circlemade_site.plan.views import Output, text

PRINT_LOGO_PIXELS = 160


@dataclasses.dataclass(frozen=True, slots=True)
class PrintJob:
    """A PDF of the site: the HTML page it is printed from (rendered, never written) and
    the address its site-relative links and files are resolved against."""

    dest_rel: str                 # fr/annuaire.pdf
    lang: str
    page: Output                  # its dest_rel is the PDF's: the page is not an output
    base_url: str                 # https://circlemade.brussels/


def plan_printed(site: Site, router: urls.Router, catalogs: Mapping[str, Catalog],
                 logos: Mapping[str, Sequence[Variant]],
                 base: Callable[[str], dict[str, Any]]) -> list[PrintJob]:
    """One PrintJob per language when site.yaml sets `print: true`; none otherwise."""
    if not site.config.print_directory:
        return []
    jobs = []
    for lang in site.config.languages:
        dest = router.dest_for(urls.PRINTED_DIRECTORY, lang).as_posix()
        page = Output(dest, "printed.html", {**base(lang), "current_url": router.url_for(
            urls.PRINTED_DIRECTORY, lang)}, more=functools.partial(
            directory, site, router, catalogs[lang], logos, lang))
        jobs.append(PrintJob(dest, lang, page, router.absolute("/")))
    return jobs


def directory(site: Site, router: urls.Router, t: Catalog, logos: Mapping[str, Sequence[Variant]],
              lang: str, _diagnostics: list[Diagnostic]) -> dict[str, Any]:
    """What the printed directory shows in `lang`: its sections in the order of the
    activities in content/vocabularies.yaml, members by name within each."""
    config = site.config
    by_activity: dict[str, list[Member]] = {key: [] for key in site.facets["activities"].terms}
    for member in site.members:
        by_activity[member.activities[0]].append(member)
    sections = [{"id": f"activity-{key}", "label": term_label(site, lang, "activities", key),
                 "members": [member_entry(m, lang, site, router, t, logos.get(m.slug))
                             for m in listed]}
                for key, listed in by_activity.items() if listed]
    return {
        "sections": sections,
        "count": len(site.members),
        "edition": babel.dates.format_date(site.now, "LLLL y", locale=config.locales[lang]),
        "home_url": router.absolute(router.url_for(urls.HOME, lang)),
        "home_label": router.absolute(router.url_for(urls.HOME, lang)).split("://", 1)[-1],
    }


def member_entry(member: Member, lang: str, site: Site, router: urls.Router, t: Catalog,
                 logo: Sequence[Variant] | None) -> dict[str, Any]:
    order = site.config.fallback_order
    url = router.absolute(router.url_for(member, lang))
    # the narrowest variant sharp enough at the logo's printed width (18 mm: 160 px is 225 dpi)
    largest = next((v for v in logo if v.width >= PRINT_LOGO_PIXELS), logo[-1]) if logo else None
    return {
        "name": member.name,
        "tagline": text(member.tagline, lang, order),
        "logo": {"src": router.file_url(largest.dest_rel), "width": largest.width,
                 "height": largest.height} if largest else None,
        "offers": [text(o.title, lang, order) for o in member.offers],
        "commune": text(communes.BY_KEY[member.commune].names, lang, order),
        "email": member.email, "phone": member.phone,
        "website": links.label(member.website) if member.website else None,
        "url": url,
        "url_label": url.split("://", 1)[-1],
        "qr": qr_code(url, t("print_qr_profile", name=member.name)),
    }
