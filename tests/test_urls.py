"""Routes: one module maps (object, language) to URL and output path. Plain objects, no files."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from circlemade_site import urls
from circlemade_site.config import SiteConfig
from circlemade_site.i18n import Localized
from circlemade_site.models import Page, PageVersion, Site


def version(name: str, lang: str, slug: str) -> PageVersion:
    return PageVersion(name=name, lang=lang, title=name, slug=slug, description="", lead="",
                       body="", body_line=1, rel_path=f"content/pages/{name}.{lang}.md")


def make_site(languages: tuple[str, ...] = ("fr", "nl")) -> Site:
    config = SiteConfig(
        root=Path("/project"), title=Localized({"fr": "t"}), tagline=Localized({"fr": "t"}),
        base_url="https://circlemade.brussels", languages=languages, default_language="fr",
        locales={lang: f"{lang}_BE" for lang in languages}, theme="circlemade",
        theme_dir=Path("/project/themes/circlemade"), overrides_dir=Path("/project/content/overrides"),
        sections={}, menus={}, contact_email="info@circlemade.brussels", organisation=None,
        organisation_url=None)
    pages = (
        Page("about", {"fr": version("about", "fr", "a-propos"), "nl": version("about", "nl", "over-ons")}),
        Page("home", {"fr": version("home", "fr", "")}),
        Page("press", {"fr": version("press", "fr", "presse")}),
    )
    return Site(config=config, pages=pages)


def test_pages_have_localised_urls_and_index_files() -> None:
    site = make_site()
    router = urls.Router(site)
    about = site.page("about")
    assert router.url_for(about, "fr") == "/fr/a-propos/"
    assert router.url_for(about, "nl") == "/nl/over-ons/"
    assert router.dest_for(about, "nl") == PurePosixPath("nl/over-ons/index.html")
    assert router.url_for("about", "nl") == "/nl/over-ons/"   # by name, as menus do
    assert router.absolute(router.url_for(about, "nl")) == "https://circlemade.brussels/nl/over-ons/"


def test_home_root_and_not_found() -> None:
    router = urls.Router(make_site())
    assert router.url_for(urls.ROOT) == "/"
    assert router.dest_for(urls.ROOT) == PurePosixPath("index.html")
    assert router.url_for(urls.HOME, "nl") == "/nl/"
    assert router.url_for(make_site().page("home"), "nl") == "/nl/"
    assert router.dest_for(urls.NOT_FOUND, "nl") == PurePosixPath("nl/404.html")
    assert router.dest_for(urls.ROOT_NOT_FOUND) == PurePosixPath("404.html")


def test_an_untranslated_page_keeps_its_slug_in_every_language() -> None:
    site = make_site()
    router = urls.Router(site)
    assert router.alternates(site.page("press")) == {"fr": "/fr/presse/", "nl": "/nl/presse/"}


def test_x_default() -> None:
    site = make_site()
    router = urls.Router(site)
    assert router.x_default(site.page("about")) == "/fr/a-propos/"
    assert router.x_default(site.page("home")) == "/"


def test_a_third_language_is_configuration() -> None:
    site = make_site(("fr", "nl", "en"))
    router = urls.Router(site)
    assert router.alternates(site.page("about")) == {
        "fr": "/fr/a-propos/", "nl": "/nl/over-ons/", "en": "/en/a-propos/"}


def test_unknown_language_or_route_is_a_bug_not_a_url() -> None:
    router = urls.Router(make_site())
    with pytest.raises(LookupError):
        router.url_for(urls.HOME, "de")
    with pytest.raises(LookupError):
        router.url_for("no-such-route", "fr")
