"""Write the site: into a fresh folder, then swapped in atomically.

The new site is assembled in a sibling folder of `out`. A file whose bytes did not change
is hard-linked from the previous site (copied with its times where the file system has no
hard links), so it keeps its modification time (and costs no write). When everything is written, the new folder and `out` are exchanged in one
system call (renameat2 RENAME_EXCHANGE on Linux; two renames elsewhere), so a build that
fails, or is killed at any moment, leaves the previous site whole.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import dataclasses
import hashlib
import json
import os
import re
import shutil
import stat
import uuid
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from circlemade_site.errors import UsageError
from circlemade_site.files import (
    CacheSeal,
    Content,
    ObjectStore,
    content_bytes,
    link_or_copy,
    write_bytes,
)

MARKER = ".circlemade-output"
MARKER_TEXT = b"This folder is written by circlemade build; it is replaced on every build.\n"
SOURCE_FOLDERS = ("content", "members", "themes", "circlemade_site", "tests", "bench", "docs",
                  ".git", ".ci")


@dataclasses.dataclass(frozen=True, slots=True)
class WriteReport:
    written: int        # files whose bytes are new or changed
    unchanged: int      # files identical to the previous build (kept, with their mtime)
    removed: int        # files of the previous build that are gone


def check_out_dir(root: Path, out: Path) -> Path:
    """`out` resolved, or UsageError if writing there could destroy sources."""
    root = root.resolve()
    out = out.resolve()
    if out == root or out in root.parents:
        raise UsageError(f"refusing to write the site into {out}: it contains the project; "
                         "choose a folder such as public/")
    for name in SOURCE_FOLDERS:
        source = root / name
        if out == source or source in out.parents:
            raise UsageError(f"refusing to write the site into {out}: it is inside the "
                             f"source folder {name}/; choose a folder such as public/")
    if out.exists() and not out.is_dir():
        raise UsageError(f"refusing to write the site into {out}: it is a file")
    if out.is_dir() and os.path.ismount(out):
        raise UsageError(f"refusing to write the site into {out}: it is a mount point, which "
                         "cannot be swapped atomically; use a folder inside it, such as "
                         f"{out / 'public'}")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise UsageError(f"refusing to replace {out}: it is not empty and was not written by "
                         f"circlemade (no {MARKER} file in it); delete it or choose another folder")
    return out


def _raw_digest(data: Content) -> bytes:
    return hashlib.sha256(data).digest() if isinstance(data, bytes) else data.digest


def _size(data: Content) -> int:
    return len(data) if isinstance(data, bytes) else data.size


class Manifest:
    """What the last build wrote into `out`: per file its size, modification time, inode
    and SHA-256, kept in .cache/ (not in the published folder). A file whose stat still
    matches is known by its digest without being read: a rebuild at thousands of members
    compares tens of thousands of files. Without a manifest, when it is not sealed with
    this build's key (files.CacheSeal), or when a file was touched since, the bytes are
    compared."""

    def __init__(self, path: Path | None, seal: CacheSeal | None = None) -> None:
        self.path = path
        self.seal = seal or CacheSeal.of(None)
        self.entries: dict[str, list[Any]] = {}
        if path is None:
            return
        try:
            data = json.loads(self.seal.read(path, self.name) or b"{}")
            if isinstance(data, dict) and isinstance(data.get("files"), dict):
                self.entries = data["files"]
        except ValueError:
            pass

    @property
    def name(self) -> str:
        assert self.path is not None
        return f"{self.path.parent.name}/{self.path.name}"

    def same(self, file: str | Path, rel_path: str, data: Content,
             digest: bytes | None = None) -> bool:
        """True if `file` (the previous build's `rel_path`) holds exactly `data` (whose
        SHA-256 is `digest`, when known)."""
        entry = self.entries.get(rel_path)
        if isinstance(entry, list) and len(entry) == 4:
            try:
                st = os.stat(file, follow_symlinks=False)
            except OSError:
                return False
            if stat.S_ISREG(st.st_mode) and [st.st_size, st.st_mtime_ns, st.st_ino] == entry[:3]:
                return entry[3] == (digest or _raw_digest(data)).hex()
        return _same_bytes(file, data)

    def save(self, out: Path, files: Mapping[str, Content],
             digests: Mapping[str, bytes] | None = None) -> None:
        """Record what `out` now holds (`digests`: the SHA-256 of files already hashed).
        The site is already in place: a failure here (a full disk) only costs the next
        build a comparison of bytes, so the old manifest is removed and the build goes on."""
        if self.path is None:
            return
        digests = digests or {}
        try:
            entries = {}
            folder = str(out)
            for rel_path, data in files.items():
                st = os.stat(os.path.join(folder, rel_path), follow_symlinks=False)
                digest = digests.get(rel_path) or _raw_digest(data)
                entries[rel_path] = [st.st_size, st.st_mtime_ns, st.st_ino, digest.hex()]
            self.seal.write(self.path, self.name,
                            json.dumps({"out": str(out), "files": entries}).encode("utf-8"))
        except OSError:
            self.path.unlink(missing_ok=True)


class Staging:
    """The sibling folder of `out` a new site is assembled in (`.<out>.new-<random>`), made
    before the site is written, so that its folders can be made while the pages are still
    being rendered (`make_folders`: thousands of mkdir calls, which the main process makes
    while its workers render). `write_site` fills it and swaps it in, or removes it."""

    def __init__(self, out: Path) -> None:
        out.parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(out)
        self.path = out.with_name(f".{out.name}.new-{uuid.uuid4().hex[:12]}")
        self.path.mkdir()
        self.made: set[str] = {str(self.path)}

    def make_folders(self, rel_paths: Iterable[str]) -> None:
        """Make the folders that the files `rel_paths` (output-relative) will be put in."""
        root = str(self.path)
        for parent in sorted({os.path.dirname(os.path.join(root, p)) for p in rel_paths}):
            if parent not in self.made:
                _make_folders(parent, self.made)

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def write_site(out: Path, files: Mapping[str, Content],
               finish: Callable[[Path], Mapping[str, bytes]] | None = None,
               manifest_path: Path | None = None, seal: CacheSeal | None = None,
               store: ObjectStore | None = None, staging: Staging | None = None) -> WriteReport:
    """Replace the folder `out` with exactly `files` (output-relative POSIX path -> bytes).
    `finish`, if given, runs on the staging folder once `files` are in it and before the
    swap (the search index is made there); it returns the files to add, which are placed
    as the others are. With a
    `manifest_path`, unchanged files are recognised without reading them (see Manifest,
    sealed with `seal`). With a `store` (files.ObjectStore), a file that a previous build
    wrote with the same bytes is linked from it rather than written (into an empty `out`,
    as on Netlify, that is most of the site), and every file written is kept there.
    `staging`, if given, is the folder to assemble the site in (made, perhaps with its
    folders, while the site was rendered); it is swapped in or removed.

    An OSError (a full disk, a read-only or vanished folder) propagates once the staging
    folder is removed: until the swap, `out` is never touched."""
    try:
        staging = staging or Staging(out)
        manifest = Manifest(manifest_path, seal)
        if finish is None and _is_unchanged(out, files, manifest):   # already this site
            staging.remove()
            return WriteReport(0, len(files), 0)
    except BaseException:
        if staging is not None:
            staging.remove()
        raise
    counts = {"written": 0, "unchanged": 0}
    digests: dict[str, bytes] = {}      # each file's SHA-256, computed once (for the manifest)
    made_dirs = staging.made
    staged, previous_site = str(staging.path), str(out)
    has_previous = out.is_dir()     # into an empty folder (Netlify), nothing to link from it

    def place(rel_path: str, data: Content) -> None:
        """Put one file in the staging folder: linked from the previous site or the store
        when its bytes are there, else written (and kept in the store). Paths as strings:
        tens of thousands of files."""
        dest = os.path.join(staged, rel_path)
        parent = os.path.dirname(dest)
        if parent not in made_dirs:
            _make_folders(parent, made_dirs)
        digest = digests[rel_path] = _raw_digest(data)
        if has_previous:
            previous = os.path.join(previous_site, rel_path)
            if manifest.same(previous, rel_path, data, digest):
                try:
                    link_or_copy(previous, dest)
                    counts["unchanged"] += 1
                    if store is not None:
                        store.keep(digest, dest)
                    return
                except OSError:       # the previous file vanished meanwhile: write it
                    pass
        if store is not None and (kept := store.find(digest, _size(data))) is not None:
            try:
                link_or_copy(kept, dest)
                # an object this build made (a page a worker rendered) was written
                counts["written" if digest in store.added else "unchanged"] += 1
                return
            except OSError:
                pass
        write_bytes(Path(dest), content_bytes(data))
        counts["written"] += 1
        if store is not None:
            store.keep(digest, dest)

    try:
        for rel_path, data in sorted(files.items()):
            place(rel_path, data)
        if finish is not None:
            added = finish(staging.path)
            for rel_path, data in sorted(added.items()):
                place(rel_path, data)
            files = {**files, **added}
        write_bytes(staging.path / MARKER, MARKER_TEXT)
        removed = _count_removed(out, files)
        _swap(staging.path, out)
    except BaseException:
        staging.remove()
        raise
    staging.remove()   # now holds the previous site
    manifest.save(out, files, digests)
    if store is not None:
        store.save()
    return WriteReport(counts["written"], counts["unchanged"], removed)


def _make_folders(folder: str, made: set[str]) -> None:
    """Make `folder` and the folders above it that are not in `made` (which holds the
    staging folder itself), and add them to it. The staging folder is never made again:
    removed under the build, it makes this raise FileNotFoundError instead of holding
    part of the site only."""
    missing = []
    while folder not in made:
        missing.append(folder)
        if (folder := os.path.dirname(folder)) == missing[-1]:
            raise ValueError(f"{missing[0]} is not in the staging folder")
    for path in reversed(missing):
        with contextlib.suppress(FileExistsError):
            os.mkdir(path)
        made.add(path)


def shown_path(path: str, out: Path) -> str:
    """A path of the staging folder as the path it will have in `out` (for messages)."""
    staging = re.escape(str(out.with_name(f".{out.name}.new-")))
    return re.sub(f"^{staging}[0-9a-f]{{12}}", lambda _: str(out), path)


def _is_unchanged(out: Path, files: Mapping[str, Content], manifest: Manifest) -> bool:
    """True if `out` holds exactly `files`, byte for byte (and the marker)."""
    if not (out / MARKER).is_file():
        return False
    present: set[str] = set()
    for folder, _, names in os.walk(out):
        base = os.path.relpath(folder, out)
        present.update(name if base == "." else f"{base}/{name}" for name in names)
    present.discard(MARKER)
    if present != files.keys():
        return False
    return all(manifest.same(out / rel_path, rel_path, data) for rel_path, data in files.items())


def _same_bytes(file: str | Path, data: Content) -> bool:
    path = Path(file)
    try:
        size = len(data) if isinstance(data, bytes) else data.size
        if path.is_symlink() or path.stat().st_size != size:
            return False
        return path.read_bytes() == content_bytes(data)
    except OSError:
        return False


def _count_removed(out: Path, files: Mapping[str, Content]) -> int:
    if not out.is_dir():
        return 0
    return sum(1 for p in out.rglob("*")
               if p.is_file() and p.name != MARKER and p.relative_to(out).as_posix() not in files)


def _remove_leftovers(out: Path) -> None:
    """Staging folders of builds that were killed before they could clean up."""
    for stale in out.parent.glob(f".{out.name}.new-*"):
        shutil.rmtree(stale, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _swap(staging: Path, out: Path) -> None:
    if not out.exists():
        os.rename(staging, out)
        return
    if _exchange(staging, out):
        return
    # Without an atomic exchange: two renames. A crash between them leaves the previous
    # site in `.<out>.new-*` and no `out`; the next build starts from scratch.
    aside = out.with_name(f".{out.name}.new-{uuid.uuid4().hex[:12]}")
    os.rename(out, aside)
    os.rename(staging, out)
    os.rename(aside, staging)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2). False where unsupported."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0
