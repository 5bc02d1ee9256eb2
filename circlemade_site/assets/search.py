"""Site-wide search with Pagefind: the index is built from the rendered pages before
anything is written, so a failed index leaves the previous site whole.

Pagefind makes one index per `<html lang>` with that language's stemming (French and
Dutch Snowball stemmers: "réparations" finds "réparation"). Pages opt in with
`data-pagefind-body` and say what they are with `data-pagefind-meta="kind:..."`; the
search page filters results by that meta. (Pagefind's own filters would do it in the index,
but its filter files are written from a hash map in a different order on every run, which
would make builds differ: upstream issue Pagefind/pagefind#638.) Each offer is indexed as
a small record of its own whose `link` meta points at the offer on its member's profile
(#offer-N); the search page follows `link` when a result has one.

The Pagefind binary (shipped by the `pagefind` package) runs once per language on the
pages to index of the build's staging folder, before it is swapped in: its Python service
API would cost a tenth of a second per page.
"""

from __future__ import annotations

import base64
import dataclasses
import fcntl
import hashlib
import html
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from circlemade_site import urls
from circlemade_site.errors import OutputFailed, escape_controls, msg
from circlemade_site.files import (
    CacheSeal,
    Content,
    is_same_file,
    link_or_copy,
    move,
    write_bytes,
)
from circlemade_site.models import Need, Opportunity, Site

OUTPUT = "pagefind"
CACHE_VERSION = "2"
UNUSED = ("pagefind-ui.*", "pagefind-component-ui.*", "pagefind-modular-ui.*",
          "pagefind-highlight.js")
RECORDS = "_records"      # folder of the synthetic offer pages: _records/<lang>/...


def record(kind: str, lang: str, link: str, member: str, title: str, title_lang: str,
           summary: str) -> str:
    """The page Pagefind indexes for one offer, need or flow: a result of `kind` that
    links to `link` on its member's profile."""
    return (f'<!doctype html><html lang="{lang}"><body><main data-pagefind-body '
            f'data-pagefind-meta="kind:{kind}">'
            f'<span data-pagefind-meta="link:{html.escape(link)}"></span>'
            f'<span data-pagefind-meta="member:{html.escape(member)}"></span>'
            f'<h1 lang="{title_lang}">{html.escape(title)}</h1><p>{html.escape(summary)}</p>'
            f'<p>{html.escape(member)}</p></main></body></html>')


def offer_records(site: Site, router: urls.Router) -> dict[str, str]:
    """A small HTML page per offer, need and flow and per language (temporary path ->
    HTML), for the index: a result links to it on its member's profile."""
    records = {}
    order = site.config.fallback_order
    for member in site.members:
        posted: list[Opportunity] = [*member.needs, *member.flows]
        for found in posted:
            anchor = router.opportunity_anchor(found)
            for lang in site.config.languages:
                if isinstance(found, Need):
                    title, title_lang = found.title.get(lang, order)
                else:
                    title, title_lang = site.facets["materials"].terms[found.material].label.get(lang, order)
                summary, _ = found.summary.get(lang, order)
                link = router.opportunity_url(member, found, lang)
                records[f"{RECORDS}/{lang}/{member.slug}-{anchor}.html"] = record(
                    "opportunity", lang, link, member.name, title, title_lang, summary)
        for offer in member.offers:
            for lang in site.config.languages:
                title, title_lang = offer.title.get(lang, order)
                summary, _ = offer.summary.get(lang, order)
                link = router.offer_url(member, offer, lang)
                records[f"{RECORDS}/{lang}/{member.slug}-{offer.index}.html"] = record(
                    "offer", lang, link, member.name, title, title_lang, summary)
    return records


@dataclasses.dataclass(frozen=True, slots=True)
class IndexJob:
    """An index to make with Pagefind, and where its bundle is cached."""

    records: Mapping[str, str]
    cache: Path
    seal: CacheSeal
    pages: tuple[str, ...] = ()       # output paths of the pages to index

    @property
    def cache_name(self) -> str:
        """The name of the bundle in its seal."""
        return f"{self.cache.parent.name}/{self.cache.name}"

    @property
    def work(self) -> Path:
        """Where each language's pages and records are gathered for Pagefind."""
        return self.cache.parent.parent / "search-site"


def prepare(files: Mapping[str, Content], records: Mapping[str, str],
            work_dir: Path, seal: CacheSeal,
            non_pages: tuple[str, ...] = ()) -> tuple[dict[str, bytes] | None, IndexJob]:
    """The cached Pagefind bundle (output path -> bytes) for the HTML pages among `files`,
    or None when it must be made, with the job that makes it.

    The bundle is cached in `work_dir/pagefind/` under a digest of everything indexed: a
    rebuild whose indexed pages did not change takes the previous bundle, byte for byte,
    without running Pagefind, if the bundle is sealed with `seal`'s key (files.CacheSeal):
    the digest in its name proves nothing, anyone can write a file of that name. The HTML
    that is not a page (`non_pages`, urls.non_page_html: the CMS) is never indexed."""
    digest = hashlib.sha256(f"{CACHE_VERSION}\0{pagefind_version()}".encode())
    pages = []
    for path, data in sorted(files.items()):
        if (urls.is_page_html(path, non_pages) and isinstance(data, bytes)
                and b"data-pagefind-body" in data):
            pages.append(path)
            digest.update(path.encode() + b"\0" + hashlib.sha256(data).digest())
    for path, text in sorted(records.items()):
        digest.update(path.encode() + b"\0" + text.encode())
    job = IndexJob(records, work_dir / "pagefind" / f"{digest.hexdigest()}.json", seal,
                   tuple(pages))
    raw = seal.read(job.cache, job.cache_name)
    try:
        if raw is None:
            raise ValueError("not sealed with this key")
        cached = json.loads(raw)
        return {path: base64.b64decode(data) for path, data in cached.items()}, job
    except (ValueError, TypeError, AttributeError):
        return None, job       # missing, damaged or planted: make it again


def index_folder(job: IndexJob, site: Path) -> dict[str, bytes]:
    """Run Pagefind on the site being written (the staging folder of write.py, before it
    is swapped in), once per language, and join the bundles. Returns the bundle, also
    cached.

    Each run sees only its language's pages to index and offer records, in a folder kept
    in .cache/search-site/<language>/ from build to build: Pagefind holds everything it
    reads in memory, listings would only cost it time, and creating thousands of files
    is slow. A page is a hard link to the staging file, made again only when that file
    is new (an unchanged page is the same inode as in the previous build), or a copy
    where the site is on another file system; an offer record is written again only when
    its text changed (known from a sealed list of what was written)."""
    out = site / OUTPUT
    groups: dict[str, list[str]] = {}
    for path in job.pages:
        groups.setdefault(path.split("/", 1)[0], []).append(path)
    for path in job.records:
        groups.setdefault(path.split("/")[1], [])
    job.work.mkdir(parents=True, exist_ok=True)
    with (job.work / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)           # a preview's background build, and a build
        for stale in set(p.name for p in job.work.iterdir() if not p.name.startswith(".")) - groups.keys():
            shutil.rmtree(job.work / stale, ignore_errors=True)
        for group, paths in sorted(groups.items()):
            folder = job.work / group
            records = {path: text for path, text in job.records.items()
                       if path.split("/")[1] == group}
            _sync(folder, site, paths, records, job.seal)
            bundle_dir = job.work / f".{group}.out"
            shutil.rmtree(bundle_dir, ignore_errors=True)
            result = subprocess.run(
                [sys.executable, "-m", "pagefind", "--site", str(folder),
                 "--output-path", str(bundle_dir)],
                capture_output=True, text=True, timeout=1800)
            if result.returncode != 0:
                raise OutputFailed(msg(
                    "the search index could not be built (Pagefind: {reason}); the build "
                    "stopped and the previous site is untouched",
                    reason=_reason(result.stderr, result.stdout)))
            _merge(bundle_dir, out)
            shutil.rmtree(bundle_dir, ignore_errors=True)
    for unused in UNUSED:     # Pagefind's own interfaces: the theme has its search page
        for found in out.glob(unused):
            found.unlink()
    bundle = {f"{OUTPUT}/{p.relative_to(out).as_posix()}": p.read_bytes()
              for p in sorted(out.rglob("*")) if p.is_file()}
    job.cache.parent.mkdir(parents=True, exist_ok=True)
    for old in job.cache.parent.glob("*.json"):       # keep only the latest bundle
        old.unlink(missing_ok=True)
    job.seal.write(job.cache, job.cache_name, json.dumps(
        {p: base64.b64encode(d).decode() for p, d in bundle.items()}).encode("utf-8"))
    return bundle


def _reason(stderr: str, stdout: str) -> str:
    """What Pagefind said went wrong, in one line: the system's message of a Rust panic
    (`Os { code: 28, ..., message: "No space left on device" }`), else its last line that
    speaks of an error, else its last line."""
    if found := re.search(r'message: "([^"]{1,200})"', stderr):
        return escape_controls(found[1])
    lines = [line.strip() for line in (stderr or stdout).splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower()]
    return escape_controls((errors or lines or ["no output"])[-1][-300:])


def _sync(folder: Path, site: Path, pages: list[str], records: Mapping[str, str],
          seal: CacheSeal) -> None:
    """Make `folder` hold exactly `pages` (hard links into `site`, or copies) and
    `records`. A record file is trusted to hold its text only if the list of what was
    written (`.records.json`) is sealed with this build's key; else every one is written
    again."""
    state_file = folder / ".records.json"
    state_name = f"{folder.parent.name}/{folder.name}/{state_file.name}"
    try:
        written = json.loads(seal.read(state_file, state_name) or b"{}")
        if not isinstance(written, dict):
            written = {}
    except ValueError:
        written = {}
    state_file.unlink(missing_ok=True)      # until it is true again: a killed build
    wanted = set(pages) | records.keys()
    present: set[str] = set()
    if folder.is_dir():
        for parent, _, names in os.walk(folder):
            base = os.path.relpath(parent, folder)
            present.update(n if base == "." else f"{base}/{n}" for n in names)
    present.discard(".records.json")
    for stale in present - wanted:
        (folder / stale).unlink()
    made: set[Path] = set()

    def place(path: str) -> Path:
        dest = folder / path
        if dest.parent not in made:
            dest.parent.mkdir(parents=True, exist_ok=True)
            made.add(dest.parent)
        return dest

    for path in pages:
        source, dest = site / path, folder / path
        if path in present and is_same_file(source, dest):
            continue
        link_or_copy(source, place(path))
    digests = {}
    for path, text in records.items():
        digests[path] = hashlib.sha256(text.encode()).hexdigest()
        if path in present and written.get(path) == digests[path]:
            continue
        write_bytes(place(path), text.encode("utf-8"))
    seal.write(state_file, state_name, json.dumps(digests).encode("utf-8"))


def _merge(bundle: Path, out: Path) -> None:
    """Move one run's bundle into `out` (renames, or copies where `out` is on another file
    system than the cache). Index files have
    content-hashed names; the shared scripts are identical from run to run;
    pagefind-entry.json lists each run's language, and is written with sorted keys
    (Pagefind's own order varies from run to run)."""
    out.mkdir(parents=True, exist_ok=True)
    for path in sorted(bundle.iterdir()):
        dest = out / path.name
        if path.name == "pagefind-entry.json":
            entry = json.loads(path.read_text(encoding="utf-8"))
            if dest.is_file():
                entry["languages"] = {**json.loads(dest.read_text(encoding="utf-8"))["languages"],
                                      **entry["languages"]}
            write_bytes(dest, json.dumps(entry, sort_keys=True, ensure_ascii=False,
                                         separators=(",", ":")).encode("utf-8"))
        elif not dest.exists():
            move(path, dest)
        elif path.is_dir() and dest.is_dir():
            _merge(path, dest)
        elif dest.read_bytes() != path.read_bytes():
            raise OutputFailed(msg(
                "the search index could not be built (two runs of Pagefind wrote different "
                "{name}); the build stopped and the previous site is untouched", name=dest.name))


def pagefind_version() -> str:
    try:
        return importlib.metadata.version("pagefind")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"
