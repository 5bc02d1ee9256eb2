"""The directory as published: listing, facet pages, profiles, offers, open data, images."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import shutil
import time
from pathlib import Path

import PIL.Image
import pytest
from bs4 import BeautifulSoup
from conftest import NOW, run_cli

from circlemade_site import pipeline, reference
from circlemade_site.assets import images
from circlemade_site.errors import BuildFailed

OPTIONS = pipeline.BuildOptions(now=pipeline.dt.date.fromisoformat(NOW))


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def cards(page: BeautifulSoup) -> list[str]:
    return [a.get_text(strip=True) for a in page.select("#results .card-title a")]


def test_directory_lists_every_member_sorted_with_count(built_site: Path, sample: Path) -> None:
    members = pipeline.load_site(sample, OPTIONS).site.members
    for _lang, path, word in (("fr", "fr/membres", "membres"), ("nl", "nl/leden", "leden")):
        page = soup(built_site / path / "index.html")
        assert cards(page) == [m.name for m in members]
        assert page.select_one("#result-count").get_text() == f"{len(members)} {word}"
        assert page.select_one("#result-count")["role"] == "status"
    names = cards(soup(built_site / "fr" / "membres" / "index.html"))
    assert names.index("Recâblé") < names.index("Semence Coop")     # â sorts as a


def test_facet_pages_list_exactly_the_members_with_that_value(built_site: Path, sample: Path) -> None:
    site = pipeline.load_site(sample, OPTIONS).site
    repair = [m.name for m in site.members if "repair" in m.activities]
    page = soup(built_site / "nl" / "leden" / "activiteit" / "herstelling" / "index.html")
    assert cards(page) == repair
    assert page.h1.get_text(strip=True) == "Herstelling"
    assert page.select_one("#result-count").get_text() == f"{len(repair)} leden"
    ixelles = soup(built_site / "fr" / "membres" / "commune" / "ixelles" / "index.html")
    assert cards(ixelles) == [m.name for m in site.members if m.commune == "ixelles"]
    # the language switch of a facet page leads to the same facet value
    switch = page.select_one("nav.lang-switch a[hreflang=fr]")["href"]
    assert switch == "/fr/membres/activite/reparation/"


def test_every_facet_value_has_a_static_page_linked_from_the_directory(built_site: Path) -> None:
    page = soup(built_site / "fr" / "membres" / "index.html")
    links = page.select(".facet-links a[href]")
    assert len(links) > 20
    for link in links:
        target = built_site / link["href"].strip("/") / "index.html"
        count = int(link.find_next_sibling(class_="facet-count").get_text())
        assert len(cards(soup(target))) == count, link["href"]


def test_filter_form_matches_card_data(built_site: Path) -> None:
    page = soup(built_site / "fr" / "membres" / "index.html")
    form = page.select_one("form.filters")
    params = {box["name"] for box in form.select("input[type=checkbox]")}
    assert params == {"type", "activite", "secteur", "commune"}
    for card in page.select("#results .card"):
        assert params <= {attr.removeprefix("data-") for attr in card.attrs}
    assert form.has_attr("hidden")                  # revealed by filters.js only
    assert page.find("script", src=lambda s: s and "/static/js/filters." in s)


def test_profile_page(built_site: Path) -> None:
    page = soup(built_site / "fr" / "membres" / "recable" / "index.html")
    assert page.h1.get_text() == "Recâblé"
    data = json.loads(page.find("script", type="application/ld+json").string)
    assert data["@type"] == "Organization" and data["name"] == "Recâblé"
    assert data["address"]["postalCode"] == "1030" and data["address"]["addressLocality"] == "Schaerbeek"
    assert data["url"] == "https://circlemade.brussels/fr/membres/recable/"
    osm = page.find("a", href=lambda h: h and h.startswith("https://www.openstreetmap.org/search?"))
    assert osm is not None and "1030" in osm["href"]
    assert not page.find("iframe")
    assert page.find("a", href="mailto:hello@recable.be")
    assert page.find("a", href="tel:+3225387062")
    og_image = page.find("meta", property="og:image")["content"]
    assert og_image.startswith("https://circlemade.brussels/media/cards/members/recable-")
    with PIL.Image.open(built_site / og_image.split("circlemade.brussels/")[1]) as card:
        assert (card.format, card.size) == ("JPEG", (1200, 630))   # what link previews expect
    activity_links = [a["href"] for a in page.select("#activities-heading ~ ul a")]
    assert "/fr/membres/activite/reparation/" in activity_links
    logo = page.select_one(".profile-logo img")
    assert logo["alt"] == "Logo de Recâblé" and logo["width"] and logo["height"]
    assert "Membre depuis le 4 novembre 2019" in page.get_text()


def test_untranslated_description_falls_back_with_lang(built_site: Path) -> None:
    page = soup(built_site / "nl" / "leden" / "atelier-copeau-vif" / "index.html")
    prose = page.select_one(".profile-main .prose")
    assert prose["lang"] == "fr"
    assert "nog niet vertaald" in page.select_one(".profile-main .notice").get_text()
    assert page.select_one(".lead").get_text(strip=True).startswith("Werkplaats")   # nl tagline


def test_logo_sizes_in_html_match_the_files(built_site: Path) -> None:
    page = soup(built_site / "fr" / "membres" / "index.html")
    checked = 0
    for img in page.select("#results img"):
        with PIL.Image.open(built_site / img["src"].lstrip("/")) as im:
            assert (im.format, im.width, im.height) == ("WEBP", int(img["width"]), int(img["height"]))
            assert "exif" not in im.info
        for candidate in img["srcset"].split(", "):
            url, width = candidate.split()
            with PIL.Image.open(built_site / url.lstrip("/")) as im:
                assert f"{im.width}w" == width
        checked += 1
    assert checked == 12


def test_offers_catalogue_links_each_offer_to_its_member(built_site: Path, sample: Path) -> None:
    site = pipeline.load_site(sample, OPTIONS).site
    page = soup(built_site / "nl" / "aanbod" / "index.html")
    links = [a["href"] for a in page.select("#results .card-title a")]
    assert len(links) == sum(len(m.offers) for m in site.members)
    for href in links:
        path, anchor = href.split("#")
        profile = soup(built_site / path.strip("/") / "index.html")
        assert profile.find(id=anchor) is not None
    consumers = soup(built_site / "nl" / "aanbod" / "doelgroep" / "particulieren" / "index.html")
    assert len(cards(consumers)) == sum(1 for m in site.members for o in m.offers
                                        if "consumers" in o.audiences)


def test_open_data(built_site: Path, sample: Path) -> None:
    site = pipeline.load_site(sample, OPTIONS).site
    text = (built_site / "data" / "members.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["count"] == len(site.members) == len(data["members"])
    # one member a line: a member's change is one line of a diff of the file
    lines = text.splitlines()
    assert [json.loads(line.rstrip(","))["slug"] for line in lines
            if line.startswith('{"slug"')] == [m["slug"] for m in data["members"]]
    recable = next(m for m in data["members"] if m["slug"] == "recable")
    assert recable["address"]["commune_name"] == {"fr": "Schaerbeek", "nl": "Schaarbeek"}
    assert recable["profile_url"]["nl"] == "https://circlemade.brussels/nl/leden/recable/"
    assert data["vocabularies"]["activities"]["repair"] == {"fr": "Réparation", "nl": "Herstelling"}
    rows = list(csv.DictReader(io.StringIO(
        (built_site / "data" / "members.csv").read_text(encoding="utf-8-sig"))))
    assert [r["slug"] for r in rows] == [m["slug"] for m in data["members"]]
    assert rows[0].keys() >= {"tagline_fr", "tagline_nl", "profile_url_fr", "profile_url_nl"}
    assert next(r for r in rows if r["slug"] == "recable")["phone"] == "'+32 2 538 70 62"     # OWASP: see docs/open-data.md


def test_csv_neutralises_formulas(make_project, tmp_path: Path) -> None:
    root = make_project()
    path = root / "members" / "recable" / "member.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "name: Recâblé", 'name: "=HYPERLINK(\\"https://evil.example\\")"'), encoding="utf-8")
    pipeline.build(root, tmp_path / "out", OPTIONS)
    rows = list(csv.DictReader(io.StringIO(
        (tmp_path / "out" / "data" / "members.csv").read_text(encoding="utf-8-sig"))))
    assert next(r for r in rows if r["slug"] == "recable")["name"].startswith("'=")


DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
HOSTILE_RECABLE = {       # member-written values that would start a formula, by field
    "name: Recâblé": 'name: "=HYPERLINK(\\"https://evil.example\\")"',
    "  fr: \"Reconditionnement d'ordinateurs,": "  fr: \"@SUM(1+1);=cmd|' /C calc'!A0;Reconditionnement d'ordinateurs,",
    "Rue des Palais 118": '-Rue des Palais 118;\\t+1',
    "hello@recable.be": "=1+2@evil.example",
    "https://www.recable.be": "https://www.recable.be/;=1+1",
    "  linkedin: https://www.linkedin.com/company/recable-brussels": (
        "  linkedin: https://www.linkedin.com/company/recable-brussels\n"
        "  person: {name: \"=Marie Dubois\", role: {fr: \"-Responsable\", nl: \"+Verantwoordelijke;@x\"},"
        " public: true}"),
    "Ordinateurs portables d'entreprise à reconditionner": "=Ordinateurs portables; \\\"=1+1",
    "Écrans et ordinateurs irréparables": "+Écrans;-1;@2;=3",
}


def test_every_csv_cell_is_formula_safe_read_on_commas_or_on_semicolons(
        make_project, tmp_path: Path) -> None:
    """OWASP's rule, for every column (phone and e-mail included): no cell starts with
    = + - @ tab or CR, in the file read as comma-separated or, as a Belgian-locale
    spreadsheet does, split on `;`."""
    root = make_project()
    path = root / "members" / "recable" / "member.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in HOSTILE_RECABLE.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    pipeline.build(root, tmp_path / "out", dataclasses.replace(OPTIONS, search=False))
    files = sorted((tmp_path / "out" / "data").glob("*.csv"))
    assert [p.name for p in files] == ["members.csv", "opportunities.csv"]
    checked = 0
    for csv_path in files:
        content = csv_path.read_text(encoding="utf-8-sig")
        assert "recable" in content
        for row in csv.reader(io.StringIO(content)):                  # on ","
            for cell in row:
                assert not cell.startswith(DANGEROUS), (csv_path.name, cell)
                checked += 1
        for row in csv.reader(io.StringIO(content), delimiter=";"):   # on ";", quotes read
            for cell in row:
                assert not cell.lstrip(' "').startswith(DANGEROUS), (csv_path.name, cell)
        for line in content.splitlines():                             # on ";", raw
            for piece in line.split(";"):
                assert not piece.lstrip(' "').startswith(DANGEROUS), (csv_path.name, piece)
    assert checked > 100
    members = {r["slug"]: r for r in csv.DictReader(io.StringIO(
        (tmp_path / "out" / "data" / "members.csv").read_text(encoding="utf-8-sig")))}
    assert members["recable"]["email"] == "'=1+2@evil.example"
    assert members["recable"]["phone"] == "'+32 2 538 70 62"
    assert members["recable"]["website"] == "https://www.recable.be/;'=1+1"


def test_images_are_cached_by_content(make_project, tmp_path: Path, monkeypatch) -> None:
    root = make_project()
    options = dataclasses.replace(OPTIONS, cache_key="k" * 40)    # a trusted build
    pipeline.build(root, tmp_path / "one", options)
    cache = sorted((root / ".cache" / "images").iterdir())
    published = [p for p in (tmp_path / "one" / "media").rglob("*") if p.is_file()]
    assert len(cache) == len(published)        # logos, heroes and share cards
    assert any(p.name.startswith("card-") for p in cache)
    stamps = {p: p.stat().st_mtime_ns for p in cache}

    def must_not_run(task):
        raise AssertionError(f"image made again: {task}")
    monkeypatch.setattr(images, "_make", must_not_run)
    time.sleep(0.01)
    pipeline.build(root, tmp_path / "two", options)
    assert {p: p.stat().st_mtime_ns for p in cache} == stamps
    one = {p.relative_to(tmp_path / "one"): p.read_bytes() for p in (tmp_path / "one").rglob("*") if p.is_file()}
    two = {p.relative_to(tmp_path / "two"): p.read_bytes() for p in (tmp_path / "two").rglob("*") if p.is_file()}
    assert one == two


def test_gps_metadata_never_reaches_the_site(make_project, tmp_path: Path) -> None:
    image = PIL.Image.new("RGB", (800, 600), (200, 100, 50))
    exif = PIL.Image.Exif()
    exif[0x8825] = {2: (50.0, 50.0, 0.0), 4: (4.0, 21.0, 0.0)}   # GPS latitude/longitude
    exif[0x010F] = "Camera maker"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    root = make_project({"members/recable/logo.jpg": out.getvalue(), "members/recable/logo.png": None})
    path = root / "members" / "recable" / "member.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("logo: logo.png", "logo: logo.jpg"),
                    encoding="utf-8")
    pipeline.build(root, tmp_path / "out", OPTIONS)
    published = list((tmp_path / "out" / "media" / "members").glob("recable-logo-*"))
    assert {p.suffix for p in published} == {".webp"}
    for variant in published:
        data = variant.read_bytes()
        assert b"Exif" not in data and b"Camera maker" not in data
        with PIL.Image.open(variant) as im:
            assert not im.getexif()


def test_schema_writes_the_schemas_and_check_sees_them_go_stale(make_project) -> None:
    """`circlemade schema` writes what editors use; `schema --check` (run by `make check`
    and the members' workflow on the real content) fails once the vocabularies change."""
    root = make_project()
    assert run_cli("schema", cwd=root).returncode == 0
    assert run_cli("schema", "--check", cwd=root).returncode == 0
    member = json.loads((root / "schemas" / "member.schema.json").read_text())
    assert "repair" in member["properties"]["activities"]["items"]["enum"]
    assert "1060" in member["$defs"]["Address"]["properties"]["postal_code"]["enum"]
    assert "`repair`" in (root / reference.REFERENCE_DOC).read_text(encoding="utf-8")
    vocabularies = root / "content" / "vocabularies.yaml"
    text = vocabularies.read_text(encoding="utf-8")
    vocabularies.write_text(text.replace("    repair:", "    upcycling: {fr: Surcyclage, nl: Upcycling}\n    repair:", 1),
                            encoding="utf-8")
    result = run_cli("schema", "--check", cwd=root)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "schemas/member.schema.json: error: out of date; run `circlemade schema` and commit it",
        "docs/member-reference.md: error: out of date; run `circlemade schema` and commit it"]


def test_description_headings_sit_under_the_profile_sections(built_site: Path) -> None:
    page = soup(built_site / "nl" / "leden" / "recable" / "index.html")
    prose = page.select_one(".profile-main .prose")
    assert prose.find("h3") is not None and prose.find(["h1", "h2"]) is None


def test_a_long_listing_continues_on_numbered_pages(make_project, tmp_path) -> None:
    root = make_project()
    settings = root / "content" / "site.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "listing_page_size: 10\n",
                        encoding="utf-8")
    out = tmp_path / "out"
    pipeline.build(root, out, pipeline.BuildOptions(now=pipeline.dt.date(2026, 11, 29), search=False))

    def cards(rel: str) -> list[str]:
        return re.findall(r'<h2 class="card-title"><a href="(/fr/membres/[^"]+)"',
                          (out / rel).read_text(encoding="utf-8"))

    first, second = cards("fr/membres/index.html"), cards("fr/membres/2/index.html")
    assert len(first) == 10 and len(second) == 3
    assert len(set(first + second)) == 13
    assert not (out / "fr" / "membres" / "3").exists()
    page2 = (out / "fr/membres/2/index.html").read_text(encoding="utf-8")
    assert "<title>Membres – Page 2 – circlemade.brussels</title>" in page2
    assert 'rel="prev"' in page2 and 'rel="next"' not in page2
    assert '<a href="/fr/membres/2/" aria-label="Page 2" aria-current="page">2</a>' in page2
    assert '<link rel="canonical" href="https://circlemade.brussels/fr/membres/2/">' in page2
    assert 'hreflang="nl" href="https://circlemade.brussels/nl/leden/2/"' in page2
    assert "13 membres" in page2 and "Page 2 sur 2" in page2
    assert (out / "nl/leden/2/index.html").is_file()
    offers = [p for p in (out / "fr" / "offres").iterdir() if p.name.isdigit()]
    assert offers                                                     # offers paginate too
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://circlemade.brussels/fr/membres/2/</loc>" in sitemap
    # a listing that fits on one page has no page links
    assert "pagination" not in (out / "fr/membres/commune/schaerbeek/index.html").read_text(
        encoding="utf-8")


def test_a_member_folder_named_with_a_number_is_refused(make_project) -> None:
    root = make_project()
    shutil.copytree(root / "members" / "recable", root / "members" / "2")
    with pytest.raises(BuildFailed) as raised:
        pipeline.check(root, pipeline.BuildOptions(now=pipeline.dt.date(2026, 11, 29)))
    assert any(d.path == "members/2" and "reserved" in d.message for d in raised.value.diagnostics)
