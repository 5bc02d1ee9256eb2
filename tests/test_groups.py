"""Working groups, collective coaching and projects (issue #18): pages in both languages,
listed in their sections, linked to and from the profiles of the members involved, with
JSON-LD and search records; mistakes in their files are file:line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import Browser
from test_members import errors
from test_search import search

from circlemade_site import pipeline

GROUP = "content/groups/gisements"
PROJECT = "content/projects/mobilier-administrations"
PAGES = {   # (fr, nl) of a group and a project, and one member of each
    "group": ("/fr/groupes-de-travail/matieres-et-gisements/",
              "/nl/werkgroepen/materialen-en-voorraden/", "quai-partage"),
    "project": ("/fr/projets/mobilier-des-administrations/",
                "/nl/projecten/meubilair-van-de-administraties/", "atelier-copeau-vif"),
}
PROFILE = {"fr": "/fr/membres/{}/", "nl": "/nl/leden/{}/"}


def soup(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url.lstrip("/") / "index.html").read_text(encoding="utf-8"),
                         "html.parser")


def links(page: BeautifulSoup) -> set[str]:
    return {str(a["href"]) for a in page.select("main a[href]")}


@pytest.mark.parametrize("kind", PAGES)
def test_a_page_exists_in_both_languages_with_its_alternates(built_site: Path, kind: str) -> None:
    fr, nl, _ = PAGES[kind]
    for lang, url, other in (("fr", fr, nl), ("nl", nl, fr)):
        page = soup(built_site, url)
        assert page.html is not None and page.html["lang"] == lang
        alternates = {str(link["hreflang"]): str(link["href"])
                      for link in page.select('link[rel="alternate"][hreflang]')}
        assert alternates[{"fr": "nl", "nl": "fr"}[lang]].endswith(other)


def test_the_sections_list_every_group_and_project(built_site: Path, sample: Path) -> None:
    groups = soup(built_site, "/fr/groupes-de-travail/")
    titles = [h.get_text(" ", strip=True) for h in groups.select("main .work-entry h3")]
    assert len(titles) == 5 == len(list((sample / "content" / "groups").glob("*.fr.md")))
    headings = [h.get_text(strip=True) for h in groups.select("main h2.section-title")]
    assert headings == ["Groupes de travail", "Accompagnements collectifs"]
    assert PAGES["group"][0] in links(groups)
    projects = soup(built_site, "/nl/projecten/")
    assert {PAGES["project"][1], "/nl/projecten/van-kleding-tot-isolatie/"} <= links(projects)
    footer = soup(built_site, "/nl/").select_one("footer")
    assert footer is not None
    assert {"/nl/werkgroepen/", "/nl/projecten/"} <= {str(a["href"]) for a in footer.select("a")}


@pytest.mark.parametrize("kind", PAGES)
@pytest.mark.parametrize("index,lang", [(0, "fr"), (1, "nl")])
def test_pages_and_profiles_link_to_each_other(built_site: Path, kind: str, index: int,
                                               lang: str) -> None:
    url, slug = PAGES[kind][index], PAGES[kind][2]
    profile_url = PROFILE[lang].format(slug)
    assert profile_url in links(soup(built_site, url))
    profile = soup(built_site, profile_url)
    section = profile.select_one('section[aria-labelledby="involved-heading"]')
    assert section is not None
    heading = section.select_one("h2")
    assert heading is not None
    assert heading.get_text(strip=True) == {"fr": "Participe à", "nl": "Neemt deel aan"}[lang]
    assert url in {str(a["href"]) for a in section.select("a")}


def json_ld(page: BeautifulSoup) -> dict:
    [script] = page.select('script[type="application/ld+json"]')
    return json.loads(script.get_text())


def test_json_ld_is_a_project_with_organisations_as_members(built_site: Path) -> None:
    data = json_ld(soup(built_site, PAGES["project"][0]))
    assert data["@type"] == "Project"
    assert data["name"] == "Le mobilier des administrations remis en circulation"
    assert {m["@type"] for m in data["member"]} == {"Organization"}
    assert "https://circlemade.brussels/fr/membres/atelier-copeau-vif/" in {
        m["url"] for m in data["member"]}
    group = json_ld(soup(built_site, PAGES["group"][1]))
    assert group["@type"] == "Project" and group["inLanguage"] == "nl"
    assert len(group["member"]) == 5
    assert [e["@type"] for e in group["event"]] == ["Event"]
    assert group["event"][0]["url"].startswith("https://circlemade.brussels/nl/agenda/")


def test_a_project_shows_its_value_chain_in_order_and_its_results(built_site: Path) -> None:
    page = soup(built_site, PAGES["project"][0])
    steps = [a.get_text(strip=True) for a in page.select(".value-chain li > a")]
    assert steps == ["Publi-Boucle", "Quai Partagé", "Atelier Copeau Vif", "Studio Lisière"]
    results = [li.get_text(" ", strip=True) for li in page.select(".project-results li")]
    assert results[0] == "420 meubles remis en service dans d'autres bureaux"
    eyebrow = page.select_one(".page-head .eyebrow")
    assert eyebrow is not None and eyebrow.get_text(strip=True) == "Projet · Terminé"


def test_a_group_lists_its_sessions_and_documents(built_site: Path) -> None:
    page = soup(built_site, PAGES["group"][0])
    assert "/fr/agenda/groupe-de-travail-gisements-2018/" in links(page)
    assert "https://www.circulareconomy.brussels/" in links(page)


def test_pages_are_search_records_of_their_kind_and_in_the_sitemap(built_site: Path) -> None:
    for kind, (fr, nl, _) in PAGES.items():
        for url in (fr, nl):
            body = soup(built_site, url).select_one("[data-pagefind-body]")
            assert body is not None and body["data-pagefind-meta"] == f"kind:{kind}"
    sitemap = (built_site / "sitemap.xml").read_text(encoding="utf-8")
    for url in (*PAGES["group"][:2], *PAGES["project"][:2], "/fr/projets/", "/nl/werkgroepen/"):
        assert f"<loc>https://circlemade.brussels{url}</loc>" in sitemap


def test_search_finds_a_group_under_its_kind(browser: Browser, site_url: str) -> None:
    page, found, _ = search(browser, site_url, "/fr/recherche/?q=gisements&kind=group")
    assert PAGES["group"][0] in found
    assert set(page.locator(".search-result-kind").all_text_contents()) == {"Groupe de travail"}
    page.context.close()


# -- mistakes ---------------------------------------------------------------------------

def test_an_unknown_member_in_a_group_is_an_error_on_its_line(make_project) -> None:
    path = f"{GROUP}.fr.md"
    root = make_project()
    text = (root / path).read_text(encoding="utf-8")
    (root / path).write_text(text.replace("quai-partage,", "quai-partge,"), encoding="utf-8")
    [error] = errors(root)
    assert error.startswith(f"{path}:8:39: error: members[1]: there is no member 'quai-partge' "
                            "(did you mean 'quai-partage'?")


def test_an_unknown_session_and_a_chain_step_outside_the_partners_are_errors(make_project) -> None:
    root = make_project()
    group = root / f"{GROUP}.fr.md"
    group.write_text(group.read_text(encoding="utf-8").replace(
        "sessions: [groupe-de-travail-gisements-2018]", "sessions: [groupe-de-travail-2018]"),
        encoding="utf-8")
    project = root / f"{PROJECT}.fr.md"
    project.write_text(project.read_text(encoding="utf-8").replace(
        "partners: [publi-boucle, quai-partage,", "partners: [publi-boucle,"), encoding="utf-8")
    assert errors(root) == [
        f"{GROUP}.fr.md:9:12: error: sessions[0]: there is no event 'groupe-de-travail-2018' "
        "(did you mean 'groupe-de-travail-gisements-2018'?)",
        f"{PROJECT}.fr.md:11:13: error: chain[1].member: 'quai-partage' is not one of the "
        "partners of the project (add it to `partners`, or name one of them: publi-boucle, "
        "atelier-copeau-vif, studio-lisiere)"]


def test_a_missing_language_is_an_error(make_project) -> None:
    root = make_project({f"{PROJECT}.nl.md": None})
    [error] = errors(root)
    assert error.startswith(f"{PROJECT}.fr.md: error: the version in the required language "
                            f"'nl' is missing: write {PROJECT}.nl.md")


def test_a_text_of_a_shared_field_needs_every_required_language(make_project) -> None:
    root = make_project()
    project = root / f"{PROJECT}.fr.md"
    project.write_text(project.read_text(encoding="utf-8").replace(
        "unit: {fr: tonnes, nl: ton}", "unit: {fr: tonnes}"), encoding="utf-8")
    [error] = errors(root)
    assert error.startswith(f"{PROJECT}.fr.md:22:11: error: results[1].unit: the text in the "
                            "required language 'nl' is missing")


def test_a_bad_kind_and_a_missing_status_are_reported(make_project) -> None:
    root = make_project()
    group = root / f"{GROUP}.fr.md"
    group.write_text(group.read_text(encoding="utf-8").replace(
        "kind: working-group", "kind: workshop"), encoding="utf-8")
    project = root / f"{PROJECT}.fr.md"
    project.write_text(project.read_text(encoding="utf-8").replace("status: completed\n", ""),
                       encoding="utf-8")
    found = errors(root)
    assert [e.split(": error: ")[0] for e in found] == [f"{GROUP}.fr.md:5:7",
                                                        f"{PROJECT}.fr.md:1"]
    assert "status: this field is required" in found[1] and "status: running" in found[1]


def test_a_site_builds_without_groups_or_projects(make_project, tmp_path: Path) -> None:
    root = make_project()
    for folder in ("groups", "projects"):
        for path in (root / "content" / folder).iterdir():
            path.unlink()
    out = tmp_path / "out"
    pipeline.build(root, out, pipeline.BuildOptions(now=pipeline.dt.date(2026, 11, 29)))
    assert (out / "fr" / "projets" / "index.html").is_file()
    assert "involved-heading" not in (out / "fr" / "membres" / "recable" / "index.html").read_text()
