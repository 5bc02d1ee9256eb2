"""content/site.yaml: strict, typed, every problem with its line."""

from __future__ import annotations

import pytest

from circlemade_site.errors import BuildFailed
from circlemade_site.load.settings import load_config


def errors(root) -> list[str]:
    with pytest.raises(BuildFailed) as exc:
        load_config(root)
    return [str(d) for d in exc.value.diagnostics]


def edit_site(root, old: str, new: str) -> None:
    path = root / "content" / "site.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(root, needle: str) -> int:
    lines = (root / "content" / "site.yaml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_the_sample_config_loads(sample) -> None:
    config = load_config(sample)
    assert config.languages == ("fr", "nl")
    assert config.default_language == "fr"
    assert config.locales == {"fr": "fr_BE", "nl": "nl_BE"}
    assert config.sections["members"] == {"fr": "membres", "nl": "leden"}
    assert config.theme_dir == sample / "themes" / "circlemade"
    assert [e.page or e.section for e in config.menus["main"]] == [
        "members", "offers", "opportunities", "events", "news", "about", "join", "contact"]
    assert config.sections["opportunities"] == {"fr": "opportunites", "nl": "kansen"}   # default
    assert config.sections["accessibility"] == {"fr": "accessibilite", "nl": "toegankelijkheid"}


def test_unknown_setting_suggests_the_right_one(make_project) -> None:
    root = make_project()
    edit_site(root, "theme: circlemade", "theme: circlemade\nthem: circlemade")
    line = line_of(root, "them: circlemade")
    assert errors(root) == [f"content/site.yaml:{line}:1: error: them: unknown field 'them' "
                            "(did you mean 'theme'?)"]


def test_default_language_must_be_a_language(make_project) -> None:
    root = make_project()
    edit_site(root, "default_language: fr", "default_language: en")
    line = line_of(root, "default_language")
    footer = line_of(root, "label: {fr: hub.brussels")
    organisation = line_of(root, "organisation:") + 1
    assert errors(root) == [
        "content/site.yaml:2:8: error: title: missing the default language 'en' "
        "(for example `title: {en: ...}`)",
        "content/site.yaml:4:3: error: tagline: missing the default language 'en' "
        "(for example `tagline: {en: ...}`)",
        f"content/site.yaml:{line}:19: error: default_language: 'en' is not one of the "
        "languages ['fr', 'nl']",
        f"content/site.yaml:{footer}:14: error: menus.footer[7].label: missing the default "
        "language 'en' (for example `label: {en: ...}`)",
        f"content/site.yaml:{organisation}:3: error: organisation: missing the default language "
        "'en' (for example `organisation: {en: ...}`)",
    ]


def test_every_section_needs_every_language(make_project) -> None:
    root = make_project()
    edit_site(root, "members: {fr: membres, nl: leden}", "members: {fr: membres}\n  shop: {fr: x, nl: y}")
    line = line_of(root, "members: {fr: membres}")
    assert errors(root) == [
        f"content/site.yaml:{line}:12: error: sections.members: no URL segment for language 'nl' "
        "(for example `members: {nl: ...}`)",
        f"content/site.yaml:{line + 1}:9: error: sections.shop: unknown section 'shop' "
        "(sections are accessibility, campaigns, events, groups, members, news, offers, "
        "opportunities, printed_directory, profile_builder, projects, search)",
    ]


def test_required_languages_default_to_french_and_dutch(sample, make_project) -> None:
    assert load_config(sample).required_languages == ("fr", "nl")
    root = make_project()
    edit_site(root, "required_languages: [fr, nl]", "required_languages: [fr, fr]")
    assert load_config(root).required_languages == ("fr",)


def test_a_required_language_must_be_a_language_of_the_site(make_project) -> None:
    root = make_project()
    edit_site(root, "required_languages: [fr, nl]", "required_languages: [fr, de]")
    line = line_of(root, "required_languages")
    assert errors(root) == [f"content/site.yaml:{line}:26: error: required_languages[1]: 'de' is "
                            "not one of the languages ['fr', 'nl'] (add it to `languages`, or "
                            "remove it here)"]
    edit_site(root, "required_languages: [fr, de]\n", "")
    edit_site(root, "languages: [fr, nl]", "languages: [fr]")
    line = line_of(root, "languages: [fr]")
    assert (
        f"content/site.yaml:{line}:12: error: languages: the required language 'nl' is not one "
        "of the languages ['fr'] (add it, or list the languages every text must be written in, "
        "for example `required_languages: [fr]`)") in errors(root)   # among the Dutch texts'


def test_a_missing_theme_is_reported(make_project) -> None:
    root = make_project()
    edit_site(root, "theme: circlemade", "theme: nope")
    line = line_of(root, "theme: nope")
    assert errors(root) == [f"content/site.yaml:{line}:8: error: theme: there is no theme folder "
                            "themes/nope/templates (themes are circlemade)"]


def test_a_menu_entry_needs_a_target(make_project) -> None:
    root = make_project()
    edit_site(root, "    - page: about", "    - label: {fr: A, nl: B}")
    line = line_of(root, "label: {fr: A, nl: B}")
    assert errors(root) == [f"content/site.yaml:{line}:7: error: menus.main[5]: give one of "
                            "`page`, `section` or `url`"]


def test_a_menu_entry_must_name_an_existing_page(make_project) -> None:
    from circlemade_site import pipeline
    root = make_project()
    edit_site(root, "    - page: about", "    - page: abuot")
    line = line_of(root, "page: abuot")
    with pytest.raises(BuildFailed) as exc:
        pipeline.load_site(root, pipeline.BuildOptions())
    assert [str(d) for d in exc.value.diagnostics] == [
        f"content/site.yaml:{line}: error: menus.main: there is no page named 'abuot' "
        "(did you mean 'about'?)"]


def test_a_missing_site_file(tmp_path) -> None:
    assert errors(tmp_path) == ["content/site.yaml: error: the site settings file is missing "
                                "(is this a circlemade project folder?)"]
