"""Pictures named by content (members' logos, campaigns' heroes), checked without decoding
them in full: format, size, pixel count and, for SVG, a strict allowlist.

Inspection reads only what it needs, so `check` is cheap; the full decode happens once
per file and width when a variant is first made (assets/images.py). Pillow's own
decompression-bomb limit is left as it is: the pixel count is checked here, from the
header, before anything is decoded.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
import xml.etree.ElementTree as ElementTree  # serialising only; parsing goes through defusedxml
from collections.abc import Callable
from pathlib import Path

import defusedxml.ElementTree
import PIL.Image

from circlemade_site.errors import ContentError, Diagnostic, Message, msg
from circlemade_site.models import Image

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 25_000_000
MIN_SIDE = 32
RASTER_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP"}
EXTENSIONS = frozenset({*RASTER_FORMATS, ".svg"})


def inspect(src_path: Path, rel_path: str, line: int | None, column: int | None,
            field: str) -> Image:
    """Check a picture without decoding it in full. Raises ContentError."""

    def refuse(message: Message, hint: Message | None = None) -> ContentError:
        return ContentError(Diagnostic(rel_path, message, line, column, field, hint))

    suffix = src_path.suffix.lower()
    if suffix not in EXTENSIONS:
        raise refuse(msg("{name!r} is not a PNG, JPEG, WebP or SVG file", name=src_path.name),
                     msg("export the logo as PNG"))
    try:
        size = src_path.stat().st_size
        if size > MAX_BYTES:
            raise refuse(msg("{name!r} is too large ({size:.1f} MB, at most {limit} MB)",
                             name=src_path.name, size=size / 1_048_576,
                             limit=MAX_BYTES // 1_048_576),
                         msg("export it smaller, 1000 pixels wide is plenty"))
        data = src_path.read_bytes()
    except OSError as exc:
        raise refuse(msg("cannot read {name!r}: {reason}", name=src_path.name,
                         reason=exc.strerror)) from exc
    digest = hashlib.sha256(data).hexdigest()
    if suffix == ".svg":
        width, height = svg_size(data, refuse)
        return Image(src_path, rel_path, line, "SVG", width, height, digest)
    try:
        with warnings.catch_warnings():
            # opening reads the header only; the pixel count is checked below, with a lower
            # limit than Pillow's, before anything is decoded
            warnings.simplefilter("ignore", PIL.Image.DecompressionBombWarning)
            with PIL.Image.open(io.BytesIO(data)) as im:
                found, width, height = im.format, im.width, im.height
    except PIL.Image.DecompressionBombError:      # far above Pillow's own limit
        raise refuse(msg("{name!r} has too many pixels (at most {limit:,})", name=src_path.name,
                         limit=MAX_PIXELS), msg("export it at most 2000 pixels wide")) from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise refuse(msg("{name!r} is not a readable image ({reason})", name=src_path.name,
                         reason=str(exc)),
                     msg("open it in an image editor and export it again as PNG")) from None
    expected = RASTER_FORMATS[suffix]
    if found != expected:
        raise refuse(msg("{name!r} is a {found} file, not {expected} as its name says",
                         name=src_path.name, found=found or "?", expected=expected),
                     msg("rename it to end in .{suffix} or export it again",
                         suffix=(found or "png").lower()))
    if width * height > MAX_PIXELS:
        raise refuse(msg("{name!r} has too many pixels ({width}x{height}, at most {limit:,})",
                         name=src_path.name, width=width, height=height, limit=MAX_PIXELS),
                     msg("export it at most 2000 pixels wide"))
    if min(width, height) < MIN_SIDE:
        raise refuse(msg("{name!r} is too small ({width}x{height} pixels)", name=src_path.name,
                         width=width, height=height),
                     msg("it needs at least {least} pixels on each side; 600 is better",
                         least=MIN_SIDE))
    return Image(src_path, rel_path, line, found, width, height, digest)


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
# CSS that fetches or runs something, once escapes are decoded (a presentation attribute
# is parsed as CSS: fill="\75 rl(...)" is fill="url(...)")
_CSS_FETCH = re.compile(r"@import|(?:image-set|image|src|element|expression|cross-fade)\s*\(",
                        re.IGNORECASE)
_CSS_ESCAPE = re.compile(r"\\(?:([0-9A-Fa-f]{1,6})[ \t\n\r\f]?|(\n)|(.))", re.DOTALL)
MAX_SVG_ELEMENTS = 5_000     # after <use> expansion; a real logo has a few hundred at most


def css_unescape(value: str) -> str:
    """`value` with its CSS escapes decoded (CSS Syntax 3, "consume an escaped code point")."""
    def decoded(match: re.Match[str]) -> str:
        code, newline, other = match.groups()
        if code is not None:
            number = int(code, 16)
            return chr(number) if 0 < number <= 0x10FFFF and not 0xD800 <= number <= 0xDFFF \
                else "\ufffd"
        return "" if newline else other
    return _CSS_ESCAPE.sub(decoded, value)


class UnsafeSvg(ValueError):
    def __init__(self, message: Message) -> None:
        super().__init__(message)
        self.message = message


def sanitize_svg(data: bytes) -> bytes:
    """The SVG re-serialised from an allowlist, or UnsafeSvg. No script, event handler,
    style, foreignObject, external reference, entity or processing instruction survives:
    anything outside the allowlist refuses the file rather than being silently dropped."""
    try:
        root = defusedxml.ElementTree.fromstring(data, forbid_dtd=True, forbid_entities=True,
                                                 forbid_external=True)
    except defusedxml.DefusedXmlException as exc:
        raise UnsafeSvg(msg("the SVG declares a DTD or entities ({reason})",
                            reason=type(exc).__name__)) from None
    except Exception as exc:   # ElementTree.ParseError and friends
        raise UnsafeSvg(msg("the SVG is not well-formed XML ({reason})", reason=str(exc))) from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise UnsafeSvg(msg("the file's root element is not <svg>"))
    for element in root.iter():
        if not isinstance(element.tag, str) or not element.tag.startswith(f"{{{SVG_NS}}}"):
            raise UnsafeSvg(msg("the SVG contains a foreign element {tag!r}", tag=element.tag))
        name = element.tag[len(SVG_NS) + 2:]
        if name not in SVG_ELEMENTS:
            raise UnsafeSvg(msg("the SVG contains a <{name}> element, which is not allowed",
                                name=name))
        for attribute, value in list(element.attrib.items()):
            local = attribute.rsplit("}", 1)[-1]
            if local not in SVG_ATTRIBUTES:
                raise UnsafeSvg(msg("the SVG has a {attribute!r} attribute on <{name}>, which "
                                    "is not allowed", attribute=local, name=name))
            if local == "href" and not _LOCAL_REF.match(value.strip()):
                raise UnsafeSvg(msg("the SVG links to {value!r}; only references inside the "
                                    "file are allowed", value=value))
            css = css_unescape(value)
            if _CSS_FETCH.search(css):
                raise UnsafeSvg(msg("the SVG has {value!r} in its {attribute!r} attribute, "
                                    "CSS that loads or runs something", value=css,
                                    attribute=local))
            for ref in _URL_FUNCTION.findall(css):
                if not _LOCAL_REF.match(ref.strip("'\"")):
                    raise UnsafeSvg(msg("the SVG refers to {value!r}; only references inside "
                                        "the file are allowed", value=ref))
            if "\\" in value:
                raise UnsafeSvg(msg("the SVG writes its {attribute!r} attribute with CSS "
                                    "escapes ({value!r})", attribute=local, value=value))
    _check_references(root)
    ElementTree.register_namespace("", SVG_NS)
    ElementTree.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="utf-8",
                                                                            xml_declaration=False)


def _check_references(root: ElementTree.Element) -> None:
    """Refuse references that loop (a <use> or a gradient that reaches itself) and <use>
    trees that expand to more than MAX_SVG_ELEMENTS elements (each <use> copies what it
    names, so ten nested levels of ten copies make ten billion: a browser that opens the
    logo freezes)."""
    by_id = {e.get("id"): e for e in root.iter() if e.get("id")}
    sizes: dict[int, int] = {}
    visiting: set[int] = set()

    def target(element: ElementTree.Element) -> ElementTree.Element | None:
        href = next((v for k, v in element.attrib.items() if k.rsplit("}", 1)[-1] == "href"), None)
        return by_id.get(href.strip()[1:]) if href else None

    def size(element: ElementTree.Element) -> int:
        key = id(element)
        if key in sizes:
            return sizes[key]
        if key in visiting:
            raise UnsafeSvg(msg("the SVG has a reference that leads back to itself (through "
                                "{id!r})", id=element.get("id") or element.tag.rsplit("}", 1)[-1]))
        visiting.add(key)
        total = 1 + sum(size(child) for child in element)
        if (named := target(element)) is not None:
            total += size(named) if element.tag == f"{{{SVG_NS}}}use" else min(size(named), 1)
        visiting.discard(key)
        if total > MAX_SVG_ELEMENTS:
            raise UnsafeSvg(msg("the SVG expands to more than {limit:,} elements through "
                                "<use> (copies of copies)", limit=MAX_SVG_ELEMENTS))
        sizes[key] = total
        return total

    try:
        size(root)
    except RecursionError:
        raise UnsafeSvg(msg("the SVG nests its elements too deeply")) from None


def svg_size(data: bytes,
             refuse: Callable[[Message, Message | None], ContentError]) -> tuple[int, int]:
    """Check an SVG now (so `check` refuses it) and read its intrinsic size."""
    try:
        sanitize_svg(data)
        root = defusedxml.ElementTree.fromstring(data, forbid_dtd=True)
    except UnsafeSvg as exc:
        raise refuse(exc.message, msg("export the logo as PNG instead")) from None
    box = (root.get("viewBox") or "").replace(",", " ").split()
    try:
        width = float(root.get("width", "").removesuffix("px") or (box[2] if len(box) == 4 else 0))
        height = float(root.get("height", "").removesuffix("px") or (box[3] if len(box) == 4 else 0))
    except ValueError:
        width = height = 0
    if width <= 0 or height <= 0:
        raise refuse(msg("the SVG has no usable size"),
                     msg('give the <svg> a viewBox, for example viewBox="0 0 200 100"'))
    return round(width), round(height)
