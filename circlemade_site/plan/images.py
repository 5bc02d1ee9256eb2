"""The images a site publishes, as jobs to do: the responsive variants of every picture
(members' logos, campaigns' heroes) and the share cards (Open Graph) of its pages. Pure:
what each job is, its output path and cache name; assets/images.py makes them.

A card names what it shows: the title, a line above it (kind, date), the member's logo or
the campaign's hero; it is registered when the plan is made, so a plan lists every image
of the site before anything is rendered.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from circlemade_site import urls
from circlemade_site.models import Image

LOGO_WIDTHS = (160, 320, 640)
CARD_VERSION = "1"
FOOTER = "circlemade.brussels"


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


def variants(image: Image, dest_stem: str, widths: Iterable[int] = LOGO_WIDTHS) -> list[Variant]:
    """The files to publish for `image`: WebP at each width up to the image's own, or the
    SVG itself. `dest_stem` is the output path without extension (decided by urls.py)."""
    return list(_variants(image, dest_stem, tuple(widths)))


@functools.lru_cache(maxsize=8192)    # the preview plans every logo again on each save
def _variants(image: Image, dest_stem: str, widths: tuple[int, ...]) -> tuple[Variant, ...]:
    if image.format == "SVG":
        return (Variant(image, image.width, image.height, f"{dest_stem}.svg"),)
    # every standard width below the image's own, then the image's own (or the largest)
    chosen = sorted({*(w for w in widths if w < image.width), min(image.width, max(widths))})
    return tuple(Variant(image, w, max(1, round(image.height * w / image.width)),
                         f"{dest_stem}-{w}.webp") for w in chosen)


@dataclasses.dataclass(frozen=True, slots=True)
class Card:
    """A share image to draw. `picture` is a member's logo or a campaign's hero (a file
    already inspected by load.images.inspect) and `layout` says how to place it."""

    dest_rel: str
    title: str
    eyebrow: str
    footer: str
    picture: Path | None
    picture_rel: str       # for error messages
    picture_digest: str
    layout: str            # "logo", "hero" or "plain"
    font_dir: Path
    font_key: str          # fonts_key(font_dir): a changed font draws new cards

    @property
    def digest(self) -> str:
        return card_digest(self.title, self.eyebrow, self.footer, self.picture_digest, self.layout,
                           self.font_key)

    @property
    def kind(self) -> str:
        return "jpg"

    def cache_name(self) -> str:
        return f"card-{self.digest}.jpg"

    def task(self) -> tuple[str, ...]:
        return ("card", self.title, self.eyebrow, self.footer, str(self.picture or ""),
                self.layout, str(self.font_dir))


@functools.lru_cache(maxsize=16384)   # as _variants: every card's digest on each save
def card_digest(title: str, eyebrow: str, footer: str, picture_digest: str, layout: str,
                font_key: str) -> str:
    payload = json.dumps([CARD_VERSION, title, eyebrow, footer, picture_digest, layout, font_key])
    return hashlib.sha256(payload.encode()).hexdigest()


class ShareCards:
    """Collects the cards a plan needs and answers each page with its card's output path.
    One instance per plan; `font_key` is the digest of the theme's fonts (read at load):
    a changed font draws new cards."""

    def __init__(self, router: urls.Router, font_dir: Path, font_key: str) -> None:
        self.router = router
        self.font_dir = font_dir
        self.font_key = font_key
        self.jobs: dict[str, Card] = {}

    def card(self, kind: str, name: str, title: str, eyebrow: str = "",
             picture: Image | None = None, layout: str = "plain", footer: str = FOOTER) -> str:
        """The absolute URL of the card (for og:image), added to the jobs once."""
        usable = picture is not None and picture.format != "SVG"
        layout = layout if usable else "plain"
        digest = card_digest(title, eyebrow, footer, picture.digest if picture and usable else "",
                             layout, self.font_key)
        dest = self.router.card_path(kind, name, digest)
        if dest not in self.jobs:
            self.jobs[dest] = Card(dest, title, eyebrow, footer,
                                   picture.src_path if picture and usable else None,
                                   picture.rel_path if picture and usable else "",
                                   picture.digest if picture and usable else "",
                                   layout, self.font_dir, self.font_key)
        return self.router.absolute(self.router.file_url(dest))
