"""Draw the hero images of the sample campaigns (content/campaigns/<hero>.jpg).

Deterministic: no randomness, so the same Pillow version gives the same files. Run by hand:

    .venv/bin/python bench/make_sample_heroes.py

Each image is an abstract, calm illustration in the site's palette: interlocking rings and
loops that suggest circularity, with a few flat silhouettes of everyday objects (a chair, a
laptop, a stack of bricks). There is no text. Each is drawn at SCALE times its final size,
reduced with a Lanczos filter (anti-aliased edges) and saved as a progressive JPEG.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
CAMPAIGNS = ROOT / "content" / "campaigns"
WIDTH, HEIGHT = 1600, 900
SCALE = 2
QUALITY = 82
MAX_BYTES = 400_000

# The site's palette.
DARK = "#06392c"
GREEN = "#0b5a45"
MID = "#0f6b53"
LIGHT = "#e3f0eb"
YELLOW = "#f2c230"
# Two tints between LIGHT and the greens, for soft background shapes.
TINT = "#d3e7df"
TINT2 = "#c2ddd2"


# --- helpers (coordinates are given at final size and scaled here) --------------------


def s(v: float) -> int:
    return round(v * SCALE)


def box(cx: float, cy: float, r: float) -> tuple[int, int, int, int]:
    return (s(cx - r), s(cy - r), s(cx + r), s(cy + r))


def disc(d: ImageDraw.ImageDraw, cx: float, cy: float, r: float, fill: str) -> None:
    d.ellipse(box(cx, cy, r), fill=fill)


def ring(d: ImageDraw.ImageDraw, cx: float, cy: float, r: float, width: float, fill: str) -> None:
    """A ring whose centre line has radius r."""
    d.ellipse(box(cx, cy, r + width / 2), outline=fill, width=s(width))


def point_on(cx: float, cy: float, r: float, angle: float) -> tuple[float, float]:
    a = math.radians(angle)
    return cx + r * math.cos(a), cy + r * math.sin(a)


def arc(d: ImageDraw.ImageDraw, cx: float, cy: float, r: float, width: float,
        start: float, end: float, fill: str, caps: tuple[bool, bool] = (True, True)) -> None:
    """An arc of the circle of radius r (centre line), from start to end degrees
    (clockwise on screen, 0 = east), with round caps at the ends asked for."""
    d.arc(box(cx, cy, r + width / 2), start, end, fill=fill, width=s(width))
    for angle, cap in zip((start, end), caps):
        if cap:
            x, y = point_on(cx, cy, r, angle)
            disc(d, x, y, width / 2, fill)


def arrow_head(d: ImageDraw.ImageDraw, cx: float, cy: float, r: float, angle: float,
               size: float, fill: str) -> None:
    """A triangle whose base sits on the circle at angle, pointing clockwise (the direction
    of travel); size is its length, its base is 1.6 times as wide."""
    x, y = point_on(cx, cy, r, angle)
    a = math.radians(angle)
    tx, ty = -math.sin(a), math.cos(a)          # tangent, clockwise on screen
    nx, ny = math.cos(a), math.sin(a)           # outward normal
    # the tip follows the curve: put it on the circle a little further along
    tip = point_on(cx, cy, r, angle + math.degrees(size / r))
    left = (x + nx * size * 0.8 - tx, y + ny * size * 0.8 - ty)
    right = (x - nx * size * 0.8 - tx, y - ny * size * 0.8 - ty)
    d.polygon([(s(px), s(py)) for px, py in (tip, left, right)], fill=fill)


def rrect(d: ImageDraw.ImageDraw, x0: float, y0: float, x1: float, y1: float,
          radius: float, fill: str) -> None:
    d.rounded_rectangle((s(x0), s(y0), s(x1), s(y1)), radius=s(radius), fill=fill)


def poly(d: ImageDraw.ImageDraw, points, fill: str) -> None:
    d.polygon([(s(x), s(y)) for x, y in points], fill=fill)


def paint_overlap(image: Image.Image, first: Callable[[ImageDraw.ImageDraw], None],
                  second: Callable[[ImageDraw.ImageDraw], None], fill: str) -> None:
    """Paint in `fill` where the shapes `first` and `second` overlap."""
    masks = []
    for shape in (first, second):
        mask = Image.new("L", image.size, 0)
        shape(ImageDraw.Draw(mask))
        masks.append(mask)
    image.paste(fill, mask=ImageChops.multiply(*masks))


# --- silhouettes ------------------------------------------------------------------------


def chair(d: ImageDraw.ImageDraw, x: float, y: float, h: float, fill: str) -> None:
    """A simple side-view chair; (x, y) is where the back leg meets the ground, h its height."""
    u = h / 100
    t = 8 * u                                       # thickness of the wood
    r = t / 3                                       # slightly softened corners
    seat_y = y - 46 * u                             # top of the seat
    # back leg and back post in one piece, and a top rail a little thicker
    rrect(d, x, y - 100 * u, x + t, y, r, fill)
    rrect(d, x, y - 100 * u, x + t * 1.5, y - 72 * u, r, fill)
    # seat, overhanging the front leg a little
    rrect(d, x, seat_y, x + 52 * u, seat_y + t, r, fill)
    # front leg
    rrect(d, x + 42 * u, seat_y, x + 42 * u + t, y, r, fill)
    # stretcher between the legs
    rrect(d, x, y - 18 * u, x + 42 * u + t, y - 18 * u + t * 0.6, r, fill)


def laptop(d: ImageDraw.ImageDraw, cx: float, base_y: float, w: float,
           body: str, screen: str) -> None:
    """An open laptop seen from the front; base_y is the bottom of its base."""
    sh = w * 0.62                                   # screen height
    x0, x1 = cx - w / 2, cx + w / 2
    top = base_y - w * 0.07 - sh
    rrect(d, x0, top, x1, base_y - w * 0.07, w * 0.035, body)
    m = w * 0.045
    rrect(d, x0 + m, top + m, x1 - m, base_y - w * 0.07 - m * 0.9, w * 0.015, screen)
    # base, slightly wider than the screen, as a flat trapezoid
    poly(d, [(x0 - w * 0.02, base_y - w * 0.07), (x1 + w * 0.02, base_y - w * 0.07),
             (x1 + w * 0.11, base_y), (x0 - w * 0.11, base_y)], body)
    # touchpad notch
    rrect(d, cx - w * 0.09, base_y - w * 0.045, cx + w * 0.09, base_y - w * 0.02,
          w * 0.01, screen)


def bricks(d: ImageDraw.ImageDraw, x: float, y: float, bw: float, fill: str, edge: str) -> None:
    """A small pyramid of bricks in running bond; (x, y) is the bottom left corner."""
    bh = bw * 0.38
    g = bw * 0.06                                   # mortar joint
    rows = [4, 3, 2]
    for row, count in enumerate(rows):
        offset = row * (bw + g) / 2
        for i in range(count):
            bx = x + offset + i * (bw + g)
            by = y - (row + 1) * (bh + g) + g
            rrect(d, bx, by, bx + bw, by + bh, bw * 0.05, fill)
            # a slim lighter edge on top of each brick, like light falling on it
            rrect(d, bx + bw * 0.06, by + bh * 0.16, bx + bw * 0.94, by + bh * 0.28,
                  bh * 0.06, edge)


# --- the heroes -------------------------------------------------------------------------


def hero_achats_circulaires(image: Image.Image) -> None:
    """Buy circular: two overlapping loops, a chair, a laptop and a stack of bricks."""
    d = ImageDraw.Draw(image)
    # soft background shapes
    disc(d, 180, 820, 420, TINT)
    disc(d, 520, 90, 240, TINT)
    disc(d, 1560, 90, 190, TINT2)

    # the main loop: a dark disc framed by a thick green ring
    cx, cy, r = 960, 420, 280
    disc(d, cx, cy, 232, DARK)
    # the second loop overlaps the first; where the two rings cross, the colour deepens
    # as if they were translucent
    c2x, c2y, r2 = 1370, 600, 200
    ring(d, cx, cy, r, 46, GREEN)
    ring(d, c2x, c2y, r2, 38, MID)
    paint_overlap(image, lambda m: ring(m, cx, cy, r, 46, "white"),
                  lambda m: ring(m, c2x, c2y, r2, 38, "white"), DARK)

    # a yellow accent running along the first ring, ending in an arrow head
    arc(d, cx, cy, r, 16, 196, 262, YELLOW, caps=(True, False))
    arrow_head(d, cx, cy, r, 262, 34, YELLOW)

    # objects: a laptop in the dark disc, bricks in the second loop, a chair on the left
    laptop(d, cx, cy + 92, 220, LIGHT, MID)
    disc(d, cx + 60, cy - 36, 9, YELLOW)                    # a small light on the screen
    bricks(d, 1232, 660, 66, DARK, MID)
    chair(d, 470, 735, 250, DARK)

    # small dots on an orbit, for rhythm
    for i, angle in enumerate(range(125, 186, 15)):
        x, y = point_on(cx, cy, r + 85, angle)
        disc(d, x, y, 7 if i % 2 else 5, MID)
    disc(d, 1500, 300, 14, YELLOW)


def hero_reparer(image: Image.Image) -> None:
    """Repair rather than throw away: a big loop closing on itself, a yellow sun, a chair."""
    d = ImageDraw.Draw(image)
    disc(d, 1420, 760, 380, TINT)
    disc(d, 170, 140, 260, TINT)
    disc(d, 420, 860, 160, TINT2)

    cx, cy, r = 900, 430, 290
    # a faint orbit around the loop
    ring(d, cx, cy, r + 90, 2, TINT2)
    # the loop: almost a full ring, closed by an arrow head that nearly reaches its start
    arc(d, cx, cy, r, 62, -56, 240, GREEN, caps=(True, False))
    arrow_head(d, cx, cy, r, 240, 78, GREEN)
    # an inner, thinner loop turning the same way
    arc(d, cx, cy, r - 100, 18, 40, 320, MID)
    # the yellow sun at the centre
    disc(d, cx, cy, 118, YELLOW)
    ring(d, cx, cy, 78, 8, LIGHT)

    # the chair in the foreground, overlapping the loop
    chair(d, 540, 830, 360, DARK)
    # a few dots following the outer orbit
    for i, angle in enumerate(range(285, 346, 20)):
        x, y = point_on(cx, cy, r + 90, angle)
        disc(d, x, y, 9 if i % 2 else 6, MID)
    disc(d, 1350, 190, 16, YELLOW)


HEROES: dict[str, Callable[[Image.Image], None]] = {
    "hero-achats-circulaires.jpg": hero_achats_circulaires,
    "hero-reparer.jpg": hero_reparer,
}


def render(draw: Callable[[Image.Image], None]) -> Image.Image:
    image = Image.new("RGB", (WIDTH * SCALE, HEIGHT * SCALE), LIGHT)
    draw(image)
    return image.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)


def main() -> None:
    CAMPAIGNS.mkdir(parents=True, exist_ok=True)
    for name, draw in HEROES.items():
        path = CAMPAIGNS / name
        render(draw).save(path, "JPEG", quality=QUALITY, progressive=True, optimize=True)
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise SystemExit(f"{path}: {size} bytes, more than {MAX_BYTES}")
        print(f"{path.relative_to(ROOT)}: {WIDTH}x{HEIGHT}, {size // 1024} KB")


if __name__ == "__main__":
    main()
