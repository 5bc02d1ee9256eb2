"""The JSON Schemas editors use, held to a real JSON Schema validator (jsonschema, Draft
2020-12, the draft they declare): every member of the test site passes, and the mistakes
the build refuses with a pattern, an enum or a length are refused by the editor too."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from circlemade_site import reference
from circlemade_site.load.members import load_vocabularies
from circlemade_site.load.settings import load_config


def as_json(value: Any) -> Any:
    """YAML as an editor's validator sees it: dates are strings."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


@pytest.fixture(scope="module")
def member_schema(sample: Path) -> jsonschema.Draft202012Validator:
    config = load_config(sample)
    document = reference.json_schemas(load_vocabularies(config, []), config.languages,
                                      config.default_language)["member.schema.json"]
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(document)
    return jsonschema.Draft202012Validator(document)


def test_every_member_of_the_test_site_is_valid(sample: Path, member_schema) -> None:
    files = sorted((sample / "members").glob("*/member.yaml"))
    assert len(files) == 13
    for path in files:
        data = as_json(yaml.safe_load(path.read_text(encoding="utf-8")))
        assert [e.message for e in member_schema.iter_errors(data)] == [], path


@pytest.mark.parametrize(("path", "value"), [
    (("flows", 0, "waste_code"), "17 2 01"),          # not three pairs of digits
    (("flows", 0, "waste_code"), "21 01 01"),         # no 21st chapter
    (("flows", 0, "material"), "woood"),              # not in the vocabulary
    (("flows", 0, "quantity", "unit"), "tonnes"),
    (("needs", 0, "type"), "gift"),
    (("address", "postal_code"), "9999"),             # not a Brussels postal code
    (("kind", ), "startup"),
    (("maintainers", 0), "-bad-login"),
    (("tagline", "fr"), "x" * 161),
])
def test_the_editor_refuses_what_the_build_refuses(sample: Path, member_schema, path: tuple,
                                                   value: object) -> None:
    data = as_json(yaml.safe_load((sample / "members" / "recable" / "member.yaml").read_text(
        encoding="utf-8")))
    data.setdefault("maintainers", ["recable-dev"])
    assert list(member_schema.iter_errors(data)) == []
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert list(member_schema.iter_errors(data)), json.dumps(value)


# -- the schema accepts what `check` accepts: one corpus, ajv, jsonschema and check -------

AJV = Path(__file__).parent / "tools" / "validate-json-schema.mjs"
DELETE = object()
NO_FILE = "no-file"
# (path, value, why only check refuses it: a key of reference.CHECK_ONLY, or None when the
# schema and check must agree). A value of DELETE removes the key.
MUTATIONS: list[tuple[tuple, object, str | None]] = [
    # texts per language
    (("tagline", "fr"), DELETE, None),
    (("tagline", "de"), "Computer-Aufbereitung", None),
    (("tagline", "FR"), "Reconditionnement", None),
    (("tagline", "fr"), "", None),
    (("offers", 0, "title", "fr"), DELETE, None),
    (("needs", 0, "summary", "en"), "Laptops", None),
    (("flows", 0, "summary", "nl"), DELETE, None),
    # e-mail
    (("contact", "email"), "Info@Recable.BE", None),
    (("contact", "email"), "prénom.nom+devis@recâblé.be", None),
    (("contact", "email"), "a@b.co", None),
    (("contact", "email"), "info@recable", None),
    (("contact", "email"), "info at recable.be", None),
    (("contact", "email"), "info@@recable.be", None),
    (("contact", "email"), "info..x@recable.be", None),
    (("contact", "email"), ".info@recable.be", None),
    (("contact", "email"), "info.@recable.be", None),
    (("contact", "email"), "info@recable.123", None),
    (("contact", "email"), "info@-recable.be", None),
    (("contact", "email"), "info@recable.test", "e-mail domain"),
    (("contact", "email"), "info@recable.local", "e-mail domain"),
    # phone
    (("contact", "phone"), "02 538 70 62", None),
    (("contact", "phone"), "0032 2 538 70 62", None),
    (("contact", "phone"), "+32 (0)2 538 70 62", None),
    (("contact", "phone"), "02/538.70.62", None),
    (("contact", "phone"), "0471 58 30 14", None),
    (("contact", "phone"), "+33 1 42 68 53 00", None),
    (("contact", "phone"), "+32 2 538 70 6O", None),
    (("contact", "phone"), "538", None),
    (("contact", "phone"), "phone: 02 538", None),
    (("contact", "phone"), "+32 2 538 7", "phone numbering plan"),
    (("contact", "phone"), "+32 9 999 99 99 99", "phone numbering plan"),
    # web and LinkedIn addresses
    (("contact", "website"), "http://www.recable.be", None),
    (("contact", "website"), "HTTPS://WWW.RECABLE.BE/fr/", None),
    (("contact", "website"), "https://recable.be:8443/a?b=1#c", None),
    (("contact", "website"), "www.recable.be", None),
    (("contact", "website"), "ftp://recable.be", None),
    (("contact", "website"), "https://localhost/", None),
    (("contact", "website"), "https://recable.be/a b", None),
    (("contact", "website"), "javascript:alert(1)", None),
    (("contact", "linkedin"), "https://be.linkedin.com/company/recable", None),
    (("contact", "linkedin"), "https://linkedin.com/in/recable", None),
    (("contact", "linkedin"), "https://www.linkedln.com/company/recable", None),
    (("contact", "linkedin"), "https://linkedin.com.evil.example/company/recable", None),
    (("contact", "linkedin"), "https://www.recable.be", None),
    # enterprise number
    (("enterprise_number",), "0728360528", None),
    (("enterprise_number",), "BE 0728.360.528", None),
    (("enterprise_number",), "be0728360528", None),
    (("enterprise_number",), "728360528", None),
    (("enterprise_number",), "0728-360-528", None),
    (("enterprise_number",), "2728.360.528", None),
    (("enterprise_number",), "0728.360.52", "checksum"),
    (("enterprise_number",), "0728.360.529", "checksum"),
    (("enterprise_number",), "07283605281", None),
    (("enterprise_number",), "TVA 0728.360.528", None),
    # postal code and commune
    (("address", "postal_code"), "1000", "commune and postal code"),   # not Schaerbeek
    (("address", "postal_code"), "9999", None),
    (("address", "postal_code"), "10300", None),
    (("address", "municipality"), "Schaarbeek", None),
    (("address", "municipality"), "Ixelles", "commune and postal code"),
    (("address", "municipality"), "Paris", "commune and postal code"),
    # the logo's file name (written in the folder as a PNG unless NO_FILE)
    (("logo",), "Logo.PNG", None),
    (("logo",), "logo recâblé.png", None),
    (("logo",), "../logo.png", None),
    (("logo",), "images/logo.png", None),
    (("logo",), ".logo.png", None),
    (("logo",), "logo.gif", None),
    (("logo",), "logo", None),
    (("logo",), NO_FILE, "files on disk"),
    # lists and opportunities
    (("activities",), ["repair", "repair"], None),
    (("sectors",), ["electronics", "electronics"], None),
    (("hidden",), ["contact.phone", "contact.phone"], None),
    (("needs", 0, "materials"), DELETE, None),
    (("needs", 0, "materials"), [], None),
    (("needs", 0, "until"), dt.date(2026, 1, 1), "dates in order"),
]


def _mutated(base: dict, path: tuple, value: object) -> dict:
    data = json.loads(json.dumps(base, default=str))        # a deep copy
    data = _dates(base, data)
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = "autre-logo.png" if value == NO_FILE else value
    return data


def _dates(original: Any, copy: Any) -> Any:
    """The copy with the original's dates (json.dumps turned them into text)."""
    if isinstance(original, dict):
        return {k: _dates(original[k], copy[k]) for k in original}
    if isinstance(original, list):
        return [_dates(o, c) for o, c in zip(original, copy, strict=True)]
    return original if isinstance(original, dt.date) else copy


def _check_accepts(config: Any, facets: Any, folder: Path, data: dict, logo_file: bool) -> bool:
    import shutil

    from circlemade_site.load.members import load_member
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / "member.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                        encoding="utf-8")
    logo = data.get("logo")
    png = (FIXTURE_MEMBERS / "recable" / "logo.png").read_bytes()
    if logo_file and isinstance(logo, str) and "/" not in logo and logo not in (".", ".."):
        (folder / logo).write_bytes(png)
    diagnostics: list = []
    found = load_member(config, folder, facets, diagnostics)
    return found is not None and not [d for d in diagnostics if d.severity == "error"]


def _ajv(schema: dict, documents: list[dict], tmp_path: Path) -> list[list[str] | None]:
    schema_path, documents_path = tmp_path / "schema.json", tmp_path / "documents.json"
    schema_path.write_text(json.dumps(schema), encoding="utf-8")
    documents_path.write_text(json.dumps(documents), encoding="utf-8")
    done = subprocess.run(["node", str(AJV), str(schema_path), str(documents_path)],
                          capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout)


FIXTURE_MEMBERS = Path(__file__).parent / "fixtures" / "site" / "members"


def test_the_schema_accepts_what_check_accepts(sample: Path, tmp_path: Path) -> None:
    """The test site's members and mutations of one of them, validated by ajv (the
    validator editors use), by jsonschema and by `check`: what check accepts, both accept;
    what they accept, check accepts, unless the reason is one JSON Schema cannot express
    (reference.CHECK_ONLY, listed in docs/member-reference.md)."""
    config = load_config(sample)
    facets = load_vocabularies(config, [])
    document = reference.json_schemas(facets, config.languages,
                                      config.default_language)["member.schema.json"]
    base = yaml.safe_load((FIXTURE_MEMBERS / "recable" / "member.yaml").read_text(encoding="utf-8"))
    base["maintainers"] = ["recable-dev"]
    base["hidden"] = ["address.street"]
    corpus: list[tuple[str, dict, bool, str | None]] = []
    for path in sorted(FIXTURE_MEMBERS.glob("*/member.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        corpus.append((path.parent.name, data, True, None))
    corpus.append(("recable with maintainers and hidden", base, True, None))
    for path, value, reason in MUTATIONS:
        label = f"{'.'.join(map(str, path))} = {value!r}" if value is not DELETE else \
            f"{'.'.join(map(str, path))} deleted"
        corpus.append((label, _mutated(base, path, value), value != NO_FILE, reason))
    assert {reason for *_, reason in corpus} - {None} == set(reference.CHECK_ONLY) - {
        "other members", "texts and hidden fields"}     # tested in test_members, test_hostile
    verdicts_ajv = _ajv(document, [as_json(data) for _, data, _, _ in corpus], tmp_path)
    python = jsonschema.Draft202012Validator(document, format_checker=jsonschema.FormatChecker())
    disagreements = []
    folder = tmp_path / "project" / "members" / "recable"
    checked = dataclasses.replace(config, root=tmp_path / "project")
    for (label, data, logo_file, reason), ajv_errors in zip(corpus, verdicts_ajv, strict=True):
        by_check = _check_accepts(checked, facets, folder, data, logo_file)
        by_ajv = ajv_errors is None
        by_jsonschema = not list(python.iter_errors(as_json(data)))
        if by_ajv != by_jsonschema:
            disagreements.append(f"{label}: ajv {by_ajv}, jsonschema {by_jsonschema}")
        if by_check and not by_ajv:
            disagreements.append(f"{label}: check accepts, ajv refuses: {ajv_errors}")
        elif by_ajv and not by_check and reason is None:
            disagreements.append(f"{label}: ajv accepts, check refuses (a rule the schema "
                                 "could say)")
        elif reason is not None and (by_check or not by_ajv):
            disagreements.append(f"{label}: listed as {reason!r}, but check {by_check}, "
                                 f"ajv {by_ajv}")
    assert disagreements == []
    accepted = sum(_check_accepts(checked, facets, folder, d, f) for _, d, f, _ in corpus)
    assert 20 < accepted < len(corpus) - 30      # the corpus has both kinds


def test_the_reference_lists_what_only_check_verifies(sample: Path) -> None:
    config = load_config(sample)
    text = reference.member_reference(load_vocabularies(config, []))
    for key, description in reference.CHECK_ONLY.items():
        assert f"- {key}: {description}." in text
