"""QR codes as inline SVG (segno): on the printable offer sheets and in the printed
directory, each leads from paper to the page it names. Pure: text in, markup out."""

from __future__ import annotations

import dataclasses
import functools

import markupsafe
import segno

# M recovers 15 % of a damaged code: enough for a printed page, smaller than Q or H
ERROR_LEVEL = "m"
# The mask pattern is fixed: every one of the eight is a valid code that any reader decodes
# (the tests read them with zxing-cpp), and letting segno score all eight to pick one costs
# four times as much: 5 ms a code, a minute of a cold build at 1,000 members and their
# 4,000 offer sheets (docs/performance.md).
MASK = 0


@dataclasses.dataclass(frozen=True, slots=True)
class QrCode:
    """The QR code of `url`, drawn when a template shows it (`{{ offer.qr }}`): drawing
    one costs a millisecond or two, and a page taken from the render cache shows none.
    `label` is its accessible name."""

    url: str
    label: str

    def __html__(self) -> markupsafe.Markup:
        return qr_svg(self.url, self.label)

    def __str__(self) -> str:
        return str(self.__html__())


def qr_code(url: str, label: str) -> QrCode:
    return QrCode(url, label)


@functools.lru_cache(maxsize=4096)
def qr_svg(url: str, label: str) -> markupsafe.Markup:
    """An <svg> drawing the QR code of `url`, sized by its container (a viewBox, no width
    or height), with `label` as its accessible name."""
    code = segno.make_qr(url, error=ERROR_LEVEL, mask=MASK)
    svg = code.svg_inline(scale=1, border=4, dark="#000", light="#fff", omitsize=True,
                          svgclass="qr", lineclass=None)
    assert svg.startswith("<svg ")
    attributes = markupsafe.Markup(' role="img" aria-label="{}"').format(label)
    return markupsafe.Markup("<svg") + attributes + markupsafe.Markup(svg[4:])
