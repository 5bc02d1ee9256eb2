"""For public and corporate buyers: what offers say of themselves (CPV codes, labels,
references, area served, minimum order, lead time), the catalogue's facets for public
buyers, and each offer's printable sheet."""

from __future__ import annotations

import json
from pathlib import Path

from bs4 import BeautifulSoup
from test_members import VALID, YAML, errors, member

from circlemade_site import pipeline
from circlemade_site.load import schema
from circlemade_site.models import AREAS_SERVED


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def with_offer(extra: str) -> str:
    """VALID with `extra` lines added to its one offer (indented as its fields)."""
    return VALID + "".join(f"    {line}\n" for line in extra.strip("\n").split("\n"))


# -- member input ---------------------------------------------------------------------------

def test_a_bad_cpv_code_is_one_error_on_its_line(make_project) -> None:
    root = member(make_project, with_offer('cpv: ["45453000-7", "4545300-7"]'))
    assert errors(root) == [
        f"{YAML}:21:25: error: offers[0].cpv[1]: '4545300-7' is not a code of the Common "
        "Procurement Vocabulary (eight digits, a hyphen and a check digit, such as 45453000-7)"]


def test_a_cpv_code_starts_with_a_division_of_the_vocabulary(make_project) -> None:
    root = member(make_project, with_offer('cpv: ["47123000-1"]'))
    [error] = errors(root)
    assert error.startswith(
        f"{YAML}:21:11: error: offers[0].cpv[0]: '47123000-1' does not start with a division of "
        "the Common Procurement Vocabulary (see content/vocabularies.yaml) (its first two "
        "digits are one of: 03, 09, 14, 15, 16, 18, ")


def test_mistakes_in_the_buyers_fields_are_reported_with_their_field(make_project) -> None:
    root = member(make_project, with_offer("""
area_served: wallonia
references:
  - {client: "Commune", year: 1850}
  - {client: "Ville", year: 2025, link: "javascript:alert(1)"}"""))
    found = errors(root)
    assert [e.split(": error: ")[1].split(":")[0] for e in found] == [
        "offers[0].area_served", "offers[0].references[0].year", "offers[0].references[1].link"], found
    assert found[0] == (f"{YAML}:21:18: error: offers[0].area_served: 'wallonia' is not one of: "
                        "'brussels', 'belgium' or 'eu' (for example `area_served: belgium`)")
    root = member(make_project, with_offer("""
certifications: [fsc, ecolabel]
lead_time: {nl: "Twee weken"}"""))
    found = errors(root)
    assert found[0] == (f"{YAML}:21:27: error: offers[0].certifications[1]: 'ecolabel' is not a "
                        "known label or certification (see content/vocabularies.yaml) (did you "
                        "mean 'eu-ecolabel'?)")
    assert found[1].startswith(f"{YAML}:22:16: error: offers[0].lead_time: "), found


def test_the_areas_of_the_schema_are_those_of_the_model() -> None:
    assert schema.Offer.model_json_schema()["properties"]["area_served"]["anyOf"][0]["enum"] == \
        list(AREAS_SERVED)


# -- on the site ----------------------------------------------------------------------------

def test_an_offer_shows_what_buyers_ask_with_links_to_its_facets(built_site: Path) -> None:
    page = soup(built_site / "fr" / "membres" / "recable" / "index.html")
    offer = page.select_one("#offer-2")
    facts = offer.select_one(".offer-facts").get_text(" ", strip=True)
    for expected in ("30213100-6", "Machines, matériel et fournitures informatiques",
                     "TCO Certified (équipements informatiques)", "Belgique", "Dès un appareil",
                     "Livraison en dix jours ouvrables", "Athénée des Deux Rives (120 portables), 2026"):
        assert expected in facts
    links = [a["href"] for a in offer.select(".offer-facts a")]
    assert "/fr/offres/label/tco-certified-equipements-informatiques/" in links
    assert any(link.startswith("/fr/offres/cpv/machines-materiel-") for link in links)
    # the reference's link, as a member wrote it (checked like every link)
    first = page.select_one("#offer-1")
    assert first.select_one(".offer-facts a[rel=noopener]")["href"] == \
        "https://www.bureau-meridia.be/projets/parc-informatique"


def test_offers_json_ld_says_what_schema_org_can(built_site: Path) -> None:
    page = soup(built_site / "nl" / "leden" / "recable" / "index.html")
    data = json.loads(page.select_one('script[type="application/ld+json"]').string)
    offer = data["makesOffer"][1]
    assert offer["url"] == "https://circlemade.brussels/nl/leden/recable/#offer-2"
    assert offer["category"] == [{"@type": "CategoryCode", "codeValue": "30213100-6",
                                  "inCodeSet": {"@type": "CategoryCodeSet", "name": "CPV 2008"}}]
    assert offer["areaServed"] == {"@type": "Country", "name": "België"}
    assert offer["eligibleQuantity"] == {"@type": "QuantitativeValue",
                                         "description": "Vanaf één toestel"}
    assert offer["deliveryLeadTime"]["description"] == "Levering binnen tien werkdagen"
    assert offer["itemOffered"]["hasCertification"] == [
        {"@type": "Certification", "name": "TCO Certified (IT-apparatuur)"},
        {"@type": "Certification", "name": "ISO 14001 (milieumanagement)"}]
    assert "category" not in data["makesOffer"][2]     # an offer without them says nothing


def test_open_data_carries_the_buyers_fields(built_site: Path) -> None:
    document = json.loads((built_site / "data" / "members.json").read_text())
    recable = next(m for m in document["members"] if m["slug"] == "recable")
    assert recable["offers"][0]["cpv"] == ["50312000-5", "90510000-5"]
    assert recable["offers"][0]["references"] == [
        {"client": "Bureau d'études Meridia", "year": 2025,
         "link": "https://www.bureau-meridia.be/projets/parc-informatique"}]
    assert recable["offers"][1]["minimum_order"] == {"fr": "Dès un appareil",
                                                    "nl": "Vanaf één toestel"}
    assert recable["offers"][2]["area_served"] is None
    assert "45" in document["vocabularies"]["cpv_divisions"]


def test_the_catalogue_has_facets_for_public_buyers(built_site: Path) -> None:
    catalogue = soup(built_site / "fr" / "offres" / "index.html")
    facets = [h.get_text(strip=True) for h in catalogue.select(".facet-name")]
    assert {"Division CPV", "Label ou certification", "Public"} <= set(facets)
    term = soup(built_site / "nl" / "aanbod" / "keurmerk" / "iso-14001-milieumanagement" / "index.html")
    titles = {h.get_text(strip=True) for h in term.select(".card h3, .card h2")}
    assert titles == {"Overname van IT-materiaal met gecertificeerde datawissing",
                      "Gereviseerde laptops met twee jaar garantie",
                      "Hergebruikinventaris vóór renovatie of sloop",
                      "Zorgvuldige demontage en overname van materialen"}
    divisions = built_site / "fr" / "offres" / "cpv"
    assert not (divisions / "machines-agricoles").exists()    # no offer of division 16
    demolition = soup(divisions / "travaux-de-construction" / "index.html")
    assert "Démontage soigné et reprise des matériaux" in demolition.get_text()


def test_a_sample_offer_loads_with_every_buyers_field(sample: Path) -> None:
    site = pipeline.load_site(sample, pipeline.BuildOptions()).site
    offer = next(m for m in site.members if m.slug == "seconde-pierre").offers[0]
    assert offer.cpv_divisions == ("71",)
    assert offer.facet_keys("certifications") == ("iso-14001",)
    assert [r.year for r in offer.references] == [2025, 2024]


# -- the printable sheet of an offer ----------------------------------------------------------

def test_an_offer_prints_alone_on_one_a4_page_with_its_contact_and_qr_code(
        browser, site_url: str, tmp_path: Path) -> None:
    import subprocess

    import zxingcpp
    from PIL import Image
    page = browser.new_page()
    try:
        page.goto(f"{site_url}/nl/leden/recable/#offer-2")
        page.evaluate("() => Promise.all([...document.images].map(i => { i.loading = 'eager';"
                      " return i.decode().catch(() => null); }))")
        pdf = tmp_path / "sheet.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=True)
        # without a target the whole profile prints, as before
        page.goto(f"{site_url}/nl/leden/recable/")
        whole = tmp_path / "whole.pdf"
        page.pdf(path=str(whole), format="A4")
    finally:
        page.close()
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1\n" in info and "(A4)" in info
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "Gereviseerde laptops met twee jaar garantie" in text
    assert "Overname van IT-materiaal" not in text               # the other offers are not
    assert "hello@recable.be" in text and "+32 2 538 70 62" in text   # the member's contact
    assert "30213100-6" in text and "Vanaf één toestel" in text
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(pdf), str(tmp_path / "sheet")], check=True)
    [drawn] = tmp_path.glob("sheet-*.png")
    assert [c.text for c in zxingcpp.read_barcodes(Image.open(drawn))] == [
        "https://circlemade.brussels/nl/leden/recable/#offer-2"]
    whole_text = subprocess.run(["pdftotext", str(whole), "-"], capture_output=True, text=True,
                                check=True).stdout
    assert "Overname van IT-materiaal" in whole_text and "Recâblé" in whole_text


def test_the_sheet_link_opens_the_print_dialog_on_its_offer(browser, site_url: str) -> None:
    page = browser.new_page()
    try:
        page.goto(f"{site_url}/fr/membres/seconde-pierre/")
        page.evaluate("() => { window.print = () => { window.printed = location.hash; }; }")
        page.click("#offer-2 a[data-print-sheet]")
        assert page.evaluate("() => window.printed") == "#offer-2"
        assert page.evaluate("() => document.querySelector(':target').id") == "offer-2"
    finally:
        page.close()
