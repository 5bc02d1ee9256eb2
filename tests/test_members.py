"""Member profiles: every error a member can make, reported with its file and line."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import PIL.Image
import pytest
from conftest import fill_in_member, run_cli

from circlemade_site import pipeline
from circlemade_site.errors import BuildFailed

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
contact:
  email: info@atelier-exemple.be
  phone: "+32 2 538 12 34"
  website: https://www.atelier-exemple.be
logo: logo.png
offers:
  - title: {fr: "Réparation", nl: "Herstelling"}
    summary: {fr: "Sur site.", nl: "Ter plaatse."}
    audiences: [business]
"""


def png(width: int = 400, height: int = 200, mode: str = "RGBA", fmt: str = "PNG", **save) -> bytes:
    out = io.BytesIO()
    PIL.Image.new(mode, (width, height), (20, 120, 80) if mode == "RGB" else (20, 120, 80, 255)).save(
        out, fmt, **save)
    return out.getvalue()


def member(make_project, yaml: str = VALID, **files: bytes | str | None) -> Path:
    extra = {f"members/{SLUG}/{name.replace('_', '.')}": data for name, data in files.items()}
    return make_project({YAML: yaml, f"members/{SLUG}/logo.png": png(),
                         f"members/{SLUG}/fr.md": "Texte.\n", **extra})


def errors(root: Path) -> list[str]:
    with pytest.raises(BuildFailed) as exc:
        pipeline.load_site(root, pipeline.BuildOptions())
    return [str(d) for d in exc.value.diagnostics]


def replace(old: str, new: str) -> str:
    assert old in VALID
    return VALID.replace(old, new)


def test_the_valid_member_loads(make_project) -> None:
    site = pipeline.load_site(member(make_project), pipeline.BuildOptions()).site
    found = next(m for m in site.members if m.slug == SLUG)
    assert found.commune == "saint-gilles"
    assert found.phone == "+32 2 538 12 34"
    assert found.enterprise_number == "0123.456.749"
    assert found.logo is not None and (found.logo.width, found.logo.height) == (400, 200)
    assert [o.activities for o in found.offers] == [("repair", "reuse")]


def test_sample_members_sorted_as_readers_expect(sample) -> None:
    site = pipeline.load_site(sample, pipeline.BuildOptions()).site
    names = [m.name for m in site.members]
    assert len(names) == 13
    folded = [n.casefold().replace("â", "a").replace("è", "e") for n in names]
    assert folded == sorted(folded)


def test_unknown_key_suggests_the_right_one(make_project) -> None:
    root = member(make_project, replace("address:", "adress:\n  street: x\naddress:"))
    assert errors(root) == [
        f"{YAML}:8:1: error: adress: unknown field 'adress' (did you mean 'address'?)"]


def test_wrong_types_and_missing_fields_are_all_reported(make_project) -> None:
    yaml = replace("activities: [repair, reuse]", "activities: repair").replace(
        "member_since: 2018-05-24\n", "")
    assert errors(member(make_project, yaml)) == [
        f"{YAML}:1:1: error: member_since: this field is required (for example `member_since: 2018-05-24`)",
        f"{YAML}:5:13: error: activities: expected a list, found text (for example "
        "`activities: [repair, reuse]`)",
    ]


def test_duplicate_keys_are_refused(make_project) -> None:
    yaml = replace("kind: company", "kind: company\nkind: academic")
    assert errors(member(make_project, yaml)) == [
        f"{YAML}:3:1: error: kind: duplicate key 'kind' (first on line 2) (keep one of them; "
        "YAML would silently drop the first)"]


def test_vocabulary_keys_with_suggestions(make_project) -> None:
    yaml = replace("activities: [repair, reuse]", "activities: [repiar, reuse, reuse]").replace(
        "audiences: [business]", "audiences: [buisness]")
    assert errors(member(make_project, yaml)) == [
        f"{YAML}:6:14: error: activities[0]: 'repiar' is not a known activity (see "
        "content/vocabularies.yaml) (did you mean 'repair'?)",
        f"{YAML}:6:29: error: activities[2]: 'reuse' is listed twice (remove one of them)",
        f"{YAML}:20:17: error: offers[0].audiences[0]: 'buisness' is not a known audience (see "
        "content/vocabularies.yaml) (did you mean 'business'?)",
    ]


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("info@atelier-exemple.be", "info@@atelier", "13:10: error: contact.email: 'info@@atelier' is "
     "not a valid e-mail address: The part after the @-sign contains invalid characters: '@'. "
     "(for example info@atelier-exemple.be)"),
    ('"+32 2 538 12 34"', '"12 34"', "14:10: error: contact.phone: '12 34' is not a valid phone "
     "number (write it as \"+32 2 511 22 33\" or \"02 511 22 33\")"),
    # the phone library maps letters to keypad digits: a typed O for 0 would become a 6
    ('"+32 2 538 12 34"', '"+32 2 538 12 3O"', "14:10: error: contact.phone: '+32 2 538 12 3O' "
     "is not a valid phone number: it contains letters (write only digits, spaces and +, for "
     "example \"+32 2 511 22 33\")"),
    ('"+32 2 538 12 34"', '"02 FLOWERS"', "14:10: error: contact.phone: '02 FLOWERS' is not a "
     "valid phone number: it contains letters (write only digits, spaces and +, for example "
     "\"+32 2 511 22 33\")"),
    ("https://www.atelier-exemple.be", "javascript:alert(1)", "15:12: error: contact.website: "
     "'javascript:alert(1)' is not a web address starting with https:// or http:// (for example "
     "https://www.atelier-exemple.be)"),
    ("2018-05-24", "2018-02-30", "4:15: error: member_since: '2018-02-30' is not a valid date "
     "(write dates as YYYY-MM-DD, for example 2018-05-24)"),
    ("0123.456.749", "0123.456.748", "3:20: error: enterprise_number: '0123.456.748' is not a valid "
     "Belgian enterprise number (The number's checksum or check digit is invalid.) (ten digits as "
     "on the Crossroads Bank for Enterprises, for example \"0123.456.749\")"),
    ('postal_code: "1060"', 'postal_code: "4000"', "10:16: error: address.postal_code: '4000' is "
     "not the postal code of a commune of the Brussels-Capital Region (for example 1000 "
     "(Bruxelles), 1060 (Saint-Gilles), 1080 (Molenbeek-Saint-Jean))"),
    ("municipality: Saint-Gilles", "municipality: Ixelles", "11:17: error: address.municipality: "
     "the postal code 1060 is in Saint-Gilles, not in Ixelles (check the postal code and the "
     "commune)"),
    ("municipality: Saint-Gilles", "municipality: Sint-Gilis", "11:17: error: "
     "address.municipality: 'Sint-Gilis' is not one of the 19 communes of the Brussels-Capital "
     "Region (did you mean 'Sint-Gillis'?)"),
    ('tagline: {fr: "Réparation de meubles", nl: "Herstelling van meubels"}',
     'tagline: {nl: "Herstelling van meubels"}', "5:10: error: tagline: missing the default "
     "language 'fr' (for example `tagline: {fr: ...}`)"),
    ("name: Atelier Exemple", "name: \"Atelier\u202eExemple\"", "1:7: error: name: contains an "
     "invisible or control character (U+202E) (retype the text without copying it from another "
     "document)"),
])
def test_each_field_check(make_project, old: str, new: str, expected: str) -> None:
    assert errors(member(make_project, replace(old, new))) == [f"{YAML}:{expected}"]


def test_municipality_in_dutch_and_shared_postal_codes(make_project) -> None:
    yaml = replace("municipality: Saint-Gilles", "municipality: sint-gillis")
    site = pipeline.load_site(member(make_project, yaml), pipeline.BuildOptions()).site
    assert next(m for m in site.members if m.slug == SLUG).commune == "saint-gilles"


def test_folder_name_must_be_a_slug(make_project) -> None:
    root = make_project({"members/Atelier Exemple/member.yaml": VALID})
    assert errors(root) == ["members/Atelier Exemple: error: the folder name 'Atelier Exemple' is "
                            "not a valid slug (use lowercase letters, digits and hyphens, for "
                            "example 'atelier-exemple')"]


def test_a_folder_without_member_yaml(make_project) -> None:
    root = make_project({f"members/{SLUG}/profile/member.yaml": VALID})
    assert errors(root) == [f"members/{SLUG}: error: this member folder has no member.yaml (move "
                            f"members/{SLUG}/profile/member.yaml up to members/{SLUG}/member.yaml)"]


def test_a_second_member_with_an_existing_name_is_refused(make_project) -> None:
    yaml = replace("name: Atelier Exemple", "name: RECABLE").replace(
        'enterprise_number: "0123.456.749"\n', "").replace("2018-05-24", "2026-01-10")
    assert errors(member(make_project, yaml)) == [
        f"{YAML}:1:7: error: name: the name 'RECABLE' is already used by members/recable (each "
        "member has its own name; if this is your organisation, edit that folder)"]


@pytest.mark.parametrize(("logo", "files", "expected"), [
    ("../recable/logo.png", {}, "'../recable/logo.png' must be the name of a file in this folder "
     "(put the logo next to member.yaml and write only its name, for example logo.png)"),
    ("/etc/passwd", {}, "'/etc/passwd' must be the name of a file in this folder (put the logo "
     "next to member.yaml and write only its name, for example logo.png)"),
    ("logo.gif", {"logo_gif": b"GIF89a"}, "'logo.gif' is not a PNG, JPEG, WebP or SVG file "
     "(export the logo as PNG)"),
    ("missing.png", {}, "there is no file 'missing.png' in this folder (files here: logo.png)"),
    ("logo.png", {"logo_png": png(fmt="JPEG", mode="RGB")}, "'logo.png' is a JPEG file, not PNG "
     "as its name says (rename it to end in .jpeg or export it again)"),
    ("logo.png", {"logo_png": b"\x89PNG\r\n\x1a\nnot really"}, "'logo.png' is not a readable "
     "image ("),
    ("logo.png", {"logo_png": png(20, 20)}, "'logo.png' is too small (20x20 pixels) (it needs at "
     "least 32 pixels on each side; 600 is better)"),
    ("logo.svg", {"logo_svg": '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'},
     "the SVG has a 'onload' attribute on <svg>, which is not allowed (export the logo as PNG "
     "instead)"),
])
def test_logo_problems(make_project, logo: str, files: dict, expected: str) -> None:
    root = member(make_project, replace("logo: logo.png", f"logo: {logo}"), **files)
    found = [e for e in errors(root) if "logo" in e and "unexpected" not in e]
    assert len(found) == 1
    assert found[0].startswith(f"{YAML}:16:7: error: logo: {expected}")


def test_a_decompression_bomb_is_refused_from_its_header(make_project) -> None:
    # a valid PNG header claiming 10,000 x 10,000 pixels: refused before any decoding
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    bomb = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 10_000, 10_000, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b""))
    root = member(make_project, logo_png=bomb)
    assert errors(root) == [f"{YAML}:16:7: error: logo: 'logo.png' has too many pixels "
                            "(10000x10000, at most 25,000,000) (export it at most 2000 pixels wide)"]


def test_an_oversized_file_is_refused(make_project) -> None:
    root = member(make_project, logo_png=png() + b"\0" * (5 * 1024 * 1024))
    assert errors(root) == [f"{YAML}:16:7: error: logo: 'logo.png' is too large (5.0 MB, at most "
                            "5 MB) (export it smaller, 1000 pixels wide is plenty)"]


@pytest.mark.parametrize("weasyprint_loaded", [False, True])
def test_a_truncated_image_fails_the_build_with_its_file(make_project, tmp_path,
                                                         weasyprint_loaded: bool) -> None:
    # the header is intact (inspection passes); decoding the pixels fails. WeasyPrint,
    # once imported (a build with print: true), must not make Pillow accept it.
    if weasyprint_loaded:
        from circlemade_site.assets import printed
        printed.unavailable()
    noisy = PIL.Image.effect_noise((600, 600), 80).convert("RGB")
    out = io.BytesIO()
    noisy.save(out, "JPEG", quality=95)
    data = out.getvalue()
    root = member(make_project, replace("logo: logo.png", "logo: logo.jpg"),
                  logo_jpg=data[: len(data) // 2], logo_png=None)
    with pytest.raises(BuildFailed) as exc:
        pipeline.build(root, tmp_path / "out", pipeline.BuildOptions())
    messages = [str(d) for d in exc.value.diagnostics]
    assert len(messages) == 1
    assert messages[0].startswith(f"{YAML}:16: error: logo: the image cannot be decoded")
    assert not (tmp_path / "out").exists()


def test_unexpected_files_in_a_member_folder(make_project) -> None:
    root = member(make_project, invoice_pdf=b"%PDF", run_sh="rm -rf /")
    assert errors(root) == [
        f"members/{SLUG}/invoice.pdf: error: unexpected file in a member folder (a member folder "
        "holds member.yaml, fr.md, nl.md and the logo named in member.yaml; remove it)",
        f"members/{SLUG}/run.sh: error: unexpected file in a member folder (a member folder holds "
        "member.yaml, fr.md, nl.md and the logo named in member.yaml; remove it)",
    ]


def test_a_safe_svg_logo_is_published(make_project, tmp_path) -> None:
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 100"><title>Atelier</title>'
           '<circle cx="50" cy="50" r="40" fill="#0b5a45"/></svg>')
    root = member(make_project, replace("logo: logo.png", "logo: logo.svg"), logo_svg=svg,
                  logo_png=None)
    pipeline.build(root, tmp_path / "out", pipeline.BuildOptions())
    published = list((tmp_path / "out" / "media" / "members").glob(f"{SLUG}-logo-*.svg"))
    assert len(published) == 1 and b"<circle" in published[0].read_bytes()


def test_the_scaffold_passes_check_once_its_examples_are_replaced(make_project) -> None:
    root = make_project()
    result = run_cli("new", "member", "atelier-neuf", cwd=root)
    assert result.returncode == 0, result.stderr
    folder = root / "members" / "atelier-neuf"
    assert sorted(p.name for p in folder.iterdir()) == ["fr.md", "logo.png", "member.yaml", "nl.md"]
    text = (folder / "member.yaml").read_text(encoding="utf-8")
    assert "# FR :" in text and "# NL :" in text
    assert text.startswith("# yaml-language-server: $schema=../../schemas/member.schema.json")
    lines = text.splitlines()

    def at(start: str) -> int:
        return next(n for n, line in enumerate(lines, 1) if line.startswith(start))

    replace_it = ("replace the example text with your own (`circlemade new` wrote it as an "
                  "example; check passes once it is replaced)")
    untouched = run_cli("check", cwd=root)
    assert untouched.returncode == 1
    assert untouched.stderr.splitlines()[:-1] == [
        f"members/atelier-neuf/fr.md:3:1: error: {replace_it}",
        f"members/atelier-neuf/member.yaml:{at('  fr: ')}:7: error: tagline.fr: {replace_it}",
        f"members/atelier-neuf/member.yaml:{at('  nl: ')}:7: error: tagline.nl: {replace_it}",
        f"members/atelier-neuf/member.yaml:{at('  street: ')}:11: error: address.street: "
        f"{replace_it}",
        f"members/atelier-neuf/member.yaml:{at('logo: ')}:7: error: logo: replace the "
        "placeholder logo with your own (`circlemade new member` drew it; put your logo in its "
        "place, as logo.png or under another name written here)",
        f"members/atelier-neuf/nl.md:3:1: error: {replace_it}"], untouched.stderr
    french = run_cli("check", "--lang", "fr", cwd=root)
    assert "members/atelier-neuf/nl.md:3:1: error: remplacez le texte d'exemple par le vôtre" \
        in french.stderr, french.stderr
    fill_in_member(folder)
    check = run_cli("check", cwd=root)
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_scaffold_refuses_bad_or_existing_slugs(make_project) -> None:
    root = make_project()
    bad = run_cli("new", "member", "Atelier Neuf", cwd=root)
    assert bad.returncode == 2 and "'atelier-neuf'" in bad.stderr
    existing = run_cli("new", "member", "recable", cwd=root)
    assert existing.returncode == 2 and "already exists" in existing.stderr


def test_a_misspelt_field_is_unknown_without_the_required_error_it_causes(make_project) -> None:
    """`nmae:` for `name`, `postal_cod:` inside `address`: one error each, the unknown key
    with the right name as its hint, not also "this field is required" for the one meant."""
    text = VALID.replace("name: Atelier Exemple", "nmae: Atelier Exemple").replace(
        "postal_code:", "postal_cod:")
    assert text != VALID and "nmae:" in text and "postal_cod:" in text
    found = errors(member(make_project, text))
    assert any("nmae: unknown field 'nmae' (did you mean 'name'?)" in e for e in found), found
    assert any("postal_cod: unknown field 'postal_cod' (did you mean 'postal_code'?)" in e
               for e in found), found
    assert not any("this field is required" in e for e in found), found
    # a required field that is simply absent is still reported
    found = errors(member(make_project, VALID.replace("name: Atelier Exemple\n", "")))
    assert any(": error: name: this field is required" in e for e in found), found
