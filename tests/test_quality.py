"""The built site held to public-sector quality, on every generated page:
zero axe-core violations (WCAG 2.1 A and AA, and axe's best practices) in Chromium, zero
Nu HTML Checker errors, no console error, no Content-Security-Policy violation (netlify.toml's policy is served),
no horizontal scrolling at 320, 360, 375, 414 and 1280 px (WCAG 1.4.10, reflow), and a
visible focus on every control."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import page_files
from playwright.sync_api import Browser, Page

TOOLS = Path(__file__).resolve().parent / "tools" / "node_modules"
AXE = TOOLS / "axe-core" / "axe.min.js"
VNU = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RULES = [*WCAG, "best-practice"]   # axe's best practices too: unique landmarks, one h1...
PHONE, DESKTOP = {"width": 375, "height": 800}, {"width": 1280, "height": 900}
# reflow (WCAG 1.4.10) down to 320 px: only the overflow is measured at these widths (axe runs
# at 375 and 1280 px), which keeps the run short
NARROW = [{"width": width, "height": 800} for width in (320, 360, 414)]
# the accessibility statement and the privacy notice are audited like every page
STATEMENT_AND_NOTICE = ("/fr/accessibilite/", "/nl/toegankelijkheid/", "/fr/vie-privee/",
                        "/nl/privacy/")


def pages(site: Path, project: Path) -> list[str]:
    """The URL of every page of a built site (conftest.page_files: not the CMS nor the
    newsletters, which are not pages and follow rules of their own)."""
    return ["/" + path.relative_to(site).as_posix().removesuffix("index.html")
            for path in page_files(site, project)]


def tools_installed() -> None:
    if not AXE.is_file() or not VNU.is_file():
        raise RuntimeError("run `npm ci --prefix tests/tools --ignore-scripts` (make test does it)")


def audit(page: Page) -> list[dict]:
    """axe-core in the page. The script is evaluated through the DevTools protocol (not a
    <script> tag), so the page's Content-Security-Policy stays in force."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.html)}))",
        RULES)


def open_page(browser: Browser, viewport: dict, **options):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=viewport, **options)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    # a request aborted because the test moved on to the next page is not a problem
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url} {r.failure}")
            if "ERR_ABORTED" not in (r.failure or "") else None)
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}")
            if r.status >= 400 and not r.url.endswith("/404.html") else None)
    return context, page, problems


def test_every_page_has_no_axe_violation_console_error_csp_violation_or_overflow(
        browser: Browser, site_url: str, built_site: Path, sample: Path) -> None:
    tools_installed()
    assert set(STATEMENT_AND_NOTICE) <= set(pages(built_site, sample))
    failures: dict[str, object] = {}
    for viewport in (DESKTOP, PHONE):
        context, page, problems = open_page(browser, viewport)
        for url in pages(built_site, sample):
            problems.clear()
            page.goto(site_url + url, wait_until="load")
            if "search" in url or "recherche" in url or "zoeken" in url:
                page.wait_for_load_state("networkidle")
            violations = audit(page) if viewport is DESKTOP or url.count("/") <= 3 else []
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            csp = [p for p in problems if "Content Security Policy" in p or "Refused to" in p]
            if violations or problems or overflow > 0 or csp:
                failures[f"{viewport['width']} {url}"] = {
                    "axe": violations, "problems": list(problems), "overflow": overflow}
        context.close()
    assert failures == {}, json.dumps(failures, indent=1, ensure_ascii=False)[:6000]


def overflow_of(page: Page) -> dict[str, object] | None:
    """How far the page scrolls sideways, and the widest elements that stick out."""
    return page.evaluate("""() => {
        const over = document.documentElement.scrollWidth - window.innerWidth;
        if (over <= 0) return null;
        const culprits = [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5)
            .slice(0, 3).map(el => el.outerHTML.slice(0, 120));
        return {overflow: over, culprits};
    }""")


def test_no_page_scrolls_sideways_at_320_360_or_414_px(
        browser: Browser, site_url: str, built_site: Path, sample: Path) -> None:
    """Reflow (WCAG 1.4.10): every page fits 320 CSS pixels, and the phone widths between."""
    failures: dict[str, object] = {}
    for viewport in NARROW:
        context = browser.new_context(viewport=viewport, java_script_enabled=True)
        page = context.new_page()
        for url in pages(built_site, sample):
            page.goto(site_url + url, wait_until="load")
            if (found := overflow_of(page)) is not None:
                failures[f"{viewport['width']} {url}"] = found
        context.close()
    assert failures == {}, json.dumps(failures, indent=1, ensure_ascii=False)[:6000]


def test_every_page_is_valid_html(built_site: Path, sample: Path) -> None:
    tools_installed()
    java = shutil.which("java")
    assert java, "the Nu HTML Checker needs Java (apt-get install default-jre-headless)"
    files = [str(built_site / url.lstrip("/") / ("index.html" if url.endswith("/") else ""))
             .removesuffix("/") for url in pages(built_site, sample)]
    assert {str(built_site / url.strip("/") / "index.html") for url in STATEMENT_AND_NOTICE} <= set(files)
    result = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "text", *files],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[:6000]


@pytest.mark.parametrize("url", ["/fr/", "/nl/leden/", "/fr/membres/recable/", "/nl/agenda/",
                                 "/fr/recherche/", "/"])
def test_keyboard_reaches_every_control_with_a_visible_focus(browser: Browser, site_url: str,
                                                            url: str) -> None:
    context, page, _ = open_page(browser, DESKTOP)
    page.goto(site_url + url)
    page.wait_for_load_state("networkidle")
    focusable = """[...document.querySelectorAll(
        'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])')]
        .filter(el => !el.disabled && el.getClientRects().length > 0
                && getComputedStyle(el).visibility !== 'hidden')"""
    expected = page.evaluate(f"() => {focusable}.length")
    reached: list[int] = []
    invisible: list[str] = []
    for _ in range(expected + 5):
        page.keyboard.press("Tab")
        info = page.evaluate(f"""() => {{
            const el = document.activeElement;
            if (!el || el === document.body) return null;
            const s = getComputedStyle(el);
            const ring = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
            const shadow = s.boxShadow && s.boxShadow !== 'none';
            return {{index: {focusable}.indexOf(el), html: el.outerHTML.slice(0, 100),
                     visible: ring || Boolean(shadow)}};
        }}""")
        if info is None or (reached and info["index"] == reached[0]):
            break
        reached.append(info["index"])
        if not info["visible"]:
            invisible.append(info["html"])
    context.close()
    assert sorted(set(reached)) == list(range(expected))     # every control, in one round
    assert invisible == []
    assert reached[0] == 0


def test_the_site_works_without_javascript(browser: Browser, site_url: str) -> None:
    context, page, problems = open_page(browser, DESKTOP, java_script_enabled=False)
    page.goto(site_url + "/nl/")
    page.get_by_role("link", name="Leden").first.click()
    page.locator(".facet-links").get_by_role("link", name="Herstelling").click()
    assert page.url.endswith("/nl/leden/activiteit/herstelling/")
    page.locator("#results .card-title a").first.click()
    assert page.locator("h1").is_visible()
    page.goto(site_url + "/fr/recherche/?q=reparation")
    assert page.locator(".search-nojs").is_visible()
    context.close()
