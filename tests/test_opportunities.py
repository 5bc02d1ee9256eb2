"""Business opportunities: needs and flows in member.yaml, the opportunities section, and
the explainable matches between members."""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import json
import textwrap
from pathlib import Path

import feedparser
from bs4 import BeautifulSoup
from conftest import NOW
from test_members import VALID, YAML, errors, member

from circlemade_site import pipeline
from circlemade_site.plan.opportunities import MATCHES_SHOWN, Matchmaker

OPTIONS = pipeline.BuildOptions(now=pipeline.dt.date.fromisoformat(NOW))


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def match_links(page: BeautifulSoup, key: str) -> list[str]:
    section = page.select_one(f"#matches-{key}-heading")
    return [] if section is None else [a["href"] for a in section.parent.select(".match-list a")]


def with_opportunities(extra: str) -> str:
    return VALID + textwrap.dedent(extra).lstrip("\n")


# -- the sample: a by-product and a need that share a material ------------------------------

def test_a_flow_and_a_need_of_one_material_link_both_ways_in_both_languages(built_site: Path) -> None:
    """Seconde Pierre gives off oak offcuts (wood); Atelier Copeau Vif looks for them."""
    for lang, members in (("fr", "membres"), ("nl", "leden")):
        giver = soup(built_site / lang / members / "seconde-pierre" / "index.html")
        taker = soup(built_site / lang / members / "atelier-copeau-vif" / "index.html")
        assert f"/{lang}/{members}/atelier-copeau-vif/" in match_links(giver, "uses")
        assert f"/{lang}/{members}/seconde-pierre/" in match_links(taker, "supplies")
        reasons = giver.select_one("#matches-uses-heading").parent.get_text(" ", strip=True)
        assert ("Bois (demande)" if lang == "fr" else "Hout (vraag)") in reasons
    # the same for an in-flow: textile scraps -> an insulation maker
    page = soup(built_site / "fr" / "membres" / "maille-reprise" / "index.html")
    assert "/fr/membres/ouate-nouvelle/" in match_links(page, "uses")
    assert "Textiles (matière valorisée)" in page.get_text()


def test_a_member_never_matches_itself_and_no_match_shows_nothing(built_site: Path) -> None:
    """Recâblé both seeks and gives off electronics: nobody else does, so no list at all."""
    page = soup(built_site / "fr" / "membres" / "recable" / "index.html")
    assert page.select_one("#need-1") is not None and page.select_one("#flow-1") is not None
    assert page.select(".matches") == []
    assert "/fr/membres/recable/" not in [a["href"] for a in page.select(".profile-main a")]


def test_needs_and_flows_are_on_the_profile_with_anchors_and_a_way_to_respond(built_site: Path) -> None:
    page = soup(built_site / "nl" / "leden" / "recable" / "index.html")
    need = page.select_one("#need-1")
    assert need.h3.get_text() == "Zakelijke laptops om te reviseren"
    respond = need.select_one("a.button")["href"]
    assert respond == ("mailto:hello@recable.be?subject=circlemade.brussels%3A%20Zakelijke%20"
                       "laptops%20om%20te%20reviseren")
    flow = page.select_one("#flow-1")
    assert "500 kg per maand" in flow.get_text()
    assert flow.select_one(".waste-code abbr").get_text() == "16 02 13"
    assert flow.select_one(".hazard").get_text() == "gevaarlijk"     # the declared *, shown
    data = json.loads(page.select_one('script[type="application/ld+json"]').string)
    assert data["seeks"] == [{
        "@type": "Demand", "name": "Zakelijke laptops om te reviseren",
        "description": "Laptopparken van minder dan zeven jaar oud, ook defect: we nemen ze over, "
                       "wissen de gegevens met certificaat en brengen ze opnieuw in gebruik.",
        "url": "https://circlemade.brussels/nl/leden/recable/#need-1", "validFrom": "2026-11-05"}]


def test_the_opportunities_section_lists_every_current_one_newest_first(built_site: Path, sample: Path) -> None:
    site = pipeline.load_site(sample, OPTIONS).site
    count = sum(len(m.needs) + len(m.flows) for m in site.members)
    for lang, path in (("fr", "fr/opportunites"), ("nl", "nl/kansen")):
        page = soup(built_site / path / "index.html")
        assert page.html["lang"] == lang
        cards = page.select("#results > li")
        assert len(cards) == count > 10
        dates = [card.select_one(".card-date time")["datetime"] for card in cards]
        assert dates == sorted(dates, reverse=True)
        assert page.select_one("form.filters") is not None            # instant filtering
    wood = soup(built_site / "fr" / "opportunites" / "matiere" / "bois" / "index.html")
    titles = [c.select_one(".card-title").get_text(strip=True) for c in wood.select("#results > li")]
    assert titles == ["Chutes de bois de chêne", "Bois"]              # a need, then the flow
    assert (built_site / "nl" / "kansen" / "stroom" / "beschikbare-reststromen" / "index.html").is_file()
    assert (built_site / "fr" / "opportunites" / "demande" / "matiere" / "index.html").is_file()
    home = soup(built_site / "fr" / "index.html")
    assert len(home.select(".featured-opportunities .card")) == 3
    menu = [a["href"] for a in home.select(".main-nav a")]
    assert "/fr/opportunites/" in menu


def test_open_data_carries_needs_and_flows(built_site: Path) -> None:
    document = json.loads((built_site / "data" / "members.json").read_text(encoding="utf-8"))
    recable = next(m for m in document["members"] if m["slug"] == "recable")
    assert recable["needs"][0]["materials"] == ["electronics"]
    assert recable["flows"][0] == {
        "id": "flow-1", "direction": "out", "material": "electronics", "waste_code": "16 02 13",
        "hazardous": True, "quantity": {"amount": 500.0, "unit": "kg", "per": "month"},
        "summary": recable["flows"][0]["summary"], "since": "2026-10-28", "until": None,
        "url": {"fr": "https://circlemade.brussels/fr/membres/recable/#flow-1",
                "nl": "https://circlemade.brussels/nl/leden/recable/#flow-1"}}
    rows = list(csv.DictReader(io.StringIO(
        (built_site / "data" / "opportunities.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0]["kind"] == "need" and rows[0]["member"] == "racines-canal"
    flow = next(r for r in rows if r["member"] == "recable" and r["kind"] == "flow")
    assert (flow["waste_code"], flow["hazardous"], flow["quantity"], flow["unit"]) == (
        "16 02 13", "yes", "500", "kg")


# -- hostile or mistaken input ------------------------------------------------------------

def test_a_bad_waste_code_is_one_error_on_its_line(make_project) -> None:
    root = member(make_project, with_opportunities("""
        flows:
          - direction: out
            material: wood
            waste_code: "17 2 01"
            summary: {fr: "Chutes", nl: "Resten"}
            since: 2026-10-01
    """))
    assert errors(root) == [
        f"{YAML}:24:17: error: flows[0].waste_code: '17 2 01' is not a code of the European "
        "List of Waste (three pairs of digits, the first from 01 to 20, then * if the waste is "
        "hazardous) (for example `waste_code: 03 01 05`)"]


def test_mistakes_in_needs_and_flows_are_reported_with_their_field(make_project) -> None:
    root = member(make_project, with_opportunities("""
        needs:
          - title: {fr: "Du bois", nl: "Hout"}
            summary: {fr: "Pour nos tabourets.", nl: "Voor onze krukken."}
            type: material
            since: 2026-10-01
          - title: {fr: "Un partenaire", nl: "Een partner"}
            summary: {fr: "Pour un projet.", nl: "Voor een project."}
            type: partner
            materials: [woood]
            activities: [furnitur]
            since: 2026-10-01
            until: 2026-09-01
        flows:
          - direction: sideways
            material: textiles
            summary: {nl: "Resten"}
            since: 2026-10-01
    """))
    assert errors(root) == [
        f"{YAML}:24:11: error: needs[0].type: a need of type material names its materials "
        "(for example `materials: [wood]`, keys of `materials` in content/vocabularies.yaml)",
        f"{YAML}:29:17: error: needs[1].materials[0]: 'woood' is not a known material (see "
        "content/vocabularies.yaml) (did you mean 'wood'?)",
        f"{YAML}:30:18: error: needs[1].activities[0]: 'furnitur' is not a known activity (see "
        "content/vocabularies.yaml) (expected one of: eco-design, prevention, reuse, repair, "
        "recycling, energy-recovery, industrial-ecology, sharing)",
        f"{YAML}:32:12: error: needs[1].until: ends (2026-09-01) before it is posted (2026-10-01) "
        "(`until` is the last day it is published, on or after `since`)",
        f"{YAML}:34:16: error: flows[0].direction: 'sideways' is not a known direction (see "
        "content/vocabularies.yaml) (expected one of: out, in)",
        f"{YAML}:36:14: error: flows[0].summary: missing the default language 'fr' "
        "(for example `summary: {fr: ...}`)",
    ]


def test_a_folder_may_not_take_a_new_facet_segment(make_project) -> None:
    root = make_project({"members/matiere/member.yaml": VALID.replace("Atelier Exemple", "Matière")
                         .replace("logo: logo.png\n", "").replace('"0123.456.749"', '"0403.170.701"')})
    assert [e for e in errors(root) if e.startswith("members/matiere")] == [
        "members/matiere: error: the folder name 'matiere' is reserved for a page of the "
        "directory (rename the folder, for example 'matiere-brussels')"]


def test_an_expired_need_is_in_no_output_file(make_project, tmp_path: Path) -> None:
    """From the day after its `until`, a need is published nowhere: no page, no search
    index (read decompressed), no feed, no open data. A current one is everywhere: the
    test would see an expired one too."""
    root = member(make_project, with_opportunities("""
        needs:
          - title: {fr: "Quarzkiesel ancien", nl: "Quarzkiesel oud"}
            summary: {fr: "Zanzibarquokka passé.", nl: "Zanzibarquokka voorbij."}
            type: material
            materials: [glass]
            since: 2026-09-01
            until: 2026-11-28
          - title: {fr: "Xylophagerie actuelle", nl: "Xylophagerie huidig"}
            summary: {fr: "Wombatique présent.", nl: "Wombatique heden."}
            type: material
            materials: [glass]
            since: 2026-09-01
            until: 2026-11-29
    """))
    out = tmp_path / "public"
    pipeline.build(root, out, OPTIONS)
    texts: dict[str, str] = {}
    for path in out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            with contextlib.suppress(OSError, EOFError):
                data = gzip.decompress(data)      # Pagefind's index files
            texts[path.relative_to(out).as_posix()] = data.decode("utf-8", errors="replace")
    everything = "\n".join(texts.values())
    for word in ("Quarzkiesel", "Zanzibarquokka"):
        assert word not in everything
    for word in ("Xylophagerie", "Wombatique"):            # its last day: still published
        assert word in everything
    index = "\n".join(text for path, text in texts.items() if path.startswith("pagefind/"))
    assert "wombatique" in index.lower()          # the test reads the index for real
    feed = feedparser.parse((out / "fr" / "feed.xml").read_bytes())
    assert any("Xylophagerie" in e.title for e in feed.entries)


def test_a_list_shows_ten_members_then_links_to_the_material(make_project, tmp_path: Path) -> None:
    takers = {}
    for n in range(MATCHES_SHOWN + 2):
        slug = f"atelier-bois-{n:02d}"
        takers[f"members/{slug}/member.yaml"] = VALID.replace(
            "Atelier Exemple", f"Atelier Bois {n:02d}").replace('enterprise_number: "0123.456.749"\n', "").replace(
            "logo: logo.png\n", "") + textwrap.dedent("""
            needs:
              - title: {fr: "Chutes de chêne", nl: "Eikenresten"}
                summary: {fr: "Pour nos meubles.", nl: "Voor onze meubels."}
                type: material
                materials: [wood]
                since: 2026-10-01
        """)
    root = make_project(takers)
    out = tmp_path / "public"
    pipeline.build(root, out, pipeline.BuildOptions(now=OPTIONS.now, search=False))
    page = soup(out / "fr" / "membres" / "seconde-pierre" / "index.html")
    links = match_links(page, "uses")
    assert len(links) == MATCHES_SHOWN
    # by name: the twelve "Atelier Bois" come before "Atelier Copeau Vif", which is cut
    assert links == [f"/fr/membres/atelier-bois-{n:02d}/" for n in range(MATCHES_SHOWN)]
    more = [a["href"] for a in page.select(".match-more a")]
    # wood has more candidates than shown; so has construction, whose one candidate
    # (Centre Matière Seconde, a need) was cut by the ten names before it
    assert more == ["/fr/opportunites/matiere/bois/",
                    "/fr/opportunites/matiere/materiaux-de-construction/"]
    wood = soup(out / more[0].lstrip("/") / "index.html").select("#results > li")
    assert len(wood) == 12 + 1 + 1        # their needs, Atelier Copeau Vif's, the flow itself


def test_matches_are_made_from_groups_not_member_pairs(sample: Path) -> None:
    """The lists of every member from one index: each member is looked at a bounded number
    of times, whatever the number of members."""
    site = pipeline.load_site(sample, OPTIONS).site
    matchmaker = Matchmaker(site.members)
    everyone = {m.slug for m in site.members}
    for m in site.members:
        for found in (matchmaker.uses(m), matchmaker.supplies(m)):
            slugs = [x.member.slug for x in found.matches]
            assert m.slug not in slugs and set(slugs) <= everyone
            assert len(slugs) == len(set(slugs)) <= MATCHES_SHOWN
