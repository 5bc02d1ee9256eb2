"""The file rules every stage shares: size-limited reads of untrusted files, atomic writes,
and bytes left on disk until the site is written (FileSlice)."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from circlemade_site.errors import ContentError, Diagnostic, msg


def read_limited(path: Path, rel_path: str, limit: int, line: int | None = 1) -> bytes:
    """The bytes of a content file, refused (ContentError at `line`) when it is larger than
    `limit` or cannot be read: the size is checked before anything is read."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise ContentError(Diagnostic(
                rel_path, msg("the file is too large ({size} bytes, at most {limit})", size=size,
                              limit=limit), line))
        return path.read_bytes()
    except OSError as exc:
        raise ContentError(Diagnostic(rel_path, msg("cannot read the file: {reason}",
                                                    reason=exc.strerror))) from exc


def write_atomic(path: Path, data: bytes) -> None:
    """Write `path` so that a reader (or a build killed meanwhile) sees the old file or the
    new one, never half of it: a temporary sibling, then one rename. The process id in
    the temporary name keeps two processes (a build and the preview's) apart."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


@dataclasses.dataclass(frozen=True, slots=True)
class FileSlice:
    """Bytes left on disk until they are written: an image in the cache (after its
    checksum), so that a build does not hold every image of the site in memory."""

    path: Path
    offset: int
    size: int
    digest: bytes          # SHA-256 of the bytes

    def read(self) -> bytes:
        with self.path.open("rb") as file:
            file.seek(self.offset)
            data = file.read(self.size)
        if len(data) != self.size:
            raise OSError(f"{self.path} is shorter than expected")
        return data


Content = bytes | FileSlice


def content_bytes(data: Content) -> bytes:
    return data if isinstance(data, bytes) else data.read()
