"""Links into our own site (absolute addresses on base_url) must lead to a file the build
makes: an event's registration link, a link or a bare address in any Markdown text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import NOW

from circlemade_site import pipeline
from circlemade_site.errors import BuildFailed

OPTIONS = pipeline.BuildOptions(now=dt.date.fromisoformat(NOW))
EVENT = "content/events/formation-achats-publics.fr.md"


def errors_of(root: Path, tmp_path: Path) -> list[str]:
    with pytest.raises(BuildFailed) as exc:
        pipeline.build(root, tmp_path / "public", OPTIONS)
    return [str(d) for d in exc.value.diagnostics]


def test_a_registration_link_to_a_missing_page_names_the_closest(
        make_project: Callable[..., Path], tmp_path: Path) -> None:
    root = make_project()
    for lang in ("fr", "nl"):
        path = root / EVENT.replace(".fr.", f".{lang}.")
        path.write_text(path.read_text(encoding="utf-8").replace(
            "registration: https://circlemade.brussels/fr/contact/",
            "registration: https://circlemade.brussels/fr/agenda/formation-achat-publics/"),
            encoding="utf-8")
    assert errors_of(root, tmp_path) == [
        f"{EVENT}:13:15: error: registration: https://circlemade.brussels/fr/agenda/"
        "formation-achat-publics/ leads to no page of this site (did you mean "
        "'https://circlemade.brussels/fr/agenda/formation-achats-publics/'?)"]


def test_a_markdown_link_or_address_to_a_missing_page_is_an_error(
        make_project: Callable[..., Path], tmp_path: Path) -> None:
    root = make_project()
    about = root / "content" / "pages" / "about.fr.md"
    text = about.read_text(encoding="utf-8")
    lines = len(text.split("\n"))
    about.write_text(text + "\n[Inscriptions](https://circlemade.brussels/zz/qqq) et "
                     "HTTPS://CIRCLEMADE.BRUSSELS/fr/a-propo.\n", encoding="utf-8")
    assert errors_of(root, tmp_path) == [
        f"content/pages/about.fr.md:{lines + 1}:16: error: https://circlemade.brussels/zz/qqq "
        "leads to no page of this site (link to a page the site builds, for example "
        "https://circlemade.brussels/fr/agenda/)",
        f"content/pages/about.fr.md:{lines + 1}:55: error: HTTPS://CIRCLEMADE.BRUSSELS/fr/"
        "a-propo leads to no page of this site (did you mean "
        "'https://circlemade.brussels/fr/a-propos/'?)"]


def test_links_that_resolve_and_other_hosts_pass(make_project: Callable[..., Path],
                                                 tmp_path: Path) -> None:
    root = make_project()
    about = root / "content" / "pages" / "about.fr.md"
    about.write_text(about.read_text(encoding="utf-8") + (
        "\nVoir [l'agenda](https://circlemade.brussels/fr/agenda) (sans barre), "
        "[le calendrier](https://circlemade.brussels/fr/agenda.ics), "
        "[une section](https://circlemade.brussels/fr/contact/#adresse), "
        "<https://circlemade.brussels/>, https://circlemade.brussels/fr/membres/?q=bois. "
        "Ailleurs : https://circlemade.brussels.example/rien et https://www.hub.brussels/x.\n"),
        encoding="utf-8")
    pipeline.build(root, tmp_path / "public", OPTIONS)
