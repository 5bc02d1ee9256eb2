"""Messages that point at the cause (#19): a label where a key goes, an unclosed quote,
one broken file reported in that file only, the order of the messages, and a line for
every message about a value."""

from __future__ import annotations

from pathlib import Path

import pytest

from circlemade_site import pipeline
from circlemade_site.errors import BuildFailed, Diagnostic

SLUG = "atelier-exemple"
YAML = f"members/{SLUG}/member.yaml"
VALID = """\
name: Atelier Exemple
kind: company
enterprise_number: "0123.456.749"
member_since: 2018-05-24
tagline: {fr: "Réparation de meubles", nl: "Herstelling van meubels"}
activities: [repair, reuse]
sectors: [furniture]
address:
  street: "Rue de la Victoire 12"
  postal_code: "1060"
  municipality: Saint-Gilles
offers:
  - title: {fr: "Réparation", nl: "Herstelling"}
    summary: {fr: "Sur site.", nl: "Ter plaatse."}
    audiences: [business]
"""


def diagnostics(root: Path) -> list[Diagnostic]:
    with pytest.raises(BuildFailed) as exc:
        pipeline.load_site(root, pipeline.BuildOptions())
    return exc.value.diagnostics


def member(make_project, yaml: str, **files: str | None) -> Path:
    return make_project({YAML: yaml, **files})


# -- a label where a key goes --------------------------------------------------------------

@pytest.mark.parametrize(("written", "expected"), [
    ("activities: [réemploi]", "6:14: error: activities[0]: 'réemploi' is a label, not a key: "
                               "write its key 'reuse' (for example `activities: [reuse]`)"),
    ("activities: [Hergebruik]", "6:14: error: activities[0]: 'Hergebruik' is a label, not a "
                                 "key: write its key 'reuse' (for example `activities: [reuse]`)"),
    ("activities: [Économie de partage et de fonctionnalité]",
     "6:14: error: activities[0]: 'Économie de partage et de fonctionnalité' is a label, not a "
     "key: write its key 'sharing' (for example `activities: [sharing]`)"),
    ("activities: [reparation]", "6:14: error: activities[0]: 'reparation' is a label, not a "
                                 "key: write its key 'repair' (for example `activities: "
                                 "[repair]`)"),
    ("activities: [Eco Design]", "6:14: error: activities[0]: 'Eco Design' is not written as "
                                 "its key: write 'eco-design' (for example `activities: "
                                 "[eco-design]`)"),
    ("kind: Entreprise", "2:7: error: kind: 'Entreprise' is a label, not a key: write its key "
                         "'company' (for example `kind: company`)"),
])
def test_a_label_where_a_key_goes_suggests_the_key(make_project, written: str,
                                                   expected: str) -> None:
    field = written.split(":")[0]
    line = next(line for line in VALID.splitlines() if line.startswith(f"{field}:"))
    found = diagnostics(member(make_project, VALID.replace(line, written)))
    assert [str(d) for d in found] == [f"{YAML}:{expected}"]


def test_an_offers_audience_label_suggests_the_key_in_french_too(make_project) -> None:
    found = diagnostics(member(make_project, VALID.replace("audiences: [business]",
                                                           "audiences: [Acheteurs publics]")))
    assert [str(d) for d in found] == [
        f"{YAML}:15:17: error: offers[0].audiences[0]: 'Acheteurs publics' is a label, not a "
        "key: write its key 'public-sector' (for example `audiences: [public-sector]`)"]
    assert found[0].render("fr") == (
        f"{YAML}:15:17: error: offers[0].audiences[0]: 'Acheteurs publics' est un libellé, pas "
        "une clé : écrivez sa clé 'public-sector' (par exemple `audiences: [public-sector]`)")


def test_a_label_in_a_campaigns_facets_suggests_the_key(make_project) -> None:
    path = "content/campaigns/achats-circulaires.fr.md"
    root = make_project()
    text = (root / path).read_text(encoding="utf-8")
    root = make_project({path: text.replace("member_facets: {activities: [repair, reuse]}",
                                            "member_facets: {activities: [repair, Réemploi]}")})
    assert [str(d) for d in diagnostics(root)] == [
        f"{path}:13:40: error: features.member_facets.activities[1]: 'Réemploi' is a label, not "
        "a key: write its key 'reuse' (for example `activities: [reuse]`)"]


@pytest.mark.parametrize(("written", "reported_in", "message"), [
    # not a slug: each file is refused by the schema
    ("Formation", ("fr", "nl"), "'Formation' is a label, not a key: write its key 'training'"),
    # a slug that is no key: the shared value, checked once, where it is first written
    ("opleiding", ("fr",), "'opleiding' is a label, not a key: write its key 'training'"),
])
def test_a_label_as_an_events_type_suggests_the_key(make_project, written: str,
                                                    reported_in: tuple[str, ...],
                                                    message: str) -> None:
    path = "content/events/accompagnement-collectif-modeles-2027.fr.md"
    root = make_project()
    files = {}
    for lang in ("fr", "nl"):     # a shared field, written the same in both files
        rel = path.replace(".fr.md", f".{lang}.md")
        text = (root / rel).read_text(encoding="utf-8")
        files[rel] = text.replace("type: coaching", f"type: {written}")
    root = make_project(files)
    assert [str(d) for d in diagnostics(root)] == [
        f"{path.replace('.fr.md', f'.{lang}.md')}:5:7: error: type: {message} (for example "
        "`type: training`)" for lang in reported_in]


# -- an unclosed quote ---------------------------------------------------------------------

@pytest.mark.parametrize("quote", ['"', "'"])
def test_an_unclosed_quote_is_reported_where_it_opens(make_project, quote: str) -> None:
    text = VALID.replace('{fr: "Réparation de meubles", nl: "Herstelling van meubels"}',
                         f"{quote}Réparer") + 'contact: {website: "https://exemple.be"}\n'
    found = diagnostics(member(make_project, text))
    assert [str(d) for d in found] == [
        f"{YAML}:5:10: error: invalid YAML: this quote is never closed (end the text with the "
        "same quote on its line, for example `tagline: \"Réparer, réemployer\"`)"]
    assert found[0].render("fr") == (
        f"{YAML}:5:10: error: YAML non valide : ce guillemet n'est jamais fermé (terminez le "
        "texte par le même guillemet sur sa ligne, par exemple `tagline: \"Réparer, "
        "réemployer\"`)")


def test_an_unclosed_quote_in_front_matter_is_reported_where_it_opens(make_project) -> None:
    path = "content/pages/about.nl.md"
    root = make_project()
    text = (root / path).read_text(encoding="utf-8")
    lines = text.split("\n")
    number, title = next((i, line) for i, line in enumerate(lines) if line.startswith("title:"))
    lines[number] = 'title: "Over ons'
    found = diagnostics(make_project({path: "\n".join(lines)}))
    assert [str(d) for d in found] == [
        f"{path}:{number + 1}:8: error: invalid YAML: this quote is never closed (end the text "
        "with the same quote on its line, for example `tagline: \"Herstellen, hergebruiken\"`)"]
    # the example is in the language of the file, whatever the reader's
    assert found[0].render("fr").endswith("par exemple `tagline: \"Herstellen, hergebruiken\"`)")


# -- one broken member file ----------------------------------------------------------------

def test_a_broken_member_file_gives_errors_in_that_file_only(make_project) -> None:
    """recable is featured by a campaign and publi-boucle organises events: their own
    errors are reported, not the references to them."""
    root = make_project()
    for slug in ("recable", "semence-coop"):
        path = root / "members" / slug / "member.yaml"
        text = path.read_text(encoding="utf-8")
        kind = next(line for line in text.splitlines() if line.startswith("kind: "))
        path.write_text(text.replace(kind, kind.replace(": ", ': "')), encoding="utf-8")
    found = diagnostics(root)
    assert {d.path for d in found} == {"members/recable/member.yaml",
                                       "members/semence-coop/member.yaml"}, found
    assert all("this quote is never closed" in d.message for d in found)


def test_diagnostics_are_in_path_order_causes_first(make_project) -> None:
    text = VALID.replace("name: Atelier Exemple", "nmae: Atelier Exemple").replace(
        "sectors: [furniture]", "sectors: furniture") + "colour: green\n"
    root = member(make_project, text, **{"members/aaa-premier/member.yaml": 'name: "A\n'})
    found = [d.render() for d in diagnostics(root)]
    assert [d.split(":")[0] for d in found] == [
        "members/aaa-premier/member.yaml", YAML, YAML, YAML]
    assert [":".join(d.split(":")[1:3]) for d in found] == ["1:7", "1:1", "16:1", "7:10"]
    assert "unknown field 'nmae'" in found[1] and "unknown field 'colour'" in found[2]


# -- every message about a value has its line ---------------------------------------------

def test_every_cross_file_message_has_its_line(make_project) -> None:
    """One of each message that used to come without a line."""
    root = make_project()
    recable = (root / "members/recable/member.yaml").read_text(encoding="utf-8")
    number = next(line for line in recable.splitlines() if line.startswith("enterprise_number"))
    campaign = "content/campaigns/achats-circulaires.nl.md"
    campaign_text = (root / campaign).read_text(encoding="utf-8")
    hero_alt = next(line for line in campaign_text.splitlines() if line.startswith("hero_alt"))
    cta_label = next(line for line in campaign_text.splitlines() if line.startswith("cta_label"))
    root = make_project({
        YAML: VALID.replace('enterprise_number: "0123.456.749"', number),      # same number
        "members/atelier-double/member.yaml": VALID.replace(                 # same name
            'enterprise_number: "0123.456.749"\n', "").replace("2018-05-24", "2026-01-10"),
        campaign: campaign_text.replace(hero_alt + "\n", "").replace(cta_label + "\n", ""),
        "content/pages/team.fr.md": "---\ntitle: Équipe\nslug: contact\n---\n",   # a taken URL
        "content/pages/team.nl.md": "---\ntitle: Team\nslug: team\n---\n",
    })
    found = diagnostics(root)
    assert sorted((d.path, d.field) for d in found) == sorted([
        ("members/atelier-double/member.yaml", "name"),
        ("members/recable/member.yaml", "enterprise_number"),    # the later member_since
        (campaign, "cta_label"), (campaign, "hero_alt"), ("content/pages/team.fr.md", "slug")])
    assert all(d.line and d.column for d in found), [str(d) for d in found]
    by_field = {d.field: d for d in found}
    assert (by_field["name"].line, by_field["enterprise_number"].line) == (1, 4)
    assert (by_field["slug"].line, by_field["slug"].column) == (3, 7)
    assert by_field["hero_alt"].line == 2        # by the title of that language's file


# -- what is published differently is a warning with its line ----------------------------

def test_removed_images_and_html_and_a_missing_dutch_tagline_are_warnings(make_project) -> None:
    root = member(make_project, VALID.replace(
        'tagline: {fr: "Réparation de meubles", nl: "Herstelling van meubels"}',
        'tagline: {fr: "Réparation de meubles"}'), **{
        f"members/{SLUG}/fr.md": "Texte.\n\n![Notre atelier](atelier.jpg)\n\n"
                                 "Du <span style=\"color: red\">rouge</span> et du **gras**.\n",
        f"members/{SLUG}/nl.md": "<div>\nTekst.\n</div>\n"})
    warnings = pipeline.load_site(root, pipeline.BuildOptions()).warnings
    mine = [d for d in warnings if d.path.startswith(f"members/{SLUG}/")]
    assert [str(d) for d in mine] == [
        f"members/{SLUG}/fr.md:3: warning: an image in a text is not published: it is removed "
        "(link to it instead, for example [notre atelier](https://www.exemple.be/atelier.jpg))",
        f"members/{SLUG}/fr.md:5: warning: the HTML tag <span> is not published: it is removed "
        "(write it in Markdown: **bold**, *italics*, lists and [links](https://...))",
        f"{YAML}:5:10: warning: tagline: the tagline has no text in 'nl': its pages show the "
        "'fr' one (add it, for example `tagline: {fr: ..., nl: ...}`)",
        f"members/{SLUG}/nl.md:1: warning: the HTML tag <div> is not published: it is removed "
        "(write it in Markdown: **bold**, *italics*, lists and [links](https://...))"]
    assert mine[-1].render("nl").startswith(
        f"members/{SLUG}/nl.md:1: warning: de HTML-tag <div> wordt niet gepubliceerd")
    # the example follows the language of the file (fr.md), not the reader's
    assert "[notre atelier](https://www.exemple.be/atelier.jpg)" in mine[0].render("nl")
