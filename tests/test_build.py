"""Whole builds of the sample site (and of broken copies of it) into temporary folders."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from urllib.parse import urldefrag, urlparse
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from conftest import NOW, page_files, run_cli

from circlemade_site import pipeline
from circlemade_site.errors import BuildFailed, UsageError

OPTIONS = pipeline.BuildOptions(now=dt.date.fromisoformat(NOW))
LANGS = ("fr", "nl")
PAGES = {  # page name -> its URL in each language
    "home": {"fr": "/fr/", "nl": "/nl/"},
    "about": {"fr": "/fr/a-propos/", "nl": "/nl/over-ons/"},
    "services": {"fr": "/fr/services/", "nl": "/nl/diensten/"},
    "join": {"fr": "/fr/adherer/", "nl": "/nl/lid-worden/"},
    "contact": {"fr": "/fr/contact/", "nl": "/nl/contact/"},
}


def html_files(out: Path, project: Path) -> list[Path]:
    """The pages of a built site (not the CMS: urls.non_page_html)."""
    return page_files(out, project)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def file_for(out: Path, url: str) -> Path:
    path = out / urlparse(url).path.lstrip("/")
    return path / "index.html" if url.endswith("/") else path


def url_of(out: Path, page: Path) -> str:
    rel = page.relative_to(out).as_posix()
    return "/" + rel.removesuffix("index.html")


def test_every_page_exists_in_every_language(built_site: Path) -> None:
    for urls in PAGES.values():
        for lang, url in urls.items():
            page = soup(file_for(built_site, url))
            assert page.html["lang"] == lang
            assert page.h1 is not None and page.h1.get_text(strip=True)
    for lang in LANGS:
        not_found = soup(built_site / lang / "404.html")
        assert not_found.html["lang"] == lang
    assert (built_site / "404.html").is_file()
    assert (built_site / "index.html").is_file()


def test_root_offers_every_language_without_javascript(built_site: Path) -> None:
    page = soup(built_site / "index.html")
    links = {a["href"]: a for a in page.select("main a")}
    assert set(links) == {"/fr/", "/nl/"}
    assert links["/nl/"].find_parent(attrs={"lang": "nl"}) is not None
    assert links["/fr/"].find_parent(attrs={"lang": "fr"}) is not None
    assert not page.find("script")


def test_language_switch_leads_to_the_same_page_in_the_other_language(built_site: Path) -> None:
    for name, urls in PAGES.items():
        for lang, url in urls.items():
            switch = soup(file_for(built_site, url)).select_one("nav.lang-switch")
            targets = {a["hreflang"]: a["href"] for a in switch.find_all("a")}
            expected = {other: urls[other] for other in LANGS if other != lang}
            assert targets == expected, (name, lang)
            current = switch.select_one("[aria-current]")
            assert current["lang"] == lang


def test_hreflang_alternates_are_reciprocal_with_x_default(built_site: Path, sample: Path) -> None:
    for page in html_files(built_site, sample):
        if page.name == "404.html":
            continue
        tree = soup(page)
        alternates = {link["hreflang"]: link["href"]
                      for link in tree.find_all("link", rel="alternate", hreflang=True)}
        assert "x-default" in alternates, page
        for lang in LANGS:
            other = file_for(built_site, urlparse(alternates[lang]).path)
            back = {link["hreflang"]: link["href"]
                    for link in soup(other).find_all("link", rel="alternate", hreflang=True)}
            assert back == alternates, (page, lang)


def test_every_internal_link_and_asset_resolves(built_site: Path, sample: Path) -> None:
    checked = 0
    for page in html_files(built_site, sample):
        tree = soup(page)
        ids_here = {el["id"] for el in tree.find_all(id=True)}
        for el in tree.find_all(["a", "link", "script", "img"]):
            ref = el.get("href") or el.get("src")
            if not ref or ref.startswith(("mailto:", "tel:")) or urlparse(ref).scheme:
                continue
            url, fragment = urldefrag(ref)
            url = url.split("?", 1)[0]            # a query (the builder's ?member=) names no file
            target = file_for(built_site, url) if url else page
            assert target.is_file(), f"{page}: broken link {ref}"
            if fragment:
                ids = ids_here if not url else {e["id"] for e in soup(target).find_all(id=True)}
                assert fragment in ids, f"{page}: missing #{fragment}"
            checked += 1
    assert checked > 100


def test_page_links_in_markdown_resolve_per_language(built_site: Path) -> None:
    fr = soup(built_site / "fr" / "a-propos" / "index.html")
    nl = soup(built_site / "nl" / "over-ons" / "index.html")
    assert fr.select_one('.prose a[href="/fr/services/"]') is not None
    assert nl.select_one('.prose a[href="/nl/diensten/"]') is not None
    assert not [a for a in fr.select(".prose a") if a["href"].startswith("page:")]


def test_main_menu_marks_the_current_page(built_site: Path) -> None:
    page = soup(built_site / "nl" / "over-ons" / "index.html")
    current = page.select("nav.main-nav [aria-current=page]")
    assert [a["href"] for a in current] == ["/nl/over-ons/"]


def test_sitemap_and_robots(built_site: Path, sample: Path) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    sitemap = ElementTree.parse(built_site / "sitemap.xml")
    locs = {loc.text for loc in sitemap.iterfind("s:url/s:loc", ns)}
    pages = {f"https://circlemade.brussels{url_of(built_site, p)}" for p in html_files(built_site, sample)
             if p.name != "404.html"          # the language choice at / included
             and not soup(p).find("meta", attrs={"name": "robots", "content": "noindex"})}
    assert locs == pages
    assert "https://circlemade.brussels/nl/leden/activiteit/herstelling/" in locs
    for urls in PAGES.values():
        assert {f"https://circlemade.brussels{url}" for url in urls.values()} <= locs
    robots = (built_site / "robots.txt").read_text()
    assert "Sitemap: https://circlemade.brussels/sitemap.xml" in robots


def test_static_files_are_fingerprinted(built_site: Path) -> None:
    css = list((built_site / "static" / "css").glob("site.*.css"))
    assert len(css) == 1 and len(css[0].name.split(".")[1]) == 10
    page = soup(built_site / "fr" / "index.html")
    assert page.find("link", rel="stylesheet")["href"] == "/" + css[0].relative_to(built_site).as_posix()


def test_two_builds_are_byte_identical(tmp_path: Path, sample: Path) -> None:
    outputs = []
    for name in ("one", "two"):
        out = tmp_path / name
        pipeline.build(sample, out, OPTIONS)
        outputs.append({p.relative_to(out).as_posix(): p.read_bytes()
                        for p in sorted(out.rglob("*")) if p.is_file()})
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) > 15


def test_rebuild_keeps_unchanged_files_and_their_mtime(make_project, tmp_path: Path) -> None:
    root = make_project()
    out = tmp_path / "public"
    pipeline.build(root, out, OPTIONS)
    about = out / "fr" / "a-propos" / "index.html"
    contact = out / "fr" / "contact" / "index.html"
    os.utime(about, (1_000_000_000, 1_000_000_000))
    os.utime(contact, (1_000_000_000, 1_000_000_000))
    page = root / "content" / "pages" / "contact.fr.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nUne ligne de plus.\n", encoding="utf-8")
    report = pipeline.build(root, out, OPTIONS)
    assert about.stat().st_mtime == 1_000_000_000
    assert contact.stat().st_mtime != 1_000_000_000
    assert "Une ligne de plus." in contact.read_text(encoding="utf-8")
    assert report.written < 10      # the page, and the search index files that cover it
    assert not list(tmp_path.glob(".public.new-*"))


def test_a_failed_build_leaves_the_previous_site_untouched(make_project, tmp_path: Path) -> None:
    root = make_project()
    out = tmp_path / "public"
    pipeline.build(root, out, OPTIONS)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (root / "content" / "pages" / "about.fr.md").write_text("---\ntitle: [oops\n---\n")
    with pytest.raises(BuildFailed):
        pipeline.build(root, out, OPTIONS)
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert not list(tmp_path.glob(".public.new-*"))


def test_the_folders_of_the_site_are_made_before_its_pages(
        make_project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Into an empty output folder, the staging folder and its folders exist while the pages
    are rendered (write.Staging: the main process makes them while its workers render); a
    template that fails removes them, and a previous site stays."""
    root = make_project()
    out = tmp_path / "public"
    seen: list[Path] = []
    real = pipeline._make_outputs

    def spy(prepared, paths, *rest):  # type: ignore[no-untyped-def]
        seen.extend(p for p in tmp_path.glob(".public.new-*/fr/membres/recable") if p.is_dir())
        seen.extend(p for p in tmp_path.glob(".public.new-*/nl/agenda") if p.is_dir())
        return real(prepared, paths, *rest)
    monkeypatch.setattr(pipeline, "_make_outputs", spy)
    pipeline.build(root, out, OPTIONS)
    assert len(seen) == 2
    assert not list(tmp_path.glob(".public.new-*"))
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    template = root / "themes" / "circlemade" / "templates" / "event.html"
    template.write_text(template.read_text(encoding="utf-8").replace(
        "  </aside>\n", "  {{ 1 // 0 }}</aside>\n"), encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:      # a runtime error of a template: its line
        pipeline.build(root, out, OPTIONS)
    assert "event.html" in str(failed.value.diagnostics[0]) and "by zero" in str(
        failed.value.diagnostics[0])
    assert len(seen) == 2                      # over a site: made as its files are placed
    assert not list(tmp_path.glob(".public.new-*"))
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    shutil.rmtree(out)
    with pytest.raises(BuildFailed):
        pipeline.build(root, out, OPTIONS)
    assert len(seen) == 4                      # into an empty folder: made, then removed
    assert not list(tmp_path.glob(".public.new-*")) and not out.exists()


def test_bad_yaml_exits_1_with_file_and_line_and_no_traceback(make_project) -> None:
    root = make_project({"content/pages/about.fr.md": """
        ---
        title: À propos
        slug: a-propos
        description: "unterminated
        ---
        Texte.
    """})
    result = run_cli("build", "--out", "public", "--now", NOW, cwd=root)
    assert result.returncode == 1
    assert ("content/pages/about.fr.md:4:14: error: invalid YAML: this quote is never closed "
            "(end the text with the same quote on its line, for example `tagline: \"Réparer, "
            "réemployer\"`)") in result.stderr.splitlines()
    assert "Traceback" not in result.stderr + result.stdout
    assert not (root / "public").exists()


def test_every_error_is_listed_in_one_run(make_project) -> None:
    root = make_project({
        "content/pages/about.fr.md": "---\ntitle: À propos\nslgu: a-propos\n---\nTexte.\n",
        "content/pages/services.nl.md": "---\ndraft: maybe\n---\nTekst.\n",
    })
    result = run_cli("check", cwd=root)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert lines == [
        "content/pages/about.fr.md:3:1: error: slgu: unknown field 'slgu' (did you mean 'slug'?)",
        "content/pages/services.nl.md:2:1: error: title: this field is required "
        "(for example `title: Over ons`)",
        "content/pages/services.nl.md:2:8: error: draft: expected true or false, found 'maybe'",
    ]


def test_github_format_prints_workflow_annotations(make_project) -> None:
    root = make_project({"content/pages/about.fr.md": "---\ntitle: À propos\nslgu: x\n---\n"})
    result = run_cli("check", "--format", "github", cwd=root)
    assert result.returncode == 1
    annotation = next(line for line in result.stdout.splitlines() if line.startswith("::"))
    where, message = annotation.rsplit("::", 1)
    assert where == "::error file=content/pages/about.fr.md,line=3,col=1,title=slgu"
    french, dutch = message.split("%0A")      # one line per language, so each member reads theirs
    assert french.startswith("FR: ") and "'slgu'" in french and "'slug'" in french
    assert dutch.startswith("NL: ") and "'slgu'" in dutch and "'slug'" in dutch


def test_usage_errors_exit_2(make_project) -> None:
    root = make_project()
    assert run_cli("build", "--now", "yesterday", cwd=root).returncode == 2
    assert run_cli("frobnicate", cwd=root).returncode == 2


@pytest.mark.parametrize("out", [".", "content", "members/x", "themes", ".."])
def test_out_may_not_point_at_sources(make_project, out: str) -> None:
    root = make_project()
    with pytest.raises(UsageError):
        pipeline.build(root, root / out, OPTIONS)
    result = run_cli("build", "--out", out, cwd=root)
    assert result.returncode == 2
    assert "refusing to write the site" in result.stderr
    assert (root / "content" / "site.yaml").is_file()


def test_out_refuses_a_folder_it_did_not_write(make_project, tmp_path: Path) -> None:
    root = make_project()
    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "thesis.txt").write_text("years of work")
    result = run_cli("build", "--out", str(precious), cwd=root)
    assert result.returncode == 2
    assert "not written by circlemade" in result.stderr
    assert (precious / "thesis.txt").read_text() == "years of work"


def test_build_py_does_what_circlemade_does(make_project, repo: Path) -> None:
    import subprocess
    import sys
    root = make_project()
    via_module = run_cli("build", "--out", "a", "--now", NOW, cwd=root)
    via_script = subprocess.run([sys.executable, str(repo / "build.py"), "build", "--out", "b",
                                 "--now", NOW], cwd=root, capture_output=True, text=True,
                                env={"PYTHONPATH": str(repo), "PATH": "/usr/bin:/bin"})
    assert via_module.returncode == via_script.returncode == 0
    a = {p.relative_to(root / "a"): p.read_bytes() for p in (root / "a").rglob("*") if p.is_file()}
    b = {p.relative_to(root / "b"): p.read_bytes() for p in (root / "b").rglob("*") if p.is_file()}
    assert a == b and a


def test_drafts_are_published_only_with_the_flag(make_project, tmp_path: Path) -> None:
    root = make_project({"content/pages/press.fr.md": """
        ---
        title: Espace presse
        slug: presse
        draft: true
        ---
        Bientôt.
    """, "content/pages/press.nl.md": """
        ---
        title: Pershoek
        slug: pers
        draft: true
        ---
        Binnenkort.
    """})
    pipeline.build(root, tmp_path / "a", OPTIONS)
    assert not (tmp_path / "a" / "fr" / "presse").exists()
    pipeline.build(root, tmp_path / "b", pipeline.BuildOptions(now=OPTIONS.now, drafts=True))
    assert (tmp_path / "b" / "fr" / "presse" / "index.html").is_file()


def test_a_draft_is_held_to_the_required_languages_only_when_drafts_are_published(
        make_project, tmp_path: Path) -> None:
    """A draft written in French first: fine in a build (it is not published) and in the
    preview (shown with the fallback); an error once drafts are published."""
    root = make_project({"content/pages/press.fr.md":
                         "---\ntitle: Espace presse\nslug: presse\ndraft: true\n---\nBientôt.\n"})
    pipeline.build(root, tmp_path / "a", OPTIONS)
    preview = pipeline.load_site(root, pipeline.BuildOptions(now=OPTIONS.now, dev=True)).site
    press = preview.page("press")
    assert press is not None and press.version("nl", preview.config.fallback_order).lang == "fr"
    with pytest.raises(BuildFailed) as exc:
        pipeline.build(root, tmp_path / "b", pipeline.BuildOptions(now=OPTIONS.now, drafts=True))
    assert [str(d) for d in exc.value.diagnostics] == [
        "content/pages/press.fr.md: error: the version in the required language 'nl' is missing: "
        "write content/pages/press.nl.md (pages, events, news and campaigns are published in "
        "every language of `required_languages` in content/site.yaml (fr, nl))"]


def test_a_page_whose_required_translation_is_a_draft_is_refused(make_project) -> None:
    root = make_project({
        "content/pages/press.fr.md": "---\ntitle: Espace presse\nslug: presse\n---\nNos communiqués.\n",
        "content/pages/press.nl.md": "---\ntitle: Pers\nslug: pers\ndraft: true\n---\nBinnenkort.\n"})
    with pytest.raises(BuildFailed) as exc:
        pipeline.load_site(root, OPTIONS)
    assert [str(d) for d in exc.value.diagnostics] == [
        "content/pages/press.nl.md:4: error: draft: this version in the required language 'nl' "
        "is a draft, so the page would be published without it (remove `draft: true`, or write "
        "it in every language file of the page)"]


def test_untranslated_page_falls_back_with_lang_and_notice(make_project, tmp_path: Path) -> None:
    """Where no language is required (`required_languages: []`), a page written in French
    only is published in Dutch too, marked as French."""
    root = make_project({"content/pages/press.fr.md": """
        ---
        title: Espace presse
        slug: presse
        lead: Communiqués et photos.
        ---
        Nos **communiqués**.
    """})
    site_yaml = root / "content" / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8").replace(
        "required_languages: [fr, nl]", "required_languages: []"), encoding="utf-8")
    out = tmp_path / "public"
    pipeline.build(root, out, OPTIONS)
    page = soup(out / "nl" / "presse" / "index.html")
    assert page.html["lang"] == "nl"
    assert page.h1["lang"] == "fr"
    prose = page.select_one(".prose")
    assert prose["lang"] == "fr" and "communiqués" in prose.get_text()
    assert "nog niet vertaald" in page.select_one(".notice").get_text()
    switch = {a["hreflang"]: a["href"] for a in page.select("nav.lang-switch a")}
    assert switch == {"fr": "/fr/presse/"}


def test_a_site_overrides_one_template_and_one_ui_string(make_project, tmp_path: Path) -> None:
    root = make_project({
        "content/overrides/templates/404.html": """
            {% extends "base.html" %}
            {% block content %}<h1>{{ t("not_found_title") }}</h1><p class="custom">Oups</p>{% endblock %}
        """,
        "content/overrides/i18n/nl.yaml": "not_found_title: Deze pagina is zoek\n",
    })
    out = tmp_path / "public"
    pipeline.build(root, out, OPTIONS)
    nl = soup(out / "nl" / "404.html")
    assert nl.h1.get_text() == "Deze pagina is zoek"
    assert nl.select_one("p.custom") is not None
    assert soup(out / "fr" / "404.html").h1.get_text() == "Page introuvable"
    assert soup(out / "nl" / "over-ons" / "index.html").select_one(".skip-link").get_text() == \
        "Naar de hoofdinhoud"


def test_another_theme_folder_replaces_the_theme(make_project, tmp_path: Path) -> None:
    root = make_project()
    theme = root / "themes" / "plain"
    (theme / "templates").mkdir(parents=True)
    (theme / "i18n").mkdir()
    for template in (root / "themes" / "circlemade" / "templates").iterdir():
        (theme / "templates" / template.name).write_text(
            '<!doctype html><html lang="{{ lang }}"><title>plain</title><h1>plain</h1></html>\n')
    (theme / "templates" / "sitemap.xml").write_text("<urlset/>\n")
    (theme / "templates" / "robots.txt").write_text("User-agent: *\n")
    for lang in LANGS:   # the generator itself names sections and calendars with UI strings
        (theme / "i18n" / f"{lang}.yaml").write_bytes(
            (root / "themes" / "circlemade" / "i18n" / f"{lang}.yaml").read_bytes())
    site = root / "content" / "site.yaml"
    site.write_text(site.read_text().replace("theme: circlemade", "theme: plain"))
    out = tmp_path / "public"
    pipeline.build(root, out, OPTIONS)
    assert "<h1>plain</h1>" in (out / "nl" / "over-ons" / "index.html").read_text()


def test_a_missing_ui_string_is_a_build_error(make_project) -> None:
    root = make_project()
    catalog = root / "themes" / "circlemade" / "i18n" / "nl.yaml"
    catalog.write_text("\n".join(line for line in catalog.read_text().splitlines()
                                 if not line.startswith("breadcrumb:")) + "\n")
    with pytest.raises(BuildFailed) as exc:
        pipeline.build(root, root.parent / "public", OPTIONS)
    assert [str(d) for d in exc.value.diagnostics] == [
        "themes/circlemade/i18n/nl.yaml: error: breadcrumb: the UI string 'breadcrumb' is "
        "missing (it is defined in i18n/fr.yaml; add its translation)"]


def test_a_template_using_an_unknown_ui_string_names_the_template(make_project) -> None:
    root = make_project({"content/overrides/templates/404.html": """
        {% extends "base.html" %}
        {% block content %}
        <h1>{{ t("no_such_string") }}</h1>
        {% endblock %}
    """})
    with pytest.raises(BuildFailed) as exc:
        pipeline.build(root, root.parent / "public", OPTIONS)
    messages = [str(d) for d in exc.value.diagnostics]
    assert messages == ["content/overrides/templates/404.html:3: error: while rendering 404.html: "
                        "the UI string 'no_such_string' is missing from i18n/fr.yaml"]


def test_unknown_page_link_is_reported_with_its_line(make_project) -> None:
    root = make_project({"content/pages/contact.fr.md": """
        ---
        title: Contact
        ---
        Premier paragraphe.

        Voir [la presse](page:presse).
    """})
    with pytest.raises(BuildFailed) as exc:
        pipeline.build(root, root.parent / "public", OPTIONS)
    assert [str(d) for d in exc.value.diagnostics] == [
        "content/pages/contact.fr.md:6: error: link to an unknown page 'page:presse' (pages are "
        "named after their file: page:about links to content/pages/about.<language>.md)"]


def test_two_pages_with_one_url_are_refused(make_project) -> None:
    root = make_project({"content/pages/team.fr.md": "---\ntitle: Équipe\nslug: contact\n---\n",
                         "content/pages/team.nl.md": "---\ntitle: Team\nslug: team\n---\n"})
    with pytest.raises(BuildFailed) as exc:
        pipeline.build(root, root.parent / "public", OPTIONS)
    assert [str(d) for d in exc.value.diagnostics] == [
        "content/pages/team.fr.md:3:7: error: slug: the URL /fr/contact/ is already used by "
        "content/pages/contact.fr.md (choose another slug)"]


def test_a_misnamed_page_file_is_reported(make_project) -> None:
    root = make_project({"content/pages/about.md": "---\ntitle: x\n---\n",
                         "content/pages/about.de.md": "---\ntitle: x\n---\n"})
    with pytest.raises(BuildFailed) as exc:
        pipeline.build(root, root.parent / "public", OPTIONS)
    assert [str(d) for d in exc.value.diagnostics] == [
        "content/pages/about.de.md: error: 'de' is not a language of the site (languages are "
        "fr, nl (content/site.yaml))",
        "content/pages/about.md: error: unexpected file name in content/pages (name files "
        "<name>.<language>.md, for example about.fr.md)",
    ]


def test_every_language_switch_leads_to_an_existing_equivalent_page(built_site: Path, sample: Path) -> None:
    checked = 0
    for page in html_files(built_site, sample):
        tree = soup(page)
        switch = tree.select_one("nav.lang-switch")
        if switch is None:            # the bilingual pages at / have both languages in them
            assert page.parent == built_site
            continue
        here = url_of(built_site, page)
        lang = tree.html["lang"]
        for link in switch.find_all("a"):
            target = file_for(built_site, link["href"])
            assert target.is_file(), (here, link["href"])
            other = soup(target)
            assert other.html["lang"] == link["hreflang"] == link["lang"]
            back = other.select_one(f"nav.lang-switch a[hreflang={lang}]")
            assert back["href"] == here, (here, link["href"])
            checked += 1
    assert checked > 120


def test_a_build_ends_its_process_at_once_with_its_output_flushed(
        make_project, tmp_path: Path) -> None:
    """`circlemade build` and `check` end with os._exit once their output is flushed (the
    interpreter would free the loaded site's objects one by one first): what they print
    and their exit code are all there, and an atexit handler, which only a normal exit
    runs, does not run."""
    import subprocess
    import sys
    root = make_project({"content/site.yaml": (
        make_project() / "content" / "site.yaml").read_text(encoding="utf-8").replace(
            "\nprint: true", "\nprint: false")})
    script = ("import atexit, sys; atexit.register(lambda: print('atexit ran'));"
              "sys.argv = ['circlemade', *sys.argv[1:]];"
              "from circlemade_site.cli import run; run()")

    def circlemade(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", script, *args], capture_output=True,
                              text=True, timeout=300, cwd=root)
    built = circlemade("build", "--out", str(tmp_path / "out"), "--now", NOW)
    assert built.returncode == 0 and built.stdout.splitlines()[-1].startswith("Built ")
    assert "atexit ran" not in built.stdout
    checked = circlemade("check", "--now", NOW)
    assert checked.returncode == 0 and "No problems found" in checked.stdout
    assert "atexit ran" not in checked.stdout
    (root / "members" / "recable" / "member.yaml").write_text("name: [\n", encoding="utf-8")
    failed = circlemade("check", "--now", NOW)
    assert failed.returncode == 1 and "member.yaml" in failed.stdout + failed.stderr
    other = circlemade("owners", "--check")            # any other command exits normally
    assert "atexit ran" in other.stdout
