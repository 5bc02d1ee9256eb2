"""Builds into an empty folder with the cache kept (Netlify's every deploy): pages whose
template and context did not change come from the render cache, files a build wrote
before are linked from the object store, and the search index is made again only in the
parts an edit touched. Whatever is reused, the site is the site a cold build makes."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import NOW

from circlemade_site import pipeline, urls
from circlemade_site.files import ObjectStore
from circlemade_site.render import templates

KEY = "k" * 40
OPTIONS = pipeline.BuildOptions(now=pipeline.dt.date.fromisoformat(NOW), cache_key=KEY)
UNTRUSTED = pipeline.BuildOptions(now=pipeline.dt.date.fromisoformat(NOW))


def snapshot(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file()}


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The templates rendered, in order, by the builds of a test."""
    made: list[str] = []
    real = templates.render

    def render(env, template, *args, **kwargs):  # type: ignore[no-untyped-def]
        made.append(template)
        return real(env, template, *args, **kwargs)
    monkeypatch.setattr(templates, "render", render)
    return made


def project(make_project) -> Path:  # type: ignore[no-untyped-def]
    """The test site without its printed directory (its PDFs take most of a build of this
    small site, and tests/test_printed.py covers them)."""
    root = make_project()
    settings = root / "content" / "site.yaml"
    text = settings.read_text(encoding="utf-8")
    assert "\nprint: true" in text
    settings.write_text(text.replace("\nprint: true", "\nprint: false"), encoding="utf-8")
    return root


def cold(root: Path, out: Path) -> dict[str, bytes]:
    """The site a build makes without any cache."""
    copy = out.parent / f"{out.name}-project"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".cache"))
    pipeline.build(copy, out, UNTRUSTED)
    return snapshot(out)


def test_a_warm_build_into_an_empty_folder_renders_and_writes_nothing(
        make_project, tmp_path: Path, rendered: list[str]) -> None:
    root = project(make_project)
    first = pipeline.build(root, tmp_path / "one", OPTIONS)
    assert first.written == first.files and len(rendered) > 200
    rendered.clear()
    second = pipeline.build(root, tmp_path / "two", OPTIONS)        # a new, empty folder
    # only the printed directory's page, whose HTML keys its PDF in .cache/print/
    assert set(rendered) <= {"printed.html"} and len(rendered) <= 2
    assert second.written == 0 and second.unchanged == second.files
    assert snapshot(tmp_path / "two") == snapshot(tmp_path / "one")
    page = tmp_path / "two" / "fr" / "index.html"
    assert page.stat().st_nlink > 1                    # a link to the object, not a copy


def test_an_edit_renders_the_pages_it_changes_and_the_site_is_a_cold_build(
        make_project, tmp_path: Path, rendered: list[str]) -> None:
    root = make_project()        # with the printed directory: its size changes with an edit
    pipeline.build(root, tmp_path / "one", OPTIONS)
    member = root / "members" / "recable" / "member.yaml"
    text = member.read_text(encoding="utf-8")
    assert "tagline:" in text
    member.write_text(text.replace("tagline:\n  fr: \"", "tagline:\n  fr: \"Vraiment : ", 1),
                      encoding="utf-8")
    rendered.clear()
    pipeline.build(root, tmp_path / "two", OPTIONS)
    again = len(rendered)
    assert 2 <= again < 60                  # its profiles, the listings of its card...
    built = snapshot(tmp_path / "two")
    assert b"Vraiment : " in built["fr/membres/recable/index.html"]
    assert built == cold(root, tmp_path / "cold")


def test_a_theme_or_ui_string_edit_renders_every_page_again(
        make_project, tmp_path: Path, rendered: list[str]) -> None:
    root = project(make_project)
    pipeline.build(root, tmp_path / "one", OPTIONS)
    catalog = root / "themes" / "circlemade" / "i18n" / "nl.yaml"
    lines = catalog.read_text(encoding="utf-8").splitlines(keepends=True)
    key = next(i for i, line in enumerate(lines) if line.startswith("search_title:"))
    lines[key] = 'search_title: "Doorzoek de site"\n'
    catalog.write_text("".join(lines), encoding="utf-8")
    rendered.clear()
    pipeline.build(root, tmp_path / "two", OPTIONS)
    assert len(rendered) > 200
    built = snapshot(tmp_path / "two")
    assert b"Doorzoek de site" in built["nl/zoeken/index.html"]
    assert built == cold(root, tmp_path / "cold")


def test_a_planted_object_is_refused_and_the_page_is_rendered_again(
        make_project, tmp_path: Path, rendered: list[str]) -> None:
    root = project(make_project)
    pipeline.build(root, tmp_path / "one", OPTIONS)
    page = (tmp_path / "one" / "fr" / "index.html").read_bytes()
    objects = root / ".cache" / ObjectStore.FOLDER
    import hashlib
    digest = hashlib.sha256(page).hexdigest()
    planted = objects / digest[:2] / digest[2:]
    assert planted.read_bytes() == page
    shutil.rmtree(tmp_path / "one")                 # the object is no longer the page's file
    forged = page.replace(b"<main", b"<script>alert(1)</script><main", 1)[:len(page)]
    planted.write_bytes(forged)                     # same size, other bytes
    rendered.clear()
    pipeline.build(root, tmp_path / "two", OPTIONS)
    assert "home.html" in rendered
    assert (tmp_path / "two" / "fr" / "index.html").read_bytes() == page


def test_without_the_key_every_page_is_rendered(make_project, tmp_path: Path,
                                                 rendered: list[str]) -> None:
    root = project(make_project)
    pipeline.build(root, tmp_path / "one", OPTIONS)
    rendered.clear()
    pipeline.build(root, tmp_path / "two", UNTRUSTED)
    assert len(rendered) > 200


def test_the_store_keeps_only_what_recent_builds_used(make_project, tmp_path: Path) -> None:
    root = project(make_project)
    objects = root / ".cache" / ObjectStore.FOLDER
    pipeline.build(root, tmp_path / "one", OPTIONS)
    first = {p.name for p in objects.rglob("*") if p.is_file() and p.parent != objects}
    member = root / "members" / "recable" / "fr.md"
    for n in range(ObjectStore.KEEP + 1):
        member.write_text(f"Réparation de câbles, version {n}.\n", encoding="utf-8")
        pipeline.build(root, tmp_path / f"edit-{n}", OPTIONS)
    now = {p.name for p in objects.rglob("*") if p.is_file() and p.parent != objects}
    assert first - now                                  # the old profiles are gone
    assert len(now) < 2 * len(first)


def test_the_search_index_is_made_in_parts_and_an_edit_runs_pagefind_on_its_own(
        make_project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(urls, "SEARCH_SHARD_MEMBERS", 4)       # 13 members: 4 parts
    runs: list[str] = []
    real = subprocess.run

    def run(cmd, *args, **kwargs):  # type: ignore[no-untyped-def]
        if "--site" in cmd:                 # a Pagefind run (its binary, run directly)
            runs.append(Path(cmd[cmd.index("--site") + 1]).name)
        return real(cmd, *args, **kwargs)
    monkeypatch.setattr(subprocess, "run", run)
    root = project(make_project)
    pipeline.build(root, tmp_path / "one", OPTIONS)
    built = snapshot(tmp_path / "one")
    count = urls.search_shard_count(13)
    assert count == 4
    shards = {urls.search_shard(p.name, count) for p in (root / "members").iterdir()}
    assert len(shards) >= 2
    for shard in shards:
        assert f"pagefind/{shard}/pagefind-entry.json" in built
    assert sorted(runs) == sorted(f"{lang}.{part}" for lang in ("fr", "nl")
                                  for part in ("main", *shards))
    search_page = built["fr/recherche/index.html"].decode()
    assert 'data-merge="/pagefind/m0/ /pagefind/m1/ /pagefind/m2/ /pagefind/m3/"' in search_page
    runs.clear()
    finished: list[str] = []          # the index's files placed once Pagefind is done
    real_bundle = pipeline._bundle

    def bundle(*args):  # type: ignore[no-untyped-def]
        made = real_bundle(*args)
        finished.extend(made)
        return made
    monkeypatch.setattr(pipeline, "_bundle", bundle)
    (root / "members" / "recable" / "fr.md").write_text(
        "Réparation de câbles et de chargeurs à Schaerbeek.\n", encoding="utf-8")
    pipeline.build(root, tmp_path / "two", OPTIONS)
    shard = urls.search_shard("recable", count)
    assert runs == [f"fr.{shard}"]
    # the other shards' files are placed with the site's, while Pagefind runs
    assert finished and all(path.startswith(f"pagefind/{shard}/") for path in finished)
    incremental = {p: d for p, d in snapshot(tmp_path / "two").items() if p.startswith("pagefind/")}
    assert incremental == {p: d for p, d in cold(root, tmp_path / "cold").items()
                           if p.startswith("pagefind/")}
    # its tagline shows on events' pages too (in the main part), in cards that the index
    # leaves out: Pagefind runs on the member's part only, and the index is a cold one's
    runs.clear()
    member = root / "members" / "recable" / "member.yaml"
    text = member.read_text(encoding="utf-8")
    member.write_text(text.replace('tagline:\n  fr: "', 'tagline:\n  fr: "Vraiment : ', 1),
                      encoding="utf-8")
    pipeline.build(root, tmp_path / "three", OPTIONS)
    built = snapshot(tmp_path / "three")
    assert b"Vraiment : " in built["fr/agenda/rencontre-reparation-2025/index.html"]
    assert runs == [f"fr.{urls.search_shard('recable', count)}"]
    incremental = {p: d for p, d in built.items() if p.startswith("pagefind/")}
    assert incremental == {p: d for p, d in cold(root, tmp_path / "cold-three").items()
                           if p.startswith("pagefind/")}


def test_outputs_made_in_parallel_are_the_outputs_made_in_one_process(
        make_project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(make_project)
    pipeline.build(root, tmp_path / "one", UNTRUSTED)
    monkeypatch.setattr(pipeline, "PARALLEL_OUTPUTS", 0)
    monkeypatch.setattr(pipeline, "_workers", lambda outputs: 2)
    forked: list[int] = []
    real = pipeline._make_in_parallel

    def spy(prepared, paths, cache, markdown, workers, *rest):  # type: ignore[no-untyped-def]
        forked.append(workers)
        return real(prepared, paths, cache, markdown, workers, *rest)
    monkeypatch.setattr(pipeline, "_make_in_parallel", spy)
    pipeline.build(root, tmp_path / "two", OPTIONS)          # cold, in two processes
    pipeline.build(root, tmp_path / "three", OPTIONS)        # warm: from the render cache
    pipeline.check(root, OPTIONS)                            # the pages known, none sent back
    assert forked == [2, 2, 2]
    assert snapshot(tmp_path / "two") == snapshot(tmp_path / "one") == snapshot(tmp_path / "three")
    markdown = root / ".cache" / "markdown.json"
    assert markdown.stat().st_size > 1000            # what the workers rendered was saved


def test_the_pages_workers_read_from_the_store_are_linked_without_reading_them_again(
        make_project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker checks each page it takes from the object store (read and hashed); the parent
    links those objects into the site without reading them a second time, and counts them as
    used, so the store keeps them for the next builds."""
    root = project(make_project)
    monkeypatch.setattr(pipeline, "PARALLEL_OUTPUTS", 0)
    monkeypatch.setattr(pipeline, "_workers", lambda outputs: 2)
    pipeline.build(root, tmp_path / "cold", OPTIONS)
    read_again: list[str] = []
    real = ObjectStore.find

    def find(self: ObjectStore, digest: bytes, size: int) -> str | None:
        if digest not in self._found:          # to be read and hashed here
            read_again.append(digest.hex())
        return real(self, digest, size)
    monkeypatch.setattr(ObjectStore, "find", find)
    for n in range(ObjectStore.KEEP + 1):
        pipeline.build(root, tmp_path / f"warm-{n}", OPTIONS)
        assert snapshot(tmp_path / f"warm-{n}") == snapshot(tmp_path / "cold")
    pages = {hashlib.sha256(data).hexdigest() for path, data in snapshot(tmp_path / "cold").items()
             if path.endswith(".html") and not path.startswith("admin/")}   # (the CMS: no cache)
    assert pages and not pages & set(read_again)
    objects = root / ".cache" / ObjectStore.FOLDER          # and still kept after KEEP builds
    assert pages <= {p.parent.name + p.name for p in objects.glob("*/*")}


def test_a_worker_slowed_by_its_outputs_takes_fewer_of_them(
        make_project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The workers take the outputs in chunks, one at a time: while one makes a slow
    chunk (the directory, a campaign), the other makes the rest, instead of each making
    a fixed half and the first waiting for the second. Each starts with the outputs of
    a language of its own. The site is the same."""
    import os
    import time
    root = project(make_project)
    pipeline.build(root, tmp_path / "one", UNTRUSTED)
    monkeypatch.setattr(pipeline, "PARALLEL_OUTPUTS", 0)
    monkeypatch.setattr(pipeline, "_workers", lambda outputs: 2)
    log = tmp_path / "chunks.log"
    real = pipeline._make_outputs

    def outputs(prepared, paths, *args):  # type: ignore[no-untyped-def]
        if "fr/index.html" in paths:
            time.sleep(2)                # one slow chunk
        langs = ",".join(sorted({path.split("/", 1)[0] for path in paths})) or "-"
        with log.open("a", encoding="utf-8") as file:
            file.write(f"{os.getpid()} {'fr/index.html' in paths} {langs}\n")
        return real(prepared, paths, *args)
    monkeypatch.setattr(pipeline, "_make_outputs", outputs)   # the workers inherit it
    pipeline.build(root, tmp_path / "two", UNTRUSTED)
    chunks: dict[str, list[bool]] = {}
    first: dict[str, str] = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        pid, slow, langs = line.split()
        chunks.setdefault(pid, []).append(slow == "True")
        first.setdefault(pid, langs)
    # each worker starts with a language of its own (the cards its listings share)
    assert sorted(first.values()) == ["fr", "nl"]
    assert sum(map(len, chunks.values())) >= 2 * pipeline.CHUNKS_PER_WORKER
    slowed = next(made for made in chunks.values() if any(made))
    others = [made for made in chunks.values() if not any(made)]
    assert others and len(slowed) < len(others[0])
    assert snapshot(tmp_path / "two") == snapshot(tmp_path / "one")


def test_the_pages_workers_make_or_take_from_the_store_are_sent_back_as_references(
        make_project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker sends the parent no bytes of a page, only which checked object of the
    store holds them: one it took from there (a warm build), or one it rendered and kept
    there (a cold build; at 5,000 members the parent would otherwise hold half a gigabyte
    of pages, and receive, unpickle and hash them again). The report counts what the
    build made as written, and the site is the same."""
    root = project(make_project)
    monkeypatch.setattr(pipeline, "PARALLEL_OUTPUTS", 0)
    monkeypatch.setattr(pipeline, "_workers", lambda outputs: 2)
    got: list[dict[str, object]] = []
    real_parallel = pipeline._make_in_parallel

    def parallel(*args, **kwargs):  # type: ignore[no-untyped-def]
        made, problems = real_parallel(*args, **kwargs)
        got.append(made)              # what the workers sent back, as the parent received it
        return made, problems
    monkeypatch.setattr(pipeline, "_make_in_parallel", parallel)
    first = pipeline.build(root, tmp_path / "cold", OPTIONS)
    second = pipeline.build(root, tmp_path / "warm", OPTIONS)
    assert first.written == first.files and second.written == 0
    assert snapshot(tmp_path / "warm") == snapshot(tmp_path / "cold") == cold(root, tmp_path / "c")
    for build, made in zip(("cold", "warm"), got[:2], strict=True):
        pages = {path: data for path, data in made.items()
                 if path.endswith(".html") and not path.startswith("admin/")}
        assert pages and not [path for path, data in pages.items() if isinstance(data, bytes)]
        assert all(data.size and data.read() == (tmp_path / build / path).read_bytes()
                   for path, data in pages.items())


def test_the_search_index_knows_the_pages_from_the_cache_without_reading_them(
        make_project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What Pagefind reads of a page (search.indexed_digest) is kept with the page in the
    render cache: a warm build computes it for no page, an edit for the pages it rendered
    again, and the index is the index of a cold build."""
    from circlemade_site.assets import search
    root = project(make_project)
    pipeline.build(root, tmp_path / "one", OPTIONS)
    digested: list[int] = []
    real = search.indexed_digest
    monkeypatch.setattr(search, "indexed_digest",
                        lambda data: digested.append(len(data)) or real(data))
    pipeline.build(root, tmp_path / "two", OPTIONS)
    assert digested == []
    assert snapshot(tmp_path / "two") == snapshot(tmp_path / "one")
    member = root / "members" / "recable" / "fr.md"
    member.write_text("Réparation de câbles et de chargeurs, à Forest.\n", encoding="utf-8")
    pipeline.build(root, tmp_path / "three", OPTIONS)
    assert 1 <= len(digested) <= 3                # its profile (and the pages listing it)
    assert snapshot(tmp_path / "three") == cold(root, tmp_path / "cold")


def test_pages_cached_by_a_build_without_search_are_indexed_by_the_next(
        make_project, tmp_path: Path) -> None:
    """A build without the search index (the preview's `--no-search`) keeps no search digest
    with its pages: the next build with it reads them, and its index is a cold build's."""
    root = project(make_project)
    pipeline.build(root, tmp_path / "plain", dataclasses.replace(OPTIONS, search=False))
    pipeline.build(root, tmp_path / "searched", OPTIONS)
    index = {p: d for p, d in snapshot(tmp_path / "searched").items() if p.startswith("pagefind/")}
    assert index == {p: d for p, d in cold(root, tmp_path / "cold").items()
                     if p.startswith("pagefind/")}


def test_a_problem_found_in_a_worker_is_reported_once(
        make_project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from circlemade_site.errors import BuildFailed
    root = project(make_project)
    template = root / "themes" / "circlemade" / "templates" / "member.html"
    template.write_text(template.read_text(encoding="utf-8").replace(
        "{% block content %}", "{% block content %}{{ member.no_such_field }}", 1),
        encoding="utf-8")
    monkeypatch.setattr(pipeline, "PARALLEL_OUTPUTS", 0)
    monkeypatch.setattr(pipeline, "_workers", lambda outputs: 2)
    with pytest.raises(BuildFailed) as failed:
        pipeline.build(root, tmp_path / "out", OPTIONS)
    problems = [d for d in failed.value.diagnostics if "no_such_field" in str(d.message)]
    assert len(problems) == 1 and problems[0].path.endswith("member.html")
    assert not (tmp_path / "out").exists()


@dataclasses.dataclass
class Plain:             # a dataclass without slots: pickled as pickle does
    name: str
    extra: dict[str, int]


def test_a_context_key_depends_on_every_value_and_on_nothing_else() -> None:
    """The bytes a page's key is made of (render.cache.context_bytes): equal contexts
    give equal bytes whichever objects hold the values; a change of any value, in a
    dataclass's field, a card or a plain dict, gives other bytes."""
    import datetime as dt

    from circlemade_site.plan.views import Card, Text
    from circlemade_site.render.cache import _Reducers, context_bytes

    def context(tagline: str, day: int = 1, count: int = 1) -> dict[str, object]:
        card = Card({"name": "Atelier " + "Bois", "tagline": Text(tagline, "fr")})
        return {"cards": [card, card], "since": dt.date(2026, 11, day),
                "plain": Plain("x", {"n": count}), "title": Text("Réemploi", "nl")}

    reducers = _Reducers({})
    same = context_bytes(context("Réparer"), reducers)
    assert same is not None
    assert context_bytes(context("Répa" + "rer"), reducers) == same
    assert context_bytes(context("Répa" + "rer")) == same           # a build of its own
    assert context_bytes(context("Réparer", day=2), reducers) != same
    assert context_bytes(context("Réparer", count=2), reducers) != same
    assert context_bytes(context("Réparer!"), reducers) != same      # in a card
    assert context_bytes({**context("Réparer"), "title": Text("Réemploi", "fr")},
                         reducers) != same                           # a field of a slots class
    assert context_bytes({"f": lambda: 1}) is None                   # not cached: rendered


def test_check_after_a_build_renders_nothing_and_reads_no_page(
        make_project, tmp_path: Path, rendered: list[str]) -> None:
    """`check` (the members' pull-request check, then `build`) keeps no page: a page the
    last build rendered with the same template and context is neither rendered nor read
    from the object store, so `check` of an unchanged site renders nothing, even with the
    store gone; an edit renders the pages it changes, and only those."""
    root = project(make_project)
    pipeline.build(root, tmp_path / "one", OPTIONS)
    shutil.rmtree(root / ".cache" / ObjectStore.FOLDER)
    rendered.clear()
    pipeline.check(root, OPTIONS)
    assert set(rendered) <= {"printed.html"}
    member = root / "members" / "atelier-copeau-vif" / "member.yaml"
    text = member.read_text(encoding="utf-8")
    member.write_text(text.replace("name: Atelier Copeau Vif", "name: Atelier Copeau Vif et Fils", 1),
                      encoding="utf-8")
    assert member.read_text(encoding="utf-8") != text
    pipeline.check(root, OPTIONS)
    assert "member.html" in rendered and len(rendered) < 100


@pytest.fixture
def profiles_made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The members whose profile context the builds of a test made, in order."""
    from circlemade_site.plan import members as planned
    made: list[str] = []
    real = planned.profile

    def profile(member, *args, **kwargs):  # type: ignore[no-untyped-def]
        made.append(member.slug)
        return real(member, *args, **kwargs)
    monkeypatch.setattr(planned, "profile", profile)
    return made


def test_an_edit_of_what_only_a_profile_shows_makes_that_profile_only(
        make_project, tmp_path: Path, profiles_made: list[str]) -> None:
    """A profile is keyed by its inputs (plan.views.Output.inputs): its member, and the site
    without the others' own fields. A tagline edit makes the edited member's profiles and no
    other (their context is not even made); a name edit, which other profiles show (in
    their matches), makes them all. The site is the site of a cold build each time."""
    root = project(make_project)
    pipeline.build(root, tmp_path / "one", OPTIONS)
    members = len(list((root / "members").iterdir()))
    assert len(profiles_made) == 2 * members             # every profile, in fr and nl
    profiles_made.clear()
    pipeline.build(root, tmp_path / "two", OPTIONS)
    assert profiles_made == []                           # nothing changed: none made
    member = root / "members" / "recable" / "member.yaml"
    text = member.read_text(encoding="utf-8")
    member.write_text(text.replace('tagline:\n  fr: "', 'tagline:\n  fr: "Vraiment : ', 1),
                      encoding="utf-8")
    pipeline.build(root, tmp_path / "three", OPTIONS)
    assert profiles_made == ["recable", "recable"]
    built = snapshot(tmp_path / "three")
    assert b"Vraiment : " in built["fr/membres/recable/index.html"]
    assert built == cold(root, tmp_path / "cold-three")
    profiles_made.clear()
    member.write_text(text.replace("name: Recâblé", "name: Recâblé Bruxelles", 1), encoding="utf-8")
    pipeline.build(root, tmp_path / "four", OPTIONS)
    assert len(profiles_made) == 2 * members
    built = snapshot(tmp_path / "four")
    shown = [path for path, data in built.items() if path.startswith("fr/membres/")
             and "recable" not in path and "Recâblé Bruxelles".encode() in data]
    assert shown                                          # another profile names it: a match
    assert built == cold(root, tmp_path / "cold-four")


def test_the_fields_a_profile_is_not_keyed_by_show_on_their_members_pages_only(
        make_project) -> None:
    """What plan.members.OWN_FIELDS promises, on the model: one member takes another's
    value of every one of these fields, and every other member's profile is the same,
    byte for byte. If a template or a view of another profile showed one of them (a
    tagline in the matches), a profile would be kept from the cache with the old value."""
    from circlemade_site.plan.members import OWN_FIELDS
    from circlemade_site.render.markup import MarkdownRenderer
    root = project(make_project)
    options = dataclasses.replace(UNTRUSTED, search=False)
    loaded = pipeline.load_site(root, options)

    def profiles(site: pipeline.Site) -> dict[str, bytes]:
        prepared = pipeline.prepare(dataclasses.replace(loaded, site=site), options,
                                    MarkdownRenderer())
        return {path: pipeline.content_bytes(pipeline.make(prepared, maker))
                for path, maker in prepared.makers.items()
                if isinstance(maker, pipeline.Output) and maker.template == "member.html"}

    site = loaded.site
    by_slug = {m.slug: m for m in site.members}
    edited, donor = by_slug["recable"], by_slug["maille-reprise"]
    changed = {name for name in OWN_FIELDS if getattr(edited, name) != getattr(donor, name)}
    assert {"tagline", "offers", "description", "street", "email", "phone", "website",
            "member_since", "enterprise_number", "person"} <= changed
    swapped = dataclasses.replace(edited, **{name: getattr(donor, name) for name in OWN_FIELDS})
    before = profiles(site)
    after = profiles(dataclasses.replace(
        site, members=tuple(swapped if m is edited else m for m in site.members)))
    mine = {path for path in before if "/recable/" in path}
    assert len(mine) == 2 and all(before[p] != after[p] for p in mine)
    others = [p for p in before if p not in mine]
    # the other profiles read this member: its name and URL are in their matches
    assert any(b"/recable/" in before[p] for p in others)
    assert {p: after[p] for p in others} == {p: before[p] for p in others}


def test_a_calendar_is_made_again_only_when_its_events_change(
        make_project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Calendars and open data are plan.views.DataFiles, keyed by what they are made from: a
    warm build makes none, a member's tagline edit makes the members' JSON and CSV but no
    calendar (they show events only) and not the opportunities' CSV, an edit of its
    profile's text none, an event's edit makes its own calendars and the agenda's. The
    site is the site of a cold build."""
    from circlemade_site.plan import exports
    made: list[tuple[str, ...]] = []
    calendar = exports.calendar_bytes

    def calendar_spy(events, lang, *args):  # type: ignore[no-untyped-def]
        made.append(("ics", lang, *(e.name for e in events)))
        return calendar(events, lang, *args)
    monkeypatch.setattr(exports, "calendar_bytes", calendar_spy)
    def spying(name: str):  # type: ignore[no-untyped-def]
        real = getattr(exports, name)

        def spy(*args):  # type: ignore[no-untyped-def]
            made.append((name,))
            return real(*args)
        return spy
    for name in ("members_json", "members_csv", "opportunities_csv"):
        monkeypatch.setattr(exports, name, spying(name))
    open_data = [("members_csv",), ("members_json",), ("opportunities_csv",)]
    root = project(make_project)
    pipeline.build(root, tmp_path / "one", OPTIONS)
    assert sorted(m for m in made if m[0] != "ics") == open_data
    assert sum(1 for m in made if m[0] == "ics") > 10
    made.clear()
    pipeline.build(root, tmp_path / "two", OPTIONS)
    assert made == []
    member = root / "members" / "recable" / "member.yaml"
    text = member.read_text(encoding="utf-8")
    member.write_text(text.replace('tagline:\n  fr: "', 'tagline:\n  fr: "Vraiment : ', 1),
                      encoding="utf-8")
    pipeline.build(root, tmp_path / "three", OPTIONS)      # the opportunities show no tagline
    assert sorted(made) == open_data[:2]
    made.clear()
    description = root / "members" / "recable" / "fr.md"     # the open data shows no profile text
    description.write_text(description.read_text(encoding="utf-8") + "\nAussi à Forest.\n",
                           encoding="utf-8")
    pipeline.build(root, tmp_path / "three-b", OPTIONS)
    assert made == []
    assert snapshot(tmp_path / "three-b") == cold(root, tmp_path / "cold-b")
    made.clear()                       # (the cold build made them all)
    event = root / "content" / "events" / "formation-achats-publics.fr.md"
    text = event.read_text(encoding="utf-8")
    event.write_text(text.replace("\ntitle: \"", "\ntitle: \"Complet : ", 1), encoding="utf-8")
    pipeline.build(root, tmp_path / "four", OPTIONS)
    calendars = [m for m in made if m[0] == "ics"]
    assert sorted(m for m in calendars if len(m) == 3) == [
        ("ics", "fr", "formation-achats-publics"), ("ics", "nl", "formation-achats-publics")]
    agendas = [m for m in calendars if len(m) > 3]
    assert sorted(m[1] for m in agendas) == ["fr", "nl"] and len(calendars) == 4
    built = snapshot(tmp_path / "four")
    ics = next(data for path, data in built.items()
               if path.startswith("fr/") and path.endswith(".ics") and b"Complet : " in data)
    assert ics.count(b"BEGIN:VEVENT") == 1
    assert built == cold(root, tmp_path / "cold")


def test_a_listing_is_keyed_by_what_it_lists(
        make_project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The directory, the offers, the opportunities and their facet pages are keyed by the
    items they list and their facet counts (plan.members.ListingInputs): a warm build makes
    no listing's cards and no facet panel, a tagline edit makes the listings that show the
    member only, and the site is the site of a cold build."""
    from circlemade_site.plan import members, opportunities
    panels: list[str] = []
    made: list[tuple[str, ...]] = []
    panel = members.facet_panel

    def panel_spy(site, router, lang, listing, *args):  # type: ignore[no-untyped-def]
        panels.append(listing)
        return panel(site, router, lang, listing, *args)

    def listing_spy(name: str):  # type: ignore[no-untyped-def]
        real = getattr(members._Listings, name)

        def spy(self, lang, listed, *args):  # type: ignore[no-untyped-def]
            items = self.site.members if name == "members" and listed is None else \
                self.offers if listed is None else listed
            made.append((name, lang, *sorted({getattr(i, "member_slug", None) or i.slug
                                              for i in items})))
            return real(self, lang, listed, *args)
        return spy
    monkeypatch.setattr(members, "facet_panel", panel_spy)
    monkeypatch.setattr(opportunities, "facet_panel", panel_spy)
    for name in ("members", "offers_of"):
        monkeypatch.setattr(members._Listings, name, listing_spy(name))
    root = project(make_project)
    pipeline.build(root, tmp_path / "one", OPTIONS)
    assert {urls.MEMBERS, urls.OFFERS, urls.OPPORTUNITIES} <= set(panels)
    assert len(made) > 40
    panels.clear()
    made.clear()
    pipeline.build(root, tmp_path / "two", OPTIONS)
    assert panels == [] and made == []
    member = root / "members" / "recable" / "member.yaml"
    text = member.read_text(encoding="utf-8")
    member.write_text(text.replace('tagline:\n  fr: "', 'tagline:\n  fr: "Vraiment : ', 1),
                      encoding="utf-8")
    pipeline.build(root, tmp_path / "three", OPTIONS)
    # the member listings that show it, in both languages (its member changed); no offer
    # listing, no opportunity listing (their cards do not show a tagline)
    assert made and all(m[0] == "members" and "recable" in m[2:] for m in made)
    assert {m[1] for m in made} == {"fr", "nl"} and urls.OPPORTUNITIES not in panels
    built = snapshot(tmp_path / "three")
    listing_pages = [p for p, data in built.items() if p.startswith("fr/membres/")
                     and b'href="/fr/membres/recable/"' in data and b"Vraiment : " in data
                     and p != "fr/membres/recable/index.html"]
    assert len(listing_pages) == sum(1 for m in made if m[1] == "fr")
    assert built == cold(root, tmp_path / "cold")


def test_the_search_text_leaves_out_what_pagefind_excludes() -> None:
    """The digest that decides whether a part of the index is made again covers what
    Pagefind reads of a page: the text of an element marked data-pagefind-ignore="all"
    (a campaign's member cards) is not in it; its tags, attributes and everything around
    it are, and a page whose excluded element does not end is taken whole."""
    from circlemade_site.assets.search import indexed_digest

    def page(card: str, around: str = "Réparer", attr: str = "") -> bytes:
        return (f'<main data-pagefind-body><h1>{around}</h1><section id="s"{attr} '
                f'data-pagefind-ignore="all"><h2 id="h">Membres</h2><section><p>{card}</p>'
                f'</section><img src="a.webp" alt=""></section><p>après</p></main>').encode()

    base = indexed_digest(page("Réparation de câbles"))
    assert indexed_digest(page("Remise en état de câbles")) == base
    assert indexed_digest(page("Réparation de câbles", around="Réemployer")) != base
    assert indexed_digest(page("Réparation de câbles", attr=' class="x"')) != base
    assert indexed_digest(page("x").replace(b"<p>apr", b"<p>avant apr")) != indexed_digest(page("x"))
    unclosed = page("Réparation").replace(b"</section><p>", b"<p>")
    assert indexed_digest(unclosed) != indexed_digest(unclosed.replace(b"Membres", b"Leden"))
    plain = b'<main data-pagefind-body><p data-pagefind-ignore>Texte</p></main>'
    assert indexed_digest(plain) != indexed_digest(plain.replace(b"Texte", b"Autre"))


def test_the_open_data_reads_no_field_it_is_not_keyed_by(sample: Path) -> None:
    """The open-data files are keyed by the site without the member fields they do not show
    (exports.NOT_IN_OPEN_DATA, NOT_IN_OPPORTUNITIES): making them reads none of those, or an
    edit of one would leave a stale file published."""
    from circlemade_site.models import Member
    from circlemade_site.plan import exports, members

    site = pipeline.load_site(sample, OPTIONS).site
    router = urls.Router(site)
    read: set[str] = set()

    class Reading(Member):          # a member that notes which of its fields are read
        __slots__ = ()

        def __getattribute__(self, name: str) -> object:
            if not name.startswith("__"):
                read.add(name)
            return super().__getattribute__(name)
    logos = members.member_logos(site, router)
    watched = dataclasses.replace(site, members=tuple(
        Reading(**{f.name: getattr(m, f.name) for f in dataclasses.fields(m)})
        for m in site.members))
    records = exports.member_records(watched, router, logos)
    exports.members_json(watched, router, records)
    exports.members_csv(watched, records)
    assert read and not read & exports.NOT_IN_OPEN_DATA
    read.clear()
    exports.opportunities_csv(watched, router)
    assert {"slug", "needs"} <= read and not read & exports.NOT_IN_OPPORTUNITIES
    fields = {f.name for f in dataclasses.fields(site.members[0])}
    assert fields >= exports.NOT_IN_OPPORTUNITIES
