"""Decap CMS at /admin/ (circlemade_site/cms.py): its config.yml against the schemas, the
GitHub backend (checked statically: it cannot be exercised here), the files of /admin/,
what is not a page of the site, `circlemade cms --check` and `serve --cms`.

The CMS itself is driven in Chromium by tests/test_cms_browser.py."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import types
import typing
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from browser import netlify_headers
from conftest import NOW, REPO, run_cli
from pydantic import BaseModel, Field

from circlemade_site import cms, pipeline, urls
from circlemade_site.errors import BuildFailed
from circlemade_site.load import members, schema
from circlemade_site.load.settings import load_config

MODELS = {"pages": schema.PageFront, "events": schema.EventFront, "news": schema.NewsFront,
          "campaigns": schema.CampaignFront, "members": schema.MemberFront}


def decap(root: Path, local: str | None = None) -> dict[str, Any]:
    config = load_config(root)
    return cms.decap_config(config, members.load_vocabularies(config, []), local)


def by_name(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in document["collections"]}


def _inner(annotation: Any) -> tuple[Any, bool]:
    """The type of a field without None, and whether it is a list."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType) and len(args) == 1:
        return _inner(args[0])
    if origin is typing.Annotated:
        return _inner(args[0])
    if origin is list:
        return _inner(args[0])[0], True
    return annotation, False


def expected_widget(annotation: Any, name: str) -> set[str]:
    kind, is_list = _inner(annotation)
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return {"list"} if is_list else {"object"}
    if is_list:
        return {"select", "relation", "list"}
    if kind is bool:
        return {"boolean"}
    if kind in (int, float):
        return {"number"}
    union = [_inner(a)[0] for a in typing.get_args(kind)]
    if typing.get_origin(kind) in (typing.Union, types.UnionType) and str in union and any(
            typing.get_origin(a) is dict for a in union):
        return {"object"}      # one text or a text per language: a text per language
    if kind is dt.date or typing.get_origin(kind) in (typing.Union, types.UnionType):
        return {"datetime"}
    if typing.get_origin(kind) is dict:
        return {"object"}
    return {"string", "text", "select", "image"}


def assert_covers(model: type[BaseModel], fields: list[dict[str, Any]], where: str,
                  required: frozenset[str] = frozenset(), optional_parent: bool = False) -> None:
    """Every field of the pydantic model has its CMS field, with a widget of its type and
    `required` as the model (and the loaders) say; nested models likewise."""
    by = {f["name"]: f for f in fields}
    assert set(model.model_fields) <= set(by), (where, set(model.model_fields) - set(by))
    for name, info in model.model_fields.items():
        field = by[name]
        assert field["widget"] in expected_widget(info.annotation, name), (where, name, field)
        should = (info.is_required() or name in required) and not optional_parent
        assert field["required"] is should, (where, name)
        if info.description:
            assert info.description in field.get("hint", ""), (where, name)
        kind, _ = _inner(info.annotation)
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            assert_covers(kind, field["fields"], f"{where}.{name}",
                          optional_parent=optional_parent or (
                              field["widget"] == "object" and not should))


def test_every_field_of_every_schema_is_in_the_cms_with_its_widget(sample: Path) -> None:
    collections = by_name(decap(sample))
    assert set(collections) == set(MODELS)
    for name, model in MODELS.items():
        kind = cms.PUBLICATIONS[name][0] if name in cms.PUBLICATIONS else "member"
        fields = collections[name]["fields"]
        assert_covers(model, fields, name, cms._required(kind) if name != "members" else frozenset())
        if name != "members":
            assert fields[-1] == {**fields[-1], "name": "body", "widget": "markdown", "i18n": True}


def test_per_language_fields_are_translated_and_shared_ones_written_once(sample: Path) -> None:
    events = by_name(decap(sample))["events"]
    assert events["i18n"] == {"structure": "multiple_files", "locales": ["fr", "nl"],
                              "default_locale": "fr"}
    assert events["folder"] == "content/events" and events["extension"] == "md"
    fields = {f["name"]: f for f in events["fields"]}
    for name in ("title", "slug", "summary"):
        assert fields[name]["i18n"] is True
    assert fields["start"]["i18n"] == "duplicate"      # the same in both files
    assert "i18n" not in fields["venue"]               # an object: in the default file only


def test_vocabularies_are_selects_with_their_labels(sample: Path) -> None:
    collections = by_name(decap(sample))
    event_type = next(f for f in collections["events"]["fields"] if f["name"] == "type")
    assert event_type["widget"] == "select"
    assert {"value": "training", "label": "Formation / Opleiding"} in event_type["options"]
    member = {f["name"]: f for f in collections["members"]["fields"]}
    assert member["activities"]["multiple"] is True
    assert {"value": "repair", "label": "Réparation / Herstelling"} in member["activities"]["options"]
    assert member["tagline"]["widget"] == "object"
    assert [(f["name"], f["required"]) for f in member["tagline"]["fields"]] == [
        ("fr", True), ("nl", False)]                   # the default language is required
    offers = member["offers"]
    assert offers["widget"] == "list" and offers["max"] == 20
    assert member["logo"]["widget"] == "image" and "2 MB" in member["logo"]["hint"]
    assert member["contact"]["fields"][0]["pattern"][0] == schema.EMAIL_FORM
    start = next(f for f in collections["events"]["fields"] if f["name"] == "start")
    assert start["widget"] == "datetime" and start["format"] == "YYYY-MM-DD HH:mm"
    assert start["picker_utc"] is False and "Brussels" in start["hint"]
    members_of = next(f for f in collections["events"]["fields"] if f["name"] == "members")
    assert members_of["widget"] == "relation" and members_of["collection"] == "members"


def test_a_field_added_to_a_schema_is_added_to_the_cms(sample: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    class NewsWithSubtitle(schema.NewsFront):
        subtitle: str | None = Field(None, description="A line under the title", max_length=120)
        pinned: bool = Field(False, description="Kept at the top of the news")

    monkeypatch.setitem(cms.PUBLICATIONS, "news", ("news", NewsWithSubtitle, "content/news"))
    news = {f["name"]: f for f in by_name(decap(sample))["news"]["fields"]}
    assert news["subtitle"]["widget"] == "string" and news["subtitle"]["hint"] == "A line under the title"
    assert news["pinned"]["widget"] == "boolean"


def test_the_github_backend_with_the_editorial_workflow_and_open_authoring(sample: Path) -> None:
    """Checked statically: GitHub and Netlify's OAuth cannot be reached from the tests."""
    document = decap(sample)
    assert document["backend"] == {
        "name": "github", "repo": "circlemade-brussels/circlemade-site", "branch": "main",
        "base_url": "https://api.netlify.com", "auth_endpoint": "auth", "open_authoring": True,
        "cms_label_prefix": "cms/", "auth_scope": "public_repo"}
    assert document["publish_mode"] == "editorial_workflow"
    assert "local_backend" not in document
    assert document["slug"]["encoding"] == "ascii"
    guide = (REPO / "docs" / "content.md").read_text(encoding="utf-8")
    section = guide.split("## The CMS", 1)[1].split("\n## ", 1)[0]
    for step in ("OAuth App", "https://api.netlify.com/auth/done", "Client ID",
                 "Access control", "editorial_workflow", "open authoring", "make cms"):
        assert step in section, step


def test_the_build_writes_the_cms_with_the_bundle_and_no_local_backend(built_site: Path) -> None:
    admin = built_site / "admin"
    version = cms.bundle_version(REPO)
    bundle = admin / f"decap-cms-{version}"
    assert (bundle / "decap-cms.js").is_file() and not list(bundle.glob("*.map"))
    index = (admin / "index.html").read_text(encoding="utf-8")
    assert f'src="/admin/decap-cms-{version}/decap-cms.js"' in index
    assert "<script>" not in index                       # no inline script: the CSP
    style = re.search(r'data-style="([^"]+)"', index)
    assert style and (built_site / style.group(1).lstrip("/")).is_file()
    assert "registerPreviewStyle" in (admin / "preview.js").read_text(encoding="utf-8")
    document = yaml.safe_load((admin / "config.yml").read_text(encoding="utf-8"))
    assert "local_backend" not in document
    assert (REPO / "cms" / "package-lock.json").is_file()
    package = json.loads((REPO / "cms" / "package.json").read_text(encoding="utf-8"))
    assert re.fullmatch(r"3\.[0-9]+\.[0-9]+", package["dependencies"]["decap-cms"])   # pinned
    assert re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", package["dependencies"]["decap-server"])


def test_without_the_bundle_the_build_says_what_to_run(make_project, tmp_path: Path) -> None:
    root = make_project()
    (root / "cms").unlink()
    with pytest.raises(BuildFailed) as failed:
        pipeline.build(root, tmp_path / "out", pipeline.BuildOptions(
            now=dt.date.fromisoformat(NOW), search=False))
    [problem] = failed.value.diagnostics
    assert "npm ci --prefix cms" in str(problem.hint)
    assert not (tmp_path / "out").exists()
    # check needs no bundle: the members' pull-request check does not install it
    assert run_cli("check", "--now", NOW, cwd=root).returncode == 0


def test_cms_needs_the_repository(make_project) -> None:
    root = make_project()
    site = root / "content" / "site.yaml"
    site.write_text(re.sub(r"^repository:.*$", "", site.read_text(encoding="utf-8"),
                           flags=re.M), encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        load_config(root)
    assert [d.field for d in failed.value.diagnostics] == ["cms"]


def test_the_cms_is_not_a_page_of_the_site(built_site: Path, sample: Path) -> None:
    config = load_config(sample)
    assert "admin/*" in urls.non_page_html(config)
    assert not urls.is_page_html("admin/index.html", urls.non_page_html(config))
    assert "/admin/" not in (built_site / "sitemap.xml").read_text(encoding="utf-8")
    robots = (built_site / "robots.txt").read_text(encoding="utf-8")
    assert "Disallow: /admin/\n" in robots and robots.startswith("User-agent: *\nAllow: /\n")
    index = (built_site / "admin" / "index.html").read_text(encoding="utf-8")
    assert "<footer" not in index and "data-pagefind-body" not in index
    from test_quality import pages
    assert "/admin/" not in pages(built_site, sample)
    assert "/fr/" in pages(built_site, sample)


def test_non_page_html_is_never_indexed(tmp_path: Path) -> None:
    from circlemade_site.assets import search
    from circlemade_site.files import CacheSeal
    page = b'<html lang="fr"><body><main data-pagefind-body>x</main></body></html>'
    files = {"fr/index.html": page, "admin/index.html": page}
    _, job = search.prepare(files, {}, tmp_path, CacheSeal.of(None), ("admin/*",))
    assert job.pages == ("fr/index.html",)
    _, job = search.prepare(files, {}, tmp_path, CacheSeal.of(None))
    assert job.pages == ("admin/index.html", "fr/index.html")


def test_without_cms_there_is_no_admin(make_project, tmp_path: Path) -> None:
    root = make_project()
    site = root / "content" / "site.yaml"
    site.write_text(re.sub(r"^cms:.*$", "", site.read_text(encoding="utf-8"), flags=re.M),
                    encoding="utf-8")
    out = tmp_path / "out"
    pipeline.build(root, out, pipeline.BuildOptions(now=dt.date.fromisoformat(NOW), search=False))
    assert not (out / "admin").exists()
    assert "Disallow: /admin" not in (out / "robots.txt").read_text(encoding="utf-8")
    assert not [glob for glob in urls.non_page_html(load_config(root)) if "admin" in glob]


def test_admin_has_its_own_content_security_policy_after_the_site_wide_one() -> None:
    import tomllib
    rules = tomllib.loads((REPO / "netlify.toml").read_text(encoding="utf-8"))["headers"]
    order = [rule["for"] for rule in rules]
    assert order.index("/admin/*") > order.index("/*")
    site, admin = netlify_headers("/fr/"), netlify_headers("/admin/")
    assert "'unsafe-eval'" not in site["Content-Security-Policy"]
    policy = dict(part.strip().split(" ", 1) for part in
                  admin["Content-Security-Policy"].split(";") if " " in part.strip())
    assert policy["connect-src"] == "'self' https://api.github.com https://api.netlify.com"
    assert policy["script-src"] == "'self' 'unsafe-eval'"      # Decap compiles its schemas
    assert policy["default-src"] == "'self'" and policy["frame-ancestors"] == "'none'"
    # the other headers of `/*` still apply to /admin/, as on Netlify
    assert admin["X-Content-Type-Options"] == "nosniff"
    assert admin["Strict-Transport-Security"] == site["Strict-Transport-Security"]
    assert netlify_headers("/static/css/site.css")["Cache-Control"].endswith("immutable")


def test_cms_check_passes_on_the_sample(sample: Path) -> None:
    done = run_cli("cms", "--check", "--now", NOW, cwd=sample)
    assert done.returncode == 0, done.stderr
    assert "9 sample files" in done.stdout


def test_cms_check_reports_what_check_refuses(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made = cms.sample_files

    def broken(config, facets):  # type: ignore[no-untyped-def]
        files = made(config, facets)
        files["content/events/cms-sample.fr.md"] = files["content/events/cms-sample.fr.md"].replace(
            "type: meeting", "type: apero")
        return files

    monkeypatch.setattr(cms, "sample_files", broken)
    with pytest.raises(BuildFailed) as failed:
        pipeline.check_cms(sample, pipeline.BuildOptions(now=dt.date.fromisoformat(NOW)))
    assert [(d.path, d.field) for d in failed.value.diagnostics] == [
        ("content/events/cms-sample.fr.md", "type"), ("content/events/cms-sample.nl.md", "type")]


def test_the_samples_are_written_as_decap_writes(sample: Path) -> None:
    config = load_config(sample)
    files = cms.sample_files(config, members.load_vocabularies(config, []))
    member = files["members/cms-sample/member.yaml"]
    assert not member.startswith("#")                # no comment, no schema line
    event_nl = files["content/events/cms-sample.nl.md"]
    assert event_nl.startswith("---\ntitle:") and "\nstart: 2026-12-10 09:30\n" in event_nl


def test_check_accepts_a_member_yaml_without_comments(make_project) -> None:
    root = make_project()
    path = root / "members" / "recable" / "member.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server")
    path.write_text(yaml.safe_dump(yaml.safe_load(text), sort_keys=False, allow_unicode=True),
                    encoding="utf-8")
    done = run_cli("check", "--now", NOW, cwd=root)
    assert done.returncode == 0, done.stderr


@pytest.fixture
def cms_preview(make_project) -> Iterator[str]:
    from test_serve import fetch, free_port, wait_for
    root = make_project()
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "circlemade_site", "serve", "--cms",
                                "--no-search", "--port", str(port)], cwd=root,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin",
                                    "LANG": "C.UTF-8"})
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: fetch(base + "/fr/")[0] == 200, timeout=60)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_serve_cms_runs_the_local_backend_beside_the_preview(cms_preview: str) -> None:
    from test_serve import fetch
    status, text = fetch(cms_preview + "/admin/config.yml")
    assert status == 200
    assert yaml.safe_load(text)["local_backend"] == {"url": cms_preview + "/api/v1"}
    status, index = fetch(cms_preview + "/admin/")
    assert status == 200 and "_circlemade" not in index      # no reload script in the CMS
    request = urllib.request.Request(cms_preview + "/api/v1", data=b'{"action":"info"}',
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        info = json.loads(answer.read())
    assert info["type"] == "local_fs"

