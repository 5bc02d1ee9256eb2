"""The directory's filters that help (issue #19), in a real browser: counts that follow the
selection, the number of results beside the controls and announced once, a text filter, a
sort, the selection kept by the language switch, and without JavaScript browse links
announced at the top of a phone's page with targets of at least 44 px."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

TARGET_PX = 44


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


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text)
                   if not unicodedata.combining(c)).casefold()


# what the counts should be, computed from the cards' own data attributes: for each value
# of each facet, the cards that have it and pass every other facet's choices
EXPECTED_COUNTS = """() => {
  const form = document.querySelector("form.filters");
  const boxes = [...form.querySelectorAll("input[type=checkbox]")];
  const params = [...new Set(boxes.map(b => b.name))];
  const chosen = Object.fromEntries(params.map(p => [p, boxes.filter(b => b.name === p && b.checked).map(b => b.value)]));
  const has = (card, p, v) => (" " + (card.dataset[p] || "") + " ").includes(" " + v + " ");
  const cards = [...document.querySelectorAll("#results .card")];
  return boxes.map(box => [box.name + "=" + box.value, cards.filter(card =>
    has(card, box.name, box.value) &&
    params.every(p => p === box.name || !chosen[p].length || chosen[p].some(v => has(card, p, v)))).length]);
}"""

SHOWN_COUNTS = """() => [...document.querySelectorAll("form.filters input[type=checkbox]")].map(
  box => [box.name + "=" + box.value, Number(box.closest("label").querySelector(".facet-count").textContent)])"""


def test_counts_follow_the_selection_and_zero_choices_are_disabled(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}/fr/membres/")
    served = dict(page.evaluate(SHOWN_COUNTS))
    page.get_by_label("Schaerbeek").check()
    shown = dict(page.evaluate(SHOWN_COUNTS))
    assert shown == dict(page.evaluate(EXPECTED_COUNTS))
    assert shown != served                                   # they did change
    assert shown["activite=reparation"] == 1                 # Recâblé, in Schaerbeek
    assert shown["commune=forest"] == served["commune=forest"]   # its own facet: OR, unchanged
    zero = [key for key, n in shown.items() if n == 0]
    assert zero
    for key in zero:
        name, value = key.split("=")
        box = page.locator(f"form.filters input[name='{name}'][value='{value}']")
        assert box.is_disabled()
        assert "check-none" in (box.locator("xpath=..").get_attribute("class") or "")
    assert page.get_by_label("Schaerbeek").is_enabled()      # a choice made can be undone

    page.get_by_label("Réparation").check()                  # AND across facets
    assert dict(page.evaluate(SHOWN_COUNTS)) == dict(page.evaluate(EXPECTED_COUNTS))
    page.get_by_role("button", name="Effacer les filtres").click()
    expect(page.locator("#results .card:visible")).to_have_count(13)
    assert dict(page.evaluate(SHOWN_COUNTS)) == served
    assert page.locator("form.filters input:disabled").count() == 0


def test_text_filter_ignores_accents_and_case(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}/fr/membres/")
    taglines = dict(zip(page.locator("#results .card-title a").all_inner_texts(),
                        page.locator("#results .card-tagline").all_inner_texts(), strict=True))
    expected = [name for name, tagline in taglines.items()
                if "reemploi" in fold(name + " " + tagline)]
    assert 0 < len(expected) < len(taglines)
    text = page.get_by_label("Nom ou description")
    text.fill("reemploi")
    expect(page.locator("#result-count")).to_have_text(f"{len(expected)} membres")
    assert visible_names(page) == expected
    assert page.url.endswith("/fr/membres/?q=reemploi")
    text.fill("RÉEMPLOI")
    expect(page).to_have_url(f"{site_url}/fr/membres/?q=R%C3%89EMPLOI")
    assert visible_names(page) == expected
    text.fill("copeau")                                       # the name too
    expect(page.locator("#result-count")).to_have_text("1 membre")
    assert visible_names(page) == ["Atelier Copeau Vif"]
    # the counts follow the text as well
    assert dict(page.evaluate(SHOWN_COUNTS))["commune=forest"] == 1
    assert dict(page.evaluate(SHOWN_COUNTS))["commune=schaerbeek"] == 0


def test_typing_is_announced_once(page: Page, site_url: str) -> None:
    """The counter is a polite live region; a burst of keystrokes changes it once, when
    the typing pauses, not at every key."""
    page.goto(f"{site_url}/fr/membres/")
    counter = page.locator("#result-count")
    assert counter.get_attribute("role") == "status"
    assert counter.get_attribute("aria-live") == "polite"
    page.evaluate("""() => {
      window.__said = [];
      new MutationObserver(() => window.__said.push(document.getElementById("result-count").textContent))
        .observe(document.getElementById("result-count"), {childList: true, characterData: true, subtree: true});
    }""")
    page.get_by_label("Nom ou description").press_sequentially("reparation", delay=40)
    expect(counter).not_to_have_text("13 membres")
    page.wait_for_timeout(600)
    assert len(page.evaluate("window.__said")) == 1
    page.get_by_label("Forest").check()                      # one change, one announcement
    expect(counter).to_have_text("1 membre")
    page.wait_for_timeout(100)
    assert page.evaluate("window.__said")[1:] == ["1 membre"]


def test_sort_by_newest_member(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}/fr/membres/")
    by_name = visible_names(page)
    since = dict(zip(by_name, page.locator("#results .card").evaluate_all(
        "cards => cards.map(c => c.dataset.since)"), strict=True))
    newest = sorted(by_name, key=lambda name: since[name], reverse=True)
    assert newest != by_name
    page.get_by_label("Trier par").select_option("newest")
    assert visible_names(page) == newest
    assert visible_names(page)[0] == "Ouate Nouvelle"          # member since 2025-03-10
    assert page.url.endswith("/fr/membres/?sort=newest")
    page.get_by_label("Réemploi").check()                     # sorted and filtered
    shown = visible_names(page)
    assert shown == [name for name in newest if name in shown]
    page.get_by_label("Trier par").select_option("")
    assert visible_names(page) == [name for name in by_name if name in shown]
    page.goto(f"{site_url}/nl/leden/?sort=newest")             # a shared link opens sorted
    assert visible_names(page) == newest
    assert page.get_by_label("Sorteren op").input_value() == "newest"


def test_the_language_switch_keeps_the_selection(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}/fr/membres/")
    page.get_by_label("Réparation").check()
    page.get_by_label("Schaerbeek").check()
    page.get_by_label("Nom ou description").fill("recable")
    page.get_by_label("Nom ou description").press("Enter")
    expect(page.locator("#result-count")).to_have_text("1 membre")
    page.locator(".lang-switch").get_by_role("link", name="Nederlands").click()
    expect(page).to_have_url(
        f"{site_url}/nl/leden/?activiteit=herstelling&gemeente=schaarbeek&q=recable")
    assert page.get_by_label("Herstelling").is_checked()
    assert page.get_by_label("Schaarbeek").is_checked()
    assert page.get_by_label("Naam of beschrijving").input_value() == "recable"
    assert visible_names(page) == ["Recâblé"]
    # and back, from the selection made in Dutch
    page.get_by_label("Schaarbeek").uncheck()
    page.get_by_label("Naam of beschrijving").fill("")
    page.get_by_label("Naam of beschrijving").press("Enter")
    page.locator(".lang-switch").get_by_role("link", name="Français").click()
    expect(page).to_have_url(f"{site_url}/fr/membres/?activite=reparation")
    assert page.get_by_label("Réparation").is_checked()


def test_on_a_phone_the_count_is_beside_the_controls(browser: Browser, site_url: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 700}, is_mobile=True)
    page = context.new_page()
    page.goto(f"{site_url}/fr/membres/")
    page.locator("details.filters-box summary").click()
    page.get_by_label("Partenaire académique").scroll_into_view_if_needed()
    page.get_by_label("Partenaire académique").check()
    total = page.locator(".filters-total")
    expect(total).to_have_text("2 membres")
    assert page.locator("#result-count").inner_text() == "2 membres"
    # on screen together with the choice just made, though the results are far below
    expect(total).to_be_in_viewport()
    expect(page.get_by_label("Partenaire académique")).to_be_in_viewport()
    expect(page.locator("#result-count")).not_to_be_in_viewport()
    page.locator(".filters-show").click()                    # to the results
    expect(page.locator("#result-count")).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()


TARGETS = """sel => [...document.querySelectorAll(sel)]
  .filter(e => e.checkVisibility())
  .map(e => { const r = e.getBoundingClientRect(); return [e.textContent.trim(), r.height]; })"""


@pytest.mark.parametrize("path", ["/fr/membres/", "/nl/leden/"])
def test_without_javascript_a_phone_announces_the_browse_links_first(
        browser: Browser, site_url: str, path: str) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(site_url + path)
    summary = page.locator("details.filters-box summary")
    words = summary.inner_text()
    # it says what it lets one browse: every facet by name
    facets = page.locator(".facet-links .facet-name").all_inner_texts()
    assert len(facets) == 4 and all(name.lower() in words.lower() for name in facets)
    top = summary.bounding_box()
    assert top is not None and top["y"] + top["height"] <= 800      # on the first screen
    assert top["y"] < page.locator("#results").bounding_box()["y"]  # type: ignore[index]
    summary.click()
    small = [(label, height) for label, height in page.evaluate(
        TARGETS, ".filters-box summary, .facet-links-folded a, nav.pagination a")
        if height < TARGET_PX]
    assert small == []
    assert page.locator(".facet-links-folded a").count() > 20
    context.close()


def test_without_javascript_the_facet_pages_targets_are_44_px(browser: Browser, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(f"{site_url}/fr/membres/activite/reparation/")
    targets = page.evaluate(TARGETS, ".facet-links a")
    assert len(targets) > 20
    assert [t for t in targets if t[1] < TARGET_PX] == []
    context.close()
