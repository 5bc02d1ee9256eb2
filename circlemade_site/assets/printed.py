"""The printed directory's PDFs (plan/printed.py plans their HTML): WeasyPrint lays the
page out with the site's own stylesheet (its print rules) into a tagged PDF whose
language is the page's (PDF/UA-1: a public body publishes it).

WeasyPrint reads nothing from the network: every file the page names is taken from the
site being built (`fetch`), anything else is refused. A PDF is cached in .cache/print/
under the digest of what it is made from (the page's HTML, the bytes of every file it
names, WeasyPrint's version), so an unchanged site does not make it again: it costs
about a second per language on the sample (docs/performance.md).

WeasyPrint needs the Pango library (libpango-1.0-0, libpangoft2-1.0-0 on Debian): where
it cannot be loaded, `unavailable()` says why and the build stops with one line."""

from __future__ import annotations

import hashlib
import mimetypes
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from circlemade_site.files import CacheSeal

CACHE_FOLDER = "print"
CACHE_VERSION = "1"           # bump when what is written changes for the same input
PDF_VARIANT = "pdf/ua-1"      # tagged, with the document's language and title
# what a page names: src= and href= of its elements, url() of its inline SVG
_NAMED = re.compile(r'''(?:src|href)="(/[^"#?]*)''')

Fetch = Callable[[str], bytes | None]    # a site-relative URL -> the file's bytes, if any


def _keep_truncated_images_refused() -> None:
    """Importing WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES; the members'
    pictures must still be refused when truncated (assets/images.py), so it is set back."""
    import PIL.ImageFile
    PIL.ImageFile.LOAD_TRUNCATED_IMAGES = False


def unavailable() -> str | None:
    """Why WeasyPrint cannot be used here (not installed, Pango missing), or None."""
    try:
        import weasyprint  # noqa: F401
        _keep_truncated_images_refused()
    except (ImportError, OSError) as exc:
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return None


def named_files(html: str) -> list[str]:
    """The site-relative URLs of the files a page names, each once, in order."""
    return list(dict.fromkeys(_NAMED.findall(html)))


def digest(html: str, fetch: Fetch) -> str:
    import weasyprint
    _keep_truncated_images_refused()
    h = hashlib.sha256(f"{CACHE_VERSION}\0{weasyprint.__version__}\0".encode())
    h.update(html.encode("utf-8"))
    for url in named_files(html):
        data = fetch(url)
        h.update(f"\0{url}\0{len(data) if data is not None else -1}\0".encode())
        h.update(data or b"")
    return h.hexdigest()


def make_pdf(html: str, base_url: str, fetch: Fetch, cache_dir: Path, seal: CacheSeal,
             name: str) -> bytes:
    """The PDF of `html` (from the cache when nothing it is made from changed). `name`
    (fr/annuaire.pdf) names its cache entry."""
    data, key = cached(html, fetch, cache_dir, seal, name)
    if data is None:
        data = render_pdf(html, base_url, fetch)
        keep(data, key, cache_dir, seal, name)
    return data


def _entry(cache_dir: Path, name: str) -> Path:
    return cache_dir / CACHE_FOLDER / f"{hashlib.sha256(name.encode()).hexdigest()[:16]}.pdf"


def cached(html: str, fetch: Fetch, cache_dir: Path, seal: CacheSeal,
           name: str) -> tuple[bytes | None, str]:
    """The cached PDF of `html` named `name` (None when anything it is made from changed,
    or the entry is not sealed with `seal`'s key), and the key to keep a new one under."""
    key = digest(html, fetch)
    return seal.read(_entry(cache_dir, name), f"{name}:{key}"), key


def keep(data: bytes, key: str, cache_dir: Path, seal: CacheSeal, name: str) -> None:
    entry = _entry(cache_dir, name)
    entry.parent.mkdir(parents=True, exist_ok=True)
    seal.write(entry, f"{name}:{key}", data)


def render_pdf(html: str, base_url: str, fetch: Fetch) -> bytes:
    import weasyprint
    from weasyprint.urls import URLFetcher, URLFetcherResponse
    _keep_truncated_images_refused()

    class SiteFiles(URLFetcher):
        """The files of the site being built; nothing else (no network, no local file)."""

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if not url.startswith(base_url):
                raise ValueError(f"not a file of the site: {url}")
            path = "/" + url[len(base_url):].split("#", 1)[0].split("?", 1)[0]
            data = fetch(path)
            if data is None:
                raise ValueError(f"no such file in the site: {path}")
            kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, data, {"Content-Type": kind})

    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=SiteFiles())
    pdf: bytes = document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True, optimize_images=True,
                                    pdf_identifier=hashlib.sha256(html.encode()).digest()[:16])
    return pdf
