"""Link previews and search engines: Open Graph tags on every page, the sitemap by the
sitemaps.org rules, events' JSON-LD with the fields Google recommends."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from conftest import NOW, site_pages

from circlemade_site import pipeline
from circlemade_site.errors import BuildFailed

BASE = "https://circlemade.brussels"
LOCALES = {"fr": "fr_BE", "nl": "nl_BE"}
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"
# W3C Datetime (https://www.w3.org/TR/NOTE-datetime), the form sitemaps.org requires
W3C_DATETIME = re.compile(r"\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?")


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def og(page: BeautifulSoup) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for meta in page.find_all("meta", property=re.compile(r"^og:")):
        found.setdefault(meta["property"], []).append(meta["content"])
    return found


def test_every_page_has_open_graph_tags(built_site: Path, sample: Path) -> None:
    pages = site_pages(built_site, sample)
    assert built_site / "index.html" in pages and built_site / "404.html" in pages
    for path in pages:
        rel = path.relative_to(built_site).as_posix()
        tags = og(soup(path))
        for key in ("og:site_name", "og:type", "og:title", "og:url", "og:image", "og:locale"):
            assert len(tags.get(key, [])) == 1 and tags[key][0].strip(), (rel, key)
        assert tags["og:type"][0] in {"website", "article"}, rel
        assert tags["og:url"][0].startswith(BASE + "/"), rel
        assert tags["og:image"][0].startswith(BASE + "/media/cards/"), rel
        assert (built_site / tags["og:image"][0].removeprefix(BASE + "/")).is_file(), rel
        lang = rel.split("/")[0] if "/" in rel else "fr"      # root pages: the default language
        assert tags["og:locale"] == [LOCALES[lang]], rel
        assert tags["og:locale:alternate"] == [v for k, v in LOCALES.items() if k != lang], rel
    profile = og(soup(built_site / "nl" / "leden" / "recable" / "index.html"))
    assert profile["og:type"] == ["website"]         # an organisation, not a person's profile
    root = og(soup(built_site / "index.html"))
    assert root["og:url"] == [BASE + "/"]


def sitemap_entries(built_site: Path) -> dict[str, dict[str, object]]:
    raw = (built_site / "sitemap.xml").read_bytes()
    assert raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert len(raw) <= 50 * 1024 * 1024
    tree = ElementTree.fromstring(raw)
    assert tree.tag == f"{{{SITEMAP}}}urlset"
    entries: dict[str, dict[str, object]] = {}
    for url in tree:
        assert url.tag == f"{{{SITEMAP}}}url"
        tags = [child.tag for child in url]
        # loc first, then the optional lastmod, then the other namespaces' elements
        assert tags[0] == f"{{{SITEMAP}}}loc" and tags.count(f"{{{SITEMAP}}}loc") == 1
        sitemap_tags = [t for t in tags if t.startswith(f"{{{SITEMAP}}}")]
        assert sitemap_tags in ([f"{{{SITEMAP}}}loc"], [f"{{{SITEMAP}}}loc", f"{{{SITEMAP}}}lastmod"])
        assert tags[:len(sitemap_tags)] == sitemap_tags
        loc = url.findtext(f"{{{SITEMAP}}}loc") or ""
        assert loc.startswith(BASE + "/") and len(loc) < 2048 and loc not in entries
        lastmod = url.findtext(f"{{{SITEMAP}}}lastmod")
        if lastmod is not None:
            assert W3C_DATETIME.fullmatch(lastmod), lastmod
        links = url.findall(f"{{{XHTML}}}link")
        assert all(link.get("rel") == "alternate" for link in links)
        entries[loc] = {"lastmod": lastmod,
                        "alternates": {link.get("hreflang"): link.get("href") for link in links}}
    assert 0 < len(entries) <= 50000
    return entries


def test_the_sitemap_follows_the_sitemaps_org_rules(built_site: Path) -> None:
    entries = sitemap_entries(built_site)
    for loc, entry in entries.items():
        alternates = entry["alternates"]
        assert isinstance(alternates, dict)
        assert set(alternates) == {"fr", "nl", "x-default"}, loc
        assert loc in alternates.values(), loc            # each lists itself
        for href in alternates.values():                 # and the same set everywhere
            assert entries[href]["alternates"] == alternates, (loc, href)
        path = loc.removeprefix(BASE + "/")
        assert (built_site / path / "index.html").is_file() or (built_site / path).is_file(), loc
    assert entries[BASE + "/"]["alternates"] == {
        "fr": BASE + "/fr/", "nl": BASE + "/nl/", "x-default": BASE + "/"}
    assert entries[BASE + "/"]["lastmod"] is None


def test_lastmod_comes_from_the_content_own_dates(built_site: Path) -> None:
    entries = sitemap_entries(built_site)
    lastmod = {loc.removeprefix(BASE): e["lastmod"] for loc, e in entries.items()}
    assert lastmod["/fr/actualites/bienvenue-nouveaux-membres-2024/"] == "2024-01-16"    # news date
    assert lastmod["/nl/agenda/opleiding-overheidsopdrachten/"] == "2026-12-10"          # event start
    assert lastmod["/fr/campagnes/achetez-circulaire/"] == "2026-11-02"                 # campaign start
    assert lastmod["/fr/membres/atelier-copeau-vif/"] == "2026-09-15"                   # reviewed
    assert lastmod["/fr/membres/ouate-nouvelle/"] is None                               # never reviewed
    assert lastmod["/fr/a-propos/"] is None and lastmod["/fr/membres/"] is None
    assert NOW not in {v for v in lastmod.values()}       # never the build's date


def event_json_ld(built_site: Path, rel: str) -> dict[str, object]:
    page = soup(built_site / rel)
    data: dict[str, object] = json.loads(page.find("script", type="application/ld+json").string)
    return data


def test_events_carry_the_json_ld_google_recommends(built_site: Path) -> None:
    fair = event_json_ld(built_site, "fr/agenda/salon-bruxelles-circulaire-2027/index.html")
    page = og(soup(built_site / "fr/agenda/salon-bruxelles-circulaire-2027/index.html"))
    assert fair["image"] == page["og:image"]
    assert fair["organizer"] == {"@type": "Organization", "name": "circlemade.brussels",
                                 "url": BASE + "/fr/"}
    assert fair["offers"] == {"@type": "Offer", "url": BASE + "/fr/contact/",
                              "availability": "https://schema.org/InStock",
                              "price": "15.00", "priceCurrency": "EUR"}
    training = event_json_ld(built_site, "nl/agenda/opleiding-overheidsopdrachten/index.html")
    assert training["offers"] == {"@type": "Offer", "url": BASE + "/fr/contact/",
                                  "availability": "https://schema.org/InStock"}    # no price given
    past = event_json_ld(built_site, "fr/agenda/lancement-circlemade-2018/index.html")
    assert past["offers"] == {"@type": "Offer", "url": BASE + "/fr/agenda/lancement-circlemade-2018/",
                              "availability": "https://schema.org/Discontinued"}
    assert past["image"]


def test_a_currency_without_a_price_is_an_error(make_project: Callable[..., Path],
                                                tmp_path: Path) -> None:
    root = make_project()
    path = root / "content" / "events" / "formation-achats-publics.fr.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "type: training\n", "type: training\ncurrency: EUR\n"), encoding="utf-8")
    with pytest.raises(BuildFailed) as exc:
        pipeline.build(root, tmp_path / "public", pipeline.BuildOptions(now=dt.date.fromisoformat(NOW)))
    assert [str(d) for d in exc.value.diagnostics] == [
        "content/events/formation-achats-publics.fr.md:6:11: error: currency: a currency is "
        "given without a price (give the price too, for example price: 25)"]
