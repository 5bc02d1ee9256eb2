"""Results of the per-file loading steps: kept in memory between the builds of one
process (`Memo`, the preview server), so that saving one member file reloads that member
only; and on disk between builds (`SealedMemo`, sealed with the cache key), so that a build
on a fresh checkout validates only the members whose files changed.

A result is keyed by the stat signatures of every file it was made from (modification
and change times in nanoseconds, size, inode), plus those of the settings it depends
on. Only successes are kept, with the warnings they gave, which are reported again on
every build; a step that raises is run again next time.

The preview's file watcher says which paths changed (`Changes`): the signatures of the
other files, and the folders' listings, are then kept from the last load instead of
taken again (about 7,000 stats and two folder walks per save at 1,000 members). Without
that news (the first load, a watcher that restarted, a mass change) everything is taken
again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import pickle
import stat
from collections.abc import Callable, Collection, Hashable
from pathlib import Path
from typing import TypeVar

from circlemade_site.errors import Diagnostic
from circlemade_site.files import CacheSeal, code_digest

T = TypeVar("T")
Signature = tuple[Hashable, ...]


def signature(path: Path | str) -> Signature:
    """What changes when a file is saved, or a folder's files are (recursively)."""
    return _signature(os.fspath(path))


def _signature(path: str) -> Signature:
    try:
        st = os.stat(path, follow_symlinks=False)
    except OSError:
        return (path, None)
    if not stat.S_ISDIR(st.st_mode):
        return (path, st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
    with os.scandir(path) as entries:
        inside = sorted(entry.path for entry in entries)
    return (path, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, *map(_signature, inside))


@dataclasses.dataclass(frozen=True, slots=True)
class Changes:
    """What the file watcher saw change since the last load: every path it reported
    (files and folders, absolute, as the watcher names them, including those whose
    changes alone do not reload the site, such as an editor's swap file), the folders it
    watches, and whether anything was added, removed or renamed (the folders are then
    listed again)."""

    watched: tuple[str, ...]
    paths: Collection[str]
    moved: bool

    # more paths than this at once (a branch checked out, a folder copied in) and the
    # watcher may have dropped some (inotify's queue overflows): everything is looked at
    MAX_PATHS = 500


class Memo:
    """Results of the last build, and of this one as it goes; `finish` forgets what this
    build did not ask for (deleted files), so the memory does not grow with every edit."""

    def __init__(self) -> None:
        self._previous: dict[Hashable, tuple[object, list[Diagnostic]]] = {}
        self._current: dict[Hashable, tuple[object, list[Diagnostic]]] = {}
        self._signatures: dict[str, Signature] = {}       # path -> its signature
        self._listed: dict[Hashable, tuple[object, list[Diagnostic]]] = {}
        self.hits = 0
        self.misses = 0
        self.looked_at = 0            # signatures taken by this load (a folder counts once)

    def start(self, changes: Changes | None = None) -> None:
        """Begin a load. `changes`: what changed since the last one, if known; then
        only the signatures of those paths (and of the folders holding them) are taken
        again, and the folders are listed again only if something moved."""
        self._current = {}
        self.hits = self.misses = self.looked_at = 0
        if changes is None or len(changes.paths) > Changes.MAX_PATHS:
            self._signatures.clear()
            self._listed.clear()
            return
        watched = tuple(os.path.join(folder, "") for folder in changes.watched)
        signatures = {path: found for path, found in self._signatures.items()
                      if path.startswith(watched)}     # outside them nothing is known
        for changed in changes.paths:
            inside = os.path.join(changed, "")
            for path in [p for p in signatures if p.startswith(inside)]:
                del signatures[path]
            path = changed
            while True:        # the folders holding it: their signatures hold its own
                signatures.pop(path, None)
                parent = os.path.dirname(path)
                if parent == path:
                    break
                path = parent
        self._signatures = signatures
        if changes.moved:
            self._listed.clear()

    def signature(self, path: Path | str) -> Signature:
        """signature(path), kept from the last load unless the watcher saw it change."""
        key = os.fspath(path)
        found = self._signatures.get(key)
        if found is None:
            found = self._signatures[key] = _signature(key)
            self.looked_at += 1
        return found

    def listing(self, key: Hashable, make: Callable[[list[Diagnostic]], T],
                diagnostics: list[Diagnostic]) -> T:
        """make(diagnostics): a folder's listing, kept from the last load unless something
        was added or removed (with its diagnostics, errors included: the same files give
        the same ones)."""
        found = self._listed.get(key)
        if found is None:
            given: list[Diagnostic] = []
            found = self._listed[key] = (make(given), given)
        result, given = found
        diagnostics.extend(given)
        return result  # type: ignore[return-value]

    def finish(self) -> None:
        self._previous = self._current

    def call(self, key: Hashable, make: Callable[[list[Diagnostic]], T],
             diagnostics: list[Diagnostic], *, reads: bool = True) -> T:
        """make(diagnostics), or its result from the previous build under the same key.
        `reads`: whether `make` reads a file (`misses` counts those: the files read); a
        step made from what another step read (a validation) is not counted."""
        found = self._current.get(key) or self._previous.get(key)
        if found is not None:
            self.hits += 1
            result, given = found
            diagnostics.extend(given)
            self._current[key] = found
            return result  # type: ignore[return-value]
        self.misses += reads
        given = []
        result = make(given)
        diagnostics.extend(given)
        if not any(d.severity == "error" for d in given):
            self._current[key] = (result, given)
        return result


class SealedMemo:
    """Results of the loading steps kept on disk from build to build (`.cache/load.pickle`),
    keyed by a digest of what they are made from (the bytes of the member's files, of the
    settings and vocabularies, and the generator's code), so that a build on a fresh
    checkout, Netlify's, validates again only the members whose files changed.

    A validated model taken from the cache skips validation, so the file is sealed with
    the cache key (files.CacheSeal) and unpickled only once its MAC is right: a build
    without the key, or a planted file, validates everything. Only successes are kept,
    with their warnings; what this build did not ask for is dropped when it is saved."""

    VERSION = b"1"

    def __init__(self, path: Path, seal: CacheSeal) -> None:
        self.path = path
        self.seal = seal
        self._previous: dict[bytes, bytes] = {}
        self._current: dict[bytes, bytes] = {}
        self.hits = self.misses = 0
        raw = seal.read(path, path.name) if seal.trusted else None
        if raw is not None:
            try:
                found = pickle.loads(raw)
                if isinstance(found, dict):
                    self._previous = found
            except Exception:       # a damaged entry of ours: made again
                self._previous = {}

    def call(self, key: bytes | None, make: Callable[[list[Diagnostic]], T],
             diagnostics: list[Diagnostic]) -> T:
        """make(diagnostics), or its result kept under `key` (None: not kept)."""
        if key is not None:
            key = hashlib.sha256(self.VERSION + code_digest() + key).digest()
            found = self._previous.get(key)
            if found is not None:
                try:
                    kept, warned = pickle.loads(found)
                except Exception:   # as above
                    pass
                else:
                    self.hits += 1
                    self._current[key] = found
                    diagnostics.extend(warned)
                    return kept
        self.misses += 1
        given: list[Diagnostic] = []
        result = make(given)
        diagnostics.extend(given)
        if key is not None and self.seal.trusted and \
                not any(d.severity == "error" for d in given):
            with contextlib.suppress(pickle.PicklingError, TypeError, AttributeError):
                self._current[key] = pickle.dumps((result, given), protocol=5)
        return result

    def save(self) -> None:
        """Seal what this build loaded; a cache that cannot be written costs time only."""
        if not self.seal.trusted or self._current == self._previous:
            return
        with contextlib.suppress(OSError):
            self.seal.write(self.path, self.path.name, pickle.dumps(self._current, protocol=5))
