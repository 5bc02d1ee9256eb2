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
