"""Look-alike and invisible names, and texts that read otherwise than they are written."""

from __future__ import annotations

import pytest
from test_members import errors, member, replace

from circlemade_site import pipeline, spoofing
from circlemade_site.load.members import name_keys

# The fixture site has a member named "Recâblé" (members/recable/), a member since before
# the newcomer below.


def newcomer(name: str) -> str:
    return replace("name: Atelier Exemple", f'name: "{name}"').replace(
        'enterprise_number: "0123.456.749"\n', "").replace("member_since: 2018-05-24",
                                                           "member_since: 2026-11-02")
LOOK_ALIKES = [
    "RecabIe",                       # capital I for l
    "Recab1e",                       # digit 1 for l
    "R\u0435c\u0430bl\u0435",        # Cyrillic е and а
    "R\u0435\u0441\u0430bl\u0435",  # Cyrillic е, с, а
    "Re\u03f2able",                  # Greek lunate sigma for c
    "RECABLE",                       # case (as before)
    "Récable",                       # accents (as before)
    "Re-cable",                      # punctuation (as before)
    "Recable\u3164",                 # a Hangul filler after the name
    "Re\u034fcable",                 # a combining grapheme joiner (invisible)
]


def test_skeletons_follow_ts39() -> None:
    assert spoofing.skeleton("Rеcаblе") == "Recable"
    assert spoofing.skeleton("RecabIe") == spoofing.skeleton("Recab1e") == "Recable"
    assert spoofing.skeleton("rn") == spoofing.skeleton("m")
    assert spoofing.skeleton("paypal") != spoofing.skeleton("paypaI\u0301")


@pytest.mark.parametrize("name", LOOK_ALIKES)
def test_a_name_that_looks_like_another_members_is_refused(make_project, name: str) -> None:
    root = member(make_project, newcomer(name))
    found = [e for e in errors(root) if "error: name:" in e]
    assert len(found) == 1, found
    assert found[0].startswith("members/atelier-exemple/member.yaml:1:7: error: name: ")
    assert "members/recable" in found[0]


def test_the_message_says_what_it_looks_like(make_project) -> None:
    root = member(make_project, newcomer("R\u0435c\u0430bl\u0435"))
    assert errors(root) == [
        "members/atelier-exemple/member.yaml:1:7: error: name: the name 'Rеcаblе' looks like "
        "'Recâblé', the name of members/recable (each member has its own name; if this is your "
        "organisation, edit that folder)"]


def test_different_names_stay_different() -> None:
    for one, other in [("Recable", "Recyclable"), ("Maille Reprise", "Maille Surprise"),
                       ("ILLICO", "LLLICO"), ("Café Zéro", "Cafe Zero Bis")]:
        assert not name_keys(one) & name_keys(other), (one, other)


@pytest.mark.parametrize("name", ["\u3164\u3164\u3164", "\u115f\u1160\u115f", "\uffa0\uffa0",
                                  "\u2800\u2800\u2800", "\u3164 \u2800", "\u0301\u0302\u0303"])
def test_a_name_that_shows_nothing_is_refused(make_project, name: str) -> None:
    root = member(make_project, replace("name: Atelier Exemple", f'name: "{name}"'))
    assert errors(root) == [
        "members/atelier-exemple/member.yaml:1:7: error: name: shows nothing: it is made only "
        "of blank or filler characters (write the name in letters, for example Atelier "
        "Exemple)"]


def test_a_contact_person_that_shows_nothing_is_refused(make_project) -> None:
    root = member(make_project, replace(
        "  website: https://www.atelier-exemple.be",
        "  website: https://www.atelier-exemple.be\n  person: {name: \"\u3164\u3164\", public: true}"))
    assert errors(root) == [
        "members/atelier-exemple/member.yaml:16:18: error: contact.person.name: shows nothing: "
        "it is made only of blank or filler characters (write the name in letters, for example "
        "Atelier Exemple)"]


def test_more_than_three_marks_on_one_letter_are_refused(make_project) -> None:
    zalgo = "Ate\u0301\u0300\u0302\u0303lier"
    root = member(make_project, replace("name: Atelier Exemple", f'name: "{zalgo}"'))
    assert errors(root) == [
        "members/atelier-exemple/member.yaml:1:7: error: name: stacks more than 3 accents or "
        "marks on one letter (retype the name without copying it from another document)"]
    # Vietnamese stacks two, and three are still accepted
    assert spoofing.most_marks("Nguyễn Thị Ánh") == 2
    root = member(make_project, replace("name: Atelier Exemple", 'name: "Nguyễn Thị Ánh"'))
    pipeline.load_site(root, pipeline.BuildOptions())


BIDI = "\u202e"


def test_bidi_controls_are_refused_in_member_descriptions(make_project) -> None:
    root = member(make_project, fr_md=f"Texte.\n\nNotre catalogue : {BIDI}fdp.exe\n")
    assert errors(root) == [
        "members/atelier-exemple/fr.md:3:19: error: contains a bidirectional control character "
        "(U+202E), which changes the order in which the text is shown (retype the text without "
        "copying it from another document)"]


@pytest.mark.parametrize("char", sorted(spoofing.BIDI_CONTROLS))
def test_bidi_controls_are_refused_in_the_teams_pages(make_project, char: str) -> None:
    from conftest import FIXTURE_SITE
    about = (FIXTURE_SITE / "content" / "pages" / "about.nl.md").read_text(encoding="utf-8")
    root = make_project({"content/pages/about.nl.md": about + f"\nEen zin met {char}erin.\n"})
    found = errors(root)
    lines = about.count("\n") + 2
    assert found == [
        f"content/pages/about.nl.md:{lines}:13: error: contains a bidirectional control "
        f"character (U+{ord(char):04X}), which changes the order in which the text is shown "
        f"(retype the text without copying it from another document)"]
