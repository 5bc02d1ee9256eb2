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

The Pagefind binary (shipped by the `pagefind` package) runs once per part of the index
(a language, a share of the members) on that part's pages, the parts that changed at the
same time, one per core, while write.py places the site's other files in the staging
folder (the bundle is placed last, before the swap): its Python service API would cost a
tenth of a second per page.
"""

from __future__ import annotations

import base64
import concurrent.futures
import dataclasses
import fcntl
import fnmatch
import functools
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
from typing import Any

from circlemade_site import urls
from circlemade_site.errors import OutputFailed, escape_controls, msg
from circlemade_site.files import (
    CacheSeal,
    Content,
    content_bytes,
    write_bytes,
)
from circlemade_site.models import Need, Opportunity, Site

OUTPUT = "pagefind"
CACHE_VERSION = "3"
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
                records[f"{RECORDS}/{lang}/{member.slug}/{anchor}.html"] = record(
                    "opportunity", lang, link, member.name, title, title_lang, summary)
        for offer in member.offers:
            for lang in site.config.languages:
                title, title_lang = offer.title.get(lang, order)
                summary, _ = offer.summary.get(lang, order)
                link = router.offer_url(member, offer, lang)
                records[f"{RECORDS}/{lang}/{member.slug}/{offer.index}.html"] = record(
                    "offer", lang, link, member.name, title, title_lang, summary)
    return records


@dataclasses.dataclass(frozen=True, slots=True)
class Part:
    """One run of Pagefind: the pages of one language in one part of the index (`shard`:
    "" for the main bundle, m<k> for a share of the members, see urls.search_shard)."""

    lang: str
    shard: str
    pages: tuple[str, ...]                # output paths of the pages to index
    records: tuple[str, ...]              # paths of the offer records (IndexJob.records)
    digest: str                           # of everything it indexes, and of Pagefind's version

    @property
    def name(self) -> str:
        return f"{self.lang}.{self.shard or 'main'}"


@dataclasses.dataclass(frozen=True, slots=True)
class IndexJob:
    """The index to make with Pagefind, part by part, and where each part is cached."""

    records: Mapping[str, str]
    cache: Path                           # .cache/pagefind/
    seal: CacheSeal
    parts: tuple[Part, ...] = ()
    made: dict[str, dict[str, bytes]] = dataclasses.field(default_factory=dict)

    @property
    def pages(self) -> tuple[str, ...]:
        """Output paths of every page indexed."""
        return tuple(sorted(p for part in self.parts for p in part.pages))

    @property
    def work(self) -> Path:
        """Where each part's pages and records are gathered for Pagefind."""
        return self.cache.parent / "search-site"

    def entry(self, part: Part) -> tuple[Path, str]:
        """The cache file of a part's bundle, and its name in the seal."""
        path = self.cache / f"{part.name}.{part.digest}.json"
        return path, f"{self.cache.name}/{path.name}"


# An element Pagefind excludes entirely (`data-pagefind-ignore="all"`): neither its text
# nor anything inside it (filters, meta, images, the text of its anchors) reaches the index.
EXCLUDED = re.compile(rb"<([a-z][a-z0-9]*)\b[^>]*\sdata-pagefind-ignore=\"all\"[^>]*>")
_TEXT = re.compile(rb">[^<]+<")


def indexed_digest(data: bytes) -> bytes:
    """A SHA-256 of what Pagefind reads of a page: the page, but the text of its excluded
    elements, which it never reads. The member cards of events, campaigns, groups and
    projects are excluded (a member's tagline, an offer's title): editing them then
    leaves the main part of the index as it was, instead of running Pagefind on it again. Tags and attributes stay in the digest (the
    count of elements with an id numbers the anchors after them). An element whose end
    cannot be found (not well-formed) leaves the page as it is: a digest that changes
    too often costs a Pagefind run, never a stale index."""
    if b'data-pagefind-ignore="all"' not in data:
        return hashlib.sha256(data).digest()
    h = hashlib.sha256(b"indexed\0")
    at = 0
    while (start := EXCLUDED.search(data, at)) is not None:
        name = start.group(1)
        tags = re.compile(rb"<(/?)" + name + rb"[\s/>]")
        depth, end = 1, None
        for tag in tags.finditer(data, start.end()):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                end = data.find(b">", tag.end())
                break
        if end is None or end < 0:
            break
        h.update(data[at:start.end()])
        h.update(_TEXT.sub(b"><", data[start.end():end + 1]))
        at = end + 1
    h.update(data[at:])
    return h.digest()


def indexed_page(path: str, data: Content, non_pages: tuple[str, ...] = ()) -> bytes | None:
    """The digest of what Pagefind reads of the page `path` (indexed_digest), or None when
    it is not indexed: not a page (`non_pages`, urls.non_page_html), or without
    `data-pagefind-body`."""
    if not urls.is_page_html(path, non_pages):
        return None
    data = content_bytes(data)          # a page the render cache took from the store
    return indexed_digest(data) if b"data-pagefind-body" in data else None


def prepare(files: Mapping[str, Content], records: Mapping[str, str],
            work_dir: Path, seal: CacheSeal, non_pages: tuple[str, ...] = (),
            members: Mapping[str, str] | None = None,
            shards: int = 0, known: Mapping[str, bytes | None] | None = None,
            ) -> tuple[dict[str, bytes] | None, IndexJob]:
    """The Pagefind bundle (output path -> bytes) of the HTML pages among `files` and of
    the offer `records`, when every part of it is cached; else None, with the job that
    makes the parts that are not.

    The index is made in parts, one Pagefind run each: per language, the main bundle
    (/pagefind/) and, with `shards` > 0, the members' pages (`members`: output path of a
    profile -> the member's slug) and records in `shards` more (/pagefind/m<k>/,
    urls.search_shard), which the search page merges at query time, so that one member's
    edit runs Pagefind on one part of each language. A part is cached in
    `work_dir/pagefind/` under a digest of everything it indexes: a part whose pages did
    not change is taken from there, byte for byte, if it is sealed with `seal`'s key
    (files.CacheSeal): the digest in its name proves nothing, anyone can write a file of
    that name. The HTML that is not a page (`non_pages`, urls.non_page_html: the CMS) is
    never indexed. `known`: the `indexed_page` of pages already computed (the render
    cache keeps it with each page), by output path."""
    members = members or {}
    known = known or {}
    grouped: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
    digests: dict[tuple[str, str], Any] = {}

    def group(lang: str, shard: str) -> tuple[list[str], list[str]]:
        if (lang, shard) not in grouped:
            grouped[lang, shard] = ([], [])
            digests[lang, shard] = hashlib.sha256(
                f"{CACHE_VERSION}\0{pagefind_version()}\0{lang}\0{shard}".encode())
        return grouped[lang, shard]

    for path, data in sorted(files.items()):
        indexed = known[path] if path in known else indexed_page(path, data, non_pages)
        if indexed is not None:
            slug = members.get(path)
            key = (path.split("/", 1)[0], urls.search_shard(slug, shards) if slug else "")
            group(*key)[0].append(path)
            digests[key].update(path.encode() + b"\0" + indexed)
    for path, text in sorted(records.items()):
        _, lang, slug, _ = path.split("/", 3)
        key = (lang, urls.search_shard(slug, shards))
        group(*key)[1].append(path)
        digests[key].update(path.encode() + b"\0" + text.encode())
    parts = tuple(Part(lang, shard, tuple(pages), tuple(recs), digests[lang, shard].hexdigest())
                  for (lang, shard), (pages, recs) in sorted(grouped.items()))
    job = IndexJob(records, work_dir / "pagefind", seal, parts, {})
    for part in parts:
        entry, name = job.entry(part)
        raw = seal.read(entry, name)
        try:
            if raw is None:
                raise ValueError("not sealed with this key")
            job.made[part.name] = {p: base64.b64decode(d) for p, d in json.loads(raw).items()}
        except (ValueError, TypeError, AttributeError):
            continue      # missing, damaged or planted: made again
    if len(job.made) == len(parts):
        return assemble(job), job
    return None, job


def assemble(job: IndexJob, parts: tuple[Part, ...] | None = None) -> dict[str, bytes]:
    """The bundle of every part (or of `parts`, whole shards), output path -> bytes: each
    shard's languages joined in its folder (the main bundle in /pagefind/, the others in
    /pagefind/m<k>/)."""
    out: dict[str, bytes] = {}
    for part in job.parts if parts is None else parts:
        prefix = f"{OUTPUT}/{part.shard}/" if part.shard else f"{OUTPUT}/"
        for rel, data in sorted(job.made[part.name].items()):
            _join(out, prefix + rel, data)
    return dict(sorted(out.items()))


def settled(job: IndexJob) -> dict[str, bytes]:
    """The files of the bundle that the parts still to make cannot change: those of the
    shards whose every part is cached (a shard's folder holds its parts' files only, and
    its pagefind-entry.json joins its languages). After one member's edit that is the
    main bundle and every shard but the member's: a build places them while Pagefind
    makes the rest."""
    waiting = {part.shard for part in job.parts if part.name not in job.made}
    return assemble(job, tuple(part for part in job.parts if part.shard not in waiting))


def _join(out: dict[str, bytes], path: str, data: bytes) -> None:
    """Put one file of a run's bundle into the joined bundle. Index files have
    content-hashed names; the shared scripts are identical from run to run;
    pagefind-entry.json lists each run's language, and is written with sorted keys
    (Pagefind's own order varies from run to run)."""
    if path.endswith("/pagefind-entry.json"):
        entry = json.loads(data)
        if path in out:
            entry["languages"] = {**json.loads(out[path])["languages"], **entry["languages"]}
        out[path] = json.dumps(entry, sort_keys=True, ensure_ascii=False,
                               separators=(",", ":")).encode("utf-8")
    elif path not in out:
        out[path] = data
    elif out[path] != data:
        raise OutputFailed(msg(
            "the search index could not be built (two runs of Pagefind wrote different "
            "{name}); the build stopped and the previous site is untouched",
            name=path.rsplit("/", 1)[-1]))


def index_folder(job: IndexJob, pages: Mapping[str, Content]) -> dict[str, bytes]:
    """Run Pagefind on each part of the index that is not cached, and join the parts.
    `pages`: the site's files (output path -> bytes), of which the parts' pages are
    taken. The parts to make run at the same time, one per core. Returns the bundle,
    which write.py places in the site; each part made is cached. It needs nothing of the
    site being written, so a build runs it while write.py places the other files.

    Each run sees only its part's pages and offer records, in a folder kept in
    .cache/search-site/<part>/ from build to build: Pagefind holds everything it reads in
    memory, listings would only cost it time, and creating thousands of files is slow. A
    page or a record is written there again only when its bytes changed (known from a
    sealed list of what was written)."""
    job.work.mkdir(parents=True, exist_ok=True)
    with (job.work / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)           # a preview's background build, and a build
        names = {part.name for part in job.parts}
        for stale in {p.name for p in job.work.iterdir() if not p.name.startswith(".")} - names:
            shutil.rmtree(job.work / stale, ignore_errors=True)
        todo = [part for part in job.parts if part.name not in job.made]
        for part in todo:
            _sync(job.work / part.name,
                  {**{p: content_bytes(pages[p]) for p in part.pages},
                   **{p: job.records[p].encode("utf-8") for p in part.records}}, job.seal)
            shutil.rmtree(job.work / f".{part.name}.out", ignore_errors=True)
        # the parts' runs at the same time, one per core (Pagefind mostly uses one)
        with concurrent.futures.ThreadPoolExecutor(max(1, min(len(todo), _cores()))) as pool:
            results = list(pool.map(lambda part: subprocess.run(
                [*_pagefind(), "--site", str(job.work / part.name),
                 "--output-path", str(job.work / f".{part.name}.out")],
                capture_output=True, text=True, timeout=1800), todo))
        for part, result in zip(todo, results):
            bundle_dir = job.work / f".{part.name}.out"
            if result.returncode != 0:
                for other in todo:
                    shutil.rmtree(job.work / f".{other.name}.out", ignore_errors=True)
                raise OutputFailed(msg(
                    "the search index could not be built (Pagefind: {reason}); the build "
                    "stopped and the previous site is untouched",
                    reason=_reason(result.stderr, result.stdout)))
            made = {p.relative_to(bundle_dir).as_posix(): p.read_bytes()
                    for p in sorted(bundle_dir.rglob("*")) if p.is_file()
                    and not any(fnmatch.fnmatchcase(p.name, unused) for unused in UNUSED)}
            shutil.rmtree(bundle_dir, ignore_errors=True)
            job.made[part.name] = made
            entry, name = job.entry(part)
            job.cache.mkdir(parents=True, exist_ok=True)
            for old in job.cache.glob(f"{part.name}.*.json"):    # only the latest of a part
                old.unlink(missing_ok=True)
            job.seal.write(entry, name, json.dumps(
                {p: base64.b64encode(d).decode() for p, d in made.items()}).encode("utf-8"))
        for old in job.cache.glob("*.json"):          # parts this site no longer has
            if old.name.split(".")[0] + "." + old.name.split(".")[1] not in names:
                old.unlink(missing_ok=True)
    return assemble(job)          # placed in the site by write.write_site


def _reason(stderr: str, stdout: str) -> str:
    """What Pagefind said went wrong, in one line: the system's message of a Rust panic
    (`Os { code: 28, ..., message: "No space left on device" }`), else its last line that
    speaks of an error, else its last line."""
    if found := re.search(r'message: "([^"]{1,200})"', stderr):
        return escape_controls(found[1])
    lines = [line.strip() for line in (stderr or stdout).splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower()]
    return escape_controls((errors or lines or ["no output"])[-1][-300:])


def _sync(folder: Path, wanted: Mapping[str, bytes], seal: CacheSeal) -> None:
    """Make `folder` hold exactly the files of `wanted` (path -> bytes). A file there is
    trusted to hold its bytes only if the list of what was written (`.written.json`) is
    sealed with this build's key; else every one is written again."""
    state_file = folder / ".written.json"
    state_name = f"{folder.parent.name}/{folder.name}/{state_file.name}"
    try:
        written = json.loads(seal.read(state_file, state_name) or b"{}")
        if not isinstance(written, dict):
            written = {}
    except ValueError:
        written = {}
    state_file.unlink(missing_ok=True)      # until it is true again: a killed build
    present: set[str] = set()
    if folder.is_dir():
        for parent, _, names in os.walk(folder):
            base = os.path.relpath(parent, folder)
            present.update(n if base == "." else f"{base}/{n}" for n in names)
    present -= {".written.json", ".records.json"}     # .records.json: an older build's
    (folder / ".records.json").unlink(missing_ok=True)
    for stale in present - wanted.keys():
        (folder / stale).unlink()
    made: set[Path] = set()
    digests = {}
    for path, data in wanted.items():
        digests[path] = hashlib.sha256(data).hexdigest()
        if path in present and written.get(path) == digests[path]:
            continue
        dest = folder / path
        if dest.parent not in made:
            dest.parent.mkdir(parents=True, exist_ok=True)
            made.add(dest.parent)
        write_bytes(dest, data)
    seal.write(state_file, state_name, json.dumps(digests).encode("utf-8"))


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


@functools.cache
def _pagefind() -> tuple[str, ...]:
    """The command that runs Pagefind: the binary of the `pagefind` package, found once
    (`python -m pagefind` only finds it and runs it: a Python start-up for every part
    indexed), else that module."""
    from pagefind.service import get_executable
    found = get_executable()
    if found is not None and found.is_file():
        return (str(found),)
    return (sys.executable, "-m", "pagefind")


def pagefind_version() -> str:
    try:
        return importlib.metadata.version("pagefind")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"
