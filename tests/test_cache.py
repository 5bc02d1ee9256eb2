"""The caches in .cache/ change how fast a build is, never what it produces; an entry not
sealed with the cache key of a trusted build is never reused."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import jinja2
import pytest
from conftest import NOW

from circlemade_site import pipeline
from circlemade_site.assets import search
from circlemade_site.errors import BuildFailed
from circlemade_site.files import MAC_SIZE, CacheSeal

KEY = "k" * 40           # the key of a trusted build (CIRCLEMADE_CACHE_KEY)
OPTIONS = pipeline.BuildOptions(now=pipeline.dt.date.fromisoformat(NOW), cache_key=KEY)
UNTRUSTED = pipeline.BuildOptions(now=pipeline.dt.date.fromisoformat(NOW))


def snapshot(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_a_cached_build_and_an_uncached_build_are_identical(make_project, tmp_path: Path) -> None:
    root = make_project()
    pipeline.build(root, tmp_path / "cold", OPTIONS)
    pipeline.build(root, tmp_path / "warm", OPTIONS)          # images and search from .cache
    shutil.rmtree(root / ".cache")
    pipeline.build(root, tmp_path / "again", OPTIONS)
    assert snapshot(tmp_path / "cold") == snapshot(tmp_path / "warm") == snapshot(tmp_path / "again")


def test_a_damaged_cache_entry_is_made_again(make_project, tmp_path: Path) -> None:
    root = make_project()
    pipeline.build(root, tmp_path / "one", OPTIONS)
    entries = sorted((root / ".cache" / "images").iterdir())
    entries[0].write_bytes(entries[0].read_bytes()[:100])           # truncated
    entries[1].write_bytes(b"\0" * 64)                               # garbage
    search = next((root / ".cache" / "pagefind").iterdir())
    search.write_text("{not json", encoding="utf-8")
    pipeline.build(root, tmp_path / "two", OPTIONS)
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")
    assert entries[0].stat().st_size > 100                           # and repaired


def test_an_edit_changes_only_the_outputs_that_depend_on_it(make_project, tmp_path: Path) -> None:
    root = make_project()
    out = tmp_path / "public"
    pipeline.build(root, out, OPTIONS)
    before = snapshot(out)
    catalog = root / "themes" / "circlemade" / "i18n" / "fr.yaml"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace(
        "search_nojs: \"La recherche a besoin de JavaScript.", "search_nojs: \"Sans JavaScript,"),
        encoding="utf-8")
    pipeline.build(root, out, OPTIONS)
    after = snapshot(out)
    assert {p for p in after if after[p] != before.get(p)} == {"fr/recherche/index.html"}

    path = root / "members" / "recable" / "nl.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nNog een zin.\n", encoding="utf-8")
    pipeline.build(root, out, OPTIONS)
    changed = {p for p, data in snapshot(out).items() if data != after.get(p)}
    assert "nl/leden/recable/index.html" in changed
    assert all(p == "nl/leden/recable/index.html" or p.startswith("pagefind/") for p in changed)


SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 100"><title>Recable</title>'
       '<circle cx="50" cy="50" r="40" fill="#0b5a45"/></svg>')


def test_a_planted_cache_entry_cannot_publish_a_script(make_project, tmp_path: Path) -> None:
    """.cache/ could come with a pull request: what it holds is checked like content, even
    an entry sealed with the key (a leaked key)."""
    root = make_project({"members/recable/logo.svg": SVG, "members/recable/logo.png": None})
    yaml_path = root / "members" / "recable" / "member.yaml"
    yaml_path.write_text(yaml_path.read_text(encoding="utf-8").replace(
        "logo: logo.png", "logo: logo.svg"), encoding="utf-8")
    pipeline.build(root, tmp_path / "one", OPTIONS)
    first = snapshot(tmp_path / "one")

    seal = CacheSeal.of(KEY)
    markdown = root / ".cache" / "markdown.json"
    data = json.loads(seal.read(markdown, "markdown.json") or b"")
    for variants in data["entries"].values():
        for variant in variants:
            variant[1] += '<script>alert(1)</script><img src="x" onerror="alert(2)">'
    seal.write(markdown, "markdown.json", json.dumps(data).encode())
    for entry in (root / ".cache" / "images").glob("*.svg"):
        evil = SVG.replace("<circle", '<script>alert(3)</script><circle onload="alert(4)"').encode()
        seal.write(entry, f"images/{entry.name}", evil)

    pipeline.build(root, tmp_path / "two", OPTIONS)
    second = snapshot(tmp_path / "two")
    # (Decap CMS's own bundle, copied from cms/node_modules, never from .cache/, has
    # `alert(` calls of its own)
    assert not any(b"alert(" in data for path, data in second.items()
                   if not path.startswith("admin/decap-cms-"))
    changed = {p for p in second if second[p] != first.get(p)}
    assert changed <= {p for p in second if p.startswith("pagefind/")}


def test_the_markdown_cache_is_used_and_pruned(make_project, tmp_path: Path) -> None:
    root = make_project()
    pipeline.build(root, tmp_path / "one", OPTIONS)
    cache = root / ".cache" / "markdown.json"
    entries = json.loads(cache.read_bytes()[MAC_SIZE:])["entries"]
    assert len(entries) > 20
    stamp = cache.stat().st_mtime_ns
    pipeline.build(root, tmp_path / "two", OPTIONS)
    assert cache.stat().st_mtime_ns == stamp                          # nothing new to keep

    path = root / "members" / "recable" / "fr.md"
    path.write_text("Un tout autre texte.\n", encoding="utf-8")
    pipeline.build(root, tmp_path / "three", OPTIONS)
    after = json.loads(cache.read_bytes()[MAC_SIZE:])["entries"]
    assert len(after) == len(entries)                                 # one in, one out
    assert any("Un tout autre texte." in v[1] for vs in after.values() for v in vs)


def changed_outputs(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    """Outputs added, removed or changed, leaving out the search index (every text is in it)."""
    return {p for p in before.keys() | after.keys()
            if before.get(p) != after.get(p) and not p.startswith("pagefind/")}


def test_a_template_edit_changes_only_the_pages_made_from_it(make_project, tmp_path: Path) -> None:
    root = make_project()
    out = tmp_path / "public"
    pipeline.build(root, out, OPTIONS)
    before = snapshot(out)
    template = root / "themes" / "circlemade" / "templates" / "event.html"
    template.write_text(template.read_text(encoding="utf-8").replace(
        "  </aside>\n", "  <p>Ajouté au modèle</p>\n  </aside>\n"), encoding="utf-8")
    pipeline.build(root, out, OPTIONS)
    after = snapshot(out)
    event_pages = {p for p in before if re.fullmatch(r"(fr|nl)/agenda/[^/]+/index\.html", p)}
    assert len(event_pages) == 26
    assert changed_outputs(before, after) == event_pages


def test_a_vocabulary_edit_changes_only_the_outputs_that_show_it(make_project, tmp_path: Path) -> None:
    root = make_project()
    out = tmp_path / "public"
    pipeline.build(root, out, OPTIONS)
    before = snapshot(out)
    old, new = "Mobilier et aménagement", "Mobilier et Aménagement"    # same slug, same URLs
    vocabularies = root / "content" / "vocabularies.yaml"
    vocabularies.write_text(vocabularies.read_text(encoding="utf-8").replace(old, new),
                            encoding="utf-8")
    pipeline.build(root, out, OPTIONS)
    after = snapshot(out)
    showing = {p for p, data in before.items()
               if old.encode() in data and not p.startswith("pagefind/")}
    assert len(showing) > 5 and "data/members.json" in showing
    assert changed_outputs(before, after) == showing


def test_a_cache_committed_to_the_repository_is_refused(make_project, tmp_path: Path) -> None:
    root = make_project({".cache/markdown.json": '{"version": 1, "entries": {}}'})
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-f", ".cache/markdown.json"], check=True)
    with pytest.raises(BuildFailed) as raised:
        pipeline.build(root, tmp_path / "public", OPTIONS)
    assert raised.value.diagnostics[0].path == ".cache/markdown.json"
    assert "git rm -r --cached .cache" in str(raised.value.diagnostics[0])
    assert not (tmp_path / "public").exists()
    subprocess.run([*git, "rm", "-q", "-r", "--cached", ".cache"], check=True)
    pipeline.build(root, tmp_path / "public", OPTIONS)


def test_the_search_index_after_edits_is_the_index_of_a_fresh_build(make_project, tmp_path: Path) -> None:
    """Pagefind's input folders in .cache/search-site/ are kept between builds and only
    changed pages and offer records are replaced in them."""
    root = make_project()
    out = tmp_path / "public"
    pipeline.build(root, out, OPTIONS)
    member = root / "members" / "recable"
    (member / "fr.md").write_text("Réparation de câbles et de chargeurs à Schaerbeek.\n",
                                  encoding="utf-8")
    yaml_path = member / "member.yaml"
    yaml_path.write_text(yaml_path.read_text(encoding="utf-8").replace(
        "Réparation", "Remise en état", 1), encoding="utf-8")          # an offer record too
    shutil.rmtree(root / "members" / "quai-partage")                  # and one member less
    for path in (root / "content").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        if "quai-partage" in text:
            text = re.sub(r"  - member: quai-partage\n    role: .*\n", "", text)  # a project's step
            path.write_text(text.replace("- quai-partage\n", "").replace(" quai-partage,", ""),
                            encoding="utf-8")
    pipeline.build(root, out, OPTIONS)
    incremental = {p: d for p, d in snapshot(out).items() if p.startswith("pagefind/")}
    shutil.rmtree(root / ".cache")
    pipeline.build(root, tmp_path / "fresh", OPTIONS)
    fresh = {p: d for p, d in snapshot(tmp_path / "fresh").items() if p.startswith("pagefind/")}
    assert incremental == fresh
    site = root / ".cache" / "search-site"
    assert not any("quai-partage" in str(p) for p in site.rglob("*"))


def test_an_entry_planted_without_the_key_is_not_published(make_project, tmp_path: Path) -> None:
    """A deploy preview runs the pull request's own code on the production cache: it can
    write any entry, with any digest, but not the MAC. Its search bundle and image
    variants are made again by the trusted build, never published."""
    root = make_project()
    pipeline.build(root, tmp_path / "one", OPTIONS)
    first = snapshot(tmp_path / "one")
    planted = CacheSeal.of(None)                      # what a keyless build seals with

    bundle_file = next((root / ".cache" / "pagefind").glob("*.json"))
    bundle = json.loads(bundle_file.read_bytes()[MAC_SIZE:])
    name = next(p for p in bundle if p.endswith(".js"))
    bundle[name] = base64.b64encode(b"alert('planted search bundle')").decode()
    bundle_file.write_bytes(planted.seal(f"pagefind/{bundle_file.name}", json.dumps(bundle).encode()))

    webps = sorted((root / ".cache" / "images").glob("*.webp"))
    evil = b"RIFF planted image variant"
    webps[0].write_bytes(planted.seal(f"images/{webps[0].name}", evil))
    webps[1].write_bytes(hashlib.sha256(evil).digest() + evil)       # the old digest format
    webps[2].write_bytes(webps[3].read_bytes())                       # a genuine entry, renamed

    markdown = root / ".cache" / "markdown.json"
    data = json.loads(markdown.read_bytes()[MAC_SIZE:])
    for variants in data["entries"].values():
        for variant in variants:
            variant[1] = "<p>planted text</p>"
    markdown.write_bytes(planted.seal("markdown.json", json.dumps(data).encode()))

    pipeline.build(root, tmp_path / "two", OPTIONS)
    second = snapshot(tmp_path / "two")
    assert not any(b"planted" in data for data in second.values())
    assert second == first


def test_without_the_key_nothing_is_reused_and_with_it_everything(
        make_project, tmp_path: Path, monkeypatch) -> None:
    root = make_project()
    pipeline.build(root, tmp_path / "one", OPTIONS)
    runs: list[object] = []
    real_index = search.index_folder
    monkeypatch.setattr(search, "index_folder", lambda *a: runs.append(a) or real_index(*a))

    def inodes() -> dict[str, int]:      # an entry made again is a new file (write_atomic)
        return {p.name: p.stat().st_ino for p in (root / ".cache" / "images").iterdir()}

    before = inodes()
    pipeline.build(root, tmp_path / "two", OPTIONS)             # trusted: warm
    assert runs == [] and inodes() == before
    pipeline.build(root, tmp_path / "three", UNTRUSTED)         # no key: the cold build
    after = inodes()
    assert len(runs) == 1 and len(after) > 50 and not before.items() & after.items()
    assert snapshot(tmp_path / "three") == snapshot(tmp_path / "one")
    pipeline.build(root, tmp_path / "four", UNTRUSTED)          # and cold again
    assert len(runs) == 2 and not after.items() & inodes().items()


def test_the_cache_key_comes_from_the_environment_and_is_long_enough() -> None:
    from circlemade_site.errors import UsageError
    from circlemade_site.files import cache_key
    assert cache_key({}) is None and cache_key({"CIRCLEMADE_CACHE_KEY": " "}) is None
    assert cache_key({"CIRCLEMADE_CACHE_KEY": KEY}) == KEY
    with pytest.raises(UsageError, match="too short"):
        cache_key({"CIRCLEMADE_CACHE_KEY": "secret"})
    assert KEY not in repr(OPTIONS) and KEY not in repr(CacheSeal.of(KEY))


def test_compiled_templates_are_kept_sealed_and_a_planted_one_is_not_run(
        make_project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from circlemade_site.config import SiteConfig
    from circlemade_site.load.settings import load_config
    from circlemade_site.render import templates

    root = make_project()
    config: SiteConfig = load_config(root)
    folder = root / ".cache" / pipeline.TEMPLATES_CACHE
    trusted = CacheSeal.of(KEY)
    compiled: list[str | None] = []
    compile_ = jinja2.Environment.compile

    def spy(self, source, name=None, filename=None, raw=False, defer_init=False):  # type: ignore[no-untyped-def]
        compiled.append(name)
        return compile_(self, source, name, filename, raw, defer_init)
    monkeypatch.setattr(jinja2.Environment, "compile", spy)

    def load(seal: CacheSeal) -> str:
        env = templates.make_env(config, templates.SealedBytecode(folder, seal))
        return env.get_template("listing.html").render.__qualname__

    load(trusted)
    assert "listing.html" in compiled and len(list(folder.iterdir())) == 1
    compiled.clear()
    load(trusted)                   # a later build: its code is taken from the cache
    assert compiled == []
    load(CacheSeal.of(None))        # a build without the key reads none of it
    assert "listing.html" in compiled
    # an entry sealed with another key (a pull request's build can write .cache/) is not
    # loaded: its code would run in the trusted build
    planted = CacheSeal.of("another-key-0123456789abcdef0123456789abcdef")
    for entry in folder.iterdir():
        raw = trusted.read(entry, f"{folder.name}/{entry.name}")
        assert raw is not None
        planted.write(entry, f"{folder.name}/{entry.name}", raw)
    compiled.clear()
    load(trusted)
    assert "listing.html" in compiled
    # a template's source changed: compiled again
    compiled.clear()
    load(trusted)
    assert compiled == []
    overrides = config.overrides_dir / "templates"
    overrides.mkdir(parents=True, exist_ok=True)
    shutil.copy(config.theme_dir / "templates" / "listing.html", overrides / "listing.html")
    with (overrides / "listing.html").open("a", encoding="utf-8") as file:
        file.write("{# changed #}\n")
    config = load_config(root)
    load(trusted)
    assert compiled == ["listing.html"]
    # the entries of another version of the generator are not read, and are removed
    (folder / "3.0.0-0123456789abcdef-stale").write_bytes(b"old")
    monkeypatch.setattr(templates, "code_digest", lambda: b"\1" * 32)
    compiled.clear()
    load(trusted)
    assert compiled == ["listing.html"]
    assert all(entry.name.startswith(jinja2.__version__ + "-" + "01" * 8)
               for entry in folder.iterdir())


def test_a_build_keeps_its_compiled_templates(make_project, tmp_path: Path) -> None:
    root = make_project()
    pipeline.build(root, tmp_path / "out", UNTRUSTED)
    assert not (root / ".cache" / pipeline.TEMPLATES_CACHE).exists()     # no key: nothing kept
    pipeline.build(root, tmp_path / "out", OPTIONS)
    assert len(list((root / ".cache" / pipeline.TEMPLATES_CACHE).iterdir())) > 5
