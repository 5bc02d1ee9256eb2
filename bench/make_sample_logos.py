"""Draw the logos of the sample members (members/<slug>/logo.png).

Deterministic: the same Pillow version gives the same files. Run by hand:

    .venv/bin/python bench/make_sample_logos.py

Each logo is drawn at SCALE times its final size on a transparent background, then
reduced with a Lanczos filter (anti-aliased edges) and saved as an optimised PNG.
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
MEMBERS = ROOT / "members"
FONT_PATH = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
SCALE = 3
MAX_BYTES = 60_000


# --- helpers -------------------------------------------------------------------------


def font(size: int) -> ImageFont.FreeTypeFont:
    size = int(size)
    if FONT_PATH.exists():
        return ImageFont.truetype(str(FONT_PATH), size)
    return ImageFont.load_default(size=size)


def text(d: ImageDraw.ImageDraw, xy, s: str, size: float, fill, max_w: float | None = None,
         anchor: str = "mm") -> None:
    """Draw s at xy; shrink the font until it is at most max_w wide."""
    size = int(size)
    f = font(size)
    if max_w is not None:
        while size > 8 and d.textlength(s, font=f) > max_w:
            size -= 2
            f = font(size)
    d.text(xy, s, font=f, fill=fill, anchor=anchor)


def rot(points, angle_deg: float, cx: float, cy: float):
    a = math.radians(angle_deg)
    ca, sa = math.cos(a), math.sin(a)
    return [(cx + x * ca - y * sa, cy + x * sa + y * ca) for x, y in points]


def leaf(d, cx, cy, length, width, angle, fill, vein=None, vein_w=0):
    """A lens-shaped leaf starting at (cx, cy), pointing at angle degrees."""
    n = 40
    upper = [(length * i / n, -width / 2 * math.sin(math.pi * i / n)) for i in range(n + 1)]
    lower = [(length * i / n, width / 2 * math.sin(math.pi * i / n)) for i in range(n, -1, -1)]
    d.polygon(rot(upper + lower, angle, cx, cy), fill=fill)
    if vein:
        d.line(rot([(length * 0.08, 0), (length * 0.9, 0)], angle, cx, cy), fill=vein, width=vein_w)


def arrowhead(d, x, y, angle, size, fill):
    """A triangle whose tip is at (x, y), pointing at angle degrees."""
    pts = [(0, 0), (-size, -size * 0.6), (-size, size * 0.6)]
    d.polygon(rot(pts, angle, x, y), fill=fill)


def ring_arrow(d, cx, cy, r, start, end, width, fill, head):
    """An arc from start to end degrees (clockwise, PIL convention) ending in an arrowhead."""
    d.arc((cx - r, cy - r, cx + r, cy + r), start, end, fill=fill, width=width)
    a = math.radians(end)
    x = cx + (r - width / 2) * math.cos(a)
    y = cy + (r - width / 2) * math.sin(a)
    arrowhead(d, x + head * 0.5 * math.cos(a + math.pi / 2), y + head * 0.5 * math.sin(a + math.pi / 2),
              end + 90, head, fill)


def canvas(w: int, h: int, bg=(0, 0, 0, 0)):
    img = Image.new("RGBA", (w * SCALE, h * SCALE), bg)
    return img, ImageDraw.Draw(img), SCALE


# --- one function per member ----------------------------------------------------------


def atelier_copeau_vif():
    img, d, s = canvas(600, 600)
    brown, orange, cream = (94, 58, 32), (226, 124, 38), (244, 226, 196)
    d.ellipse((90 * s, 40 * s, 510 * s, 460 * s), fill=cream)
    # a wood shaving: a spiral of arcs with decreasing radius
    cx, cy = 300 * s, 250 * s
    r, w = 170 * s, 34 * s
    for i, (a0, a1) in enumerate([(200, 470), (110, 380), (20, 290)]):
        d.arc((cx - r, cy - r, cx + r, cy + r), a0, a1, fill=orange if i % 2 == 0 else brown, width=w)
        cx += 18 * s
        cy += 10 * s
        r -= 52 * s
    d.ellipse((cx - 16 * s, cy - 16 * s, cx + 16 * s, cy + 16 * s), fill=brown)
    text(d, (300 * s, 510 * s), "COPEAU VIF", 70 * s, brown, max_w=520 * s)
    text(d, (300 * s, 565 * s), "atelier · Forest", 30 * s, orange)
    return img


def seconde_pierre():
    img, d, s = canvas(800, 400)
    tones = [(178, 74, 46), (205, 112, 74), (140, 128, 118), (222, 160, 120)]
    bw, bh, gap = 74 * s, 34 * s, 8 * s
    x0, y0 = 40 * s, 92 * s
    for row in range(5):
        offset = 0 if row % 2 == 0 else (bw + gap) // 2
        count = 3 if row % 2 == 0 else 2
        for col in range(count):
            x = x0 + offset + col * (bw + gap)
            y = y0 + row * (bh + gap)
            d.rounded_rectangle((x, y, x + bw, y + bh), radius=5 * s, fill=tones[(row + col * 2) % 4])
    # one brick lifted out of the wall, moving on
    d.rounded_rectangle((x0 + 3 * (bw + gap) - 20 * s, 40 * s, x0 + 4 * (bw + gap) - 28 * s, 40 * s + bh),
                        radius=5 * s, fill=tones[0])
    dark = (60, 52, 48)
    text(d, (300 * s, 185 * s), "SECONDE", 88 * s, dark, max_w=470 * s, anchor="lm")
    text(d, (300 * s, 275 * s), "PIERRE", 88 * s, tones[0], max_w=470 * s, anchor="lm")
    text(d, (302 * s, 335 * s), "matériaux de réemploi", 26 * s, tones[2], anchor="lm")
    return img


def recable():
    img, d, s = canvas(600, 600)
    navy, teal, mint = (18, 42, 74), (0, 150, 150), (120, 220, 200)
    cx, cy = 300 * s, 240 * s
    ring_arrow(d, cx, cy, 190 * s, 200, 500, 26 * s, teal, 52 * s)
    # circuit traces with solder pads
    traces = [
        [(200, 200), (260, 200), (300, 160), (390, 160)],
        [(200, 250), (400, 250)],
        [(210, 300), (280, 300), (320, 340), (390, 340)],
    ]
    for tr in traces:
        pts = [(x * s, y * s) for x, y in tr]
        d.line(pts, fill=navy, width=14 * s, joint="curve")
        for x, y in (pts[0], pts[-1]):
            d.ellipse((x - 17 * s, y - 17 * s, x + 17 * s, y + 17 * s), fill=mint, outline=navy, width=7 * s)
    text(d, (300 * s, 515 * s), "recâblé", 96 * s, navy, max_w=520 * s)
    return img


def maille_reprise():
    img, d, s = canvas(600, 600)
    plum, rasp, pink = (92, 30, 74), (200, 40, 96), (246, 184, 200)
    d.rounded_rectangle((110 * s, 40 * s, 490 * s, 400 * s), radius=60 * s, fill=pink)
    # knitted stitches: rows of V shapes, one row darned in another colour
    sw, sh = 54 * s, 52 * s
    for row in range(6):
        for col in range(6):
            x = 138 * s + col * sw
            y = 70 * s + row * sh
            colour = rasp if row == 3 and 1 <= col <= 4 else plum
            d.line([(x, y), (x + sw / 2, y + sh * 0.8), (x + sw, y)], fill=colour, width=13 * s, joint="curve")
    # the needle
    d.line([(120 * s, 380 * s), (500 * s, 190 * s)], fill=(70, 70, 80), width=9 * s)
    d.ellipse((486 * s, 178 * s, 510 * s, 202 * s), outline=(70, 70, 80), width=6 * s)
    text(d, (300 * s, 470 * s), "MAILLE", 72 * s, plum, max_w=520 * s)
    text(d, (300 * s, 545 * s), "REPRISE", 72 * s, rasp, max_w=520 * s)
    return img


def racines_canal():
    img, d, s = canvas(600, 600)
    green, dark, earth, water = (62, 140, 60), (28, 80, 40), (120, 84, 50), (40, 120, 190)
    cx, ground = 300 * s, 250 * s
    # two leaves of a sprout
    d.line([(cx, ground), (cx, 150 * s)], fill=dark, width=12 * s)
    leaf(d, cx, 170 * s, 150 * s, 80 * s, -150, green, vein=dark, vein_w=5 * s)
    leaf(d, cx, 150 * s, 160 * s, 86 * s, -35, green, vein=dark, vein_w=5 * s)
    # the canal: two waves
    for k, y in enumerate((ground, ground + 34 * s)):
        pts = [(x * s, y + 12 * s * math.sin(x / 38 + k)) for x in range(90, 511, 4)]
        d.line(pts, fill=water, width=14 * s, joint="curve")
    # roots
    roots = [[(300, 300), (300, 360), (280, 400)], [(300, 330), (250, 370), (220, 380)],
             [(300, 330), (350, 365), (385, 375)], [(300, 360), (320, 395), (330, 420)]]
    for r in roots:
        d.line([(x * s, y * s) for x, y in r], fill=earth, width=10 * s, joint="curve")
    text(d, (300 * s, 490 * s), "RACINES", 70 * s, dark, max_w=520 * s)
    text(d, (300 * s, 555 * s), "CANAL", 56 * s, water, max_w=520 * s)
    return img


def quai_partage():
    img, d, s = canvas(800, 400)
    navy, yellow, sky = (22, 38, 86), (246, 190, 30), (120, 160, 220)
    # three hexagonal containers, the loop of arrows around them
    for (x, y), c in zip([(150, 150), (215, 260), (85, 260)], [yellow, sky, sky]):
        d.regular_polygon((x * s, y * s, 52 * s), 6, rotation=30, fill=c, outline=navy, width=8 * s)
    cx, cy, r = 150 * s, 223 * s, 140 * s
    ring_arrow(d, cx, cy, r, 200, 320, 14 * s, navy, 34 * s)
    ring_arrow(d, cx, cy, r, 20, 140, 14 * s, navy, 34 * s)
    text(d, (330 * s, 170 * s), "QUAI", 100 * s, navy, max_w=440 * s, anchor="lm")
    text(d, (330 * s, 270 * s), "PARTAGÉ", 84 * s, navy, max_w=440 * s, anchor="lm")
    d.rectangle((332 * s, 322 * s, 560 * s, 332 * s), fill=yellow)
    return img


def studio_lisiere():
    img, d, s = canvas(600, 600)
    ink, sage, light = (34, 40, 38), (120, 158, 120), (206, 224, 200)
    # a forest edge: a field meeting a row of trees, in a circle
    d.ellipse((120 * s, 40 * s, 480 * s, 400 * s), fill=light)
    for i, (x, h) in enumerate([(190, 150), (245, 200), (305, 170), (360, 220), (410, 140)]):
        base = 300 * s
        d.polygon([(x * s - 36 * s, base), (x * s + 36 * s, base), (x * s, base - h * s)],
                  fill=sage if i % 2 else ink)
    d.chord((120 * s, 40 * s, 480 * s, 400 * s), 0, 180, fill=ink)
    d.line([(150 * s, 300 * s), (450 * s, 300 * s)], fill=light, width=6 * s)
    text(d, (300 * s, 470 * s), "studio", 44 * s, sage)
    text(d, (300 * s, 535 * s), "lisière", 84 * s, ink, max_w=520 * s)
    return img


def senne_urban_metabolism_lab():
    img, d, s = canvas(600, 600)
    indigo, violet, cyan = (40, 36, 110), (120, 80, 190), (60, 180, 220)
    r = 56 * s
    h = math.sqrt(3) * r
    centres = [(300, 190), (300 - 1.5 * 56, 190 - h / s / 2), (300 + 1.5 * 56, 190 - h / s / 2),
               (300 - 1.5 * 56, 190 + h / s / 2), (300 + 1.5 * 56, 190 + h / s / 2), (300, 190 - h / s),
               (300, 190 + h / s)]
    colours = [cyan, violet, indigo, indigo, violet, indigo, violet]
    for (x, y), c in zip(centres, colours):
        d.regular_polygon((x * s, y * s, r - 6 * s), 6, rotation=0, fill=c)
    d.ellipse((300 * s - 20 * s, 190 * s - 20 * s, 300 * s + 20 * s, 190 * s + 20 * s), fill=(255, 255, 255))
    text(d, (300 * s, 440 * s), "SUM LAB", 92 * s, indigo, max_w=520 * s)
    text(d, (300 * s, 510 * s), "Senne Urban", 32 * s, violet)
    text(d, (300 * s, 550 * s), "Metabolism Lab", 32 * s, violet)
    return img


def centre_matiere_seconde():
    img, d, s = canvas(600, 600)
    slate, ochre, grey = (44, 62, 80), (214, 140, 30), (170, 180, 190)
    cx, cy = 300 * s, 220 * s
    # nested squares turned by 45 degrees, a material being tested layer by layer
    for _k, (size, c) in enumerate([(180, slate), (130, grey), (82, ochre), (36, slate)]):
        pts = rot([(-size * s, 0), (0, -size * s), (size * s, 0), (0, size * s)], 0, cx, cy)
        d.polygon(pts, fill=c)
    for a in (45, 135, 225, 315):
        arrowhead(d, cx + 215 * s * math.cos(math.radians(a)), cy + 215 * s * math.sin(math.radians(a)),
                  a + 180, 34 * s, ochre)
    text(d, (300 * s, 470 * s), "CMS", 90 * s, slate)
    text(d, (300 * s, 545 * s), "Centre Matière Seconde", 38 * s, ochre, max_w=540 * s)
    return img


def publi_boucle():
    img, d, s = canvas(600, 600)
    blue, orange = (16, 72, 150), (238, 110, 40)
    cx, cy, r = 300 * s, 235 * s, 175 * s
    for i, start in enumerate((-80, 40, 160)):
        ring_arrow(d, cx, cy, r, start, start + 95, 36 * s, orange if i == 0 else blue, 64 * s)
    # a chair and a table in the middle: shared public furniture
    for box, c in [
        ((222, 170, 238, 300), orange),  # chair back and back leg
        ((222, 230, 282, 246), orange),  # seat
        ((266, 246, 282, 300), orange),  # front leg
        ((296, 206, 386, 222), blue),  # table top
        ((306, 222, 320, 300), blue),  # table legs
        ((362, 222, 376, 300), blue),
    ]:
        d.rectangle(tuple(v * s for v in box), fill=c)
    text(d, (300 * s, 505 * s), "PUBLI-BOUCLE", 70 * s, blue, max_w=540 * s)
    text(d, (300 * s, 563 * s), "service public intercommunal", 26 * s, orange, max_w=540 * s)
    return img


def semence_coop():
    img, d, s = canvas(600, 600)
    gold, green, deep = (220, 168, 40), (70, 150, 80), (30, 70, 50)
    cx, cy = 300 * s, 250 * s
    d.ellipse((cx - 190 * s, cy - 190 * s, cx + 190 * s, cy + 190 * s), outline=gold, width=22 * s)
    # a seed opening into a sprout
    d.ellipse((cx - 70 * s, cy + 20 * s, cx + 70 * s, cy + 120 * s), fill=gold)
    d.line([(cx, cy + 40 * s), (cx, cy - 60 * s)], fill=deep, width=14 * s)
    leaf(d, cx, cy - 50 * s, 120 * s, 64 * s, -145, green, vein=deep, vein_w=5 * s)
    leaf(d, cx, cy - 60 * s, 130 * s, 70 * s, -40, green, vein=deep, vein_w=5 * s)
    text(d, (300 * s, 510 * s), "SEMENCE", 76 * s, deep, max_w=520 * s)
    text(d, (300 * s, 568 * s), "COOP", 40 * s, gold)
    return img


def plume_boucle():
    img, d, s = canvas(800, 400)
    coral, ink, sand = (232, 96, 80), (36, 36, 52), (250, 214, 190)
    d.ellipse((36 * s, 50 * s, 336 * s, 350 * s), fill=sand)
    # a feather: a long leaf with barbs, its quill drawing a loop
    leaf(d, 110 * s, 300 * s, 240 * s, 90 * s, -55, coral)
    for t in range(3, 10):
        x0 = 110 * s + t * 24 * s * math.cos(math.radians(-55))
        y0 = 300 * s + t * 24 * s * math.sin(math.radians(-55))
        d.line([(x0, y0), (x0 + 30 * s, y0 + 6 * s)], fill=sand, width=4 * s)
    d.line([(110 * s, 300 * s), (250 * s, 100 * s)], fill=ink, width=6 * s)
    d.arc((60 * s, 270 * s, 150 * s, 350 * s), 300, 250, fill=ink, width=8 * s)
    text(d, (370 * s, 170 * s), "Plume &", 86 * s, ink, max_w=400 * s, anchor="lm")
    text(d, (370 * s, 265 * s), "Boucle", 86 * s, coral, max_w=400 * s, anchor="lm")
    text(d, (374 * s, 330 * s), "communication durable", 24 * s, ink, anchor="lm")
    return img


LOGOS = {
    "atelier-copeau-vif": atelier_copeau_vif,
    "seconde-pierre": seconde_pierre,
    "recable": recable,
    "maille-reprise": maille_reprise,
    "racines-canal": racines_canal,
    "quai-partage": quai_partage,
    "studio-lisiere": studio_lisiere,
    "senne-urban-metabolism-lab": senne_urban_metabolism_lab,
    "centre-matiere-seconde": centre_matiere_seconde,
    "publi-boucle": publi_boucle,
    "semence-coop": semence_coop,
    "plume-boucle": plume_boucle,
}


def save(img: Image.Image, dest: Path) -> int:
    small = img.resize((img.width // SCALE, img.height // SCALE), Image.Resampling.LANCZOS)
    small.save(dest, "PNG", optimize=True)
    if dest.stat().st_size > MAX_BYTES:
        # fall back to a 128-colour palette, still with transparency
        small.quantize(colors=128, method=Image.Quantize.FASTOCTREE).save(dest, "PNG", optimize=True)
    return dest.stat().st_size


def main() -> None:
    for slug, draw in LOGOS.items():
        folder = MEMBERS / slug
        if not folder.is_dir():
            raise SystemExit(f"no folder members/{slug}")
        size = save(draw(), folder / "logo.png")
        print(f"members/{slug}/logo.png  {size:6d} bytes")


if __name__ == "__main__":
    main()
