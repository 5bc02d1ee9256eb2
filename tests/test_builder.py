"""The profile builder, in a real Chromium: fill it in, download the ZIP, unpack it into a
copy of the project and run `circlemade check`; edit a published profile; see check's own
messages; and the page without JavaScript."""

from __future__ import annotations

import dataclasses
import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import NOW, run_cli
from playwright.sync_api import Browser, Page

from circlemade_site import pipeline

BUILDER = {"fr": "/fr/editeur-de-profil/", "nl": "/nl/profieleditor/"}
ADD_OFFER = {"fr": "Ajouter : Offres", "nl": "Toevoegen : Aanbod"}
ADD_FLOW = {"fr": "Ajouter : Vos flux de matières", "nl": "Toevoegen : Uw materiaalstromen"}


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    yield tab
    context.close()
    assert errors == []


def open_builder(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("form#builder[data-ready]", timeout=10000)


def download(page: Page, folder: Path) -> Path:
    with page.expect_download() as info:
        page.click("#builder button[type=submit]")
    target = folder / info.value.suggested_filename
    info.value.save_as(target)
    return target


def unpack(archive: Path, project: Path) -> list[str]:
    with zipfile.ZipFile(archive) as found:
        assert found.testzip() is None                    # every CRC checks
        found.extractall(project / "members")
        return sorted(found.namelist())


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_profile_filled_in_the_browser_passes_check(page: Page, site_url: str, make_project,
                                                     tmp_path: Path, lang: str) -> None:
    open_builder(page, site_url + BUILDER[lang])
    page.fill("[name=slug]", "atelier-velo")
    page.fill("[name=name]", "Atelier Vélo Canal")
    page.select_option("[name=kind]", "company")
    page.fill("[name='tagline.fr']", "Réparation de vélos et de vélos cargo")
    page.fill("[name='tagline.nl']", "Herstelling van fietsen en bakfietsen")
    page.check("input[name=activities][value=repair]")
    page.check("input[name=sectors][value=logistics]")
    page.fill("[name='address.street.fr']", "Quai des Charbonnages 12")     # and in Dutch
    page.fill("[name='address.street.nl']", "Koolmijnenkaai 12")
    page.select_option("[name='address.postal_code']", "1080")
    page.fill("[name='contact.email']", "bonjour@atelier-velo.be")
    page.fill("[name='contact.phone']", "0470 12 34 56")
    page.check("input[name=hidden][value='contact.phone']")
    page.fill("[name='contact.person.name']", "Lucie Moreau")
    page.fill("[name='contact.person.role.fr']", "Mécanicienne")
    page.fill("[name='contact.person.role.nl']", "Mecanicien")
    page.check("[name='contact.person.public']")
    page.click(f"text={ADD_OFFER[lang]}")
    page.fill("[name='offers.0.title.fr']", "Entretien de flottes")
    page.fill("[name='offers.0.title.nl']", "Onderhoud van vloten")
    page.fill("[name='offers.0.summary.fr']", "Sur place, chaque mois.")
    page.fill("[name='offers.0.summary.nl']", "Ter plaatse, elke maand.")
    page.check("input[name='offers.0.audiences'][value=business]")
    page.click(f"text={ADD_FLOW[lang]}")
    page.select_option("[name='flows.0.direction']", "out")
    page.select_option("[name='flows.0.material']", "metals")
    page.fill("[name='flows.0.waste_code']", "16 01 17")
    page.fill("[name='flows.0.summary.fr']", "Cadres et pièces en acier.")
    page.fill("[name='flows.0.since']", "2026-10-01")
    page.fill("[name='maintainers']", "atelier-velo")
    page.fill("[name='description.fr']", "## Qui sommes-nous ?\n\nUn atelier le long du canal.")
    page.set_input_files("[name=logo]", files=[{"name": "logo.png", "mimeType": "image/png",
                                                 "buffer": logo_png()}])
    archive = download(page, tmp_path)
    assert archive.name == "atelier-velo.zip"
    assert page.locator("#builder-ready").is_visible()
    project = make_project()
    assert unpack(archive, project) == ["atelier-velo/fr.md", "atelier-velo/logo.png",
                                        "atelier-velo/member.yaml"]
    result = run_cli("check", "--now", NOW, cwd=project)
    assert result.returncode == 0, result.stderr
    site = pipeline.load_site(project, pipeline.BuildOptions(now=pipeline.dt.date.fromisoformat(NOW))).site
    member = next(m for m in site.members if m.slug == "atelier-velo")
    assert (member.commune, member.maintainers, member.flows[0].waste_code) == (
        "molenbeek-saint-jean", ("atelier-velo",), "16 01 17")
    # the day of the download; the phone kept in the file and off the site; the person public
    assert member.reviewed == dt.date.today()
    assert (member.hidden, member.phone, member.withheld) == (("contact.phone",), None, ("contact.phone",))
    assert member.person is not None and (member.person.name, member.person.public) == ("Lucie Moreau", True)
    assert dict(member.person.role.texts) == {"fr": "Mécanicienne", "nl": "Mecanicien"}
    assert member.street is not None and dict(member.street.texts) == {
        "fr": "Quai des Charbonnages 12", "nl": "Koolmijnenkaai 12"}
    text = (project / "members" / "atelier-velo" / "member.yaml").read_text(encoding="utf-8")
    assert f"\nreviewed: {dt.date.today().isoformat()}\n" in text and '"+32 470 12 34 56"' not in text


def logo_png() -> bytes:
    import io

    import PIL.Image
    out = io.BytesIO()
    PIL.Image.new("RGB", (240, 120), (20, 120, 80)).save(out, "PNG")
    return out.getvalue()


def test_editing_a_profile_gives_back_its_member_yaml(page: Page, site_url: str, sample: Path,
                                                      make_project, tmp_path: Path) -> None:
    """Filled from the open data, the builder gives the same member, except what the site
    does not publish: those fields are marked."""
    open_builder(page, site_url + "/nl/profieleditor/?member=recable")
    assert page.input_value("[name=name]") == "Recâblé"
    marked = page.locator(".field-unpublished")
    assert marked.count() == 3                  # the logo, the descriptions, the maintainers
    assert all("Niet overgenomen van de gepubliceerde fiche" in text for text in marked.all_inner_texts())
    page.fill("[name='description.fr']", (sample / "members" / "recable" / "fr.md").read_text(encoding="utf-8"))
    page.fill("[name='description.nl']", (sample / "members" / "recable" / "nl.md").read_text(encoding="utf-8"))
    archive = download(page, tmp_path)
    project = make_project()
    original_yaml = (project / "members" / "recable" / "member.yaml").read_text(encoding="utf-8")
    for path in (project / "members" / "recable").iterdir():
        path.unlink()
    unpack(archive, project)
    (project / "members" / "recable" / "logo.png").write_bytes((sample / "members" / "recable" / "logo.png").read_bytes())
    edited = (project / "members" / "recable" / "member.yaml")
    edited.write_text(edited.read_text(encoding="utf-8") + "logo: logo.png\n", encoding="utf-8")
    options = pipeline.BuildOptions(now=pipeline.dt.date.fromisoformat(NOW))
    after = next(m for m in pipeline.load_site(project, options).site.members if m.slug == "recable")
    before = next(m for m in pipeline.load_site(sample, options).site.members if m.slug == "recable")
    assert "logo: logo.png" in original_yaml
    assert after.logo is not None and before.logo is not None
    assert after.logo.digest == before.logo.digest
    assert (before.reviewed, after.reviewed) == (None, dt.date.today())     # reviewed on download
    assert dataclasses.replace(after, logo=None, reviewed=None) == dataclasses.replace(before, logo=None)


def test_editing_a_profile_keeps_hidden_and_marks_what_is_withheld(page: Page, site_url: str) -> None:
    """Atelier Copeau Vif hides its phone and keeps its contact person private: the open
    data has neither, so the builder says so on those fields, and keeps `hidden`."""
    open_builder(page, site_url + "/fr/editeur-de-profil/?member=atelier-copeau-vif")
    assert page.is_checked("input[name=hidden][value='contact.phone']")
    assert not page.is_checked("input[name=hidden][value='contact.email']")
    assert page.input_value("[name='contact.email']") == "bonjour@atelier-copeau-vif.be"
    assert page.input_value("[name='contact.phone']") == ""
    marked = page.locator(".field-unpublished")
    assert marked.count() == 5       # the logo, the descriptions, the maintainers, and these two
    assert page.locator(".field-unpublished:has([name='contact.phone'])").count() == 1
    assert page.locator(".field-unpublished[data-path='contact.person']").count() == 1
    assert "Non repris de la fiche publiée" in page.locator(
        "[data-path='contact.person'] > .field-warning").inner_text()


def test_a_public_contact_person_is_filled_in(page: Page, site_url: str) -> None:
    open_builder(page, site_url + "/nl/profieleditor/?member=maille-reprise")
    assert page.input_value("[name='contact.person.name']") == "Inès Vandamme"
    assert page.input_value("[name='contact.person.role.nl']") == "Verantwoordelijke ateliers en zakelijke klanten"
    assert page.is_checked("[name='contact.person.public']")
    assert page.locator(".field-unpublished").count() == 3


def test_invalid_input_shows_checks_own_messages(page: Page, site_url: str, make_project) -> None:
    open_builder(page, site_url + BUILDER["fr"])
    page.fill("[name=slug]", "atelier-faux")
    page.fill("[name=name]", "Atelier Faux")
    page.select_option("[name=kind]", "company")
    page.fill("[name='tagline.nl']", "Alleen in het Nederlands")
    page.check("input[name=activities][value=repair]")
    page.fill("[name='address.street.fr']", "Rue Haute 1")      # once: one shared text
    page.select_option("[name='address.postal_code']", "1000")
    page.click(f"text={ADD_FLOW['fr']}")
    page.select_option("[name='flows.0.direction']", "out")
    page.select_option("[name='flows.0.material']", "wood")
    page.fill("[name='flows.0.waste_code']", "17 2 01")
    page.fill("[name='flows.0.summary.fr']", "Chutes")
    page.fill("[name='flows.0.since']", "2026-10-01")
    page.click("#builder button[type=submit]")
    shown = page.locator("#builder-problems li").all_inner_texts()
    # the same mistakes in a member.yaml: what check prints after "error: "
    project = make_project({"members/atelier-faux/member.yaml": """
        name: Atelier Faux
        kind: company
        member_since: 2026-12-01
        tagline: {nl: "Alleen in het Nederlands"}
        activities: [repair]
        address: {street: "Rue Haute 1", postal_code: "1000", municipality: Bruxelles}
        flows:
          - direction: out
            material: wood
            waste_code: "17 2 01"
            summary: {fr: Chutes}
            since: 2026-10-01
    """})
    def printed() -> list[str]:
        result = run_cli("check", "--now", NOW, "--lang", "fr", cwd=project)
        return [line.split(": error: ", 1)[1] for line in result.stderr.splitlines() if ": error: " in line]

    # check stops at the schema's error before the language rule; the builder says both
    assert printed() == [shown[1]]
    yaml_file = project / "members" / "atelier-faux" / "member.yaml"
    yaml_file.write_text(yaml_file.read_text(encoding="utf-8").replace("17 2 01", "17 02 01"), encoding="utf-8")
    assert printed() == [shown[0]]
    # the French page speaks French: the same catalogue as `check --lang fr`
    assert shown == [
        "tagline: la langue par défaut 'fr' manque (par exemple `tagline: {fr: ...}`)",
        "flows[0].waste_code: '17 2 01' n'est pas un code de la liste européenne des déchets "
        "(trois paires de chiffres, la première de 01 à 20, puis * si le déchet est dangereux) "
        "(par exemple `waste_code: 03 01 05`)"]


def test_without_javascript_the_page_gives_the_other_routes(browser: Browser, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(site_url + BUILDER["fr"])
    assert tab.locator(".builder-fallback").is_visible()
    assert tab.locator("form#builder").is_hidden()
    assert tab.locator(".builder-fallback a[href^='mailto:']").count() == 1
    context.close()


def test_every_profile_links_to_its_builder(built_site: Path) -> None:
    html = (built_site / "fr" / "membres" / "recable" / "index.html").read_text(encoding="utf-8")
    assert 'href="/fr/editeur-de-profil/?member=recable"' in html
