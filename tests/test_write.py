"""Atomic output: a build killed at any moment leaves the previous site whole."""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import REPO

from circlemade_site import write
from circlemade_site.files import CacheSeal

SLOW_WRITER = """
import sys, time
from pathlib import Path
from circlemade_site import write
from circlemade_site.files import CacheSeal
real = Path.write_bytes
def slow(self, data):
    time.sleep(0.01)
    return real(self, data)
Path.write_bytes = slow
files = {f"page{i}/index.html": f"new {i}".encode() for i in range(500)}
write.write_site(Path(sys.argv[1]), files)
"""


def test_write_site_replaces_exactly_the_files(tmp_path: Path) -> None:
    out = tmp_path / "public"
    write.write_site(out, {"a/index.html": b"a", "b.txt": b"b"})
    report = write.write_site(out, {"a/index.html": b"a", "c.txt": b"c"})
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        write.MARKER, "a/index.html", "c.txt"]
    assert (report.written, report.unchanged, report.removed) == (1, 1, 1)
    assert [p.name for p in tmp_path.iterdir()] == ["public"]


def test_sigkill_during_a_build_leaves_the_previous_site(tmp_path: Path) -> None:
    out = tmp_path / "public"
    write.write_site(out, {f"page{i}/index.html": f"old {i}".encode() for i in range(500)})
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    process = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(out)],
                               env={"PYTHONPATH": str(REPO)})
    deadline = time.monotonic() + 30
    while not any(len(list(s.iterdir())) >= 20 for s in tmp_path.glob(".public.new-*")):
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    # the next build clears what the killed one left behind
    write.write_site(out, {"index.html": b"fresh"})
    assert [p.name for p in tmp_path.iterdir()] == ["public"]
    assert (out / "index.html").read_bytes() == b"fresh"


def test_the_manifest_spares_reading_unchanged_files_and_never_hides_a_change(
        tmp_path: Path, monkeypatch) -> None:
    out, manifest = tmp_path / "public", tmp_path / "cache" / "manifest.json"
    seal = CacheSeal.of("k" * 40)         # a trusted build's: the manifest is reused
    files = {f"page{i}/index.html": f"page {i}".encode() for i in range(20)}
    write.write_site(out, files, manifest_path=manifest, seal=seal)
    reads = []
    real = write._same_bytes
    monkeypatch.setattr(write, "_same_bytes", lambda *a: reads.append(a) or real(*a))
    assert write.write_site(out, files, manifest_path=manifest, seal=seal).written == 0
    assert reads == []                                   # known by stat and digest

    edited = out / "page3" / "index.html"               # someone edits the published site
    edited.write_bytes(b"page X")
    report = write.write_site(out, files, manifest_path=manifest, seal=seal)
    assert report.written == 1 and edited.read_bytes() == b"page 3"

    manifest.write_text("{damaged", encoding="utf-8")     # a damaged manifest: bytes compared
    changed = {**files, "page5/index.html": b"page five"}
    report = write.write_site(out, changed, manifest_path=manifest, seal=seal)
    assert (report.written, report.unchanged) == (1, 19)
    assert (out / "page5" / "index.html").read_bytes() == b"page five"


def test_a_manifest_not_sealed_with_the_key_is_not_trusted(tmp_path: Path, monkeypatch) -> None:
    """A planted manifest could say that a file of the previous site already holds the new
    bytes: it is ignored, and the bytes are compared."""
    out, manifest = tmp_path / "public", tmp_path / "cache" / "manifest.json"
    seal = CacheSeal.of("k" * 40)
    write.write_site(out, {"index.html": b"old"}, manifest_path=manifest, seal=seal)
    entries = json.loads(manifest.read_bytes()[32:])
    entries["files"]["index.html"][3] = hashlib.sha256(b"new").hexdigest()     # a lie
    manifest.write_bytes(CacheSeal.of(None).seal("cache/manifest.json", json.dumps(entries).encode()))
    write.write_site(out, {"index.html": b"new"}, manifest_path=manifest, seal=seal)
    assert (out / "index.html").read_bytes() == b"new"
