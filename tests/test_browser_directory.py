"""The directory's instant filters in a real browser (Chromium through Playwright)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from conftest import NOW, copy_fixture_site
from playwright.sync_api import Browser, Page, expect

from circlemade_site import pipeline


@pytest.fixture
def base_url(site_url: str) -> str:
    return site_url


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    yield tab
    context.close()
    assert errors == []


def visible_names(page: Page) -> list[str]:
    return page.locator("#results .card:visible .card-title a").all_inner_texts()


def test_filters_combine_keep_url_state_and_announce_count(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/fr/membres/")
    assert page.locator(".facet-links").is_hidden()          # the script swapped links for the form
    assert page.locator("form.filters").is_visible()
    total = page.locator("#results .card").count()
    assert page.locator("#result-count").inner_text() == f"{total} membres"

    page.get_by_label("Réparation").check()
    repair = visible_names(page)
    assert 0 < len(repair) < total
    assert page.locator("#result-count").inner_text() == f"{len(repair)} membres"
    assert page.url.endswith("/fr/membres/?activite=reparation")

    page.get_by_label("Schaerbeek").check()                 # AND across facets
    assert visible_names(page) == ["Recâblé"]
    assert page.locator("#result-count").inner_text() == "1 membre"
    assert "commune=schaerbeek" in page.url

    page.get_by_label("Forest").check()                     # OR within a facet
    assert visible_names(page) == ["Atelier Copeau Vif", "Recâblé"]

    page.go_back()
    assert visible_names(page) == ["Recâblé"]
    assert not page.get_by_label("Forest").is_checked()

    page.get_by_role("button", name="Effacer les filtres").click()
    expect(page.locator("#results .card:visible")).to_have_count(total)
    assert page.url.endswith("/fr/membres/")


def test_opportunities_filter_like_the_directory(page: Page, base_url: str) -> None:
    """Needs and flows, filtered by material (OR within) and direction (AND across)."""
    page.goto(f"{base_url}/nl/kansen/")
    assert page.locator(".facet-links").is_hidden() and page.locator("form.filters").is_visible()
    page.locator("form.filters").get_by_label("Hout").check()
    assert visible_names(page) == ["Resthout van eik", "Hout"]      # a need, then a flow
    assert page.locator("#result-count").inner_text() == "2 kansen"
    assert page.url.endswith("/nl/kansen/?materiaal=hout")
    page.get_by_label("Beschikbare reststromen").check()
    assert visible_names(page) == ["Hout"]
    assert page.locator("#result-count").inner_text() == "1 kans"
    page.locator("#results .card:visible .card-title a").click()     # to the flow on its profile
    assert page.url.endswith("/nl/leden/seconde-pierre/#flow-1")
    assert page.locator("#flow-1 h3").inner_text() == "Hout"


def test_a_shared_filtered_url_opens_filtered(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/nl/leden/?activiteit=herstelling&gemeente=schaarbeek")
    assert visible_names(page) == ["Recâblé"]
    assert page.get_by_label("Herstelling").is_checked()
    assert page.locator("#result-count").inner_text() == "1 lid"


def test_no_results_message(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/fr/membres/?activite=valorisation-energetique&type=acteur-de-soutien")
    assert visible_names(page) == []
    assert page.locator(".no-results").is_visible()
    assert page.locator("#result-count").inner_text() == "0 membre"


def test_offers_filter_by_audience(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/nl/aanbod/")
    total = page.locator("#results .card").count()
    page.get_by_label("Particulieren").check()
    shown = page.locator("#results .card:visible").count()
    assert 0 < shown < total
    assert page.locator("#result-count").inner_text().endswith(("aanbieding", "aanbiedingen"))


def test_on_a_phone_the_filters_start_folded(browser: Browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(f"{base_url}/fr/membres/")
    assert page.locator("details.filters-box").get_attribute("open") is None
    assert page.locator("#results .card").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.locator("details.filters-box summary").click()
    assert page.get_by_label("Réparation").is_visible()
    context.close()


def test_without_javascript_the_facet_links_work(browser: Browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base_url}/fr/membres/")
    assert page.locator("form.filters").is_hidden()
    page.locator(".facet-links").get_by_role("link", name="Réparation").click()
    assert page.url.endswith("/fr/membres/activite/reparation/")
    assert page.locator("h1").inner_text() == "Réparation"
    context.close()


def test_without_javascript_a_phone_gets_the_links_folded_above_the_results(
        browser: Browser, site_url: str) -> None:
    """The layout served is the final one: the same closed box above the results, holding
    the links instead of the form."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(f"{site_url}/fr/membres/")
    box = page.locator("details.filters-box")
    assert box.get_attribute("open") is None
    assert box.bounding_box()["y"] < page.locator("#results").bounding_box()["y"]  # type: ignore[index]
    assert page.locator(".facet-links").is_hidden()          # the side column's copy
    page.locator("details.filters-box summary").click()
    box.get_by_role("link", name="Réparation").click()
    assert page.url.endswith("/fr/membres/activite/reparation/")
    context.close()


@pytest.fixture(scope="module")
def paged_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample site with ten cards per page of a listing: the directory has two pages."""
    from browser import serve_folder
    root = copy_fixture_site(tmp_path_factory.mktemp("paged") / "project")
    settings = root / "content" / "site.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "listing_page_size: 10\n",
                        encoding="utf-8")
    out = root.parent / "public"
    pipeline.build(root, out, pipeline.BuildOptions(now=pipeline.dt.date.fromisoformat(NOW),
                                                    search=False))
    with serve_folder(out) as url:
        yield url


def test_filters_apply_to_every_page_of_a_long_listing(page: Page, paged_url: str) -> None:
    page.goto(f"{paged_url}/fr/membres/2/")
    assert page.locator("#results .card").count() == 3            # 13 members, 10 per page
    assert page.locator("#result-count").inner_text() == "13 membres"
    assert page.locator("nav.pagination").is_visible()
    page.get_by_label("Réemploi").check()                          # members on both pages
    expect(page.locator("nav.pagination")).to_be_hidden()
    expect(page.locator("#results .card")).to_have_count(13)      # the other page joined
    shown = visible_names(page)
    assert page.locator("#result-count").inner_text() == f"{len(shown)} membres"
    assert 2 < len(shown) < 13
    page.get_by_role("button", name="Effacer les filtres").click()
    expect(page.locator("#results .card:visible")).to_have_count(13)
    assert page.locator("#result-count").inner_text() == "13 membres"


def test_a_filtered_url_of_a_long_listing_opens_filtered(page: Page, paged_url: str) -> None:
    page.goto(f"{paged_url}/nl/leden/?activiteit=herstelling&gemeente=schaarbeek")
    expect(page.locator("#result-count")).to_have_text("1 lid")
    assert visible_names(page) == ["Recâblé"]


@pytest.mark.parametrize("width", [375, 1280])
def test_the_pages_of_a_long_listing_pass_axe(browser: Browser, paged_url: str, width: int) -> None:
    from test_quality import audit, tools_installed
    tools_installed()
    context = browser.new_context(viewport={"width": width, "height": 900})
    tab = context.new_page()
    for url in ("/fr/membres/", "/nl/leden/2/", "/fr/offres/3/"):
        tab.goto(paged_url + url)
        assert audit(tab) == [], url
        assert tab.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, url
    context.close()


SCRIPT_DELAY_MS = 400       # a phone's network: the page is painted before its script arrives

# Every shift counts: the test makes no input, but the shifts of the first half second carry
# hadRecentInput (an input Chromium records when Playwright opens the page), which would hide
# exactly the shift the script makes.
CUMULATIVE_SHIFT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) { total += entry.value; }
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(total), 300);
})"""


@pytest.mark.parametrize("listing", ["/fr/membres/", "/nl/aanbod/", "/fr/opportunites/"])
def test_on_a_phone_the_listing_does_not_move_when_its_script_runs(
        browser: Browser, site_url: str, listing: str) -> None:
    """Lighthouse's Cumulative Layout Shift, measured by the browser's own 'layout-shift'
    entries (the sum of every shift, an upper bound of the score), stays under 0.1 (the
    "good" threshold) when the filter script arrives after the first paint."""
    context = browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True)
    page = context.new_page()

    def late(route):  # type: ignore[no-untyped-def]
        time.sleep(SCRIPT_DELAY_MS / 1000)
        route.continue_()

    page.route("**/static/js/*.js", late)
    page.goto(site_url + listing, wait_until="load")
    assert page.locator("form.filters").is_visible() or \
        page.locator("details.filters-box summary").is_visible()     # the script ran
    shift = page.evaluate(CUMULATIVE_SHIFT)
    context.close()
    assert shift <= 0.1, f"{listing}: cumulative layout shift {shift:.3f}"


def test_cards_off_screen_are_not_rendered_until_needed(browser: Browser, site_url: str) -> None:
    """content-visibility: auto: a thousand cards cost the main thread only what is seen."""
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(f"{site_url}/fr/membres/")
    seen = "title => title.checkVisibility({contentVisibilityAuto: true})"   # skipped or not
    titles = page.locator("#results .card-title")
    assert titles.first.evaluate(seen)
    assert not titles.last.evaluate(seen)
    titles.last.scroll_into_view_if_needed()
    for _ in range(50):                      # rendered at a next frame
        if titles.last.evaluate(seen):
            break
        page.wait_for_timeout(100)
    assert titles.last.evaluate(seen)
    context.close()


def test_without_a_selection_the_script_leaves_the_listing_as_served(
        browser: Browser, site_url: str) -> None:
    """Nothing to filter: no pass over every card, no rewritten counter (a long task at 1,000
    members)."""
    context = browser.new_context()
    # deferred scripts run before DOMContentLoaded: observe from the start, and count what
    # changes in the results once the parser is done with them
    context.add_init_script("""
      window.__touched = 0;
      new MutationObserver(records => {
        for (const record of records) {
          const target = record.target.nodeType === 1 ? record.target : record.target.parentNode;
          if (document.readyState !== "loading" && target && target.closest(".results")) {
            window.__touched += 1;
          }
        }
      }).observe(document, {subtree: true, attributes: true, childList: true, characterData: true});""")
    page = context.new_page()
    page.goto(f"{site_url}/fr/membres/", wait_until="load")
    assert page.locator("form.filters").is_visible()             # the script ran
    assert page.evaluate("window.__touched") == 0
    page.get_by_label("Réparation").check()
    assert page.evaluate("window.__touched") > 0                 # the observer works
    context.close()


@pytest.mark.parametrize("url", ["/fr/membres/", "/nl/leden/", "/fr/offres/", "/nl/aanbod/",
                                 "/fr/opportunites/", "/nl/kansen/"])
def test_listings_reflow_at_320_px(browser: Browser, site_url: str, url: str) -> None:
    """WCAG 1.4.10: at 320 CSS pixels a listing's cards fit the screen (a card whose width
    came from its content, or from content-visibility's remembered size, made the page
    scroll sideways by 16 px)."""
    context = browser.new_context(viewport={"width": 320, "height": 900})
    tab = context.new_page()
    tab.goto(site_url + url)
    assert tab.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    wider = tab.evaluate("""() => [...document.querySelectorAll('.card')]
        .filter(card => card.getBoundingClientRect().right > window.innerWidth).length""")
    assert wider == 0
    context.close()
