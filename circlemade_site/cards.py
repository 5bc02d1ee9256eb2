"""Share images (Open Graph): one 1200x630 picture per member, event, news item and
campaign, and one per language for every other page, drawn with Pillow in the theme's
colours with the theme's font (themes/<theme>/fonts/), cached by what is drawn on them.

A card names what it shows: the title, a line above it (kind, date), and the member's
logo or the campaign's hero; the cluster's mark and name sit at the bottom. Member cards
carry no language-specific text, so one card serves every language.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING

import PIL.Image
import PIL.ImageDraw
import PIL.ImageFont
import PIL.ImageOps

if TYPE_CHECKING:
    from circlemade_site.models import Image

WIDTH, HEIGHT = 1200, 630
CARD_VERSION = "1"
DARK = (6, 57, 44)
GREEN = (11, 90, 69)
LIGHT = (227, 240, 235)
YELLOW = (242, 194, 48)
WHITE = (255, 255, 255)


@dataclasses.dataclass(frozen=True, slots=True)
class Card:
    """A share image to draw. `picture` is a member's logo or a campaign's hero (a file
    already inspected by images.inspect) and `layout` says how to place it."""

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


def card_digest(title: str, eyebrow: str, footer: str, picture_digest: str, layout: str,
                font_key: str) -> str:
    payload = json.dumps([CARD_VERSION, title, eyebrow, footer, picture_digest, layout, font_key])
    return hashlib.sha256(payload.encode()).hexdigest()


def fonts_key(font_dir: Path) -> str:
    """A digest of the theme's fonts (read once per build)."""
    digest = hashlib.sha256()
    for path in sorted(font_dir.glob("*.ttf")) if font_dir.is_dir() else []:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def _font(font_dir: str, bold: bool, size: int) -> PIL.ImageFont.FreeTypeFont | PIL.ImageFont.ImageFont:
    path = Path(font_dir) / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    if path.is_file():
        return PIL.ImageFont.truetype(str(path), size)
    return PIL.ImageFont.load_default(size)


def _wrap(draw: PIL.ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:  # type: ignore[no-untyped-def]
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def draw(task: tuple[str, ...]) -> bytes:
    """The JPEG bytes of a card (runs in a worker process)."""
    _, title, eyebrow, footer, picture, layout, font_dir = task
    image = PIL.Image.new("RGB", (WIDTH, HEIGHT), DARK)
    canvas = PIL.ImageDraw.Draw(image)
    # the theme's circles, as on the home page
    canvas.ellipse((900, -120, 1340, 320), outline=(255, 255, 255, 30), width=2)
    text_width = 1080
    if layout == "hero" and picture:
        with PIL.Image.open(picture) as hero:
            hero.draft("RGB", (520 * 2, HEIGHT * 2))      # JPEG: decode at a reduced scale
            hero = PIL.ImageOps.fit(hero.convert("RGB"), (520, HEIGHT), PIL.Image.Resampling.LANCZOS)
        image.paste(hero, (WIDTH - 520, 0))
        text_width = 560
    elif layout == "logo" and picture:
        box = (WIDTH - 420, 120, WIDTH - 60, 480)
        canvas.rounded_rectangle(box, radius=24, fill=WHITE)
        with PIL.Image.open(picture) as logo:
            logo = logo.convert("RGBA")
            logo.thumbnail((300, 300), PIL.Image.Resampling.LANCZOS, reducing_gap=3.0)
            x = box[0] + (box[2] - box[0] - logo.width) // 2
            y = box[1] + (box[3] - box[1] - logo.height) // 2
            image.paste(logo, (x, y), logo)
        text_width = 640
    else:
        text_width = 880
        canvas.ellipse((930, 140, 1130, 340), fill=GREEN)
        canvas.ellipse((995, 205, 1065, 275), fill=YELLOW)
    left, top = 72, 80
    if eyebrow:
        font = _font(font_dir, True, 30)
        canvas.text((left, top), eyebrow.upper(), font=font, fill=YELLOW)
        top += 64
    for size in (68, 60, 52, 44):
        font = _font(font_dir, True, size)
        lines = _wrap(canvas, title, font, text_width - left)
        if len(lines) <= 4:
            break
    lines = lines[:5]
    for line in lines:
        canvas.text((left, top), line, font=font, fill=WHITE)
        top += math.ceil(size * 1.2)
    # the cluster's mark and name
    y = HEIGHT - 96
    canvas.arc((left, y, left + 48, y + 48), start=-30, end=270, fill=WHITE, width=7)
    canvas.ellipse((left + 17, y + 17, left + 31, y + 31), fill=YELLOW)
    canvas.text((left + 66, y + 4), footer, font=_font(font_dir, True, 34), fill=WHITE)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=86, optimize=True, progressive=True)
    return out.getvalue()


class ShareCards:
    """Collects the cards a build needs and answers each page with its card's URL.
    One instance per build, passed explicitly to the planning functions."""

    def __init__(self, font_dir: Path, url_for_path) -> None:  # type: ignore[no-untyped-def]
        self.font_dir = font_dir
        self.font_key = fonts_key(font_dir)
        self._url_for_path = url_for_path      # (kind, name, digest) -> output path
        self.jobs: dict[str, Card] = {}

    def card(self, kind: str, name: str, title: str, eyebrow: str = "",
             picture: "Image | None" = None, layout: str = "plain", footer: str = "circlemade.brussels") -> str:
        """The output path (no leading slash) of the card, added to the jobs once."""
        usable = picture is not None and picture.format != "SVG"
        layout = layout if usable else "plain"
        digest = card_digest(title, eyebrow, footer, picture.digest if usable else "", layout,
                             self.font_key)
        dest = self._url_for_path(kind, name, digest)
        if dest not in self.jobs:
            self.jobs[dest] = Card(dest, title, eyebrow, footer,
                                   picture.src_path if usable else None,
                                   picture.rel_path if usable else "", picture.digest if usable else "",
                                   layout, self.font_dir, self.font_key)
        return dest
