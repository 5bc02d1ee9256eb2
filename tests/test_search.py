"""Site-wide search (Pagefind) in a real browser, in French and in Dutch."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect


def search(browser: Browser, site_url: str, path: str) -> tuple[Page, list[str], list[str]]:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(site_url + path)
    expect(page.locator("#search-status")).not_to_be_empty(timeout=15_000)
    links = page.locator("#search-results a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    return page, links, errors


def test_french_search_stems_plurals_and_stays_in_french(browser: Browser, site_url: str) -> None:
    page, links, errors = search(browser, site_url, "/fr/recherche/?q=r%C3%A9parations")
    assert errors == []
    assert links and all(link.startswith("/fr/") for link in links)
    assert "/fr/membres/recable/" in links or any(link.startswith("/fr/membres/recable/") for link in links)
    assert page.locator("#search-status").inner_text().endswith(("résultat", "résultats"))
    assert page.locator("#search-results mark").count() > 0
    page.context.close()


def test_dutch_search_stems_plurals_and_stays_in_dutch(browser: Browser, site_url: str) -> None:
    page, links, errors = search(browser, site_url, "/nl/zoeken/?q=herstellingen")
    assert errors == []
    assert links and all(link.startswith("/nl/") for link in links)
    assert any(link.startswith("/nl/leden/") for link in links)
    page.context.close()


def test_filter_by_kind_and_offer_results_link_to_the_offer(browser: Browser, site_url: str) -> None:
    page, links, _ = search(browser, site_url, "/fr/recherche/?q=ordinateurs&kind=offer")
    assert links and all("/fr/membres/" in link and "#offer-" in link for link in links)
    assert page.locator("#search-kind").input_value() == "offer"
    page.locator("#search-kind").select_option("event")
    expect(page).to_have_url(f"{site_url}/fr/recherche/?q=ordinateurs&kind=event")
    page.context.close()


def test_header_search_leads_to_the_search_page(browser: Browser, site_url: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(site_url + "/nl/")
    page.get_by_label("Zoeken op de site").first.fill("hergebruik")
    page.get_by_label("Zoeken op de site").first.press("Enter")
    expect(page).to_have_url(f"{site_url}/nl/zoeken/?q=hergebruik")
    expect(page.locator("#search-results li").first).to_be_visible(timeout=15_000)
    assert page.locator("#search-q").input_value() == "hergebruik"
    context.close()


def test_the_index_has_a_language_each(built_site: Path) -> None:
    import json
    entry = json.loads((built_site / "pagefind" / "pagefind-entry.json").read_text())
    assert set(entry["languages"]) == {"fr", "nl"}


@pytest.mark.parametrize(("path", "expected"), [
    ("/fr/recherche/?q=ombudsman&kind=page", "/fr/accessibilite/"),
    ("/nl/zoeken/?q=ombudsman&kind=page", "/nl/toegankelijkheid/"),
    ("/fr/recherche/?q=cookie&kind=page", "/fr/vie-privee/"),
    ("/nl/zoeken/?q=cookies&kind=page", "/nl/privacy/"),
])
def test_the_statement_and_the_privacy_notice_are_found(browser: Browser, site_url: str,
                                                         path: str, expected: str) -> None:
    page, links, errors = search(browser, site_url, path)
    assert errors == [] and expected in links
    page.context.close()


# -- issue #19: every result reachable, labelled by kind, the query kept by the language
#    switch, and a page that is no dead end without JavaScript

MANY = 36           # more than one batch of results (search.js BATCH = 30)


@pytest.fixture(scope="module")
def many_url(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The test site and MANY more members whose tagline says 'tonnellerie'."""
    from browser import serve_folder
    from conftest import NOW, copy_fixture_site

    from circlemade_site import pipeline
    root = copy_fixture_site(tmp_path_factory.mktemp("many") / "project")
    for n in range(MANY):
        folder = root / "members" / f"tonnelier-{n:02d}"
        folder.mkdir()
        (folder / "member.yaml").write_text(
            f"name: Tonnelier {n:02d}\nkind: company\nmember_since: 2020-01-{n % 28 + 1:02d}\n"
            "tagline:\n  fr: \"Tonnellerie de réemploi : fûts de chêne réparés et remis en service.\"\n"
            "  nl: \"Kuiperij met hergebruik: gerepareerde eiken vaten, opnieuw in gebruik.\"\n"
            "activities: [reuse]\naddress:\n  street: \"Rue Wayez {n + 1}\"\n  postal_code: \"1070\"\n  municipality: Anderlecht\n",
            encoding="utf-8")
    out = root.parent / "public"
    pipeline.build(root, out, pipeline.BuildOptions(now=pipeline.dt.date.fromisoformat(NOW)))
    with serve_folder(out) as url:
        yield url


def test_every_result_is_reachable(browser: Browser, many_url: str) -> None:
    page, links, errors = search(browser, many_url, "/fr/recherche/?q=tonnellerie")
    assert errors == []
    said = page.locator("#search-status").inner_text()
    total = int(said.split()[0])
    assert said == f"{total} résultats" and total >= MANY
    assert len(links) == 30
    more = page.get_by_role("button", name="Plus de résultats")
    more.click()
    expect(page.locator("#search-results li")).to_have_count(total)
    expect(more).to_be_hidden()
    # the keyboard goes on from the first new result
    assert page.evaluate("document.activeElement.closest('li') === "
                         "document.querySelectorAll('#search-results li')[30]")
    hrefs = page.locator("#search-results a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert len(set(hrefs)) == total
    assert {f"/fr/membres/tonnelier-{n:02d}/" for n in range(MANY)} <= set(hrefs)
    assert page.locator("#search-status").inner_text() == said
    page.context.close()


def test_a_kind_looks_further_down_for_every_result(browser: Browser, many_url: str) -> None:
    page, links, _ = search(browser, many_url, "/nl/zoeken/?q=kuiperij&kind=member")
    assert len(links) == 30
    assert page.locator("#search-status").inner_text() == "Minstens 30 resultaten"
    page.get_by_role("button", name="Meer resultaten").click()
    expect(page.locator("#search-results li")).to_have_count(MANY)
    expect(page.locator("#search-status")).to_have_text(f"{MANY} resultaten")
    assert page.locator(".search-result-kind").all_text_contents() == ["Lid"] * MANY
    page.context.close()


def test_each_result_says_its_kind(browser: Browser, site_url: str) -> None:
    page, links, _ = search(browser, site_url, "/fr/recherche/?q=r%C3%A9paration")
    kinds = page.locator("#search-results li .search-result-kind").all_text_contents()
    assert len(kinds) == len(links) > 0                       # every result is labelled
    assert {"Membre", "Offre"} <= set(kinds)
    for li in page.locator("#search-results li").all():
        href = li.locator("a").first.get_attribute("href") or ""
        label = li.locator(".search-result-kind").text_content()
        if "#offer-" in href:
            assert label == "Offre"
        elif href.startswith("/fr/membres/") and "#" not in href:
            assert label == "Membre"
        elif href.startswith("/fr/agenda/"):
            assert label == "Événement"
    page.context.close()


def test_the_kinds_are_one_list(built_site: Path, repo: Path) -> None:
    """Every kind a page or record carries is in models.SEARCH_KINDS, the search page offers
    exactly that list, and each kind has its two UI strings in every catalogue."""
    import re

    import yaml

    from circlemade_site.models import SEARCH_KINDS
    carried = set()
    for path in built_site.rglob("*.html"):
        carried |= set(re.findall(r'data-pagefind-meta="kind:([a-z-]+)"', path.read_text("utf-8")))
    from circlemade_site.assets.search import offer_records  # noqa: F401  (records: offer, opportunity)
    carried |= {"offer", "opportunity"}
    assert carried <= set(SEARCH_KINDS)
    assert {"group", "project"} <= set(SEARCH_KINDS)
    page = (built_site / "fr" / "recherche" / "index.html").read_text("utf-8")
    assert re.findall(r'<option value="([a-z-]+)"', page) == list(SEARCH_KINDS)
    for lang in ("fr", "nl", "en"):
        strings = yaml.safe_load((repo / "themes" / "circlemade" / "i18n" / f"{lang}.yaml").read_text("utf-8"))
        for kind in SEARCH_KINDS:
            assert strings.get(f"search_kind_{kind}") and strings.get(f"search_result_{kind}"), (lang, kind)


def test_the_language_switch_keeps_the_query(browser: Browser, site_url: str) -> None:
    page, _, _ = search(browser, site_url, "/fr/recherche/?q=recable&kind=offer")
    page.locator(".lang-switch").get_by_role("link", name="Nederlands").click()
    expect(page).to_have_url(f"{site_url}/nl/zoeken/?q=recable&kind=offer")
    assert page.locator("#search-q").input_value() == "recable"
    assert page.locator("#search-kind").input_value() == "offer"
    expect(page.locator("#search-results li").first).to_be_visible(timeout=15_000)
    page.locator("#search-q").fill("herstelling")             # a new query: the switch follows
    page.locator("#search-q").press("Enter")
    expect(page.locator(".lang-switch a[hreflang=fr]")).to_have_attribute(
        "href", "/fr/recherche/?q=herstelling&kind=offer")
    page.context.close()


@pytest.mark.parametrize(("path", "members", "offers", "term"), [
    ("/fr/recherche/?q=bois", "/fr/membres/", "/fr/offres/", "/fr/membres/activite/reparation/"),
    ("/nl/zoeken/", "/nl/leden/", "/nl/aanbod/", "/nl/leden/activiteit/herstelling/"),
])
def test_without_javascript_the_search_page_is_no_dead_end(
        browser: Browser, site_url: str, path: str, members: str, offers: str, term: str) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(site_url + path)
    assert page.locator("form.search-form").is_hidden()       # it could not search
    hrefs = page.locator(".search-nojs a:visible").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert members in hrefs and offers in hrefs and term in hrefs
    assert sum(h.startswith(members) and h != members for h in hrefs) > 20   # the facets' pages
    small = page.locator(".search-nojs a:visible").evaluate_all(
        "els => els.filter(e => e.getBoundingClientRect().height < 44).map(e => e.textContent)")
    assert small == []
    page.locator(".search-nojs").get_by_role("link", name="Réparation" if path.startswith("/fr") else "Herstelling").click()
    assert page.url.endswith(term)
    context.close()


def test_with_javascript_the_search_page_hides_the_browse_links(browser: Browser, site_url: str) -> None:
    page, _, _ = search(browser, site_url, "/fr/recherche/?q=bois")
    assert page.locator(".search-nojs").is_hidden()
    assert page.locator("form.search-form").is_visible()
    page.context.close()


@pytest.fixture(scope="module")
def parts_url(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The test site built with its index in parts: 4 members a part, 13 members."""
    from browser import serve_folder
    from conftest import NOW, copy_fixture_site

    from circlemade_site import pipeline, urls
    root = copy_fixture_site(tmp_path_factory.mktemp("parts") / "project")
    out = root.parent / "public"
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(urls, "SEARCH_SHARD_MEMBERS", 4)
        pipeline.build(root, out, pipeline.BuildOptions(now=pipeline.dt.date.fromisoformat(NOW)))
    assert (out / "pagefind" / urls.search_shard("recable", 4) / "pagefind-entry.json").is_file()
    with serve_folder(out) as url:
        yield url


@pytest.mark.parametrize(("path", "expected"), [
    ("/fr/recherche/?q=r%C3%A9parations", "/fr/membres/recable/"),
    ("/nl/zoeken/?q=herstellingen", "/nl/leden/recable/"),
    ("/fr/recherche/?q=ordinateurs&kind=offer", "/fr/membres/recable/#offer-"),
])
def test_a_search_finds_members_in_every_part_of_the_index(
        browser: Browser, parts_url: str, site_url: str, path: str, expected: str) -> None:
    """The members' parts are merged at query time: as many results as the index in one
    piece finds, in French and in Dutch, offers and pages alike (their order may differ:
    each part ranks with its own word statistics)."""
    page, links, errors = search(browser, parts_url, path)
    assert errors == []
    assert any(link.startswith(expected) for link in links)
    whole, whole_links, _ = search(browser, site_url, path)
    status = page.locator("#search-status").inner_text()
    assert status == whole.locator("#search-status").inner_text() and status[0].isdigit()
    assert len(links) == len(whole_links)
    page.context.close()
    whole.context.close()
