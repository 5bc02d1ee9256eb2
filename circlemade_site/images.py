"""Images from members' folders: inspected with limits of our own, turned into
responsive WebP variants with Pillow, cached by content hash in .cache/images/.

Inspection (format, size, pixel count) reads only the file header, so `check` is cheap;
the full decode happens once per file and width, when a variant is first made. A file that
cannot be decoded is reported like any other content error. Metadata (EXIF, GPS, ICC
profiles, comments) is never copied into the variants.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import hashlib
import io
import os
import re
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path

import defusedxml.ElementTree
import PIL.Image
import PIL.ImageOps

from circlemade_site import cards
from circlemade_site.cards import Card
from circlemade_site.errors import ContentError, Diagnostic
from circlemade_site.models import Image
from circlemade_site.write import Content, FileSlice

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 25_000_000
MIN_SIDE = 32
RASTER_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP"}
EXTENSIONS = frozenset({*RASTER_FORMATS, ".svg"})
LOGO_WIDTHS = (160, 320, 640)
WEBP_QUALITY = 80
WEBP_METHOD = 2      # measured: 35 ms a logo (3 widths) against 59 ms for method 4, files 9 % larger
CACHE_VERSION = "2"     # change when the processing changes, to invalidate the cache
DIGEST_SIZE = 32        # a cache entry: SHA-256 of the bytes, then the bytes

# Pillow refuses images above its own limit with an error; ours is far lower, checked first.
PIL.Image.MAX_IMAGE_PIXELS = MAX_PIXELS * 4


@dataclasses.dataclass(frozen=True, slots=True)
class Variant:
    """One file to publish for an image: a width of it, or the sanitised SVG itself."""

    image: Image
    width: int
    height: int
    dest_rel: str

    @property
    def kind(self) -> str:
        """'webp', 'png' (a fallback for link previews) or 'svg'."""
        return self.dest_rel.rsplit(".", 1)[-1]


def inspect(src_path: Path, rel_path: str, line: int | None, column: int | None,
            field: str) -> Image:
    """Check a picture without decoding it in full. Raises ContentError."""

    def refuse(message: str, hint: str | None = None) -> ContentError:
        return ContentError(Diagnostic(rel_path, message, line, column, field, hint))

    suffix = src_path.suffix.lower()
    if suffix not in EXTENSIONS:
        raise refuse(f"{src_path.name!r} is not a PNG, JPEG, WebP or SVG file",
                     "export the logo as PNG")
    try:
        size = src_path.stat().st_size
        if size > MAX_BYTES:
            raise refuse(f"{src_path.name!r} is too large ({size / 1_048_576:.1f} MB, at most "
                         f"{MAX_BYTES // 1_048_576} MB)", "export it smaller, 1000 pixels wide is plenty")
        data = src_path.read_bytes()
    except OSError as exc:
        raise refuse(f"cannot read {src_path.name!r}: {exc.strerror}") from exc
    digest = hashlib.sha256(data).hexdigest()
    if suffix == ".svg":
        width, height = svg_size(data, refuse)
        return Image(src_path, rel_path, line, "SVG", width, height, digest)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PIL.Image.DecompressionBombWarning)
            with PIL.Image.open(io.BytesIO(data)) as im:
                found, width, height = im.format, im.width, im.height
    except (PIL.Image.DecompressionBombError, PIL.Image.DecompressionBombWarning):
        raise refuse(f"{src_path.name!r} has too many pixels (at most {MAX_PIXELS:,})") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise refuse(f"{src_path.name!r} is not a readable image ({exc})",
                     "open it in an image editor and export it again as PNG") from None
    expected = RASTER_FORMATS[suffix]
    if found != expected:
        raise refuse(f"{src_path.name!r} is a {found or 'unknown'} file, not {expected} as its name says",
                     f"rename it to end in .{(found or 'png').lower()} or export it again")
    if width * height > MAX_PIXELS:
        raise refuse(f"{src_path.name!r} has too many pixels ({width}x{height}, at most "
                     f"{MAX_PIXELS:,})", "export it at most 2000 pixels wide")
    if min(width, height) < MIN_SIDE:
        raise refuse(f"{src_path.name!r} is too small ({width}x{height} pixels)",
                     f"it needs at least {MIN_SIDE} pixels on each side; 600 is better")
    return Image(src_path, rel_path, line, found, width, height, digest)


def variants(image: Image, dest_stem: str, widths: Iterable[int] = LOGO_WIDTHS) -> list[Variant]:
    """The files to publish for `image`: WebP at each width up to the image's own, or the
    SVG itself. `dest_stem` is the output path without extension (decided by urls.py)."""
    if image.format == "SVG":
        return [Variant(image, image.width, image.height, f"{dest_stem}.svg")]
    # every standard width below the image's own, then the image's own (or the largest)
    chosen = sorted({*(w for w in widths if w < image.width), min(image.width, max(widths))})
    return [Variant(image, w, max(1, round(image.height * w / image.width)),
                    f"{dest_stem}-{w}.webp") for w in chosen]


def render_all(jobs: Sequence[Variant | Card], cache_dir: Path,
               diagnostics: list[Diagnostic]) -> dict[str, Content]:
    """Every image variant and share card: from the cache, or made (in parallel, on every
    core) and cached. Cached images stay on disk (FileSlice) until the site is written."""
    results: dict[str, Content] = {}
    missing: list[tuple[Variant | Card, Path]] = []
    for job in jobs:
        cached = cache_dir / (job.cache_name() if isinstance(job, Card) else _cache_name(job))
        data: Content | None = _cached_slice(cached)
        if data is not None and not isinstance(job, Card) and job.kind == "svg":
            data = _checked_svg(data.read())   # the cache folder is not trusted more than content
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
                    diagnostics.append(Diagnostic(
                        source, error, None if isinstance(job, Card) else job.image.line,
                        field=None if isinstance(job, Card) else "logo",
                        hint="open it in an image editor and export it again as PNG"))
                continue
            assert data is not None
            tmp = cached.with_name(f".{cached.name}.{os.getpid()}.tmp")
            digest = hashlib.sha256(data).digest()
            tmp.write_bytes(digest + data)
            tmp.replace(cached)
            results[job.dest_rel] = FileSlice(cached, DIGEST_SIZE, len(data), digest)
    return results


def _cached_slice(path: Path) -> FileSlice | None:
    """Where a cached file's bytes are, or None if it is missing or damaged: every entry
    starts with the SHA-256 of what follows, so a truncated or altered entry is made
    again, never published. The bytes stay on disk until the site is written."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    digest, data = raw[:DIGEST_SIZE], raw[DIGEST_SIZE:]
    if len(raw) > DIGEST_SIZE and hashlib.sha256(data).digest() == digest:
        return FileSlice(path, DIGEST_SIZE, len(data), digest)
    return None


def _checked_svg(data: bytes) -> bytes | None:
    """A cached SVG passed through the allowlist again; None if it does not pass."""
    try:
        return sanitize_svg(data)
    except UnsafeSvg:
        return None


def _cache_name(job: Variant) -> str:
    return f"{job.image.digest}-{job.width}-v{CACHE_VERSION}.{job.kind}"


def _make(task: tuple) -> tuple[bytes | None, str | None]:  # type: ignore[type-arg]
    """Make one variant or card (runs in a worker process). Returns (bytes, None) or
    (None, error)."""
    if task[0] == "card":
        try:
            return cards.draw(task), None
        except (OSError, SyntaxError, ValueError, PIL.Image.DecompressionBombError) as exc:
            return None, f"the share image cannot be drawn ({exc})"
    _, src, kind, width, height = task
    try:
        data = Path(src).read_bytes()
        if kind == "svg":
            return sanitize_svg(data), None
        return resize(data, width, height, "PNG" if kind == "png" else "WEBP"), None
    except (OSError, SyntaxError, ValueError, PIL.Image.DecompressionBombError) as exc:
        return None, f"the image cannot be decoded ({exc})"


def resize(data: bytes, width: int, height: int, fmt: str = "WEBP") -> bytes:
    with PIL.Image.open(io.BytesIO(data)) as im:
        if im.format == "JPEG":
            im.draft("RGB", (width, height))     # let libjpeg decode at a reduced scale
        im.load()
        im = PIL.ImageOps.exif_transpose(im)
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


# -- SVG ---------------------------------------------------------------------------------

SVG_NS = "http://www.w3.org/2000/svg"
SVG_ELEMENTS = frozenset({
    "svg", "g", "path", "circle", "ellipse", "rect", "line", "polyline", "polygon", "text",
    "tspan", "defs", "linearGradient", "radialGradient", "stop", "clipPath", "mask", "title",
    "desc", "symbol", "use",
})
SVG_ATTRIBUTES = frozenset({
    "id", "class", "viewBox", "width", "height", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy",
    "r", "rx", "ry", "d", "points", "fill", "fill-opacity", "fill-rule", "stroke",
    "stroke-width", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray",
    "stroke-dashoffset", "stroke-opacity", "opacity", "transform", "offset", "stop-color",
    "stop-opacity", "gradientUnits", "gradientTransform", "spreadMethod", "fx", "fy",
    "clip-path", "clip-rule", "mask", "font-family", "font-size", "font-weight", "font-style",
    "text-anchor", "dominant-baseline", "letter-spacing", "preserveAspectRatio", "version",
    "clipPathUnits", "maskUnits", "href", "dx", "dy", "visibility", "display",
})
_LOCAL_REF = re.compile(r"^#[A-Za-z_][\w.-]*$")
_URL_FUNCTION = re.compile(r"url\(\s*([^)]*?)\s*\)", re.IGNORECASE)


class UnsafeSvg(ValueError):
    pass


def sanitize_svg(data: bytes) -> bytes:
    """The SVG re-serialised from an allowlist, or UnsafeSvg. No script, event handler,
    style, foreignObject, external reference, entity or processing instruction survives:
    anything outside the allowlist refuses the file rather than being silently dropped."""
    try:
        root = defusedxml.ElementTree.fromstring(data, forbid_dtd=True, forbid_entities=True,
                                                 forbid_external=True)
    except defusedxml.DefusedXmlException as exc:
        raise UnsafeSvg(f"the SVG declares a DTD or entities ({type(exc).__name__})") from None
    except Exception as exc:   # ElementTree.ParseError and friends
        raise UnsafeSvg(f"the SVG is not well-formed XML ({exc})") from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise UnsafeSvg("the file's root element is not <svg>")
    for element in root.iter():
        if not isinstance(element.tag, str) or not element.tag.startswith(f"{{{SVG_NS}}}"):
            raise UnsafeSvg(f"the SVG contains a foreign element {element.tag!r}")
        name = element.tag[len(SVG_NS) + 2:]
        if name not in SVG_ELEMENTS:
            raise UnsafeSvg(f"the SVG contains a <{name}> element, which is not allowed")
        for attribute, value in list(element.attrib.items()):
            local = attribute.rsplit("}", 1)[-1]
            if local not in SVG_ATTRIBUTES:
                raise UnsafeSvg(f"the SVG has a {local!r} attribute on <{name}>, which is not allowed")
            if local == "href" and not _LOCAL_REF.match(value.strip()):
                raise UnsafeSvg(f"the SVG links to {value!r}; only references inside the file are allowed")
            for ref in _URL_FUNCTION.findall(value):
                if not _LOCAL_REF.match(ref.strip("'\"")):
                    raise UnsafeSvg(f"the SVG refers to {ref!r}; only references inside the file are allowed")
    import xml.etree.ElementTree as ElementTree   # serialising only; parsing went through defusedxml
    ElementTree.register_namespace("", SVG_NS)
    ElementTree.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="utf-8",
                                                                            xml_declaration=False)


def svg_size(data: bytes, refuse) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Check an SVG now (so `check` refuses it) and read its intrinsic size."""
    try:
        sanitize_svg(data)
        root = defusedxml.ElementTree.fromstring(data, forbid_dtd=True)
    except UnsafeSvg as exc:
        raise refuse(str(exc), "export the logo as PNG instead") from None
    box = (root.get("viewBox") or "").replace(",", " ").split()
    try:
        width = float(root.get("width", "").removesuffix("px") or (box[2] if len(box) == 4 else 0))
        height = float(root.get("height", "").removesuffix("px") or (box[3] if len(box) == 4 else 0))
    except ValueError:
        width = height = 0
    if width <= 0 or height <= 0:
        raise refuse("the SVG has no usable size", 'give the <svg> a viewBox, for example viewBox="0 0 200 100"')
    return round(width), round(height)
