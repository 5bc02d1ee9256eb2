"""YAML loading: positions, and every unsafe or ambiguous construct refused with its line."""

from __future__ import annotations

import datetime as dt

import pytest

from circlemade_site.errors import ContentError
from circlemade_site.load import frontmatter, yamlio


def error_of(text: str, first_line: int = 1) -> str:
    with pytest.raises(ContentError) as exc:
        yamlio.parse(text, "members/x/member.yaml", first_line)
    return str(exc.value)


def test_positions_of_keys_and_values() -> None:
    data, positions = yamlio.parse("name: Atelier\ncontact:\n  email: a@b.be\nlist: [a, b]\n", "f", 2)
    assert data == {"name": "Atelier", "contact": {"email": "a@b.be"}, "list": ["a", "b"]}
    assert positions.of_key(("contact", "email")) == (4, 3)
    assert positions.of_value(("contact", "email")) == (4, 10)
    assert positions.of_value(("list", 1)) == (5, 11)
    assert positions.of_value(("contact", "phone")) == (4, 3)   # nearest ancestor


def test_dates_become_dates() -> None:
    data, _ = yamlio.parse("member_since: 2018-05-24\n", "f")
    assert data == {"member_since": dt.date(2018, 5, 24)}


def test_duplicate_keys_are_refused() -> None:
    assert error_of("name: A\ntagline: x\nname: B\n") == (
        "members/x/member.yaml:3:1: error: name: duplicate key 'name' (first on line 1) "
        "(keep one of them; YAML would silently drop the first)")


def test_nested_duplicate_keys_are_refused_with_the_front_matter_offset() -> None:
    assert error_of("contact:\n  email: a\n  email: b\n", first_line=2) == (
        "members/x/member.yaml:4:3: error: contact.email: duplicate key 'email' (first on line 3) "
        "(keep one of them; YAML would silently drop the first)")


def test_aliases_are_refused_so_alias_bombs_cannot_expand() -> None:
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n' \
           'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n'
    assert error_of(bomb) == ("members/x/member.yaml:2:4: error: b[0]: anchors and aliases "
                              "(&name, *name) are not allowed (write the value out in full)")


def test_custom_tags_are_refused() -> None:
    assert error_of("name: !!python/object:os.system [echo]\n") == (
        "members/x/member.yaml:1:7: error: invalid YAML: custom YAML tags (!tag) are not allowed "
        "(remove the tag; plain text, numbers, dates, lists and mappings are enough)")


def test_impossible_dates_are_reported() -> None:
    assert error_of("member_since: 2018-02-30\n") == (
        "members/x/member.yaml:1:15: error: member_since: '2018-02-30' is not a valid date "
        "(write dates as YYYY-MM-DD, for example 2018-05-24)")


def test_tabs_get_a_hint() -> None:
    assert error_of("contact:\n\temail: x\n") == (
        "members/x/member.yaml:2:1: error: invalid YAML: found character that cannot start any "
        "token (indent with spaces, not tabs)")


def test_two_documents_are_refused() -> None:
    assert error_of("a: 1\n---\nb: 2\n") == (
        "members/x/member.yaml:2:1: error: invalid YAML: only one YAML document is allowed here "
        "(a line --- starts a second one)")


def test_an_empty_document_is_none() -> None:
    assert yamlio.parse("", "f")[0] is None
    assert yamlio.parse("# only a comment\n", "f")[0] is None


def test_bom_and_windows_line_endings_are_accepted() -> None:
    text = yamlio.decode("\ufeffname: Atelier\r\ntagline: x\r\n".encode(), "f")
    assert yamlio.parse(text, "f")[0] == {"name": "Atelier", "tagline": "x"}


def test_non_utf8_bytes_are_reported_with_their_line() -> None:
    with pytest.raises(ContentError) as exc:
        yamlio.decode("name: A\ntagline: caf\xe9\n".encode("latin-1"), "members/x/member.yaml")
    assert str(exc.value) == ("members/x/member.yaml:2:13: error: the file is not valid UTF-8 "
                              "text (save it as UTF-8 in your editor)")


def test_front_matter_split_keeps_lines() -> None:
    parts = frontmatter.split("---\ntitle: A\nslug: a\n---\nBody\n", "f")
    assert (parts.front, parts.front_line, parts.body, parts.body_line) == (
        "title: A\nslug: a", 2, "Body\n", 5)


def test_front_matter_that_is_never_closed() -> None:
    with pytest.raises(ContentError) as exc:
        frontmatter.split("---\ntitle: A\n\nBody\n", "content/pages/a.fr.md")
    assert str(exc.value) == ("content/pages/a.fr.md:1:1: error: the front matter opened on line 1 "
                              "is never closed (end the YAML block with a line containing only ---)")


def test_a_file_without_front_matter_is_all_body() -> None:
    parts = frontmatter.split("Just text\n", "f")
    assert (parts.front, parts.body, parts.body_line) == ("", "Just text\n", 1)
