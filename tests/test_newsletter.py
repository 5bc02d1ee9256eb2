"""A campaign's newsletter (#18): e-mail-safe HTML and a plain-text part beside the
campaign's page, in every language, that is not a page of the site (urls.non_page_html:
no sitemap, no search, its own header rule in netlify.toml), and `circlemade newsletter`."""

from __future__ import annotations

import fnmatch
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from conftest import REPO, run_cli
from playwright.sync_api import Browser, Page, Route

from circlemade_site import urls
from circlemade_site.load import settings

# the sample's campaigns, by their slug in each language
NEWSLETTERS = {
    "fr/campagnes/achetez-circulaire/newsletter.html": "Achetez circulaire, achetez bruxellois",
    "nl/campagnes/koop-circulair/newsletter.html": "Koop circulair, koop Brussels",
    "fr/campagnes/reparer-plutot-que-jeter/newsletter.html": None,
    "nl/campagnes/herstellen-in-plaats-van-weggooien/newsletter.html": None,
}
SITE = "https://circlemade.brussels"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module", params=sorted(NEWSLETTERS))
def newsletter(request: pytest.FixtureRequest, built_site: Path) -> Path:
    return built_site / request.param


def test_every_published_campaign_has_a_newsletter_in_every_language(built_site: Path) -> None:
    found = {p.relative_to(built_site).as_posix() for p in built_site.rglob("newsletter.html")}
    assert found == set(NEWSLETTERS)
    for rel in found:
        assert (built_site / rel).with_suffix(".txt").is_file(), rel


def test_the_newsletter_has_no_script_no_stylesheet_and_its_styles_inline(newsletter: Path) -> None:
    page = soup(newsletter)
    assert not page.find_all("script")
    assert not page.find_all("link")            # no stylesheet, no preload, nothing fetched
    assert not page.find_all(attrs={re.compile(r"^on"): True})
    for style in page.find_all("style"):        # only what cannot be inlined: @media rules
        rest = re.sub(r"@media[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}", "", style.get_text())
        assert not rest.strip(), rest
    assert page.body is not None and "background-color" in page.body["style"]
    cells = page.find_all("td")
    assert cells and all(td.get("style") for td in cells)
    assert all(table.get("style") for table in page.find_all("table"))
    assert page.find("a", class_="button")["style"].count("background-color") == 1
    meta = page.find("meta", attrs={"name": "color-scheme"})
    assert meta is not None and "dark" in meta["content"]


def test_the_newsletter_is_laid_out_in_tables_at_most_600_px_wide(newsletter: Path) -> None:
    page = soup(newsletter)
    tables = page.find_all("table")
    assert len(tables) >= 2
    assert all(t.get("role") == "presentation" for t in tables)
    frame = page.find("table", class_="frame")
    assert frame is not None and frame["width"] == "600" and "max-width: 600px" in frame["style"]
    for element in page.find_all(width=True):
        if element["width"].endswith("%"):
            continue
        assert int(element["width"]) <= 600, element
    for element in page.find_all(style=True):
        for value in re.findall(r"(?<![-\w])(?:max-)?width:\s*(\d+)px", element["style"]):
            assert int(value) <= 600, element


def test_every_image_and_link_of_the_newsletter_is_absolute(newsletter: Path) -> None:
    page = soup(newsletter)
    images = page.find_all("img")
    assert images          # the campaign's picture at least
    for img in images:
        assert img["src"].startswith(SITE + "/"), img
        assert int(img["width"]) > 1 and int(img["height"]) > 1, img   # no tracking pixel
        assert img.get("alt"), img
        assert not img["src"].endswith((".webp", ".svg")) or "/media/members/" in img["src"]
    links = page.find_all("a")
    assert len(links) > 5
    for a in links:
        assert a["href"].startswith("https://"), a
        assert "utm_" not in a["href"] and "?" not in a["href"], a      # nothing counts clicks


def test_the_newsletter_links_its_web_version_and_shows_what_the_campaign_features(
        built_site: Path) -> None:
    page = soup(built_site / "fr/campagnes/achetez-circulaire/newsletter.html")
    assert page.html is not None and page.html["lang"] == "fr"
    web = f"{SITE}/fr/campagnes/achetez-circulaire/"
    top = page.find("a", href=web)
    assert top is not None and "navigateur" in top.get_text()
    assert page.h1 is not None and page.h1.get_text() == "Achetez circulaire, achetez bruxellois"
    hrefs = {a["href"] for a in page.find_all("a")}
    assert any(h.startswith(f"{SITE}/fr/membres/") and h.endswith("/") for h in hrefs)  # members
    assert any("#offer-" in h for h in hrefs)                                           # offers
    assert any(h.startswith(f"{SITE}/fr/agenda/") and h != f"{SITE}/fr/agenda/" for h in hrefs)
    assert any("#need-" in h or "#flow-" in h for h in hrefs)                           # opportunities
    text = page.get_text(" ")
    assert "Prochains rendez-vous" in text and "aucun traceur" in text
    nl = soup(built_site / "nl/campagnes/koop-circulair/newsletter.html")
    assert nl.html is not None and nl.html["lang"] == "nl"
    assert "Binnenkort" in nl.get_text(" ") and "geen trackers" in nl.get_text(" ")


def test_the_plain_text_part_holds_the_title_and_the_urls(built_site: Path) -> None:
    for rel, title in NEWSLETTERS.items():
        html = soup(built_site / rel)
        text = (built_site / rel).with_suffix(".txt").read_text(encoding="utf-8")
        assert "<" not in text and "&amp;" not in text and "&#" not in text
        assert html.h1 is not None and html.h1.get_text() in text
        if title:
            assert text.startswith(title + "\n")
        web = SITE + "/" + rel.removesuffix("newsletter.html")
        assert web in text
        for a in html.find_all("a"):
            assert a["href"] in text, a["href"]      # every link of the HTML, written out
    fr = (built_site / "fr/campagnes/achetez-circulaire/newsletter.txt").read_text("utf-8")
    assert "navigateur : https://" in fr            # French typography


def test_a_newsletter_is_not_a_page_of_the_site(built_site: Path, sample: Path) -> None:
    non_pages = urls.non_page_html(settings.load_config(sample))
    for rel in NEWSLETTERS:
        assert not urls.is_page_html(rel, non_pages)
        assert "data-pagefind-body" not in (built_site / rel).read_text(encoding="utf-8")
    assert urls.is_page_html("fr/campagnes/achetez-circulaire/index.html", non_pages)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [loc.text or "" for loc in ElementTree.parse(built_site / "sitemap.xml")
            .iterfind(".//s:loc", ns)]
    assert any(loc.endswith("/fr/campagnes/achetez-circulaire/") for loc in locs)
    assert not any("newsletter" in loc for loc in locs)
    # Pagefind indexes only what is marked data-pagefind-body (assets/search.py), which a
    # newsletter is not (checked above), and the campaign's page is
    assert "data-pagefind-body" in (built_site / "fr/campagnes/achetez-circulaire/index.html"
                                    ).read_text(encoding="utf-8")


def netlify_rules() -> list[dict[str, object]]:
    rules = tomllib.loads((REPO / "netlify.toml").read_text(encoding="utf-8"))["headers"]
    assert isinstance(rules, list)
    return rules


def headers_for(path: str) -> dict[str, str]:
    """The headers netlify.toml gives `path`: every matching rule in order, a later value
    replacing an earlier one (Netlify's `*` matches across slashes)."""
    found: dict[str, str] = {}
    for rule in netlify_rules():
        if fnmatch.fnmatchcase(path, str(rule["for"])):
            found.update(rule["values"])         # type: ignore[arg-type]
    return found


def test_netlify_gives_newsletters_their_own_policy_and_loosens_nothing_else(sample: Path) -> None:
    rules = netlify_rules()
    fors = [r["for"] for r in rules]
    config = settings.load_config(sample)
    everything = next(r["values"] for r in rules if r["for"] == "/*")
    base = everything["Content-Security-Policy"]               # type: ignore[index]
    assert "'unsafe-inline'" not in base
    for glob in urls.non_page_html(config):
        if not glob.endswith("/newsletter.html"):
            continue            # the CMS has its own policy (tests/test_cms.py)
        rule = next(r for r in rules if r["for"] == "/" + glob)
        assert fors.index(rule["for"]) > fors.index("/*")       # after the site's rule
        csp = rule["values"]["Content-Security-Policy"]         # type: ignore[index]
        assert csp == base.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        assert set(rule["values"]) == {"Content-Security-Policy"}   # type: ignore[arg-type]
    for rel in NEWSLETTERS:
        assert "style-src 'self' 'unsafe-inline'" in headers_for("/" + rel)["Content-Security-Policy"]
        assert headers_for("/" + rel)["X-Frame-Options"] == "DENY"   # the rest still applies
    for page in ("/fr/campagnes/achetez-circulaire/", "/fr/campagnes/achetez-circulaire/index.html",
                 "/fr/", "/nl/campagnes/koop-circulair/newsletter.txt"):
        assert headers_for(page)["Content-Security-Policy"] == base


@pytest.fixture
def narrow(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 600, "height": 900})
    yield context.new_page()
    context.close()


def test_the_newsletter_renders_at_600_px_without_overflow(narrow: Page, site_url: str) -> None:
    """Served as Netlify serves its web version: under its own rule (inline styles
    allowed), which the page needs to look as it does in a mail client."""
    refused: list[str] = []
    narrow.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text
              else None)

    def with_newsletter_headers(route: Route) -> None:
        """The headers of the newsletter's rule, and its absolute URLs on this server's
        origin, as they are on the site's own ('self' in the policy)."""
        response = route.fetch()
        path = "/" + route.request.url.split("/", 3)[3]
        route.fulfill(response=response, headers={**response.headers, **headers_for(path)},
                      body=response.text().replace(SITE, site_url))

    narrow.route("**/newsletter.html", with_newsletter_headers)
    for rel in ("fr/campagnes/achetez-circulaire/newsletter.html",
                "nl/campagnes/koop-circulair/newsletter.html"):
        narrow.goto(f"{site_url}/{rel}")
        assert narrow.evaluate("document.documentElement.scrollWidth") <= 600
        frame = narrow.locator("table.frame")
        assert frame.evaluate("t => t.getBoundingClientRect().width") <= 600
        # the inlined styles apply: the frame is white on the grey-green background
        assert frame.evaluate("t => getComputedStyle(t).backgroundColor") == "rgb(255, 255, 255)"
        images = narrow.locator("img")
        for index in range(images.count()):
            image = images.nth(index)
            assert image.evaluate("i => i.getBoundingClientRect().right") <= 600
    assert not refused, refused
    narrow.goto(f"{site_url}/fr/campagnes/achetez-circulaire/newsletter.html")
    narrow.screenshot(path=str(Path("/tmp") / "newsletter-test.png"), full_page=True)


def test_the_command_prints_the_newsletter_in_french_and_dutch(sample: Path, tmp_path: Path) -> None:
    fr = run_cli("newsletter", "achats-circulaires", "--lang", "fr", "--now", "2026-11-29",
                 cwd=sample)
    assert fr.returncode == 0, fr.stderr
    assert '<html lang="fr">' in fr.stdout and "Achetez circulaire" in fr.stdout
    nl = run_cli("newsletter", "koop-circulair", "--lang", "nl", "--text", "--now", "2026-11-29",
                 cwd=sample)
    assert nl.returncode == 0, nl.stderr
    assert nl.stdout.startswith("Koop circulair, koop Brussels\n")
    assert "https://circlemade.brussels/nl/campagnes/koop-circulair/" in nl.stdout
    out = tmp_path / "letter.html"
    written = run_cli("newsletter", "achats-circulaires", "--lang", "nl", "--out", str(out),
                      "--now", "2026-11-29", cwd=sample)
    assert written.returncode == 0, written.stderr
    assert '<html lang="nl">' in out.read_text(encoding="utf-8") and not written.stdout


def test_the_command_matches_the_build(sample: Path, built_site: Path) -> None:
    made = run_cli("newsletter", "reparer-plutot-que-jeter", "--lang", "nl", "--text",
                   "--now", "2026-11-29", cwd=sample)
    assert made.returncode == 0, made.stderr
    expected = built_site / "nl/campagnes/herstellen-in-plaats-van-weggooien/newsletter.txt"
    assert made.stdout == expected.read_text(encoding="utf-8")


def test_the_command_refuses_an_unknown_campaign_in_the_language_asked(sample: Path) -> None:
    fr = run_cli("newsletter", "soldes-d-hiver", "--lang", "fr", cwd=sample)
    assert fr.returncode == 2 and not fr.stdout
    assert fr.stderr.strip() == ("circlemade: error: aucune campagne publiée ne s'appelle "
                                 "'soldes-d-hiver' ; les campagnes sont : achats-circulaires, "
                                 "reparer-plutot-que-jeter.")
    nl = run_cli("newsletter", "soldes-d-hiver", "--lang", "nl", cwd=sample)
    assert nl.returncode == 2 and "er is geen gepubliceerde campagne" in nl.stderr
    en = run_cli("newsletter", "achats-circulaires", "--lang", "de", cwd=sample)
    assert en.returncode == 2 and "'de' is not a language of the site" in en.stderr
