"""Members' personal data and fresh profiles: `hidden` fields, the contact person, `reviewed`
and `circlemade stale`. What is published of a member is decided once
(models.published); these tests look for the withheld values in every file a real build
writes, search index included."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import gzip
import html
import io
import json
import urllib.parse
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from conftest import NOW, fill_in_member, run_cli
from test_members import errors

from circlemade_site import pipeline
from circlemade_site.i18n import Localized
from circlemade_site.models import Member, Person, months_before, published

TODAY = dt.date.fromisoformat(NOW)
OPTIONS = pipeline.BuildOptions(now=TODAY)
SLUG = "atelier-discret"
YAML = f"members/{SLUG}/member.yaml"
# values no other file of the test site holds (the schema's examples, +32 2 511 22 33 and
# 0123.456.749, are published by the member guide and the JSON Schema on purpose)
PHONE, EMAIL, NUMBER, STREET = ("+32 2 218 44 90", "direction@atelier-discret.be",
                                "0741.236.584", "Rue des Tanneurs 58")
STREET_NL = "Huidevettersstraat 58"     # the street is given in each language
LINKEDIN = "https://www.linkedin.com/company/atelier-discret-bxl"
DISCRETE = f"""\
name: Atelier Discret
kind: company
enterprise_number: "{NUMBER}"
member_since: 2023-04-03
reviewed: 2026-10-01
tagline: {{fr: "Réparation d'électroménager", nl: "Herstelling van huishoudtoestellen"}}
activities: [repair]
sectors: [electronics]
address: {{street: {{fr: "{STREET}", nl: "{STREET_NL}"}}, postal_code: "1000", municipality: Bruxelles}}
contact:
  email: {EMAIL}
  phone: "{PHONE}"
  website: https://www.atelier-discret.be
  linkedin: {LINKEDIN}
hidden: [contact.phone, contact.email, contact.linkedin, address.street, enterprise_number]
offers:
  - title: {{fr: "Réparation de lave-linge", nl: "Herstelling van wasmachines"}}
    summary: {{fr: "Chez vous, en une visite.", nl: "Bij u thuis, in één bezoek."}}
    audiences: [consumers]
needs:
  - title: {{fr: "Pièces de lave-linge", nl: "Onderdelen van wasmachines"}}
    summary: {{fr: "Des tambours et des moteurs.", nl: "Trommels en motoren."}}
    type: material
    materials: [metals]
    since: 2026-11-01
flows:
  - direction: out
    material: metals
    summary: {{fr: "Carcasses en acier.", nl: "Stalen behuizingen."}}
    since: 2026-11-01
"""


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def forms(*values: str) -> set[str]:
    """Each value as it could be written in a page, a URL, JSON or a feed."""
    found = set()
    for value in values:
        found |= {value, html.escape(value), urllib.parse.quote(value), urllib.parse.quote_plus(value),
                  urllib.parse.quote(value, safe=""), json.dumps(value)[1:-1]}
    return found


PHONE_FORMS = forms(PHONE, "+3222184490", "022184490", "02 218 44 90", "tel:+3222184490",
                    "218 44 90")
EMAIL_FORMS = forms(EMAIL, f"mailto:{EMAIL}")
NUMBER_FORMS = forms(NUMBER, "0741236584", "BE0741236584", "BE 0741.236.584", "741.236.584")
STREET_FORMS = forms(STREET, "Tanneurs 58", STREET_NL)
LINKEDIN_FORMS = forms(LINKEDIN, "atelier-discret-bxl")


def published_text(out: Path) -> dict[str, str]:
    """Every file of a build as text; Pagefind's files (gzip) decompressed."""
    texts = {}
    for path in sorted(out.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix in (".pf_fragment", ".pf_index", ".pf_meta"):
            data = gzip.decompress(data)
        texts[path.relative_to(out).as_posix()] = data.decode("utf-8", errors="replace")
    return texts


def test_a_hidden_value_is_in_no_output_file_in_any_form(make_project, tmp_path: Path) -> None:
    root = make_project({YAML: DISCRETE})
    for lang in ("fr", "nl"):         # on an event's page and in the calendars too
        event = root / "content" / "events" / f"accompagnement-collectif-modeles-2027.{lang}.md"
        event.write_text(event.read_text(encoding="utf-8").replace(
            "members: [semence-coop]", f"members: [semence-coop, {SLUG}]"), encoding="utf-8")
    out = tmp_path / "out"
    pipeline.build(root, out, OPTIONS)
    texts = published_text(out)
    assert any(p.endswith(".pf_fragment") for p in texts) and any(p.endswith(".pf_index") for p in texts)
    # the member is published, with what it does not hide
    assert "Atelier Discret" in texts["fr/membres/atelier-discret/index.html"]
    assert any("Atelier Discret" in t for p, t in texts.items() if p.endswith(".pf_fragment"))
    assert "https://www.atelier-discret.be" in texts["data/members.json"]
    assert f"{SLUG}/" in texts["fr/agenda/accompagnement-collectif-modeles-2027/index.html"]
    leaks = sorted((needle, path) for path, text in texts.items()
                   for needle in PHONE_FORMS | EMAIL_FORMS | NUMBER_FORMS | STREET_FORMS | LINKEDIN_FORMS
                   if needle in text)
    assert leaks == []
    # where the hidden values were derived: the map link, JSON-LD's address, the need's reply
    page = soup(out / "nl" / "leden" / SLUG / "index.html")
    assert page.select_one("a[href^='https://www.openstreetmap.org']") is None
    assert page.select_one(".profile-aside address").get_text(" ", strip=True) == "1000 Brussel"
    ld = json.loads(page.select_one("script[type='application/ld+json']").string)
    assert ld["address"] == {"@type": "PostalAddress", "postalCode": "1000", "addressLocality": "Brussel",
                             "addressRegion": "Brussels Hoofdstedelijk Gewest", "addressCountry": "BE"}
    assert not {"email", "telephone", "vatID"} & ld.keys()
    assert ld["sameAs"] == ["https://www.atelier-discret.be"]
    assert page.select_one("#need-1 a.button")["href"].startswith("mailto:info@circlemade.brussels?")
    record = next(m for m in json.loads(texts["data/members.json"])["members"] if m["slug"] == SLUG)
    assert record["contact"] == {"email": None, "phone": None, "website": "https://www.atelier-discret.be",
                                 "linkedin": None, "person": None}
    assert (record["address"]["street"], record["enterprise_number"]) == (None, None)
    assert record["hidden"] == ["contact.phone", "contact.email", "contact.linkedin", "address.street",
                                "enterprise_number"]
    row = next(r for r in csv.DictReader(io.StringIO(texts["data/members.csv"].lstrip("\ufeff")))
               if r["slug"] == SLUG)
    assert (row["street_fr"], row["street_nl"], row["phone"], row["email"],
            row["enterprise_number"]) == ("", "", "", "", "")


def test_hidden_names_only_fields_that_can_be_hidden(make_project) -> None:
    yaml = DISCRETE.replace(
        "hidden: [contact.phone, contact.email, contact.linkedin, address.street, enterprise_number]",
        "hidden: [contact.phon, address.postal_code, contact.website, contact.email, contact.email]")
    assert errors(make_project({YAML: yaml})) == [
        f"{YAML}:15:10: error: hidden[0]: 'contact.phon' is not a field that can be hidden (did "
        "you mean 'contact.phone'?)",
        f"{YAML}:15:24: error: hidden[1]: 'address.postal_code' cannot be hidden, as the "
        "directory lists every member under its commune (hide the street alone with "
        "`hidden: [address.street]`)",
        f"{YAML}:15:45: error: hidden[2]: 'contact.website' cannot be hidden "
        "(fields that can be hidden: contact.email, contact.phone, contact.linkedin, "
        "address.street, enterprise_number)",
        f"{YAML}:15:77: error: hidden[4]: 'contact.email' is listed twice (remove one of them)",
    ]


def test_a_hidden_value_given_away_by_the_members_own_text_is_an_error(make_project) -> None:
    yaml = DISCRETE.replace('"Réparation d\'électroménager"', f'"Réparation, {STREET.lower()}"') \
        .replace('"Herstelling van huishoudtoestellen"', f'"Herstelling, {STREET_NL}"')
    root = make_project({YAML: yaml, f"members/{SLUG}/fr.md": "## Nous joindre\n\nAppelez le "
                         "(02) 218.44.90, TVA BE 0741 236 584.\n"})
    assert errors(root) == [
        f"members/{SLUG}/fr.md:3: error: this text gives the enterprise number that `hidden` "
        "withholds (remove it from the text, or take enterprise_number out of `hidden`)",
        f"members/{SLUG}/fr.md:3: error: this text gives the phone number that `hidden` withholds "
        "(remove it from the text, or take contact.phone out of `hidden`)",
        f"{YAML}:6:15: error: tagline.fr: this text gives the street that `hidden` withholds "
        "(remove it from the text, or take address.street out of `hidden`)",
        f"{YAML}:6:54: error: tagline.nl: this text gives the street that `hidden` withholds "
        "(remove it from the text, or take address.street out of `hidden`)",
    ]


# -- the contact person ---------------------------------------------------------------------

def test_a_private_contact_person_is_published_nowhere(built_site: Path) -> None:
    """Atelier Copeau Vif names Thomas Verhaegen with `public: false`."""
    assert [p for p in built_site.rglob("*") if p.is_file() and b"Verhaegen" in p.read_bytes()] == []
    data = json.loads((built_site / "data" / "members.json").read_text(encoding="utf-8"))
    copeau = next(m for m in data["members"] if m["slug"] == "atelier-copeau-vif")
    assert copeau["contact"]["person"] is None
    assert copeau["withheld"] == ["contact.person", "contact.phone"]


def test_a_public_contact_person_on_the_profile_in_json_ld_and_open_data(built_site: Path) -> None:
    """Maille Reprise names Inès Vandamme with `public: true`."""
    for lang, members, role in (
            ("fr", "membres", "Responsable des ateliers et des entreprises clientes"),
            ("nl", "leden", "Verantwoordelijke ateliers en zakelijke klanten")):
        page = soup(built_site / lang / members / "maille-reprise" / "index.html")
        facts = page.select_one(".profile-aside .facts")
        assert facts.select_one("dt").get_text() == ("Personne de contact" if lang == "fr" else "Contactpersoon")
        assert facts.select_one("dd").get_text(" ", strip=True) == f"Inès Vandamme {role}"
        ld = json.loads(page.select_one("script[type='application/ld+json']").string)
        assert ld["employee"] == {"@type": "Person", "name": "Inès Vandamme", "jobTitle": role}
    data = json.loads((built_site / "data" / "members.json").read_text(encoding="utf-8"))
    maille = next(m for m in data["members"] if m["slug"] == "maille-reprise")
    assert maille["contact"]["person"] == {"name": "Inès Vandamme", "role": {
        "fr": "Responsable des ateliers et des entreprises clientes",
        "nl": "Verantwoordelijke ateliers en zakelijke klanten"}}
    rows = list(csv.DictReader(io.StringIO(
        (built_site / "data" / "members.csv").read_text(encoding="utf-8-sig"))))
    row = next(r for r in rows if r["slug"] == "maille-reprise")
    assert (row["contact_person"], row["contact_person_role_nl"]) == (
        "Inès Vandamme", "Verantwoordelijke ateliers en zakelijke klanten")


# -- freshness ------------------------------------------------------------------------------

def with_reviewed(root: Path, slug: str, day: dt.date | None) -> None:
    path = root / "members" / slug / "member.yaml"
    lines = [line for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
             if not line.startswith("reviewed:")]
    if day is not None:
        at = next(i for i, line in enumerate(lines) if line.startswith("member_since:"))
        lines.insert(at + 1, f"reviewed: {day.isoformat()}\n")
    path.write_text("".join(lines), encoding="utf-8")


def test_a_profile_reviewed_25_months_ago_publishes_no_contact_detail(make_project,
                                                                       tmp_path: Path) -> None:
    root = make_project()
    with_reviewed(root, "recable", months_before(TODAY, 25))
    out = tmp_path / "out"
    pipeline.build(root, out, dataclasses.replace(OPTIONS, search=False))
    for lang, members, notice in (
            ("fr", "membres", "Ce profil attend une mise à jour : vérifiées il y a plus de 24 mois, "
                              "ses coordonnées ne sont plus publiées."),
            ("nl", "leden", "Dit profiel wacht op een update: de contactgegevens werden meer dan "
                            "24 maanden geleden nagekeken en worden niet meer gepubliceerd.")):
        path = out / lang / members / "recable" / "index.html"
        text = path.read_text(encoding="utf-8")
        page = soup(path)
        assert page.select_one(".awaiting-update p").get_text() == notice
        assert page.select_one(".awaiting-update a")["href"] == "mailto:info@circlemade.brussels"
        dts = [d.get_text() for d in page.select(".profile-aside .facts dt")]
        assert dts == (["Adresse", "Numéro d'entreprise"] if lang == "fr" else ["Adres", "Ondernemingsnummer"])
        for detail in ("538 70 62", "+3225387062", "@recable.be", "www.recable.be", "linkedin.com"):
            assert detail not in text
        ld = json.loads(page.select_one("script[type='application/ld+json']").string)
        assert not {"email", "telephone", "sameAs", "employee"} & ld.keys()
    record = next(m for m in json.loads((out / "data" / "members.json").read_text(encoding="utf-8"))
                  ["members"] if m["slug"] == "recable")
    assert record["reviewed"] == months_before(TODAY, 25).isoformat()
    assert record["awaiting_update"] is True
    assert set(record["contact"].values()) == {None}
    assert record["withheld"] == ["contact.email", "contact.linkedin", "contact.phone", "contact.website"]


def test_a_profile_without_reviewed_keeps_its_details(built_site: Path) -> None:
    """Recâblé has no `reviewed`: `stale` lists it, the site publishes it whole."""
    page = soup(built_site / "fr" / "membres" / "recable" / "index.html")
    assert page.select_one(".awaiting-update") is None
    assert page.select_one("a[href='tel:+3225387062']") is not None
    record = next(m for m in json.loads((built_site / "data" / "members.json").read_text(
        encoding="utf-8"))["members"] if m["slug"] == "recable")
    assert (record["reviewed"], record["awaiting_update"], record["contact"]["phone"]) == (
        None, False, "+32 2 538 70 62")


def test_the_sample_profile_reviewed_long_ago_awaits_an_update(built_site: Path) -> None:
    page = soup(built_site / "nl" / "leden" / "centre-matiere-seconde" / "index.html")
    assert page.select_one(".awaiting-update") is not None
    assert "matiereseconde.be" not in page.select_one(".profile-aside").get_text()


def member_at(reviewed: dt.date | None, **fields: Any) -> Member:
    return Member(slug="m", name="M", kind="company", enterprise_number="0741.236.584",
                  member_since=dt.date(2020, 1, 1), tagline=Localized({"fr": "x"}),
                  activities=("repair",), sectors=(), street="Rue 1", postal_code="1000",
                  commune="bruxelles", email="a@b.be", phone="+32 2 218 44 90",
                  website="https://b.be", linkedin=None, logo=None, offers=(),
                  description=Localized({}), description_lines={}, rel_dir="members/m",
                  reviewed=reviewed, **fields)


def test_published_at_the_limit_of_freshness() -> None:
    limit = months_before(TODAY, 24)
    assert limit == dt.date(2024, 11, 29)
    assert months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2028, 2, 29), 12) == dt.date(2027, 2, 28)
    fresh = member_at(limit)                  # exactly 24 months: still published
    assert published(fresh, TODAY, 24) is fresh
    old = published(member_at(limit - dt.timedelta(days=1)), TODAY, 24)
    assert old.awaiting_update and (old.email, old.phone, old.website) == (None, None, None)
    assert (old.street, old.enterprise_number) == ("Rue 1", "0741.236.584")   # not contact.*
    assert published(member_at(None), TODAY, 24).awaiting_update is False
    person = Person("Ana Lopez", Localized({"fr": "Gérante"}), public=True)
    assert published(member_at(limit, person=person), TODAY, 24).person == person
    assert published(member_at(limit, person=Person("Ana Lopez", Localized({}))), TODAY, 24).person is None
    assert published(member_at(limit, person=person), TODAY, 6).person is None


def test_the_freshness_limit_comes_from_site_yaml(make_project) -> None:
    root = make_project()
    site_yaml = root / "content" / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") +
                         "freshness: {hide_contact_after_months: 6}\n", encoding="utf-8")
    with_reviewed(root, "recable", months_before(TODAY, 7))
    recable = next(m for m in pipeline.load_site(root, OPTIONS).site.members if m.slug == "recable")
    assert recable.awaiting_update and recable.phone is None
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8").replace(
        "hide_contact_after_months", "hide_contact_after_month"), encoding="utf-8")
    result = run_cli("check", "--now", NOW, cwd=root)
    assert result.returncode == 1
    assert "content/site.yaml:" in result.stderr and "error: freshness.hide_contact_after_month: " \
        "unknown field 'hide_contact_after_month' (did you mean 'hide_contact_after_months'?)" in result.stderr


# -- circlemade stale -----------------------------------------------------------------------

def test_stale_lists_old_and_unreviewed_profiles_with_their_maintainers(sample: Path) -> None:
    result = run_cli("stale", "--now", NOW, cwd=sample)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == [
        "members/centre-matiere-seconde/member.yaml: reviewed 2024-06-10, awaits an update (its "
        "contact details are not published); maintainers: @matiere-seconde-labo",
        "members/maille-reprise/member.yaml: reviewed 2025-09-22; no maintainers (the team updates it)"]
    never = [line.split(":")[0] for line in lines[2:-1]]
    assert never == sorted(never) and len(never) == 10
    assert all(line.endswith("never reviewed; no maintainers (the team updates it)") for line in lines[2:-1])
    assert "members/atelier-copeau-vif/member.yaml" not in result.stdout      # reviewed 2026-09-15
    assert lines[-1] == ("12 of 13 profiles not reviewed since 2025-11-29 (12 months before "
                         "2026-11-29), 1 of them past 24 months and awaiting an update.")
    wider = run_cli("stale", "--now", NOW, "--months", "20", cwd=sample)
    assert "maille-reprise" not in wider.stdout and "centre-matiere-seconde" in wider.stdout


def test_stale_exits_0_when_every_profile_is_reviewed(make_project) -> None:
    root = make_project()
    for folder in sorted((root / "members").iterdir()):
        with_reviewed(root, folder.name, dt.date(2026, 6, 1))
    result = run_cli("stale", "--now", NOW, cwd=root)
    assert (result.returncode, result.stdout) == (0, "Every profile was reviewed on or after "
                                                     "2025-11-29 (12 months before 2026-11-29).\n")
    bad = run_cli("stale", "--months", "0", cwd=root)
    assert bad.returncode == 2 and "'0' is not a number of months" in bad.stderr


def test_the_scaffold_sets_reviewed_to_the_day_of_creation(make_project) -> None:
    root = make_project()
    result = run_cli("new", "member", "atelier-neuf", "--now", "2026-11-20", cwd=root)
    assert result.returncode == 0, result.stderr
    text = (root / "members" / "atelier-neuf" / "member.yaml").read_text(encoding="utf-8")
    assert "\nreviewed: 2026-11-20\n" in text and "# hidden: [contact.phone]" in text
    fill_in_member(root / "members" / "atelier-neuf")
    found = next(m for m in pipeline.load_site(root, OPTIONS).site.members if m.slug == "atelier-neuf")
    assert found.reviewed == dt.date(2026, 11, 20)
