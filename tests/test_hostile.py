"""Hostile member files: every attack ends in a clear error (file, line) or inert output,
never a traceback, a hang, a file outside the project, or a half-written site."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import NOW, REPO, copy_fixture_site, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_members import SLUG, VALID, YAML, errors, member, png

from circlemade_site import pipeline
from circlemade_site.errors import Diagnostic
from circlemade_site.load.members import load_member, load_vocabularies
from circlemade_site.load.settings import load_config

OPTIONS = pipeline.BuildOptions(now=pipeline.dt.date.fromisoformat(NOW))


# -- property-based: random and mutated member files --------------------------------------

CONFIG = load_config(copy_fixture_site(Path(tempfile.mkdtemp(prefix="hostile-")) / "project"))
FACETS = load_vocabularies(CONFIG, [])


@pytest.fixture(scope="module")
def folder():  # type: ignore[no-untyped-def]
    """A member folder (with a logo) in a throwaway project tree, reused by every example."""
    import shutil
    made = Path(tempfile.mkdtemp(prefix="hostile-"))
    target = made / "members" / "atelier-exemple"
    target.mkdir(parents=True)
    (target / "logo.png").write_bytes(png())
    yield target
    shutil.rmtree(made, ignore_errors=True)


def _load(folder: Path, data: bytes) -> None:
    """Load a member whose member.yaml holds `data`: the only outcomes allowed are a
    member, or diagnostics that name a file of the member's folder."""
    (folder / "member.yaml").write_bytes(data)
    diagnostics: list[Diagnostic] = []
    config = dataclasses.replace(CONFIG, root=folder.parent.parent)
    found = load_member(config, folder, FACETS, diagnostics)
    if found is None:
        assert diagnostics, "a refused member must say why"
        for d in diagnostics:
            assert d.path.startswith("members/atelier-exemple"), d
            assert d.message
    else:
        assert found.name and not diagnostics


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.binary(max_size=2000))
def test_random_bytes_never_crash_the_loader(folder: Path, data: bytes) -> None:
    _load(folder, data)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_mutated_member_files_never_crash_the_loader(folder: Path, data: st.DataObject) -> None:
    text = bytearray(VALID.encode())
    for _ in range(data.draw(st.integers(1, 6))):
        position = data.draw(st.integers(0, len(text)))
        action = data.draw(st.sampled_from(["insert", "delete", "replace"]))
        chunk = data.draw(st.sampled_from([
            b":", b"- ", b"\n", b"  ", b"\t", b"{", b"}", b"[", b"]", b"&a ", b"*a", b"!!python/object ",
            b"'", b'"', b"#", b"\xff", b"\x00", b"---\n", b"<<: ", b"\xe2\x80\xae", b"null", b"~",
            b"2018-02-30", b"1e999", b"..", b"/etc/passwd", b"{{ config }}", b"<script>"]))
        if action == "insert":
            text[position:position] = chunk
        elif action == "delete":
            del text[position:position + len(chunk)]
        else:
            text[position:position + len(chunk)] = chunk
    _load(folder, bytes(text))


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
                    | st.dates().map(str),
                    lambda children: st.lists(children, max_size=4)
                    | st.dictionaries(st.sampled_from(["name", "kind", "tagline", "fr", "nl",
                                                       "activities", "address", "contact",
                                                       "offers", "logo", "street", "title"]),
                                      children, max_size=5),
                    max_leaves=20))
def test_random_structures_never_crash_the_validator(folder: Path, value: object) -> None:
    import yaml
    _load(folder, yaml.safe_dump({"name": "Atelier Exemple", "extra": value}, allow_unicode=True).encode())


# -- one test per attack ---------------------------------------------------------------------

def test_template_syntax_in_content_is_rendered_literally(make_project, tmp_path: Path) -> None:
    yaml = VALID.replace('tagline: {fr: "Réparation de meubles"',
                         'tagline: {fr: "{{ 7*7 }} {% include \'base.html\' %}"')
    root = member(make_project, yaml, fr_md="{{ config }} {{ 6*7 }}\n")
    pipeline.build(root, tmp_path / "out", OPTIONS)
    page = (tmp_path / "out" / "fr" / "membres" / SLUG / "index.html").read_text(encoding="utf-8")
    assert "{{ 7*7 }}" in page and "{{ config }} {{ 6*7 }}" in page
    assert ">49<" not in page and "42" not in page.split("<main")[1]


def test_script_in_every_text_field_is_inert(make_project, tmp_path: Path) -> None:
    payload = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    yaml = (VALID.replace('name: Atelier Exemple', f'name: "Atelier {payload}"')
            .replace('tagline: {fr: "Réparation de meubles"', f'tagline: {{fr: "{payload}"')
            .replace('street: "Rue de la Victoire 12"', f'street: "{payload}"'))
    root = member(make_project, yaml, fr_md=f"{payload}\n\n[x](javascript:alert(3))\n")
    pipeline.build(root, tmp_path / "out", OPTIONS)
    from bs4 import BeautifulSoup
    checked = 0
    for path in (tmp_path / "out").rglob("*.html"):
        tree = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for script in tree.find_all("script"):
            if script.get("type") == "application/ld+json":   # data, with every < escaped
                assert "<" not in script.string, path
            else:
                assert script.get("src") and not script.string, path
        for element in tree.find_all(True):
            assert not any(a.lower().startswith("on") for a in element.attrs), (path, element)
            assert not str(element.get("href", "")).lower().startswith("javascript:"), path
        assert not tree.find("img", src="x")
        checked += 1
    assert checked > 100
    data = (tmp_path / "out" / "data" / "members.json").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" in data          # data stays data; JSON is not HTML


@pytest.mark.parametrize(("name", "char"), [("right-to-left override", "\u202e"),
                                            ("zero-width space", "\u200b"),
                                            ("zero-width joiner", "\u200d"),
                                            ("left-to-right isolate", "\u2066"),
                                            ("null", "\\0")])
def test_invisible_characters_in_names_are_refused(make_project, name: str, char: str) -> None:
    root = member(make_project, VALID.replace("name: Atelier Exemple", f'name: "Atelier{char}Exemple"'))
    found = errors(root)
    assert len(found) == 1 and found[0].startswith(f"{YAML}:1:7: error: name: contains an invisible "
                                                   "or control character"), found


def test_a_symlinked_logo_is_refused_even_inside_the_folder(make_project) -> None:
    root = member(make_project)
    logo = root / "members" / SLUG / "logo.png"
    logo.unlink()
    logo.symlink_to("/etc/passwd")
    assert errors(root) == [f"{YAML}:16:7: error: logo: 'logo.png' is a symbolic link (put the "
                            "image file itself in the folder)"]


def test_a_symlinked_member_folder_is_refused(make_project, tmp_path: Path) -> None:
    root = make_project()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "member.yaml").write_text(VALID, encoding="utf-8")
    (root / "members" / "intrus").symlink_to(outside, target_is_directory=True)
    assert errors(root) == ["members/intrus: error: unexpected file in members/ (each member has "
                            "a folder: members/<slug>/member.yaml)"]


def test_a_symlinked_description_is_refused(make_project) -> None:
    root = member(make_project, fr_md=None)
    (root / "members" / SLUG / "fr.md").symlink_to("/etc/passwd")
    assert errors(root) == [f"members/{SLUG}/fr.md: error: must be a plain file, not a link or a folder"]


@pytest.mark.parametrize(("data", "expected"), [
    (b"", f"{YAML}:1:1: error: expected a mapping of fields, found nothing (start with a line "
          "such as `name: ...`)"),
    (b"- name: A\n- name: B\n", f"{YAML}:1:1: error: expected a mapping of fields, found a list "
                                "(start with a line such as `name: ...`)"),
    (b"x" * (300 * 1024), f"{YAML}:1: error: the file is too large (307200 bytes, at most 262144)"),
    (b"name: !!python/object/apply:os.system [id]\n", f"{YAML}:1:7: error: invalid YAML: custom "
     "YAML tags (!tag) are not allowed (remove the tag; plain text, numbers, dates, lists and "
     "mappings are enough)"),
])
def test_broken_member_yaml(make_project, data: bytes, expected: str) -> None:
    root = member(make_project, yaml="")
    (root / YAML).write_bytes(data)
    assert expected in errors(root)


def test_bom_and_windows_line_endings_are_accepted(make_project) -> None:
    root = member(make_project)
    (root / YAML).write_bytes(b"\xef\xbb\xbf" + VALID.replace("\n", "\r\n").encode())
    site = pipeline.load_site(root, OPTIONS).site
    assert any(m.slug == SLUG for m in site.members)


def test_huge_hostile_markdown_is_refused_in_bounded_time(make_project, tmp_path: Path) -> None:
    """Parsed in linear time, then refused for its size (render.markup.MAX_HTML_BYTES)."""
    root = member(make_project, fr_md="[" * 500_000 + "\n" + "*a" * 200_000 + "\n")
    result = subprocess.run([sys.executable, "-m", "circlemade_site", "build", "--out",
                             str(tmp_path / "out")], cwd=root, capture_output=True, text=True,
                            timeout=120, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 1, result.stderr
    assert "members/atelier-exemple/fr.md:1: error: the text makes 1,600,009 bytes of HTML" \
        in result.stderr


def test_a_failed_build_never_writes_outside_out(make_project, tmp_path: Path) -> None:
    root = make_project()
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    result = run_cli("build", "--out", "../../../../../../../tmp/nope/../../etc", cwd=root)
    assert result.returncode == 2
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before


def test_control_characters_in_file_names_and_keys_are_escaped_on_the_terminal(
        make_project) -> None:
    """A file name or a YAML key may carry terminal escapes (ESC [2J clears the screen) or
    line breaks that would forge another line: both are printed escaped, in text and in
    GitHub annotations."""
    member = (REPO / "tests" / "fixtures" / "site" / "members" / "recable" / "member.yaml"
              ).read_text(encoding="utf-8")
    root = make_project({
        "members/recable/member.yaml": member + '"na\\u001b[2Jme\\nfake.yaml:1: error": x\n',
        "members/recable/notes\x1b[31m\u202e.txt": "x",
    })
    for args in (("check",), ("check", "--format", "github"), ("check", "--lang", "fr")):
        result = run_cli(*args, cwd=root)
        assert result.returncode == 1
        printed = result.stdout + result.stderr
        assert "\x1b" not in printed and "\u202e" not in printed
        assert "\\x1b" in printed and "\\u202e" in printed
        lines = [line for line in printed.splitlines() if "recable" in line]
        assert all(not line.startswith("fake.yaml") for line in printed.splitlines())
        assert any("notes\\x1b[31m\\u202e.txt" in line for line in lines)
        assert any("na\\x1b[2Jme\\nfake.yaml" in line for line in lines)


# -- stray files in members/ ---------------------------------------------------------------

LITTER = ("members/.DS_Store", "members/Thumbs.db", f"members/{SLUG}/.DS_Store",
          f"members/{SLUG}/._logo.png", f"members/{SLUG}/desktop.ini",
          f"members/{SLUG}/Thumbs.db")


def test_operating_system_litter_is_a_warning_and_never_published(make_project,
                                                                  tmp_path: Path) -> None:
    root = member(make_project)
    for rel_path in LITTER:
        (root / rel_path).write_bytes(b"\x00\x05\x16\x07 Mac OS X litter")
    report = pipeline.build(root, tmp_path / "out", dataclasses.replace(OPTIONS, search=False))
    assert sorted(str(w) for w in report.warnings) == sorted(
        f"{p}: warning: a file your operating system made: it is ignored and never published "
        "(delete it from your pull request)" for p in LITTER)
    published = {p.name for p in (tmp_path / "out").rglob("*")}
    assert not published & {".DS_Store", "Thumbs.db", "desktop.ini", "._logo.png"}
    assert not any(b"Mac OS X litter" in p.read_bytes()
                   for p in (tmp_path / "out").rglob("*") if p.is_file())


def test_every_other_name_starting_with_a_dot_is_an_error(make_project) -> None:
    root = member(make_project)
    hidden = root / "members" / ".hidden-member"
    hidden.mkdir()
    (hidden / "member.yaml").write_text(VALID, encoding="utf-8")
    (root / "members" / ".well-known").mkdir()
    (root / "members" / ".well-known" / "security.txt").write_text("Contact: x", encoding="utf-8")
    (root / "members" / ".htaccess").write_text("Redirect /", encoding="utf-8")
    (root / "members" / SLUG / ".payload.html").write_text("<script>x()</script>",
                                                           encoding="utf-8")
    (root / "members" / SLUG / ".well-known").mkdir()
    (root / "members" / SLUG / "._folder").mkdir()     # litter is a file, never a folder
    holds = ("(a member folder holds member.yaml, fr.md, nl.md and the logo named in "
             "member.yaml; remove it)")
    at_top = ("error: a name starting with a dot is not allowed in members/ (each member has "
              "a folder: members/<slug>/member.yaml)")
    assert errors(root) == [
        f"members/.hidden-member: {at_top}",
        f"members/.htaccess: {at_top}",
        f"members/.well-known: {at_top}",
        f"members/{SLUG}/._folder: error: unexpected folder in a member folder {holds}",
        f"members/{SLUG}/.payload.html: error: unexpected file in a member folder {holds}",
        f"members/{SLUG}/.well-known: error: unexpected folder in a member folder {holds}",
    ]
