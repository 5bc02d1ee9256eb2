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
import hashlib
import html
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

from circlemade_site import urls
from circlemade_site.errors import SiteError
from circlemade_site.models import Site
from circlemade_site.write import Content

OUTPUT = "pagefind"
CACHE_VERSION = "2"
UNUSED = ("pagefind-ui.*", "pagefind-component-ui.*", "pagefind-modular-ui.*",
          "pagefind-highlight.js")
RECORDS = "_records"      # folder of the synthetic offer pages: _records/<lang>/...


def offer_records(site: Site, router: urls.Router) -> dict[str, str]:
    """A small HTML page per offer and language (temporary path -> HTML), for the index."""
    records = {}
    order = site.config.fallback_order
    for member in site.members:
        for offer in member.offers:
            for lang in site.config.languages:
                title, title_lang = offer.title.get(lang, order)
                summary, _ = offer.summary.get(lang, order)
                link = f"{router.url_for(member, lang)}#offer-{offer.index}"
                records[f"{RECORDS}/{lang}/{member.slug}-{offer.index}.html"] = (
                    f'<!doctype html><html lang="{lang}"><body><main data-pagefind-body '
                    f'data-pagefind-meta="kind:offer">'
                    f'<span data-pagefind-meta="link:{html.escape(link)}"></span>'
                    f'<span data-pagefind-meta="member:{html.escape(member.name)}"></span>'
                    f'<h1 lang="{title_lang}">{html.escape(title)}</h1><p>{html.escape(summary)}</p>'
                    f'<p>{html.escape(member.name)}</p></main></body></html>')
    return records


@dataclasses.dataclass(frozen=True, slots=True)
class IndexJob:
    """An index to make with Pagefind, and where its bundle is cached."""

    records: Mapping[str, str]
    cache: Path
    pages: tuple[str, ...] = ()       # output paths of the pages to index


def prepare(files: Mapping[str, Content], records: Mapping[str, str],
            work_dir: Path) -> tuple[dict[str, bytes] | None, IndexJob]:
    """The cached Pagefind bundle (output path -> bytes) for the HTML pages among `files`,
    or None when it must be made, with the job that makes it.

    The bundle is cached in `work_dir/pagefind/` under a digest of everything indexed: a
    rebuild whose indexed pages did not change takes the previous bundle, byte for byte,
    without running Pagefind."""
    digest = hashlib.sha256(f"{CACHE_VERSION}\0{pagefind_version()}".encode())
    pages = []
    for path, data in sorted(files.items()):
        if path.endswith(".html") and b"data-pagefind-body" in data:
            pages.append(path)
            digest.update(path.encode() + b"\0" + hashlib.sha256(data).digest())
    for path, text in sorted(records.items()):
        digest.update(path.encode() + b"\0" + text.encode())
    job = IndexJob(records, work_dir / "pagefind" / f"{digest.hexdigest()}.json", tuple(pages))
    try:
        cached = json.loads(job.cache.read_text(encoding="utf-8"))
        return {path: base64.b64decode(data) for path, data in cached.items()}, job
    except (OSError, ValueError):
        return None, job       # missing or damaged: make it again


def index_folder(job: IndexJob, site: Path) -> dict[str, bytes]:
    """Run Pagefind on the site being written (the staging folder of write.py, before it
    is swapped in), once per language, and join the bundles. Each run sees only the pages
    to index in its language (hard links: nothing is copied) and that language's offer
    records: Pagefind holds everything it indexes in memory, and listings would only
    cost it time. Returns the bundle, also cached."""
    out = site / OUTPUT
    groups: dict[str, list[str]] = {}
    for path in job.pages:
        groups.setdefault(path.split("/", 1)[0], []).append(path)
    for path in job.records:
        groups.setdefault(path.split("/")[1], [])
    with tempfile.TemporaryDirectory(prefix=".pagefind-", dir=site.parent) as work:
        for group, paths in sorted(groups.items()):
            folder = Path(work) / group
            for path in paths:
                (folder / path).parent.mkdir(parents=True, exist_ok=True)
                os.link(site / path, folder / path)
            for path, text in job.records.items():
                if path.split("/")[1] == group:
                    (folder / path).parent.mkdir(parents=True, exist_ok=True)
                    (folder / path).write_text(text, encoding="utf-8")
            result = subprocess.run(
                [sys.executable, "-m", "pagefind", "--site", str(folder),
                 "--output-path", str(Path(work) / f"{group}.out")],
                capture_output=True, text=True, timeout=1800)
            if result.returncode != 0:
                raise SiteError(f"the search index could not be built: {result.stdout[-2000:]}"
                                f"{result.stderr[-2000:]}")
            shutil.rmtree(folder)
            _merge(Path(work) / f"{group}.out", out)
    for unused in UNUSED:     # Pagefind's own interfaces: the theme has its search page
        for path in out.glob(unused):
            path.unlink()
    bundle = {f"{OUTPUT}/{p.relative_to(out).as_posix()}": p.read_bytes()
              for p in sorted(out.rglob("*")) if p.is_file()}
    job.cache.parent.mkdir(parents=True, exist_ok=True)
    for old in job.cache.parent.glob("*.json"):       # keep only the latest bundle
        old.unlink(missing_ok=True)
    tmp = job.cache.with_name(f".{job.cache.name}.tmp")
    tmp.write_text(json.dumps({p: base64.b64encode(d).decode() for p, d in bundle.items()}),
                   encoding="utf-8")
    tmp.replace(job.cache)
    return bundle


def _merge(bundle: Path, out: Path) -> None:
    """Add one run's bundle to `out`. Index files have content-hashed names; the shared
    scripts are identical from run to run; pagefind-entry.json lists each run's language,
    and is written with sorted keys (Pagefind's own order varies from run to run)."""
    for path in sorted(bundle.rglob("*")):
        if not path.is_file():
            continue
        dest = out / path.relative_to(bundle)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if path.name == "pagefind-entry.json":
            entry = json.loads(path.read_text(encoding="utf-8"))
            if dest.is_file():
                languages = {**json.loads(dest.read_text(encoding="utf-8"))["languages"],
                             **entry["languages"]}
                entry["languages"] = languages
            dest.write_text(json.dumps(entry, sort_keys=True, ensure_ascii=False,
                                       separators=(",", ":")), encoding="utf-8")
        elif not dest.exists():
            shutil.copyfile(path, dest)
        elif dest.read_bytes() != path.read_bytes():
            raise SiteError(f"the search index could not be built: two runs of Pagefind "
                            f"wrote different {dest.relative_to(out)}")


def pagefind_version() -> str:
    try:
        return importlib.metadata.version("pagefind")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"
