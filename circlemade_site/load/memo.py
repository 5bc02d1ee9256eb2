"""Results of the per-file loading steps, kept in memory between the builds of one
process (the preview server), so that saving one member file reloads that member only.

A result is keyed by the stat signatures of every file it was made from (modification
and change times in nanoseconds, size, inode), plus those of the settings it depends
on. Only successes are kept, with the warnings they gave, which are reported again on
every build; a step that raises is run again next time.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TypeVar

from circlemade_site.errors import Diagnostic

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


class Memo:
    """Results of the last build, and of this one as it goes; `finish` forgets what this
    build did not ask for (deleted files), so the memory does not grow with every edit."""

    def __init__(self) -> None:
        self._previous: dict[Hashable, tuple[object, list[Diagnostic]]] = {}
        self._current: dict[Hashable, tuple[object, list[Diagnostic]]] = {}
        self.hits = 0
        self.misses = 0

    def start(self) -> None:
        self._current = {}
        self.hits = self.misses = 0

    def finish(self) -> None:
        self._previous = self._current

    def call(self, key: Hashable, make: Callable[[list[Diagnostic]], T],
             diagnostics: list[Diagnostic]) -> T:
        """make(diagnostics), or its result from the previous build under the same key."""
        found = self._current.get(key) or self._previous.get(key)
        if found is not None:
            self.hits += 1
            result, given = found
            diagnostics.extend(given)
            self._current[key] = found
            return result  # type: ignore[return-value]
        self.misses += 1
        given = []
        result = make(given)
        diagnostics.extend(given)
        if not any(d.severity == "error" for d in given):
            self._current[key] = (result, given)
        return result
