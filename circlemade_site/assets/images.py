"""Make the images of a plan: responsive WebP variants of every picture (or the sanitised
SVG) and the share cards, with Pillow, in parallel, cached by content hash in
.cache/images/ (each entry sealed: files.CacheSeal). Metadata (EXIF, GPS, ICC profiles, comments) is never copied into a
variant. A file that cannot be decoded is reported like any other content error.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import hashlib
import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import PIL.Image
import PIL.ImageOps

from circlemade_site.assets import share
from circlemade_site.errors import Diagnostic, msg
from circlemade_site.files import MAC_SIZE, CacheSeal, Content, FileSlice, content_bytes
from circlemade_site.load.images import UnsafeSvg, sanitize_svg
from circlemade_site.plan.images import Card, Variant

WEBP_QUALITY = 80
WEBP_METHOD = 2      # measured: 35 ms a logo (3 widths) against 59 ms for method 4, files 9 % larger
CACHE_VERSION = "2"     # change when the processing changes, to invalidate the cache
CACHE_FOLDER = "images"     # under .cache/; an entry is named images/<file name> in its seal


def render_all(jobs: Sequence[Variant | Card], cache_dir: Path,
               diagnostics: list[Diagnostic], seal: CacheSeal) -> dict[str, Content]:
    """Every image variant and share card: from the cache (only an entry sealed with
    `seal`'s key), or made (in parallel, on every core) and cached. Cached images stay on
    disk (FileSlice) until the site is written."""
    results: dict[str, Content] = {}
    missing: list[tuple[Variant | Card, Path]] = []
    for job in jobs:
        cached = cache_dir / (job.cache_name() if isinstance(job, Card) else _cache_name(job))
        data: Content | None = _cached_slice(cached, seal)
        if data is not None and not isinstance(job, Card) and job.kind == "svg":
            data = _checked_svg(content_bytes(data))   # the cache folder is not trusted more than content
        if data is None:
            missing.append((job, cached))
        else:
            results[job.dest_rel] = data
    if not missing:
        return results
    cache_dir.mkdir(parents=True, exist_ok=True)
    tasks = [job.task() if isinstance(job, Card) else
             ("variant", str(job.image.src_path), job.kind, job.width, job.height)
             for job, _ in missing]
    workers = min(len(tasks), os.cpu_count() or 1)
    reported: set[str] = set()
    with contextlib.ExitStack() as stack:
        if workers > 1 and len(tasks) >= 8:
            pool = stack.enter_context(concurrent.futures.ProcessPoolExecutor(max_workers=workers))
            made = pool.map(_make, tasks, chunksize=max(1, min(32, len(tasks) // (workers * 8))))
        else:
            made = map(_make, tasks)
        # each image goes to the cache as it comes: never all of them in memory at once
        for (job, cached), (data, error) in zip(missing, made, strict=True):
            if error is not None:
                source = job.picture_rel if isinstance(job, Card) else job.image.rel_path
                if source not in reported:
                    reported.add(source)
                    message = msg("the share image cannot be drawn ({reason})", reason=error) \
                        if isinstance(job, Card) else \
                        msg("the image cannot be decoded ({reason})", reason=error)
                    diagnostics.append(Diagnostic(
                        source, message, None if isinstance(job, Card) else job.image.line,
                        field=None if isinstance(job, Card) else "logo",
                        hint=msg("open it in an image editor and export it again as PNG")))
                continue
            assert data is not None
            seal.write(cached, _seal_name(cached), data)
            results[job.dest_rel] = FileSlice(cached, MAC_SIZE, len(data),
                                              hashlib.sha256(data).digest())
    return results


def _seal_name(path: Path) -> str:
    return f"{CACHE_FOLDER}/{path.name}"


def _cached_slice(path: Path, seal: CacheSeal) -> FileSlice | None:
    """Where a cached file's bytes are, or None if it is missing, damaged or not sealed
    with this build's key: a truncated, altered or planted entry is made again, never
    published. The bytes stay on disk until the site is written."""
    data = seal.read(path, _seal_name(path))
    if not data:
        return None
    return FileSlice(path, MAC_SIZE, len(data), hashlib.sha256(data).digest())


def _checked_svg(data: bytes) -> bytes | None:
    """A cached SVG passed through the allowlist again; None if it does not pass."""
    try:
        return sanitize_svg(data)
    except UnsafeSvg:
        return None


def _cache_name(job: Variant) -> str:
    return f"{job.image.digest}-{job.width}-v{CACHE_VERSION}.{job.kind}"


def _make(task: tuple[Any, ...]) -> tuple[bytes | None, str | None]:
    """Make one variant or card (runs in a worker process). Returns (bytes, None) or
    (None, what went wrong)."""
    if task[0] == "card":
        try:
            return share.draw(task), None
        except (OSError, SyntaxError, ValueError, PIL.Image.DecompressionBombError) as exc:
            return None, str(exc)
    _, src, kind, width, height = task
    try:
        data = Path(src).read_bytes()
        if kind == "svg":
            return sanitize_svg(data), None
        return resize(data, width, height, "PNG" if kind == "png" else "WEBP"), None
    except (OSError, SyntaxError, ValueError, PIL.Image.DecompressionBombError) as exc:
        return None, str(exc)


def resize(data: bytes, width: int, height: int, fmt: str = "WEBP") -> bytes:
    with PIL.Image.open(io.BytesIO(data)) as opened:
        if opened.format == "JPEG":
            opened.draft("RGB", (width, height))     # let libjpeg decode at a reduced scale
        opened.load()
        im: PIL.Image.Image = PIL.ImageOps.exif_transpose(opened)
        has_alpha = im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info)
        im = im.convert("RGBA" if has_alpha else "RGB")
        if im.width > width:
            im = im.resize((width, height), PIL.Image.Resampling.LANCZOS, reducing_gap=3.0)
        out = io.BytesIO()
        if fmt == "PNG":
            im.save(out, "PNG", optimize=False, compress_level=7)
        else:
            im.save(out, "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)
        return out.getvalue()
