"""Faults of the machine, not of the content: `--out` on another file system, a full disk,
a read-only or vanished folder, a permission refused. Each ends in one line naming what
failed and saying that the previous site is untouched (it is), and the next build after
the fault is cleared succeeds.

Real faults use a small tmpfs (`mount -t tmpfs`, which needs root); the same paths are
also covered by injected OSErrors, so that they are tested where mounting is impossible.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import NOW

from circlemade_site import cli, files, pipeline, write
from circlemade_site.assets import search
from circlemade_site.errors import UsageError

OPTIONS = pipeline.BuildOptions(now=pipeline.dt.date.fromisoformat(NOW), cache_key="k" * 40)
UNTOUCHED = "the build stopped and the previous site is untouched"


def snapshot(out: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of a site with its modification time."""
    return {p.relative_to(out).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(out.rglob("*")) if p.is_file()}


@contextlib.contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` mounted on `folder` for the test; skipped where mounting is not
    allowed (not root, or a container without CAP_SYS_ADMIN)."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                             capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip() or 'not allowed'}); "
                    "the injected-error tests cover the same paths")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def build_cli(root: Path, out: Path, capsys: pytest.CaptureFixture[str],
              monkeypatch: pytest.MonkeyPatch) -> tuple[int, list[str]]:
    """`circlemade build` as a user runs it: its exit code and the lines of stderr."""
    monkeypatch.setenv(files.CACHE_KEY_VARIABLE, "k" * 40)
    capsys.readouterr()
    code = cli.main(["-C", str(root), "build", "--out", str(out), "--now", NOW])
    return code, capsys.readouterr().err.strip().splitlines()


def edit(root: Path) -> None:
    """A change that needs a page written and the search index made again."""
    path = root / "members" / "recable" / "fr.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nUne phrase de plus.\n",
                    encoding="utf-8")


def test_out_on_another_file_system_is_written_by_copies(make_project, tmp_path: Path) -> None:
    """Hard links cannot cross devices (the staging folder and Pagefind's input in
    .cache/): without the fallback the first build ends in an EXDEV traceback."""
    root = make_project()
    with tmpfs(tmp_path / "volume", "64m") as volume:
        assert os.stat(volume).st_dev != os.stat(root).st_dev
        out = volume / "public"
        pipeline.build(root, out, OPTIONS)
        first = snapshot(out)
        assert any(p.startswith("pagefind/pagefind-entry.json") for p in first)
        edit(root)
        report = pipeline.build(root, out, OPTIONS)
        second = snapshot(out)
        assert report.written > 0
        changed = {p for p in second if second[p] != first.get(p)}
        assert "fr/membres/recable/index.html" in changed
        assert "nl/leden/recable/index.html" not in changed      # kept, with its mtime


def test_where_hard_links_are_refused_files_are_copied(make_project, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The same fallback, with os.link failing as it does across devices (EXDEV)."""
    def no_link(source: object, dest: object, *args: object, **kwargs: object) -> None:
        raise OSError(errno.EXDEV, os.strerror(errno.EXDEV), str(source), None, str(dest))
    monkeypatch.setattr(os, "link", no_link)
    root = make_project()
    out = tmp_path / "public"
    pipeline.build(root, out, OPTIONS)
    first = snapshot(out)
    edit(root)
    pipeline.build(root, out, OPTIONS)
    second = snapshot(out)
    assert second["nl/leden/recable/index.html"] == first["nl/leden/recable/index.html"]
    assert second["fr/membres/recable/index.html"] != first["fr/membres/recable/index.html"]
    assert any(p.startswith("pagefind/") for p in second)


def test_an_out_that_is_a_mount_point_is_refused(make_project, tmp_path: Path) -> None:
    """A mount point cannot be swapped with a sibling folder: the message says to write
    into a folder inside it."""
    root = make_project()
    with tmpfs(tmp_path / "volume", "1m") as volume, \
            pytest.raises(UsageError, match="mount point.*volume/public"):
        pipeline.build(root, volume, OPTIONS)


def test_a_full_disk_and_a_read_only_output_end_in_one_line(
        make_project, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project()
    with tmpfs(tmp_path / "volume", "32m") as volume:
        out = volume / "public"
        assert build_cli(root, out, capsys, monkeypatch)[0] == 0
        before = snapshot(out)
        edit(root)
        free = os.statvfs(volume)
        filler = volume / "filler"
        with filler.open("wb") as file, contextlib.suppress(OSError):     # the disk is full
            file.write(b"\0" * (free.f_bavail * free.f_frsize))
        code, lines = build_cli(root, out, capsys, monkeypatch)
        assert code == 1 and len(lines) == 1, lines
        assert lines[0].startswith(f"circlemade: error: {out}")
        assert lines[0].endswith(f": No space left on device; {UNTOUCHED}")
        assert snapshot(out) == before
        assert sorted(p.name for p in volume.iterdir()) == ["filler", "public"]

        filler.unlink()
        subprocess.run(["mount", "-o", "remount,ro", str(volume)], check=True)
        code, lines = build_cli(root, out, capsys, monkeypatch)
        assert code == 1 and len(lines) == 1, lines
        assert lines[0] == f"circlemade: error: {volume}: Read-only file system; {UNTOUCHED}" \
            or lines[0].endswith(f": Read-only file system; {UNTOUCHED}")
        assert snapshot(out) == before

        subprocess.run(["mount", "-o", "remount,rw", str(volume)], check=True)
        assert build_cli(root, out, capsys, monkeypatch)[0] == 0     # the fault cleared
        assert snapshot(out)["fr/membres/recable/index.html"] != before["fr/membres/recable/index.html"]


def test_a_full_cache_disk_ends_in_one_line(make_project, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The project's own disk full (.cache/ on a 2 MB tmpfs): images, Markdown and the
    search step's input cannot be written."""
    root = make_project()
    out = tmp_path / "public"
    assert build_cli(root, out, capsys, monkeypatch)[0] == 0
    before = snapshot(out)
    shutil.rmtree(root / ".cache")
    edit(root)
    with tmpfs(root / ".cache", "2m"):
        code, lines = build_cli(root, out, capsys, monkeypatch)
        assert code == 1 and len(lines) == 1, lines
        assert lines[0].startswith(f"circlemade: error: {root.resolve()}/.cache/")
        assert lines[0].endswith(f": No space left on device; {UNTOUCHED}")
        assert snapshot(out) == before
    assert build_cli(root, out, capsys, monkeypatch)[0] == 0


def _full(path: str) -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)


def _search_step_full(monkeypatch: pytest.MonkeyPatch) -> str:
    """The disk fills while Pagefind's bundle is written into the site."""
    real = write.write_bytes

    def write_bytes(path: Path, data: bytes) -> None:
        if path.name == "pagefind-entry.json":
            raise _full(str(path))
        real(path, data)
    monkeypatch.setattr(write, "write_bytes", write_bytes)
    return "{out}/pagefind/pagefind-entry.json: No space left on device"


def _cache_full(monkeypatch: pytest.MonkeyPatch) -> str:
    """No space for the cache (the rendered Markdown, the image variants)."""
    def write_atomic(path: Path, data: bytes) -> None:
        raise _full(str(path))
    monkeypatch.setattr(files, "write_atomic", write_atomic)
    return "{root}/.cache/"


def _read_only_output(monkeypatch: pytest.MonkeyPatch) -> str:
    """The folder of the output is read-only: the staging folder cannot be made."""
    real = Path.mkdir

    def mkdir(self: Path, *args: object, **kwargs: object) -> None:
        if self.name.startswith(".public.new-"):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(self))
        real(self, *args, **kwargs)  # type: ignore[arg-type]
    monkeypatch.setattr(Path, "mkdir", mkdir)
    return "{out}: Read-only file system"


def _permission_refused(monkeypatch: pytest.MonkeyPatch) -> str:
    """The swap is refused (a folder owned by another user)."""
    def swap(staging: Path, out: Path) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(out))
    monkeypatch.setattr(write, "_swap", swap)
    return "{out}: Permission denied"


def _vanished_folder(monkeypatch: pytest.MonkeyPatch) -> str:
    """The staging folder disappears under the build (another process cleaning up)."""
    real = write.write_site

    def write_site(out: Path, files, finish, *args):
        def vanish(staging: Path) -> dict[str, bytes]:
            shutil.rmtree(staging)                 # once the pages are placed
            return finish(staging)
        return real(out, files, vanish, *args)
    monkeypatch.setattr(write, "write_site", write_site)
    return "No such file or directory"


@pytest.mark.parametrize("fault", [_search_step_full, _cache_full, _read_only_output,
                                   _permission_refused, _vanished_folder])
def test_an_io_failure_ends_in_one_line_and_the_next_build_succeeds(
        fault: Callable[[pytest.MonkeyPatch], str], make_project, tmp_path: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project()
    out = tmp_path / "public"
    assert build_cli(root, out, capsys, monkeypatch)[0] == 0
    before = snapshot(out)
    edit(root)
    with monkeypatch.context() as patched:
        expected = fault(patched).format(out=out, root=root.resolve(), parent=tmp_path)
        code, lines = build_cli(root, out, capsys, monkeypatch)
    assert code == 1 and len(lines) == 1, lines
    assert lines[0].startswith("circlemade: error: ") and expected in lines[0]
    assert lines[0].endswith(UNTOUCHED)
    assert snapshot(out) == before
    assert build_cli(root, out, capsys, monkeypatch)[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project", "public"]


def test_a_pagefind_failure_is_one_line(make_project, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Pagefind's own report of a failure is thousands of characters; its last line says
    what went wrong."""
    real = subprocess.run

    def run(command: list[str], *args: object, **kwargs: object) -> object:
        if "--site" in command:              # a Pagefind run
            return subprocess.CompletedProcess(command, 101, "Running Pagefind\n  Indexed 1 word\n", (
                "thread 'main' panicked at pagefind/src/output/mod.rs:109:14:\ncalled "
                "`Result::unwrap()` on an `Err` value: Os { code: 28, kind: StorageFull, "
                'message: "No space left on device" }\nstack backtrace:\nnote: Some details '
                "are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.\n"))
        return real(command, *args, **kwargs)  # type: ignore[call-overload]
    root = make_project()
    out = tmp_path / "public"
    assert build_cli(root, out, capsys, monkeypatch)[0] == 0
    before = snapshot(out)
    edit(root)
    with monkeypatch.context() as patched:
        patched.setattr(search.subprocess, "run", run)
        code, lines = build_cli(root, out, capsys, monkeypatch)
    assert code == 1
    assert lines == ["circlemade: error: the search index could not be built (Pagefind: No "
                     f"space left on device); {UNTOUCHED}"]
    assert snapshot(out) == before
