"""Draw a share image (Open Graph): 1200x630, in the theme's colours with the theme's font
(themes/<theme>/fonts/). What a card shows is decided by plan/images.py (Card); this
module only draws it, in a worker process."""

from __future__ import annotations

import io
import math
from pathlib import Path

import PIL.Image
import PIL.ImageDraw
import PIL.ImageFont
import PIL.ImageOps

WIDTH, HEIGHT = 1200, 630
DARK = (6, 57, 44)
GREEN = (11, 90, 69)
YELLOW = (242, 194, 48)
WHITE = (255, 255, 255)
Font = PIL.ImageFont.FreeTypeFont | PIL.ImageFont.ImageFont


def _font(font_dir: str, bold: bool, size: int) -> Font:
    path = Path(font_dir) / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    if path.is_file():
        return PIL.ImageFont.truetype(str(path), size)
    return PIL.ImageFont.load_default(size)


def _wrap(draw: PIL.ImageDraw.ImageDraw, text: str, font: Font, width: int) -> list[str]:
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
        with PIL.Image.open(picture) as opened:
            opened.draft("RGB", (520 * 2, HEIGHT * 2))      # JPEG: decode at a reduced scale
            hero = PIL.ImageOps.fit(opened.convert("RGB"), (520, HEIGHT), PIL.Image.Resampling.LANCZOS)
        image.paste(hero, (WIDTH - 520, 0))
        text_width = 560
    elif layout == "logo" and picture:
        box = (WIDTH - 420, 120, WIDTH - 60, 480)
        canvas.rounded_rectangle(box, radius=24, fill=WHITE)
        with PIL.Image.open(picture) as opened:
            logo = opened.convert("RGBA")
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
