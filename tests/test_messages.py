"""The messages of `check` in English, French and Dutch: the catalogues are complete and
compiled, the language is chosen as documented, prefixes stay the same in every language,
and examples follow the language of the file they are about."""

from __future__ import annotations

import gettext
import io
import json
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from conftest import run_cli

import circlemade_site
from circlemade_site import errors
from circlemade_site.errors import Diagnostic, msg, reader_language

PACKAGE = Path(circlemade_site.__file__).parent
KEYWORDS = {"msg": None, "N_": None, "example": None, "ngettext": (1, 2)}
CATALOGUES = ("fr", "nl")


def _source_ids() -> set[str]:
    found = set()
    for _, _, message, _, _ in extract_from_dir(str(PACKAGE), keywords=KEYWORDS,
                                                 comment_tags=()):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _po(lang: str):  # type: ignore[no-untyped-def]
    with open(PACKAGE / "locale" / lang / "LC_MESSAGES" / "circlemade.po", "rb") as file:
        return read_po(file, locale=lang)


def _fields(template: str) -> set[tuple[str, str, str | None]]:
    return {(name, spec, conversion) for _, name, spec, conversion
            in string.Formatter().parse(template) if name is not None}


def test_every_template_in_the_code_is_a_well_formed_format_string() -> None:
    ids = _source_ids()
    assert len(ids) > 150          # the extraction sees the messages (keywords are right)
    for template in ids:
        for name, spec, _ in _fields(template):
            assert name.isidentifier(), (template, name)
            assert spec in ("", ".1f", "04X", ","), (template, spec)


@pytest.mark.parametrize("lang", CATALOGUES)
def test_every_message_has_a_translation_with_the_same_placeholders(lang: str) -> None:
    catalogue = _po(lang)
    translated = {(m.id[0] if isinstance(m.id, tuple) else m.id): m for m in catalogue if m.id}
    missing = sorted(_source_ids() - translated.keys())
    assert not missing, f"run `make messages` and translate these in {lang}: {missing}"
    for template in _source_ids():
        message = translated[template]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            assert text, f"{lang}: no translation of {template!r}"
            assert _fields(text) == _fields(template), (lang, template, text)


def _messages(mo: bytes) -> dict[object, str]:
    """The translations of a compiled catalogue, without its header (Babel stamps the
    compilation time there)."""
    table = gettext.GNUTranslations(io.BytesIO(mo))._catalog  # type: ignore[attr-defined]
    return {key: value for key, value in table.items() if key != ""}


@pytest.mark.parametrize("lang", CATALOGUES)
def test_the_compiled_catalogues_are_those_of_the_po_files(lang: str) -> None:
    compiled = io.BytesIO()
    write_mo(compiled, _po(lang))
    mo = PACKAGE / "locale" / lang / "LC_MESSAGES" / "circlemade.mo"
    assert _messages(mo.read_bytes()) == _messages(compiled.getvalue()), \
        "run `make messages` to compile it"


def test_the_reader_language_comes_from_the_option_then_the_environment() -> None:
    assert reader_language("nl", {"LANG": "fr_BE.UTF-8"}) == "nl"
    assert reader_language(None, {"LANG": "nl_BE.UTF-8"}) == "nl"
    assert reader_language(None, {"LC_ALL": "fr_BE.UTF-8", "LANG": "nl_BE.UTF-8"}) == "fr"
    assert reader_language(None, {"LC_MESSAGES": "nl_NL", "LANG": "fr_BE"}) == "nl"
    # a variable that names none of our languages gives way to the next one
    assert reader_language(None, {"LC_ALL": "C.UTF-8", "LANG": "fr_BE.UTF-8"}) == "fr"
    assert reader_language(None, {"LANG": "de_DE.UTF-8"}) == "en"
    assert reader_language(None, {}) == "en"


def test_a_message_is_english_text_that_renders_in_another_language() -> None:
    message = msg("{value!r} is not a valid phone number", value="02 51{1}")
    assert message == "'02 51{1}' is not a valid phone number"       # a value's braces stay
    dutch = message.render("nl")
    assert dutch != message and "'02 51{1}'" in dutch
    assert errors.translate("nl", message.template).format(value="02 51{1}") == dutch


def test_a_broken_translation_falls_back_to_english_rather_than_crash(monkeypatch) -> None:
    monkeypatch.setattr(errors, "_translate", lambda lang, template: "{missing} {")
    assert msg("{value!r} is too long", value="x").render("fr") == "'x' is too long"


def _project_with_errors(make_project, sample: Path) -> Path:  # type: ignore[no-untyped-def]
    member = (sample / "members" / "recable" / "member.yaml").read_text(encoding="utf-8")
    phone = next(line for line in member.splitlines() if "phone:" in line)
    member = member.replace(phone, phone.split("phone:")[0] + 'phone: "02 51"')
    return make_project({"members/recable/member.yaml": member,
                         "content/pages/about.nl.md": "---\nslug: over-ons\n---\nTekst.\n"})


def _errors(output: str) -> list[str]:
    return [line for line in output.splitlines() if ": error: " in line]


def test_check_lang_nl_prints_dutch_with_the_same_prefixes(make_project, sample: Path) -> None:
    root = _project_with_errors(make_project, sample)
    english = _errors(run_cli("check", "--lang", "en", cwd=root).stderr)
    dutch_run = run_cli("check", "--lang", "nl", cwd=root)
    dutch = _errors(dutch_run.stderr)
    assert dutch_run.returncode == 1
    assert len(english) == len(dutch) >= 2
    for en, nl in zip(english, dutch, strict=True):
        prefix = en[:en.index(": error: ") + len(": error: ")]
        field = en[len(prefix):].split(": ", 1)[0]
        assert nl.startswith(f"{prefix}{field}: ")        # path:line:col: error: field:
        assert nl != en
    phone = next(line for line in dutch if "contact.phone" in line)
    assert phone.startswith("members/recable/member.yaml:")
    assert "'02 51' is geen geldig telefoonnummer" in phone
    title = next(line for line in dutch if line.startswith("content/pages/about.nl.md"))
    assert ": error: title: dit veld is verplicht" in title
    summary = dutch_run.stderr.strip().splitlines()[-1]
    assert summary.startswith("Build mislukt") or "niets" in summary, summary


def test_the_environment_chooses_the_language_when_no_option_is_given(make_project,
                                                                     sample: Path) -> None:
    import subprocess
    import sys
    root = _project_with_errors(make_project, sample)
    result = subprocess.run(
        [sys.executable, "-m", "circlemade_site", "check"], cwd=root, capture_output=True,
        text=True, timeout=120, env={"PYTHONPATH": str(PACKAGE.parent), "PATH": "/usr/bin:/bin",
                                     "LC_ALL": "", "LANG": "fr_BE.UTF-8"})
    assert "n'est pas un numéro de téléphone valide" in result.stderr


def test_examples_are_in_the_language_of_the_file(make_project, sample: Path) -> None:
    """about.nl.md lacks its title: the example is Dutch, whatever the reader's language."""
    root = _project_with_errors(make_project, sample)
    french = _errors(run_cli("check", "--lang", "fr", cwd=root).stderr)
    about = next(line for line in french if "about.nl.md" in line)
    assert "title: Over ons" in about and "À propos" not in about
    english = _errors(run_cli("check", "--lang", "en", cwd=root).stderr)
    assert "title: Over ons" in next(line for line in english if "about.nl.md" in line)


def test_github_annotations_carry_french_and_dutch(make_project, sample: Path) -> None:
    root = _project_with_errors(make_project, sample)
    result = run_cli("check", "--format", "github", cwd=root)
    phone = next(line for line in result.stdout.splitlines() if "contact.phone" in line)
    assert phone.startswith("::error file=members/recable/member.yaml,line=")
    message = phone.split("::", 2)[2]
    french, dutch = message.split("%0A")
    assert french.startswith("FR: '02 51' n'est pas un numéro de téléphone valide")
    assert dutch.startswith("NL: '02 51' is geen geldig telefoonnummer")


def test_a_diagnostic_renders_its_hint_in_the_same_language() -> None:
    hint = msg("remove the line breaks")
    d = Diagnostic("members/x/member.yaml", msg("must fit on one line"), 3, 5, "name", hint)
    assert str(d) == "members/x/member.yaml:3:5: error: name: must fit on one line " \
                     "(remove the line breaks)"
    rendered = d.render("fr")
    assert rendered.startswith("members/x/member.yaml:3:5: error: name: ")
    assert errors.translate("fr", "remove the line breaks") in rendered


def test_the_profile_builder_gets_the_messages_in_its_language(built_site: Path) -> None:
    french = json.loads((built_site / "data" / "profile-builder.fr.json").read_text("utf-8"))
    dutch = json.loads((built_site / "data" / "profile-builder.nl.json").read_text("utf-8"))
    assert french["messages"]["required"] == errors.translate("fr", "this field is required")
    assert dutch["messages"]["required"] == errors.translate("nl", "this field is required")
    assert french["messages"]["required"] != dutch["messages"]["required"]
    assert dutch["messages"]["slug_pattern"] == french["messages"]["slug_pattern"]


def test_limits_of_numbers_are_told_in_words_of_the_catalogue() -> None:
    """pydantic's own English ("Input should be greater than or equal to 10") never reaches
    a reader: the limits of the schemas have messages of ours, translated."""
    from circlemade_site.load import diagnose, schema
    from circlemade_site.load.yamlio import Positions
    found: list[Diagnostic] = []
    diagnose.validate(schema.SiteSettings, {"listing_page_size": 3}, Positions({}, {}),
                      "content/site.yaml", found)
    limit = next(d for d in found if d.field == "listing_page_size")
    assert limit.message == "must be at least 10"
    assert limit.text("fr").startswith("doit valoir au moins 10")
    assert limit.text("nl").startswith("moet minstens 10 zijn")
