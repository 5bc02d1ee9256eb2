"""The caches in .cache/ change how fast a build is, never what it produces."""

from __future__ import annotations

import shutil
from pathlib import Path

from circlemade_site import pipeline

from conftest import NOW

OPTIONS = pipeline.BuildOptions(now=pipeline.dt.date.fromisoformat(NOW))


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
