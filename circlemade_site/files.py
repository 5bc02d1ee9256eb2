"""The file rules every stage shares: size-limited reads of untrusted files, atomic writes,
hard links that fall back to copies, bytes left on disk until the site is written
(FileSlice), and the seal of every entry of the build cache (CacheSeal)."""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import functools
import hashlib
import hmac
import os
import secrets
import shutil
import stat
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from circlemade_site.errors import ContentError, Diagnostic, UsageError, msg

CACHE_KEY_VARIABLE = "CIRCLEMADE_CACHE_KEY"
CACHE_KEY_MIN_LENGTH = 32
MAC_SIZE = 32           # HMAC-SHA256


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


@contextlib.contextmanager
def naming(path: Path) -> Iterator[None]:
    """An OSError raised inside says which file it is about: a write that fails on a full
    disk raises ENOSPC without a file name (the error comes from write(), not open())."""
    try:
        yield
    except OSError as exc:
        if exc.filename is None:
            raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc
        raise


def write_bytes(path: Path, data: bytes) -> None:
    """`path.write_bytes(data)`, an error naming `path`."""
    with naming(path):
        path.write_bytes(data)


def write_atomic(path: Path, data: bytes) -> None:
    """Write `path` so that a reader (or a build killed meanwhile) sees the old file or the
    new one, never half of it: a temporary sibling, then one rename. The process id in
    the temporary name keeps two processes (a build and the preview's) apart."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with naming(path):
            tmp.write_bytes(data)
            tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)     # a full disk leaves no half-written temporary file
        raise


# errors of os.link that mean "not here" (another file system, no hard links on this
# one, too many links), where a copy does the same job
_NO_LINK = frozenset({errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP,
                      errno.ENOSYS, errno.EACCES})


def link_or_copy(source: str | Path, dest: str | Path) -> None:
    """Make `dest` hold the bytes of `source`: a hard link where the file system allows it
    (same inode, no bytes written), else a copy with the same modification time (`--out`
    on another file system than the project, a volume without hard links). `dest` is
    replaced if it exists."""
    try:
        try:
            os.link(source, dest)
        except FileExistsError:
            os.unlink(dest)
            os.link(source, dest)
    except OSError as exc:
        if exc.errno not in _NO_LINK:
            raise
        with naming(Path(dest)):
            shutil.copy2(source, dest)


def move(source: Path, dest: Path) -> None:
    """Rename `source` to `dest`, or copy it there and remove it where they are on two
    file systems."""
    try:
        os.rename(source, dest)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        with naming(dest):
            shutil.move(source, dest)


def is_same_file(a: Path, b: Path) -> bool:
    """True if `a` and `b` are the same file (a hard link): same device and inode."""
    try:
        sa, sb = os.stat(a, follow_symlinks=False), os.stat(b, follow_symlinks=False)
    except OSError:
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


@dataclasses.dataclass(frozen=True, slots=True)
class CacheSeal:
    """The one rule for trusting what is in .cache/: an entry is reused only if it carries
    an HMAC-SHA256 of its name and bytes made with the key that only trusted builds hold
    (CIRCLEMADE_CACHE_KEY: Netlify's production context, a developer's own machine).

    A deploy preview runs the pull request's own code and may share the production
    cache, so a digest stored with an entry proves nothing: that code can write any
    entry with any digest. It cannot make the MAC without the key. Without a key, a build
    seals with a random key of its own (`trusted` is False): it reuses nothing it did not
    make itself (a cold build), and nothing it writes is reused by another build. The
    entry's name (its path under .cache/) is part of what is signed, so a genuine entry
    moved to another name is refused too."""

    key: bytes = dataclasses.field(repr=False)
    trusted: bool

    @classmethod
    def of(cls, key: str | None) -> CacheSeal:
        if key:
            return cls(key.encode("utf-8"), True)
        return cls(secrets.token_bytes(32), False)

    def mac(self, name: str, data: bytes) -> bytes:
        return hmac.new(self.key, name.encode("utf-8") + b"\0" + data, hashlib.sha256).digest()

    def seal(self, name: str, data: bytes) -> bytes:
        """The entry as stored: the MAC, then the bytes."""
        return self.mac(name, data) + data

    def open(self, name: str, raw: bytes) -> bytes | None:
        """The bytes of a stored entry, or None if its MAC is not this key's."""
        mac, data = raw[:MAC_SIZE], raw[MAC_SIZE:]
        if len(raw) < MAC_SIZE or not hmac.compare_digest(mac, self.mac(name, data)):
            return None
        return data

    def read(self, path: Path, name: str) -> bytes | None:
        """The bytes of the entry `name` stored in `path`; None if it is missing, cannot be
        read, or is not sealed with this key (then it must be made again)."""
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        return self.open(name, raw)

    def write(self, path: Path, name: str, data: bytes) -> None:
        write_atomic(path, self.seal(name, data))


def cache_key(environ: Mapping[str, str]) -> str | None:
    """The cache key of a trusted build, from CIRCLEMADE_CACHE_KEY; None when it is not
    set (the build is then cold). A key too short to resist guessing is a usage error."""
    key = environ.get(CACHE_KEY_VARIABLE, "").strip()
    if not key:
        return None
    if len(key) < CACHE_KEY_MIN_LENGTH:
        raise UsageError(f"{CACHE_KEY_VARIABLE} is too short ({len(key)} characters, at least "
                         f"{CACHE_KEY_MIN_LENGTH}); make one with `python -c \"import secrets; "
                         f"print(secrets.token_hex(32))\"`")
    return key


@dataclasses.dataclass(frozen=True, slots=True)
class FileSlice:
    """Bytes left on disk until they are written: an image in the cache (after its MAC),
    an object of the store (ObjectStore.slice), so that a build does not hold every file
    of the site in memory, nor pass it from a worker process to the one that writes the
    site. The bytes are checked against `digest` when read: the entry is the one whose seal
    was opened, the object the one whose digest the render cache sealed."""

    path: Path | str
    offset: int
    size: int
    digest: bytes          # SHA-256 of the bytes

    def read(self) -> bytes:
        with open(self.path, "rb") as file:
            file.seek(self.offset)
            data = file.read(self.size)
        if len(data) != self.size or hashlib.sha256(data).digest() != self.digest:
            raise OSError(errno.EIO, "the cache entry changed while the site was built",
                          str(self.path))
        return data


Content = bytes | FileSlice


def content_bytes(data: Content) -> bytes:
    return data if isinstance(data, bytes) else data.read()


class ObjectStore:
    """Every file a build wrote, kept under its SHA-256 in `.cache/objects/` (a hard link
    to the published file where the file system allows, else a copy), so that a later build
    links a file whose bytes it would write again instead of writing it: Netlify builds into
    an empty folder every time, and a site of thousands of members is tens of thousands of
    files.

    Content-addressed, the store needs no seal: an object is used only when its bytes
    hash to the digest asked for (`find` reads and hashes it), so a planted or damaged
    object is refused and the file is written. What decides which digest an output should
    have is sealed (the render cache, the image cache). An object not used by the last
    `KEEP` builds is removed."""

    KEEP = 3
    FOLDER = "objects"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._root = str(folder)          # paths as strings: tens of thousands per build
        self._used: dict[str, int] = {}
        self._found: dict[bytes, str | None] = {}
        self.added: set[bytes] = set()     # objects this build made (`add`): written, not reused
        self._generation = 0
        try:
            import json
            raw = json.loads((folder / "used.json").read_bytes())
            if isinstance(raw, dict) and all(isinstance(v, int) for v in raw.values()):
                self._used = {str(k): v for k, v in raw.items()}
                self._generation = max(self._used.values(), default=0)
        except (OSError, ValueError):
            pass
        self._generation += 1

    def path(self, digest: bytes) -> str:
        name = digest.hex()
        return os.path.join(self._root, name[:2], name[2:])

    def find(self, digest: bytes, size: int) -> str | None:
        """The object holding exactly the bytes of `digest`, or None."""
        if digest in self._found:
            return self._found[digest]
        path = self.path(digest)
        found: str | None = None
        try:
            st = os.stat(path, follow_symlinks=False)
            if st.st_size == size and stat.S_ISREG(st.st_mode):
                h = hashlib.sha256()
                with open(path, "rb") as file:
                    while chunk := file.read(1 << 20):
                        h.update(chunk)
                if h.digest() == digest:
                    found = path
        except OSError:
            found = None
        self._found[digest] = found
        if found is not None:
            self._used[digest.hex()] = self._generation
        return found

    def slice(self, digest: bytes, size: int) -> FileSlice | None:
        """The object of `digest`, checked as `find` checks it, as bytes left on disk: a
        file the site links from here needs not be read again, nor held in memory."""
        path = self.find(digest, size)
        return None if path is None else FileSlice(path, 0, size, digest)

    def stored(self, data: bytes) -> Content:
        """`data` kept in the store (`add`) and handed on as its object, left on disk: a
        build's worker stores the files it makes, so that the process that writes the site
        receives none of their bytes (at 5,000 members, half a gigabyte of pages in a cold
        build) and links them from here. `data` itself when the store cannot keep it."""
        digest = hashlib.sha256(data).digest()
        self.add(digest, data)
        return self.slice(digest, len(data)) or data

    def verified(self) -> dict[bytes, str]:
        """The objects this process has read and found right (in a forked worker: for the
        parent's `merge`, so that it links them without reading them again)."""
        return {digest: path for digest, path in self._found.items() if path is not None}

    def merge(self, verified: Mapping[bytes, str], added: Iterable[bytes] = ()) -> None:
        """What a worker's `verified` returned: objects checked, and used by this build
        (`added`: those it made)."""
        for digest, path in verified.items():
            self._found[digest] = path
            self._used[digest.hex()] = self._generation
        self.added.update(added)

    def keep(self, digest: bytes, source: str | Path) -> None:
        """Keep `source` (a file just written, holding the bytes of `digest`) as the
        object of `digest`. A store that cannot be written costs the next build time,
        never the build."""
        if (path := self._missing(digest)) is None:
            return
        try:
            folder, name = os.path.split(path)
            os.makedirs(folder, exist_ok=True)
            tmp = os.path.join(folder, f".{name}.{os.getpid()}.tmp")
            link_or_copy(source, tmp)
            os.replace(tmp, path)
            self._found[digest] = path
        except OSError:
            pass

    def add(self, digest: bytes, data: bytes) -> None:
        """Keep `data` (of `digest`), which no file of the site holds (the HTML a PDF is
        printed from), as `keep` keeps a file written."""
        if (path := self._missing(digest)) is None:
            return
        try:
            write_atomic(Path(path), data)
            self._found[digest] = path
            self.added.add(digest)
        except OSError:
            pass

    def _missing(self, digest: bytes) -> str | None:
        """Mark `digest` used by this build; the path to keep it at, or None when the store
        has it (a file already there is checked when it is used, replaced if it proves
        wrong)."""
        self._used[digest.hex()] = self._generation
        path = self.path(digest)
        if self._found.get(digest) is not None:
            return None
        if digest not in self._found and os.path.lexists(path):
            return None
        return path

    def save(self) -> None:
        """Record what this build used, and remove the objects of none of the last builds."""
        import json
        oldest = self._generation - self.KEEP + 1
        self._used = {name: gen for name, gen in self._used.items() if gen >= oldest}
        try:
            if self.folder.is_dir():
                for sub in self.folder.iterdir():
                    if not sub.is_dir() or len(sub.name) != 2:
                        continue
                    for obj in sub.iterdir():
                        if sub.name + obj.name not in self._used:
                            obj.unlink(missing_ok=True)
            write_atomic(self.folder / "used.json", json.dumps(self._used).encode("utf-8"))
        except OSError:
            pass


@functools.lru_cache(maxsize=1)
def code_digest() -> bytes:
    """A SHA-256 of the generator's own code (every .py file of the package): what a
    cache of its results (validated members, rendered pages) must be made again for."""
    package = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        if "__pycache__" not in path.parts:
            h.update(path.relative_to(package).as_posix().encode() + b"\0")
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.digest()


TREE_DIGEST_LIMIT = 64 * 2**20


def tree_digest(path: Path) -> bytes | None:
    """A SHA-256 of a file, or of a folder's files (names and bytes, recursively); a
    symbolic link counts by its target's name, a missing file by its absence. None when a
    file is larger than TREE_DIGEST_LIMIT (its loader refuses it without reading it) or
    cannot be read. A build digests every member's folder: the folders are listed with
    os.scandir, whose entries know their type without a stat."""
    h = hashlib.sha256()

    def add_file(item: str, name: str) -> bool:
        with open(os.open(item, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)), "rb") as file:
            if os.fstat(file.fileno()).st_size > TREE_DIGEST_LIMIT:
                return False
            h.update(b"F" + name.encode() + b"\0" + hashlib.sha256(file.read()).digest())
        return True

    def add_folder(folder: str, name: str) -> bool:
        h.update(b"D" + name.encode() + b"\0")
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
        for entry in entries:
            child = f"{name}/{entry.name}"
            if entry.is_symlink():
                h.update(b"L" + child.encode() + b"\0" + os.fsencode(os.readlink(entry.path)) + b"\0")
            elif entry.is_dir(follow_symlinks=False):
                if not add_folder(entry.path, child):
                    return False
            elif entry.is_file(follow_symlinks=False):
                if not add_file(entry.path, child):
                    return False
            else:
                h.update(b"?" + child.encode() + b"\0")
        return True
    try:
        item = os.fspath(path)
        if os.path.islink(item):
            h.update(b"L\0" + os.fsencode(os.readlink(item)) + b"\0")
        elif os.path.isdir(item):
            if not add_folder(item, ""):
                return None
        elif os.path.isfile(item):
            if not add_file(item, ""):
                return None
        else:
            h.update(b"?\0")
    except OSError:
        return None
    return h.digest()
